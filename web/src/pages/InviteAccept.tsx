/** `/invite#token=...`: join a team with an invite link. Signed in: join with this account. Not
 * signed in: create an account with a password (the username defaults to one made from the
 * invite's email), or sign in first with an existing account (the link waits in this tab). */
import { useState } from "react";
import { ApiError, type SessionInfo } from "../api/client";
import { signinApi } from "../signin/api";
import { forgetInvite, inviteToken, readOffer } from "../signin/invite";
import "../signin/signin.css";
import { SignIn } from "./SignIn";

interface Props {
  me: SessionInfo | null;
  onJoined: (s: SessionInfo, team: string) => void;
  onSignedIn: (s: SessionInfo) => void;
}

export function InviteAccept({ me, onJoined, onSignedIn }: Props): React.JSX.Element {
  const [token] = useState(() => inviteToken());
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [signIn, setSignIn] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const offer = token ? readOffer(token) : null;
  if (!token || !offer) {
    return (
      <div className="signin">
        <div className="signin-card" data-testid="invite">
          <h1>This invite link is incomplete</h1>
          <p className="muted">Open the whole link you were sent (it ends with #token=…), or ask a team admin for a new one.</p>
        </div>
      </div>
    );
  }
  if (!me && signIn) return <SignIn onSignedIn={onSignedIn} />;
  const accept = async (e: React.FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await signinApi.acceptInvite(token, me ? null : username.trim(), me ? null : password);
      forgetInvite();
      onJoined(session, offer.team);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not reach the server");
    } finally {
      setBusy(false);
    }
  };
  const mismatch = repeat !== "" && password !== repeat;
  return (
    <div className="signin">
      <form className="signin-card" onSubmit={(e) => void accept(e)} data-testid="invite">
        <h1>Join {offer.team}</h1>
        <p className="muted signin-note">
          You are invited to the team <b>{offer.team}</b> as <b>{offer.role}</b>
          {offer.email ? ` (${offer.email})` : ""}.
        </p>
        {me ? (
          <p className="signin-note">
            You will join as <b>{me.username}</b>.
          </p>
        ) : (
          <>
            <input autoComplete="username" placeholder={offer.email ? `Username (default: from ${offer.email})` : "Username"} value={username} onChange={(e) => setUsername(e.target.value)} aria-label="Username" data-testid="invite-username" />
            <input type="password" autoComplete="new-password" placeholder="Password (12 characters or more)" value={password} onChange={(e) => setPassword(e.target.value)} aria-label="Password" data-testid="invite-password" />
            <input type="password" autoComplete="new-password" placeholder="Password again" value={repeat} onChange={(e) => setRepeat(e.target.value)} aria-label="Password again" data-testid="invite-repeat" />
            {mismatch && <div className="filter-error">The two passwords differ.</div>}
          </>
        )}
        {error && (
          <div className="filter-error" role="alert" data-testid="invite-error">
            {error}
          </div>
        )}
        <button className="primary" type="submit" disabled={busy || (!me && (!password || password !== repeat))} data-testid="invite-accept">
          {me ? `Join ${offer.team}` : "Create account and join"}
        </button>
        {!me && (
          <button type="button" className="link muted" onClick={() => setSignIn(true)} data-testid="invite-sign-in">
            I already have an account: sign in first
          </button>
        )}
      </form>
    </div>
  );
}
