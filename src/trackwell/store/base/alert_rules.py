"""A project's alert webhooks and rules, and the outbox of deliveries to the webhooks (issue 16).

Every method works inside the caller's transaction (``conn``) and never commits. Projects are
addressed by name (as saved views and reports are). A delivery is a row in an outbox written in the
same transaction as the alert it carries, so an alert is never stored without its deliveries nor a
delivery sent for an alert that rolled back; the delivery worker claims rows with a lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection


@dataclass(frozen=True, slots=True)
class StoredWebhook:
    id: int
    entity: str
    project: str
    name: str
    url: str  # a secret: services mask it before it leaves them
    created_at: float


@dataclass(frozen=True, slots=True)
class RuleFields:
    """What a rule says (schema.alert_rules.RuleIn, validated)."""

    kind: str
    metric_key: str | None
    op: str | None
    value: float | None
    level: str
    webhook_ids: tuple[int, ...]
    enabled: bool


@dataclass(frozen=True, slots=True)
class StoredRule:
    id: int
    entity: str
    project: str
    fields: RuleFields
    created_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A delivery the worker holds until its lease ends: where to post and what."""

    id: int
    url: str
    payload: dict[str, Any]
    attempts: int  # including the attempt now being made


@dataclass(frozen=True, slots=True)
class StoredDelivery:
    id: int
    webhook_id: int
    webhook_name: str
    payload: dict[str, Any]
    status: str
    attempts: int
    created_at: float
    next_attempt_at: float | None
    delivered_at: float | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class FeedAlert:
    """A stored alert with its run, for the project's alert feed."""

    id: int
    run_id: str
    run_name: str
    title: str
    text: str
    level: str
    created_at: float


class AlertRuleStore(Protocol):
    def add_webhook(
        self, conn: Connection, entity: str, project: str, name: str, url: str, now: float
    ) -> StoredWebhook: ...

    def list_webhooks(self, conn: Connection, entity: str, project: str) -> list[StoredWebhook]: ...

    def delete_webhook(self, conn: Connection, entity: str, project: str, webhook_id: int) -> bool:
        """False when the project has no such webhook. Its deliveries go with it."""

    def add_rule(
        self, conn: Connection, entity: str, project: str, fields: RuleFields, now: float
    ) -> StoredRule: ...

    def update_rule(
        self, conn: Connection, entity: str, project: str, rule_id: int, fields: RuleFields, now: float
    ) -> StoredRule | None:
        """None when the project has no such rule."""

    def delete_rule(self, conn: Connection, entity: str, project: str, rule_id: int) -> bool: ...

    def list_rules(self, conn: Connection, entity: str, project: str) -> list[StoredRule]:
        """Oldest first."""

    def mark_fired(self, conn: Connection, rule_id: int, run_pk: int) -> bool:
        """Record that the rule fired for the run; False when it already had (it fires once)."""

    def enqueue(
        self, conn: Connection, webhook_id: int, alert_id: int | None, payload: dict[str, Any], now: float
    ) -> None:
        """A pending delivery of ``payload`` to the webhook, due now."""

    def has_due(self, conn: Connection, now: float) -> bool:
        """Whether any delivery is due (a cheap read, so an idle worker never takes a write lock)."""

    def claim_deliveries(
        self, conn: Connection, now: float, lease_seconds: float, limit: int
    ) -> list[ClaimedDelivery]:
        """Due deliveries (pending and due, or sending with a lapsed lease) become ``sending`` until
        ``now + lease_seconds`` with one more attempt counted; each row is claimed by one caller
        even when several server processes claim at once."""

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
        """Delivered, or failed: pending again at ``retry_at``, or given up (``retry_at`` None)."""

    def list_deliveries(
        self, conn: Connection, entity: str, project: str, limit: int
    ) -> list[StoredDelivery]:
        """Newest first."""

    def project_alerts(self, conn: Connection, entity: str, project: str, limit: int) -> list[FeedAlert]:
        """The alerts of the project's runs, newest first."""
