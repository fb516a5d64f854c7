"""``AlertRuleStore`` on SQL (migration 0018): webhooks, rules, which rule fired for which run, and
the deliveries outbox.

Claiming deliveries is one conditional ``UPDATE ... RETURNING`` whose ``WHERE`` repeats the "due"
condition: on PostgreSQL a second process blocked on the same row re-checks it after the first
commits and skips it; SQLite serializes writers. So a delivery is posted by one process at a time,
and a process that dies mid-post leaves a lease that lapses and the row is claimed again.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import Boolean, Column, Connection, Double, ForeignKey, Index, Integer, String, Table

from trackwell.store.base import (
    ClaimedDelivery,
    FeedAlert,
    RuleFields,
    StoredDelivery,
    StoredRule,
    StoredWebhook,
)
from trackwell.store.sql.alerts import run_alerts
from trackwell.store.sql.dialect import Dialect, insert
from trackwell.store.sql.metadata import metadata
from trackwell.store.sql.tables import NAME_LEN, Id, Json, entities, projects, runs
from trackwell.store.sql.text_type import NulSafeText

alert_webhooks = Table(
    "alert_webhooks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("entity", String(NAME_LEN), nullable=False),
    Column("project", String(NAME_LEN), nullable=False),
    Column("name", String(100), nullable=False),
    Column("url", NulSafeText, nullable=False),
    Column("created_at", Double, nullable=False),
    Index("ix_alert_webhooks_entity_project", "entity", "project"),
)

alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("entity", String(NAME_LEN), nullable=False),
    Column("project", String(NAME_LEN), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("metric_key", NulSafeText, nullable=True),
    Column("op", String(2), nullable=True),
    Column("value", Double, nullable=True),
    Column("level", String(8), nullable=False),
    Column("webhook_ids", Json, nullable=False),
    Column("enabled", Boolean, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    Index("ix_alert_rules_entity_project", "entity", "project"),
)

# A threshold rule fires once per run: this row is the "once".
alert_rule_firings = Table(
    "alert_rule_firings",
    metadata,
    Column("rule_id", Id, ForeignKey("alert_rules.id", ondelete="CASCADE"), primary_key=True),
    Column("run_pk", Id, ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("webhook_id", Id, ForeignKey("alert_webhooks.id", ondelete="CASCADE"), nullable=False),
    Column("alert_id", Id, ForeignKey("run_alerts.id", ondelete="SET NULL"), nullable=True),
    Column("payload", Json, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("next_attempt_at", Double, nullable=True),
    Column("lease_until", Double, nullable=True),
    Column("delivered_at", Double, nullable=True),
    Column("last_error", NulSafeText, nullable=True),
    Index("ix_alert_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_alert_deliveries_webhook_id_created_at", "webhook_id", "created_at"),
)

_w = alert_webhooks.c
_r = alert_rules.c
_d = alert_deliveries.c


def _due(now: float) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(_d.status == "pending", _d.next_attempt_at <= now),
        sa.and_(_d.status == "sending", _d.lease_until < now),
    )


def _webhook(row: Any) -> StoredWebhook:
    m = row._mapping
    return StoredWebhook(
        int(m["id"]), str(m["entity"]), str(m["project"]), str(m["name"]), str(m["url"]), m["created_at"]
    )


def _rule(row: Any) -> StoredRule:
    m = row._mapping
    fields = RuleFields(
        kind=m["kind"],
        metric_key=m["metric_key"],
        op=m["op"],
        value=m["value"],
        level=m["level"],
        webhook_ids=tuple(int(i) for i in m["webhook_ids"]),
        enabled=bool(m["enabled"]),
    )
    return StoredRule(int(m["id"]), m["entity"], m["project"], fields, m["created_at"], m["updated_at"])


def _rule_values(fields: RuleFields) -> dict[str, Any]:
    return {
        "kind": fields.kind,
        "metric_key": fields.metric_key,
        "op": fields.op,
        "value": fields.value,
        "level": fields.level,
        "webhook_ids": list(fields.webhook_ids),
        "enabled": fields.enabled,
    }


class SqlAlertRuleStore:
    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect

    def add_webhook(
        self, conn: Connection, entity: str, project: str, name: str, url: str, now: float
    ) -> StoredWebhook:
        values = {"entity": entity, "project": project, "name": name, "url": url, "created_at": now}
        pk = conn.execute(sa.insert(alert_webhooks).values(values).returning(_w.id)).scalar_one()
        return StoredWebhook(int(pk), entity, project, name, url, now)

    def list_webhooks(self, conn: Connection, entity: str, project: str) -> list[StoredWebhook]:
        stmt = sa.select(alert_webhooks).where(_w.entity == entity, _w.project == project).order_by(_w.id)
        return [_webhook(row) for row in conn.execute(stmt)]

    def delete_webhook(self, conn: Connection, entity: str, project: str, webhook_id: int) -> bool:
        stmt = sa.delete(alert_webhooks).where(
            _w.id == webhook_id, _w.entity == entity, _w.project == project
        )
        return conn.execute(stmt).rowcount > 0

    def add_rule(
        self, conn: Connection, entity: str, project: str, fields: RuleFields, now: float
    ) -> StoredRule:
        values = _rule_values(fields) | {
            "entity": entity,
            "project": project,
            "created_at": now,
            "updated_at": now,
        }
        pk = conn.execute(sa.insert(alert_rules).values(values).returning(_r.id)).scalar_one()
        return StoredRule(int(pk), entity, project, fields, now, now)

    def update_rule(
        self, conn: Connection, entity: str, project: str, rule_id: int, fields: RuleFields, now: float
    ) -> StoredRule | None:
        stmt = (
            sa.update(alert_rules)
            .where(_r.id == rule_id, _r.entity == entity, _r.project == project)
            .values(_rule_values(fields) | {"updated_at": now})
            .returning(alert_rules)
        )
        row = conn.execute(stmt).first()
        return None if row is None else _rule(row)

    def delete_rule(self, conn: Connection, entity: str, project: str, rule_id: int) -> bool:
        stmt = sa.delete(alert_rules).where(_r.id == rule_id, _r.entity == entity, _r.project == project)
        return conn.execute(stmt).rowcount > 0

    def list_rules(self, conn: Connection, entity: str, project: str) -> list[StoredRule]:
        stmt = sa.select(alert_rules).where(_r.entity == entity, _r.project == project).order_by(_r.id)
        return [_rule(row) for row in conn.execute(stmt)]

    def mark_fired(self, conn: Connection, rule_id: int, run_pk: int) -> bool:
        stmt = insert(self._dialect, alert_rule_firings).values(rule_id=rule_id, run_pk=run_pk)
        # RETURNING, not rowcount: what PostgreSQL's driver reports for ON CONFLICT is not reliable.
        inserted = stmt.on_conflict_do_nothing().returning(alert_rule_firings.c.rule_id)
        return conn.execute(inserted).first() is not None

    def enqueue(
        self, conn: Connection, webhook_id: int, alert_id: int | None, payload: dict[str, Any], now: float
    ) -> None:
        values = {
            "webhook_id": webhook_id,
            "alert_id": alert_id,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }
        conn.execute(sa.insert(alert_deliveries).values(values))

    def has_due(self, conn: Connection, now: float) -> bool:
        return conn.execute(sa.select(_d.id).where(_due(now)).limit(1)).first() is not None

    def claim_deliveries(
        self, conn: Connection, now: float, lease_seconds: float, limit: int
    ) -> list[ClaimedDelivery]:
        due = _due(now)
        ids = sa.select(_d.id).where(due).order_by(_d.next_attempt_at).limit(limit).scalar_subquery()
        claimed = conn.execute(
            sa.update(alert_deliveries)
            .where(_d.id.in_(ids), due)
            .values(status="sending", lease_until=now + lease_seconds, attempts=_d.attempts + 1)
            .returning(_d.id, _d.webhook_id, _d.payload, _d.attempts)
        ).all()
        if not claimed:
            return []
        urls = dict(
            conn.execute(sa.select(_w.id, _w.url).where(_w.id.in_({row.webhook_id for row in claimed}))).all()
        )
        return [
            ClaimedDelivery(int(r.id), urls[r.webhook_id], dict(r.payload), int(r.attempts)) for r in claimed
        ]

    def finish_delivery(
        self,
        conn: Connection,
        delivery_id: int,
        now: float,
        *,
        delivered: bool,
        error: str | None = None,
        retry_at: float | None = None,
    ) -> None:
        if delivered:
            values: dict[str, Any] = {"status": "delivered", "delivered_at": now, "next_attempt_at": None}
        elif retry_at is not None:
            values = {"status": "pending", "next_attempt_at": retry_at}
        else:
            values = {"status": "failed", "next_attempt_at": None}
        values |= {"lease_until": None, "last_error": error}
        conn.execute(sa.update(alert_deliveries).where(_d.id == delivery_id).values(values))

    def list_deliveries(
        self, conn: Connection, entity: str, project: str, limit: int
    ) -> list[StoredDelivery]:
        stmt = (
            sa.select(alert_deliveries, _w.name.label("webhook_name"))
            .join(alert_webhooks, _w.id == _d.webhook_id)
            .where(_w.entity == entity, _w.project == project)
            .order_by(_d.created_at.desc(), _d.id.desc())
            .limit(max(limit, 0))
        )
        return [
            StoredDelivery(
                id=int(m["id"]),
                webhook_id=int(m["webhook_id"]),
                webhook_name=m["webhook_name"],
                payload=dict(m["payload"]),
                status=m["status"],
                attempts=int(m["attempts"]),
                created_at=m["created_at"],
                next_attempt_at=m["next_attempt_at"],
                delivered_at=m["delivered_at"],
                last_error=m["last_error"],
            )
            for m in (row._mapping for row in conn.execute(stmt))
        ]

    def project_alerts(self, conn: Connection, entity: str, project: str, limit: int) -> list[FeedAlert]:
        a = run_alerts.c
        stmt = (
            sa.select(a.id, runs.c.run_id, runs.c.display_name, a.title, a.text, a.level, a.created_at)
            .join(runs, runs.c.id == a.run_pk)
            .join(projects, projects.c.id == runs.c.project_id)
            .join(entities, entities.c.id == projects.c.entity_id)
            .where(entities.c.name == entity, projects.c.name == project)
            .order_by(a.created_at.desc(), a.id.desc())
            .limit(max(limit, 0))
        )
        return [FeedAlert(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6]) for r in conn.execute(stmt)]
