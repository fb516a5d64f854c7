"""Teams: list the caller's, create one (its creator or ``admin_username`` its admin), read its
members, set and remove roles (a team always keeps an admin), and make service accounts (a team's
user for CI and agents, whose key logs to the team). The rules are
:mod:`trackwell.service.access`'s; every change is in the audit log."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from trackwell.schema.errors import Conflict, NotFound
from trackwell.schema.identity import MemberOut, ServiceAccountOut, TeamDetailOut, TeamOut
from trackwell.service.access import (
    Action,
    ProjectRef,
    authorize,
    authorize_member_removal,
    authorize_team_creation,
)
from trackwell.service.audit import AuditAction, AuditLog
from trackwell.service.auth import AuthService
from trackwell.service.identity_common import Caller, audited_denial, find_user
from trackwell.service.usernames import username_base
from trackwell.store.base import Database, Member, Role, StoredEntity

if TYPE_CHECKING:  # a type only: services never import SQLAlchemy at run time
    from sqlalchemy import Connection


def member_out(member: Member) -> MemberOut:
    return MemberOut(
        username=member.user.username,
        email=member.user.email,
        role=member.role,
        kind=member.user.kind,
        since=member.since,
    )


def _team(db: Database, conn: Connection, name: str) -> StoredEntity:
    entity = db.users.get_entity(conn, name)
    if entity is None or entity.kind != "team":
        raise NotFound(
            f"team {name!r} not found", field="team", hint="check the team's name (GET /api/v1/teams)"
        )
    return entity


class TeamAdmin:
    def __init__(
        self,
        db: Database,
        auth: AuthService,
        audit: AuditLog,
        *,
        allow_team_creation: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._auth = auth
        self._audit = audit
        self._allow_team_creation = allow_team_creation
        self._clock = clock

    def list(self, caller: Caller) -> list[TeamOut]:
        with self._db.read() as conn:
            roles = self._db.users.roles_of(conn, caller.user.id)
            teams = self._db.users.list_entities(conn, "team")
            shown = [t for t in teams if t.name in roles or caller.user.is_admin]
            return [
                TeamOut(
                    name=t.name,
                    role=roles.get(t.name),
                    members_count=len(self._db.users.members(conn, t.name)),
                )
                for t in shown
            ]

    def create(self, caller: Caller, name: str, admin_username: str | None) -> TeamOut:
        with audited_denial(self._audit, caller, AuditAction.TEAM_CREATE, f"team:{name}"):
            authorize_team_creation(caller.principal, open_to_everyone=self._allow_team_creation)
        with self._db.begin() as conn:
            admin = caller.user if admin_username is None else find_user(self._db, conn, admin_username)
            if admin.kind != "user":
                raise Conflict("a service account cannot be a team's admin", field="admin_username")
            now = self._clock()
            existing = self._db.users.get_entity(conn, name)
            # Runs logged to a name before any team existed made it an entity of kind "team" with
            # no members: creating the team adopts it. Anything else of that name is taken.
            if existing is None or existing.kind != "team" or self._db.users.members(conn, name):
                self._db.users.create_team(conn, name, now=now)
            self._db.users.set_role(conn, name, admin.id, "admin", now=now)
            self._audit.record(
                AuditAction.TEAM_CREATE,
                actor=caller.name,
                target=f"team:{name}",
                ip=caller.ip,
                detail={"admin": admin.username},
                conn=conn,
            )
        self._auth.forget_user(admin.id)
        role = "admin" if admin.id == caller.user.id else None
        return TeamOut(name=name, role=role, members_count=1)

    def detail(self, caller: Caller, name: str) -> TeamDetailOut:
        with self._db.read() as conn:
            _team(self._db, conn, name)
            authorize(caller.principal, Action.PROJECT_READ, ProjectRef(name))
            return TeamDetailOut(
                name=name, members=[member_out(m) for m in self._db.users.members(conn, name)]
            )

    def set_role(self, caller: Caller, team: str, name_or_email: str, role: Role) -> MemberOut:
        self._check_team_admin(caller, team, AuditAction.ROLE_CHANGE)
        with self._db.begin() as conn:
            user = find_user(self._db, conn, name_or_email)
            before = {m.user.id: m for m in self._db.users.members(conn, team)}
            if role != "admin" and self._is_last_admin(before, user.id):
                raise Conflict(
                    f"{user.username!r} is the last admin of {team!r}",
                    field="role",
                    hint="make another member admin first; a team always keeps an admin",
                )
            self._db.users.set_role(conn, team, user.id, role, now=self._clock())
            self._audit.record(
                AuditAction.ROLE_CHANGE,
                actor=caller.name,
                target=f"team:{team}",
                ip=caller.ip,
                detail={
                    "user": user.username,
                    "role": role,
                    "was": getattr(before.get(user.id), "role", None),
                },
                conn=conn,
            )
            member = next(m for m in self._db.users.members(conn, team) if m.user.id == user.id)
        self._auth.forget_user(user.id)
        return member_out(member)

    def _check_team_admin(self, caller: Caller, team: str, action: AuditAction) -> None:
        """The team exists and the caller is its admin. Checked before any write transaction: a
        refusal is audited in a transaction of its own, which on SQLite would wait for the write
        lock an open transaction holds."""
        with self._db.read() as conn:
            _team(self._db, conn, team)
        with audited_denial(self._audit, caller, action, f"team:{team}"):
            authorize(caller.principal, Action.ENTITY_ADMIN, ProjectRef(team))

    @staticmethod
    def _is_last_admin(members: dict[int, Member], user_id: int) -> bool:
        admins = [uid for uid, m in members.items() if m.role == "admin"]
        return admins == [user_id]

    def remove(self, caller: Caller, team: str, username: str) -> None:
        with self._db.read() as conn:
            _team(self._db, conn, team)
            user = find_user(self._db, conn, username)
        with audited_denial(self._audit, caller, AuditAction.ROLE_CHANGE, f"team:{team}"):
            authorize_member_removal(caller.principal, team, user)
        with self._db.begin() as conn:
            members = {m.user.id: m for m in self._db.users.members(conn, team)}
            if user.id not in members:
                raise NotFound(f"{user.username!r} is not a member of {team!r}", field="username")
            if self._is_last_admin(members, user.id):
                raise Conflict(
                    f"{user.username!r} is the last admin of {team!r}",
                    field="username",
                    hint="make another member admin first; a team always keeps an admin",
                )
            self._db.users.remove_member(conn, team, user.id)
            self._audit.record(
                AuditAction.ROLE_CHANGE,
                actor=caller.name,
                target=f"team:{team}",
                ip=caller.ip,
                detail={"user": user.username, "role": None, "was": members[user.id].role},
                conn=conn,
            )
        self._auth.forget_user(user.id)

    def create_service_account(self, caller: Caller, team: str, description: str | None) -> ServiceAccountOut:
        self._check_team_admin(caller, team, AuditAction.SERVICE_ACCOUNT_CREATE)
        with self._db.begin() as conn:
            # The team's name and a random tail: unique without asking, and readable in run lists.
            username = f"{username_base(team)[:40]}-bot-{secrets.token_hex(4)}"
            account = self._db.users.create_service_account(conn, team, username, now=self._clock())
            name = (description or "").strip() or "service account"
            minted = self._auth.mint_key(account.id, name, conn)
            self._audit.record(
                AuditAction.SERVICE_ACCOUNT_CREATE,
                actor=caller.name,
                target=f"team:{team}",
                ip=caller.ip,
                detail={"username": username, "key_id": minted.id, "key_prefix": minted.prefix},
                conn=conn,
            )
        return ServiceAccountOut(username=username, api_key=minted.key)
