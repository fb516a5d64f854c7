/** Settings → Password: set your own password (for servers that allow password sign-in). The current
 * password is asked for when the account has one; the server's policy errors show as they come. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError } from "../api/client";
import { signinApi } from "./api";
import "./signin.css";

export function ChangePassword(): React.JSX.Element | null {
  const methods = useQuery({ queryKey: ["auth-methods"], queryFn: signinApi.methods, staleTime: Infinity });
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!methods.data?.password) return null;
  const mismatch = repeat !== "" && next !== repeat;
  const submit = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await signinApi.changePassword(current || null, next);
      setDone(true);
      setCurrent("");
      setNext("");
      setRepeat("");
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not reach the server");
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="admin-section" data-testid="change-password">
      <h2>Password</h2>
      <form onSubmit={(e) => void submit(e)} className="signin-section password-form">
        <p className="muted signin-note">For signing in with your username or email. At least 12 characters; a passphrase of a few words works well.</p>
        <input type="password" autoComplete="current-password" placeholder="Current password (if you have one)" value={current} onChange={(e) => setCurrent(e.target.value)} aria-label="Current password" />
        <input type="password" autoComplete="new-password" placeholder="New password" value={next} onChange={(e) => setNext(e.target.value)} aria-label="New password" data-testid="new-password" />
        <input type="password" autoComplete="new-password" placeholder="New password again" value={repeat} onChange={(e) => setRepeat(e.target.value)} aria-label="New password again" />
        {mismatch && <div className="filter-error">The two new passwords differ.</div>}
        {error && (
          <div className="filter-error" role="alert">
            {error}
          </div>
        )}
        {done && <div className="signin-ok">Password changed.</div>}
        <button className="primary" type="submit" disabled={busy || !next || next !== repeat}>
          Set password
        </button>
      </form>
    </section>
  );
}
