"""Who a single sign-on makes you: the account for an OpenID Connect identity, made on first sign-in,
and team roles from the provider's groups.

An identity is the issuer and the ``sub`` claim together (``users.sso_subject``), so a second
provider can never take over the first one's accounts. On the first sign-in:

* an existing account with the same email is linked only when the provider says the email is
  verified (``email_verified: true``): otherwise anyone who can type that address at a lax provider
  would get the account;
* else a new account is made: its username is ``preferred_username``, else the email's local part,
  else ``user``, made valid (letters, digits, ``-_.``) and unique with ``-2``, ``-3``, ...

With a groups claim configured (``OidcConfig.groups_claim`` and ``team_map``), the provider is the
source of truth for the mapped teams: each sign-in sets the user's role in each mapped team to the
highest role their groups give, and removes them from a mapped team none of their groups names.
Teams not in the map are left alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from trackwell.schema.errors import PermissionDenied
from trackwell.service.audit import AuditAction, AuditLog
from trackwell.service.oidc_config import OidcConfig
from trackwell.service.usernames import free_username
from trackwell.store.base import ROLES, Database, Role, User

if TYPE_CHECKING:  # a type only: services never import SQLAlchemy at run time
    from sqlalchemy import Connection


def _rank(role: Role) -> int:
    return len(ROLES) - ROLES.index(role)  # admin 3 > member 2 > viewer 1


class OidcAccounts:
    def __init__(
        self, db: Database, config: OidcConfig, audit: AuditLog, clock: Callable[[], float] = time.time
    ) -> None:
        self._db = db
        self._config = config
        self._audit = audit
        self._clock = clock

    def user_for(self, claims: dict[str, Any], *, ip: str | None) -> User:
        """The account these (validated) claims sign in, made or linked on first use."""
        subject = f"{claims['iss']}#{claims['sub']}"
        email = claims.get("email") if isinstance(claims.get("email"), str) else None
        with self._db.begin() as conn:
            user = self._db.users.get_user_by_sso_subject(conn, subject)
            if user is None:
                user = self._link_or_create(conn, subject, email, claims, ip)
            if user.disabled:
                raise PermissionDenied(
                    f"The account {user.username!r} is disabled on this server",
                    hint="ask a server admin to enable it",
                )
            if self._config.groups_claim:
                self._sync_team_roles(conn, user, claims.get(self._config.groups_claim), ip)
        return user

    def _link_or_create(
        self, conn: Connection, subject: str, email: str | None, claims: dict[str, Any], ip: str | None
    ) -> User:
        existing = self._db.users.get_user_by_email(conn, email) if email else None
        if existing is not None and claims.get("email_verified") is True and existing.kind == "user":
            self._audit.record(AuditAction.USER_UPDATE, actor=existing.username, target=existing.username,
                               ip=ip, detail={"sso": "linked by verified email"}, conn=conn)  # fmt: skip
            return self._db.users.update_user(conn, existing.id, sso_subject=subject)
        wanted = claims.get("preferred_username") or (email or "").partition("@")[0]
        username = free_username(self._db, conn, wanted if isinstance(wanted, str) else None)
        display = claims.get("name") if isinstance(claims.get("name"), str) else None
        user = self._db.users.create_user(
            conn,
            username,
            is_admin=False,
            now=self._clock(),
            email=None if existing is not None else email,  # an unverified claim to a taken email
            display_name=display,
            sso_subject=subject,
        )
        self._audit.record(AuditAction.USER_CREATE, actor=username, target=username, ip=ip,
                           detail={"via": "sso"}, conn=conn)  # fmt: skip
        return user

    def _sync_team_roles(self, conn: Connection, user: User, groups: object, ip: str | None) -> None:
        names = {g for g in groups if isinstance(g, str)} if isinstance(groups, list) else set()
        wanted: dict[str, Role] = {}
        for group, (team, given) in self._config.team_map.items():
            if group in names and (team not in wanted or _rank(given) > _rank(wanted[team])):
                wanted[team] = given
        current = self._db.users.roles_of(conn, user.id)
        for team in {team for team, _ in self._config.team_map.values()}:
            role = wanted.get(team)
            if role == current.get(team):
                continue
            if role is None:
                self._db.users.remove_member(conn, team, user.id)
            else:
                if self._db.users.get_entity(conn, team) is None:
                    self._db.users.create_team(conn, team, now=self._clock())
                self._db.users.set_role(conn, team, user.id, role, now=self._clock())
            self._audit.record(AuditAction.ROLE_CHANGE, actor=user.username, target=f"{team}/{user.username}",
                               ip=ip, detail={"role": role, "via": "sso groups"}, conn=conn)  # fmt: skip
