"""The audit log of security events: who signed in (or failed to), made or revoked a key, changed a
role, deleted something. One place records them so every part names its events the same way; only a
server admin reads them (routes check ``Action.SERVER_ADMIN``). Never record a secret here: keys,
passwords and tokens are named by their id or prefix only."""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from trackwell.store.base import AuditEvent, Database

if TYPE_CHECKING:  # a type only: services never import SQLAlchemy
    from sqlalchemy import Connection


class AuditAction(enum.StrEnum):
    LOGIN = "login"  # outcome "ok" or "failed"; detail {"method": "password" | "sso" | "key" | "link"}
    LOGOUT = "logout"
    LOGIN_THROTTLED = "login.throttled"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"  # admin flag, disabled
    USER_DELETE = "user.delete"
    PASSWORD_SET = "password.set"
    KEY_CREATE = "key.create"
    KEY_REVOKE = "key.revoke"
    TEAM_CREATE = "team.create"
    ROLE_CHANGE = "role.change"  # detail {"role": ...}; removal is role None
    INVITE_CREATE = "invite.create"
    INVITE_ACCEPT = "invite.accept"
    SERVICE_ACCOUNT_CREATE = "service_account.create"
    VISIBILITY_CHANGE = "visibility.change"
    RUN_DELETE = "run.delete"
    RUN_ARCHIVE = "run.archive"
    RUN_UNARCHIVE = "run.unarchive"
    RUN_MOVE = "run.move"
    PROJECT_DELETE = "project.delete"
    ACCESS_DENIED = "access.denied"
    # A report's public link made or revoked: target "e/p/reports/<id>", detail {"link_id"}.
    REPORT_LINK_CREATE = "report_link.create"
    REPORT_LINK_REVOKE = "report_link.revoke"


class AuditLog:
    def __init__(self, db: Database, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._clock = clock

    def record(
        self,
        action: AuditAction,
        *,
        actor: str | None,
        target: str | None = None,
        outcome: str = "ok",
        ip: str | None = None,
        detail: dict[str, Any] | None = None,
        conn: Connection | None = None,
    ) -> None:
        """Records the event, in ``conn``'s transaction when given (so it commits with the change it
        describes), else in a transaction of its own."""
        values: dict[str, Any] = {
            "at": self._clock(),
            "actor": actor,
            "action": action.value,
            "target": None if target is None else target[:512],
            "outcome": outcome,
            "ip": None if ip is None else ip[:64],
            "detail": detail,
        }
        if conn is not None:
            self._db.users.add_audit_event(conn, **values)
            return
        with self._db.begin() as own:
            self._db.users.add_audit_event(own, **values)

    def events(
        self, *, limit: int = 100, before_id: int | None = None, action: str | None = None
    ) -> list[AuditEvent]:
        with self._db.begin() as conn:
            return self._db.users.audit_events(
                conn, limit=min(max(limit, 1), 1000), before_id=before_id, action=action
            )
