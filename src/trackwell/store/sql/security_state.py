"""What several server processes must agree on, in the database (part of ``UserStore``): used and
revoked nonces (sign-outs, one-time links), sign-in rate limits, and the audit log."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from trackwell.store.base import AuditEvent
from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.tables import audit_events, auth_nonces, rate_limits


class SqlSecurityState:
    _dialect: Dialect

    def add_nonce(self, conn: Connection, nonce: str, purpose: str, expires_at: float) -> bool:
        stmt = (
            insert(self._dialect, auth_nonces)
            .values(nonce=nonce, purpose=purpose, expires_at=expires_at)
            .on_conflict_do_nothing(index_elements=["nonce"])
            .returning(auth_nonces.c.nonce)
        )
        # RETURNING, not rowcount: the PostgreSQL driver reports no reliable rowcount for an
        # INSERT .. ON CONFLICT DO NOTHING, which made every nonce look used already.
        return conn.execute(stmt).scalar_one_or_none() is not None

    def has_nonce(self, conn: Connection, nonce: str) -> bool:
        return (
            conn.execute(sa.select(auth_nonces.c.nonce).where(auth_nonces.c.nonce == nonce)).first()
            is not None
        )

    def purge_nonces(self, conn: Connection, now: float) -> int:
        return conn.execute(sa.delete(auth_nonces).where(auth_nonces.c.expires_at < now)).rowcount

    def take_token(
        self, conn: Connection, bucket: str, *, capacity: float, per_second: float, now: float
    ) -> bool:
        # Read-modify-write under the row lock (PostgreSQL) or SQLite's write transaction.
        conn.execute(
            insert(self._dialect, rate_limits)
            .values(bucket=bucket, tokens=capacity, updated_at=now)
            .on_conflict_do_nothing(index_elements=["bucket"])
        )
        row = conn.execute(
            sa.select(rate_limits.c.tokens, rate_limits.c.updated_at)
            .where(rate_limits.c.bucket == bucket)
            .with_for_update()
        ).one()
        tokens = min(capacity, row.tokens + max(0.0, now - row.updated_at) * per_second)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        # The refill clock never goes back: a process whose clock lags another's would otherwise
        # move it back, and the next process to look would refill the difference a second time.
        updated_at = max(now, row.updated_at)
        conn.execute(
            sa.update(rate_limits)
            .where(rate_limits.c.bucket == bucket)
            .values(tokens=tokens, updated_at=updated_at)
        )
        return bool(allowed)

    def add_audit_event(
        self,
        conn: Connection,
        *,
        at: float,
        actor: str | None,
        action: str,
        target: str | None,
        outcome: str,
        ip: str | None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        conn.execute(
            sa.insert(audit_events).values(
                at=at, actor=actor, action=action, target=target, outcome=outcome, ip=ip, detail=detail
            )
        )

    def audit_events(
        self, conn: Connection, *, limit: int = 100, before_id: int | None = None, action: str | None = None
    ) -> list[AuditEvent]:
        stmt = sa.select(audit_events).order_by(audit_events.c.id.desc()).limit(limit)
        if before_id is not None:
            stmt = stmt.where(audit_events.c.id < before_id)
        if action is not None:
            stmt = stmt.where(audit_events.c.action == action)
        return [
            AuditEvent(
                id=int(row.id),
                at=row.at,
                actor=row.actor,
                action=row.action,
                target=row.target,
                outcome=row.outcome,
                ip=row.ip,
                detail=row.detail,
            )
            for row in conn.execute(stmt)
        ]
