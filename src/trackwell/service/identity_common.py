"""What the identity services share: who is asking (:class:`Caller`), looking a user up by name or
email, and recording a refused attempt in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trackwell.schema.errors import NotFound, PermissionDenied
from trackwell.service.audit import AuditAction, AuditLog
from trackwell.store.base import Database, Principal, User

if TYPE_CHECKING:  # a type only: services never import SQLAlchemy at run time
    from sqlalchemy import Connection


@dataclass(frozen=True, slots=True)
class Caller:
    principal: Principal
    ip: str | None = None

    @property
    def user(self) -> User:
        return self.principal.user

    @property
    def name(self) -> str:
        return self.principal.user.username


def find_user(db: Database, conn: Connection, name_or_email: str) -> User:
    """A user by username, or by email when the text holds an ``@``; ``NotFound`` otherwise."""
    if "@" in name_or_email:
        user = db.users.get_user_by_email(conn, name_or_email)
    else:
        user = db.users.get_user(conn, name_or_email)
    if user is None:
        raise NotFound(
            f"user {name_or_email!r} not found",
            field="username",
            hint="check the username or email (a server admin lists users with GET /api/v1/users)",
        )
    return user


@contextmanager
def audited_denial(audit: AuditLog, caller: Caller, action: AuditAction, target: str) -> Iterator[None]:
    """Records a refused attempt at ``action`` (outcome ``denied``) and lets the refusal through."""
    try:
        yield
    except (PermissionDenied, NotFound) as refused:
        audit.record(
            AuditAction.ACCESS_DENIED,
            actor=caller.name,
            target=target,
            outcome="denied",
            ip=caller.ip,
            detail={"action": action.value, "reason": refused.code},
        )
        raise


def sole_admin_of(db: Database, conn: Connection, user: User) -> list[str]:
    """The teams whose only admin is ``user`` (a team always keeps an admin)."""
    sole = []
    for entity, role in sorted(db.users.roles_of(conn, user.id).items()):
        if role != "admin" or entity == user.entity:
            continue
        admins = [m.user.id for m in db.users.members(conn, entity) if m.role == "admin"]
        if admins == [user.id]:
            sole.append(entity)
    return sole
