"""Users: the caller's own identity (``/viewer``) and a server admin's account management (create,
read, change, disable, delete). Who may do what is :mod:`trackwell.service.access`'s rule."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from trackwell.schema.errors import Conflict, InvalidArgument
from trackwell.schema.identity import TeamRoleOut, UserCreate, UserOut, UserUpdate, ViewerOut
from trackwell.service.access import Action, ProjectRef, authorize, authorize_account
from trackwell.service.audit import AuditAction, AuditLog
from trackwell.service.auth import AuthService
from trackwell.service.identity_common import Caller, audited_denial, find_user, sole_admin_of
from trackwell.service.passwords import check_policy
from trackwell.service.usernames import check_username, free_username
from trackwell.store.base import Database, User


class PasswordHasher(Protocol):
    """``service.passwords.PasswordService``: Argon2id hashes."""

    def hash(self, password: str) -> str: ...


def user_out(user: User) -> UserOut:
    return UserOut(
        username=user.username,
        email=user.email,
        display_name=user.display_name,
        is_admin=user.is_admin,
        kind=user.kind,
        disabled=user.disabled,
        entity=user.entity,
    )


class UserAdmin:
    def __init__(
        self,
        db: Database,
        auth: AuthService,
        audit: AuditLog,
        passwords: PasswordHasher | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._db = db
        self._auth = auth
        self._audit = audit
        self._passwords = passwords
        self._clock = clock

    def viewer(self, caller: Caller) -> ViewerOut:
        user = caller.user
        with self._db.read() as conn:
            roles = self._db.users.roles_of(conn, user.id)
            teams = {e.name for e in self._db.users.list_entities(conn, "team")}
        return ViewerOut(
            username=user.username,
            entity=user.entity,
            is_admin=user.is_admin,
            email=user.email,
            display_name=user.display_name,
            kind=user.kind,
            teams=[
                TeamRoleOut(name=name, role=role) for name, role in sorted(roles.items()) if name in teams
            ],
        )

    def _server_admin(self, caller: Caller, action: AuditAction, target: str) -> None:
        with audited_denial(self._audit, caller, action, target):
            authorize(caller.principal, Action.SERVER_ADMIN, ProjectRef(caller.user.entity))

    def list_users(self, caller: Caller) -> list[UserOut]:
        self._server_admin(caller, AuditAction.USER_UPDATE, "users")
        with self._db.read() as conn:
            return [user_out(u) for u in self._db.users.list_users(conn, include_service=True)]

    def create(self, caller: Caller, body: UserCreate) -> UserOut:
        self._server_admin(caller, AuditAction.USER_CREATE, body.email)
        if body.username is not None:
            check_username(body.username)
        if body.password is not None and self._passwords is None:
            raise InvalidArgument("this server does not sign in with passwords", field="password")
        with self._db.begin() as conn:
            username = body.username or free_username(self._db, conn, body.email.split("@", 1)[0])
            password_hash = None
            if body.password is not None and self._passwords is not None:
                # Checked and hashed before anything is written: the account and its password are
                # made together or not at all.
                check_policy(body.password, username=username, email=body.email)
                password_hash = self._passwords.hash(body.password)
            user = self._db.users.create_user(
                conn,
                username,
                is_admin=body.admin,
                now=self._clock(),
                email=body.email,
                password_hash=password_hash,
            )
            self._audit.record(
                AuditAction.USER_CREATE,
                actor=caller.name,
                target=f"user:{username}",
                ip=caller.ip,
                detail={"admin": body.admin, "password": password_hash is not None},
                conn=conn,
            )
        return user_out(user)

    def get(self, caller: Caller, name_or_email: str) -> UserOut:
        with self._db.read() as conn:
            user = find_user(self._db, conn, name_or_email)
        authorize_account(caller.principal, user)
        return user_out(user)

    def update(self, caller: Caller, username: str, body: UserUpdate) -> UserOut:
        self._server_admin(caller, AuditAction.USER_UPDATE, f"user:{username}")
        changes = body.model_dump(exclude_none=True)
        with self._db.begin() as conn:
            user = find_user(self._db, conn, username)
            if user.kind == "service" and body.admin:
                raise Conflict(
                    f"{user.username!r} is a service account, which cannot be a server admin",
                    field="admin",
                    hint="give the team's service account a role in the team instead",
                )
            if user.id == caller.user.id and (body.admin is False or body.disabled):
                raise Conflict(
                    "a server admin cannot remove their own admin flag or disable themselves",
                    field="admin" if body.admin is False else "disabled",
                    hint="ask another server admin to do it",
                )
            changed = self._db.users.update_user(
                conn,
                user.id,
                is_admin=body.admin,
                disabled=body.disabled,
                email=body.email,
                display_name=body.display_name,
            )
            self._audit.record(
                AuditAction.USER_UPDATE,
                actor=caller.name,
                target=f"user:{user.username}",
                ip=caller.ip,
                detail=changes,
                conn=conn,
            )
        self._auth.forget_user(user.id)  # a disabled user's keys stop working in this process now
        return user_out(changed)

    def delete(self, caller: Caller, username: str) -> None:
        self._server_admin(caller, AuditAction.USER_DELETE, f"user:{username}")
        with self._db.begin() as conn:
            user = find_user(self._db, conn, username)
            if user.id == caller.user.id:
                raise Conflict("a server admin cannot delete themselves", field="username")
            sole = sole_admin_of(self._db, conn, user)
            if sole:
                raise Conflict(
                    f"{user.username!r} is the only admin of the team(s) {', '.join(sole)}",
                    field="username",
                    hint="make another member admin of those teams first",
                )
            self._db.users.delete_user(conn, user.id)
            self._audit.record(
                AuditAction.USER_DELETE,
                actor=caller.name,
                target=f"user:{user.username}",
                ip=caller.ip,
                conn=conn,
            )
        self._auth.forget_user(user.id)
