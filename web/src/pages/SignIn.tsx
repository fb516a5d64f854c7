/** Sign in with an API key. The key goes to the server once, in a POST body, and is exchanged
 * for an HttpOnly session cookie; the page never stores it. */
import { useState } from "react";
import { api, ApiError, type SessionInfo } from "../api/client";

export function SignIn({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }): React.JSX.Element {
  const [key, setKey] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.signIn(key.trim()));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not reach the server");
    } finally {
      setBusy(false);
      setKey("");
    }
  };
  return (
    <div className="signin">
      <form onSubmit={submit} className="signin-card">
        <h1>Sign in to Trackwell</h1>
        <p className="muted">
          Paste an API key of this server. On your own machine, run <code>trackwell ui</code> to open a sign-in link instead; the
          local key is in <code>~/.trackwell/local-api-key</code>.
        </p>
        <input type="password" autoComplete="off" placeholder="API key" value={key} onChange={(e) => setKey(e.target.value)} aria-label="API key" autoFocus data-testid="api-key" />
        {error && (
          <div className="filter-error" role="alert">
            {error}
          </div>
        )}
        <button className="primary" disabled={busy || !key.trim()} type="submit">
          Sign in
        </button>
      </form>
    </div>
  );
}
