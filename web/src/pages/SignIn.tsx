/** Sign in with what this server offers (GET /api/v1/auth/methods): single sign-on, a username or
 * email and password, or an API key. Secrets go to the server once, in a POST body, and are
 * exchanged for an HttpOnly session cookie; the page never stores them. A failed single sign-on
 * comes back here as `/signin?error=...`. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, type SessionInfo } from "../api/client";
import { signinApi, ssoHref } from "../signin/api";
import "../signin/signin.css";

function message(err: unknown): string {
  return err instanceof ApiError ? err.message : "Could not reach the server";
}

function afterSignIn(): string {
  const { pathname, search } = window.location;
  return pathname === "/signin" ? "/" : pathname + search;
}

export function SignIn({ onSignedIn }: { onSignedIn: (s: SessionInfo) => void }): React.JSX.Element {
  const methods = useQuery({ queryKey: ["auth-methods"], queryFn: signinApi.methods, staleTime: Infinity, retry: 1 });
  const [error, setError] = useState<string | null>(() => new URLSearchParams(window.location.search).get("error"));
  const [busy, setBusy] = useState(false);
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [key, setKey] = useState("");

  const attempt = async (e: React.FormEvent, call: () => Promise<SessionInfo>, clear: () => void): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await call());
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
      clear();
    }
  };
  const oidc = methods.data?.oidc ?? null;
  const passwords = methods.data?.password ?? false;
  const keyForm = (
    <form onSubmit={(e) => void attempt(e, () => signinApi.withKey(key.trim()), () => setKey(""))} className="signin-section">
      <p className="muted signin-note">
        Paste an API key of this server. On your own machine, run <code>trackwell ui</code> to open a sign-in link instead; the local key is in{" "}
        <code>~/.trackwell/local-api-key</code>.
      </p>
      <input type="password" autoComplete="off" placeholder="API key" value={key} onChange={(e) => setKey(e.target.value)} aria-label="API key" data-testid="api-key" />
      <button className={oidc || passwords ? "" : "primary"} disabled={busy || !key.trim()} type="submit" data-testid="api-key-submit">
        {oidc || passwords ? "Sign in with API key" : "Sign in"}
      </button>
    </form>
  );
  return (
    <div className="signin">
      <div className="signin-card">
        <h1>Sign in to Trackwell</h1>
        {error && (
          <div className="filter-error" role="alert" data-testid="signin-error">
            {error}
          </div>
        )}
        {methods.isPending && <div className="muted">Loading…</div>}
        {oidc && (
          <a className="button primary signin-sso" href={ssoHref(oidc.login_url, afterSignIn())} data-testid="sso">
            Sign in with {oidc.name}
          </a>
        )}
        {oidc && passwords && <div className="signin-or">or</div>}
        {passwords && (
          <form
            onSubmit={(e) => void attempt(e, () => signinApi.withPassword(login.trim(), password), () => setPassword(""))}
            className="signin-section"
          >
            <input autoComplete="username" placeholder="Username or email" value={login} onChange={(e) => setLogin(e.target.value)} aria-label="Username or email" data-testid="login" autoFocus={!oidc} />
            <input type="password" autoComplete="current-password" placeholder="Password" value={password} onChange={(e) => setPassword(e.target.value)} aria-label="Password" data-testid="password" />
            <button className={oidc ? "" : "primary"} disabled={busy || !login.trim() || !password} type="submit">
              Sign in
            </button>
          </form>
        )}
        {(oidc || passwords) && <div className="signin-or">or with an API key</div>}
        {keyForm}
      </div>
    </div>
  );
}
