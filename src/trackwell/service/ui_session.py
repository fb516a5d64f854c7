"""Browser sessions for the web UI: sign in with an API key, or with a one-time link from the CLI.

The browser never holds the API key: signing in exchanges it for a session cookie (HttpOnly, so
page scripts cannot read it; SameSite=Strict, so other sites cannot send it). Cookie-authenticated
unsafe requests must also carry ``X-CSRF-Token``, a value derived from the session that other
origins cannot read, which closes the remaining cross-site request paths.

Sessions and login tokens are HMAC-signed with a server secret kept in the data directory (mode
0600), so every server process on that directory accepts them and a restart keeps users signed in.
What must be remembered, sign-outs and the single use of login tokens, is kept in the database
(``UserStore.add_nonce``/``has_nonce``, until the session or token would have expired anyway), so
several server processes on one database behave as one: a link used on one is refused by the
others, and a signed-out session is refused by all. A disabled user's sessions stop working at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trackwell.schema.errors import InvalidArgument, PermissionDenied, Unauthorized
from trackwell.schema.ui import SessionInfo
from trackwell.service.auth import AuthService
from trackwell.store.base import Database, User

SESSION_COOKIE = "trackwell_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_SECONDS = 7 * 24 * 3600
LOGIN_TOKEN_SECONDS = 10 * 60
SECRET_FILE = "session-secret"
_SIGNED_OUT = "session.signout"  # the purpose of a signed-out session's mark in auth_nonces


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    session_id: str
    expires_at: float


def load_or_create_secret(data_dir: Path) -> bytes:
    """The signing secret in ``<data_dir>/session-secret``, created (0600) on first use."""
    path = data_dir / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # A name of its own per call: two threads of one process may get here at once.
        tmp = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode("ascii"))
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)  # atomic and never overwrites a secret another process just made
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionService:
    def __init__(
        self,
        db: Database,
        auth: AuthService,
        secret: bytes,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the session secret must be at least 16 bytes")
        self._db = db
        self._auth = auth
        self._secret = secret
        self._clock = clock

    # -- signing ----------------------------------------------------------------------------------

    def sign(self, purpose: str, payload: dict[str, object]) -> str:
        body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
        mac = hmac.new(self._secret, f"{purpose}|{body}".encode("ascii"), hashlib.sha256).digest()
        return f"{body}.{_b64(mac)}"

    def verify(self, purpose: str, token: str) -> dict[str, object] | None:
        body, _, mac = token.partition(".")
        if not body or not mac:
            return None
        try:
            # A token from outside may hold any text: non-ASCII fails here, as any bad token does
            # (found by schemathesis: it was a 500).
            want = hmac.new(self._secret, f"{purpose}|{body}".encode("ascii"), hashlib.sha256).digest()
            if not hmac.compare_digest(want, _unb64(mac)):
                return None
            payload = json.loads(_unb64(body))
        except (ValueError, TypeError):
            return None
        if not isinstance(payload, dict) or float(payload.get("exp", 0)) <= self._clock():
            return None
        return payload

    def _revoke(self, nonce: str, purpose: str, expires_at: float) -> bool:
        """Mark used; False when it already was (a replayed one-time token), in any process."""
        with self._db.begin() as conn:
            self._db.users.purge_nonces(conn, self._clock())
            return self._db.users.add_nonce(conn, f"{purpose}:{nonce}", purpose, expires_at)

    # -- sessions ---------------------------------------------------------------------------------

    def sign_in_with_key(self, api_key: str) -> tuple[str, SessionInfo]:
        """(cookie value, session info) for a valid API key; ``Unauthorized`` otherwise."""
        return self.start(self._auth.authenticate(api_key))

    def start(self, user: User) -> tuple[str, SessionInfo]:
        """A new session for a user who has proven who they are (key, password, SSO, link, invite)."""
        sid = secrets.token_urlsafe(16)
        exp = self._clock() + SESSION_SECONDS
        cookie = self.sign("session", {"u": user.username, "sid": sid, "exp": exp})
        return cookie, self.info(Session(user=user, session_id=sid, expires_at=exp))

    def info(self, session: Session) -> SessionInfo:
        return SessionInfo(
            username=session.user.username,
            entity=session.user.entity,
            is_admin=session.user.is_admin,
            csrf_token=self.csrf_token(session),
            expires_at=session.expires_at,
        )

    def csrf_token(self, session: Session) -> str:
        mac = hmac.new(self._secret, f"csrf|{session.session_id}".encode("ascii"), hashlib.sha256)
        return _b64(mac.digest())

    def resolve(self, cookie: str | None) -> Session | None:
        """The session a cookie carries; None when absent, forged, expired, revoked or its user gone."""
        if not cookie:
            return None
        payload = self.verify("session", cookie)
        if payload is None:
            return None
        sid, username = str(payload.get("sid", "")), str(payload.get("u", ""))
        if not sid:
            return None
        with self._db.read() as conn:  # one read per request: the sign-out mark and the user
            if self._db.users.has_nonce(conn, f"{_SIGNED_OUT}:{sid}"):
                return None
            user = self._db.users.get_user(conn, username)
        if user is None or user.disabled:
            return None
        return Session(user=user, session_id=sid, expires_at=float(str(payload["exp"])))

    def check_csrf(self, session: Session, header_value: str | None) -> None:
        if not header_value or not hmac.compare_digest(header_value, self.csrf_token(session)):
            raise PermissionDenied(
                f"Missing or wrong {CSRF_HEADER} header for a cookie-authenticated change",
                field=CSRF_HEADER,
                hint="send the csrf_token from GET /api/v1/session in the X-CSRF-Token header",
            )

    def sign_out(self, session: Session) -> None:
        self._revoke(session.session_id, _SIGNED_OUT, session.expires_at)

    # -- one-time sign-in links -------------------------------------------------------------------

    def login_token(self, user: User) -> tuple[str, float]:
        exp = self._clock() + LOGIN_TOKEN_SECONDS
        return self.sign("login", {"u": user.username, "n": secrets.token_urlsafe(12), "exp": exp}), exp

    def redeem_login_token(self, token: str) -> tuple[str, SessionInfo]:
        """Exchange a one-time token for a session; a token works once, and only until it expires."""
        payload = self.verify("login", token) if token else None
        if payload is None:
            raise Unauthorized(
                "This sign-in link is invalid or has expired",
                hint="run 'trackwell ui' for a fresh link, or sign in with an API key",
            )
        if not self._revoke(str(payload.get("n", "")), "login.link", float(str(payload["exp"]))):
            raise Unauthorized(
                "This sign-in link was already used",
                hint="run 'trackwell ui' for a fresh link, or sign in with an API key",
            )
        with self._db.read() as conn:
            user = self._db.users.get_user(conn, str(payload.get("u", "")))
        if user is None or user.disabled:
            raise InvalidArgument(
                "The user of this sign-in link no longer exists or is disabled", field="token"
            )
        return self.start(user)
