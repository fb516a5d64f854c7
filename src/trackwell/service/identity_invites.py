"""Invite links: a team admin makes a signed, expiring, single-use token that names the team, the
role and (optionally) the invitee's email; ``POST /api/v1/invites/accept`` (server/routes/invites.py)
calls :meth:`Invites.redeem`, which checks the signature and expiry and spends the token through
``auth_nonces``, so a link works once across every server process.

The link carries the token in its fragment (``/invite#token=...``): browsers never send a fragment
to a server, so the token stays out of access logs and proxies.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from trackwell.schema.errors import InvalidArgument, NotFound
from trackwell.schema.identity import InviteOut
from trackwell.service.access import Action, ProjectRef, authorize
from trackwell.service.audit import AuditAction, AuditLog
from trackwell.service.identity_common import Caller, audited_denial
from trackwell.store.base import ROLES, Database, Role

INVITE_PURPOSE = "invite"
INVITE_SECONDS = 7 * 24 * 3600.0


class Signer(Protocol):
    """``service.ui_session.SessionService``: HMAC-signed payloads with an ``exp``."""

    def sign(self, purpose: str, payload: dict[str, object]) -> str: ...

    def verify(self, purpose: str, token: str) -> dict[str, object] | None: ...


@dataclass(frozen=True, slots=True)
class InviteGrant:
    """What a redeemed invite gives: a role in a team, for the email when it names one."""

    team: str
    role: Role
    email: str | None
    invited_by: str


def _bad_invite() -> InvalidArgument:
    return InvalidArgument(
        "this invite link is not valid: it was used already, has expired, or was changed",
        field="token",
        hint="ask a team admin for a new invite link",
    )


class Invites:
    def __init__(
        self,
        db: Database,
        signer: Signer,
        audit: AuditLog,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._signer = signer
        self._audit = audit
        self._clock = clock

    def create(self, caller: Caller, team: str, role: Role, email: str | None, base_url: str) -> InviteOut:
        with self._db.read() as conn:
            entity = self._db.users.get_entity(conn, team)
        if entity is None or entity.kind != "team":
            raise NotFound(f"team {team!r} not found", field="team")
        with audited_denial(self._audit, caller, AuditAction.INVITE_CREATE, f"team:{team}"):
            authorize(caller.principal, Action.ENTITY_ADMIN, ProjectRef(team))
        expires_at = self._clock() + INVITE_SECONDS
        payload: dict[str, object] = {
            "team": team,
            "role": role,
            "email": email,
            "by": caller.name,
            "nonce": secrets.token_urlsafe(16),
            "exp": expires_at,
        }
        token = self._signer.sign(INVITE_PURPOSE, payload)
        self._audit.record(
            AuditAction.INVITE_CREATE,
            actor=caller.name,
            target=f"team:{team}",
            ip=caller.ip,
            detail={"role": role, "email": email, "expires_at": expires_at},
        )
        return InviteOut(
            url=f"{base_url.rstrip('/')}/invite#token={token}", token=token, expires_at=expires_at
        )

    def _grant(self, token: str) -> tuple[InviteGrant, str, float]:
        """The grant a genuine, unexpired token carries, with its nonce and expiry."""
        # A token is ASCII (base64url); anything else is refused here, before the signature check.
        payload = self._signer.verify(INVITE_PURPOSE, token) if token.isascii() else None
        if payload is None:
            raise _bad_invite()
        team, nonce, exp = payload.get("team"), payload.get("nonce"), payload.get("exp")
        role = next((r for r in ROLES if r == payload.get("role")), None)
        if not isinstance(team, str) or role is None or not isinstance(nonce, str):
            raise _bad_invite()
        if not isinstance(exp, int | float):
            raise _bad_invite()
        email = payload.get("email")
        grant = InviteGrant(
            team=team,
            role=role,
            email=email if isinstance(email, str) else None,
            invited_by=str(payload.get("by")),
        )
        return grant, nonce, float(exp)

    def peek(self, token: str) -> InviteGrant:
        """The grant of a genuine, unexpired token, without spending it (to check who may use it
        before it is spent; ``redeem`` still refuses one already used)."""
        return self._grant(token)[0]

    def redeem(self, token: str) -> InviteGrant:
        """The grant of a valid, unspent invite, spending it (``InvalidArgument`` otherwise)."""
        grant, nonce, expires_at = self._grant(token)
        with self._db.begin() as conn:
            self._db.users.purge_nonces(conn, self._clock())
            if not self._db.users.add_nonce(conn, f"{INVITE_PURPOSE}:{nonce}", INVITE_PURPOSE, expires_at):
                raise _bad_invite()
        return grant
