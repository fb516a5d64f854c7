"""``AlertStore`` on SQL: the alerts runs raised, one row each, deleted with their run.

Alerts are few per run (wandb rate-limits them per title), so one index on ``(run_pk, created_at)``
serves both reads: the run page's list and the rate limit's "latest alert with this title". The
title is deliberately not indexed: a title may be any length, and PostgreSQL refuses B-tree
entries over ~2.7 kB, which would fail the whole record batch.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import Column, Connection, Double, ForeignKey, Index, Integer, String, Table

from trackwell.store.base import StoredAlert
from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.tables import Id
from trackwell.store.sql.text_type import NulSafeText

run_alerts = Table(
    "run_alerts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_pk", Id, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("title", NulSafeText, nullable=False),
    Column("text", NulSafeText, nullable=False),
    Column("level", String(8), nullable=False),
    Column("wait_duration", Double, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("suppressed", Integer, nullable=False, server_default="0"),
    Index("ix_run_alerts_run_created", "run_pk", "created_at"),
)


def _alert(row: sa.Row[tuple[object, ...]]) -> StoredAlert:
    m = row._mapping
    return StoredAlert(
        id=int(m["id"]),
        title=str(m["title"]),
        text=str(m["text"]),
        level=str(m["level"]),
        wait_duration=float(m["wait_duration"]),
        created_at=float(m["created_at"]),
        suppressed=int(m["suppressed"]),
    )


class SqlAlertStore:
    def add_alert(
        self,
        conn: Connection,
        run_pk: int,
        title: str,
        text: str,
        level: str,
        wait_duration: float,
        created_at: float,
    ) -> StoredAlert:
        values = {
            "run_pk": run_pk,
            "title": title,
            "text": text,
            "level": level,
            "wait_duration": wait_duration,
            "created_at": created_at,
            "suppressed": 0,
        }
        pk = conn.execute(sa.insert(run_alerts).values(values).returning(run_alerts.c.id)).scalar_one()
        return StoredAlert(int(pk), title, text, level, wait_duration, created_at, 0)

    def latest_alert(self, conn: Connection, run_pk: int, title: str) -> StoredAlert | None:
        c = run_alerts.c
        stmt = (
            sa.select(run_alerts)
            .where(c.run_pk == run_pk, c.title == title)
            .order_by(c.created_at.desc(), c.id.desc())
            .limit(1)
        )
        row = conn.execute(stmt).first()
        return None if row is None else _alert(row)

    def add_suppressed(self, conn: Connection, alert_id: int, count: int) -> None:
        c = run_alerts.c
        conn.execute(sa.update(run_alerts).where(c.id == alert_id).values(suppressed=c.suppressed + count))

    def list_alerts(self, conn: Connection, run_pk: int, limit: int) -> list[StoredAlert]:
        c = run_alerts.c
        stmt = (
            sa.select(run_alerts).where(c.run_pk == run_pk).order_by(c.created_at, c.id).limit(max(limit, 0))
        )
        return [_alert(row) for row in conn.execute(stmt)]
