"""A project's alert webhooks and rules, its alert feed and delivery log (the alerts page's service).

Who may do what is :mod:`access`'s rule, checked again here through :class:`ProjectAccess`: readers
of the project see the feed, the rules, the webhooks (masked) and the delivery log; writers add and
remove webhooks, change rules and send a test. A webhook URL goes in and never comes back out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from trackwell.schema.alert_rules import (
    MAX_RULES_PER_PROJECT,
    MAX_WEBHOOKS_PER_PROJECT,
    DeliveryList,
    DeliveryOut,
    ProjectAlertList,
    ProjectAlertOut,
    RuleIn,
    RuleList,
    RuleOut,
    WebhookCreate,
    WebhookList,
    WebhookOut,
)
from trackwell.schema.errors import Conflict, InvalidArgument, NotFound
from trackwell.service.alert_delivery import mask_url
from trackwell.service.alert_rules import AlertRules, alert_payload
from trackwell.service.project_access import ProjectAccess
from trackwell.store.base import Database, RuleFields, StoredRule, StoredWebhook, User


class AlertConfigService:
    def __init__(
        self, db: Database, rules: AlertRules, access: ProjectAccess, clock: Callable[[], float] = time.time
    ) -> None:
        self._db = db
        self._rules = rules
        self._access = access
        self._clock = clock

    # --- feed and delivery log ---------------------------------------------------------------------

    def feed(self, user: User, entity: str, project: str, limit: int = 100) -> ProjectAlertList:
        self._access.require_reader(user, entity, project)
        with self._db.read() as conn:
            found = self._db.alert_rules.project_alerts(conn, entity, project, limit)
        return ProjectAlertList(
            alerts=[
                ProjectAlertOut.model_validate(
                    {
                        "id": a.id,
                        "run_id": a.run_id,
                        "run_name": a.run_name,
                        "title": a.title,
                        "text": a.text,
                        "level": a.level,
                        "created_at": a.created_at,
                    }
                )
                for a in found
            ]
        )

    def deliveries(self, user: User, entity: str, project: str, limit: int = 100) -> DeliveryList:
        self._access.require_reader(user, entity, project)
        with self._db.read() as conn:
            found = self._db.alert_rules.list_deliveries(conn, entity, project, limit)
        return DeliveryList(
            deliveries=[
                DeliveryOut.model_validate(
                    {
                        "id": d.id,
                        "webhook_id": d.webhook_id,
                        "webhook_name": d.webhook_name,
                        "title": str(d.payload.get("title", "")),
                        "status": d.status,
                        "attempts": d.attempts,
                        "created_at": d.created_at,
                        "next_attempt_at": d.next_attempt_at if d.status == "pending" else None,
                        "delivered_at": d.delivered_at,
                        "last_error": d.last_error,
                    }
                )
                for d in found
            ]
        )

    # --- webhooks ----------------------------------------------------------------------------------

    def webhooks(self, user: User, entity: str, project: str) -> WebhookList:
        self._access.require_reader(user, entity, project)
        with self._db.read() as conn:
            found = self._db.alert_rules.list_webhooks(conn, entity, project)
        return WebhookList(webhooks=[_webhook_out(w) for w in found])

    def add_webhook(self, user: User, entity: str, project: str, body: WebhookCreate) -> WebhookOut:
        self._access.require_writer(user, entity, project)
        url = body.url.strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidArgument(
                f"the webhook URL must be an http(s) URL with a host, not {mask_url(url)!r}",
                field="url",
                hint="paste the incoming-webhook URL, e.g. https://hooks.slack.com/services/…",
            )
        with self._db.begin() as conn:
            if len(self._db.alert_rules.list_webhooks(conn, entity, project)) >= MAX_WEBHOOKS_PER_PROJECT:
                raise Conflict(
                    f"{entity}/{project} already has {MAX_WEBHOOKS_PER_PROJECT} webhooks",
                    field="url",
                    hint="delete one you no longer use first",
                )
            stored = self._db.alert_rules.add_webhook(
                conn, entity, project, body.name.strip(), url, self._clock()
            )
        self._rules.forget(entity, project)
        return _webhook_out(stored)

    def delete_webhook(self, user: User, entity: str, project: str, webhook_id: int) -> None:
        self._access.require_writer(user, entity, project)
        with self._db.begin() as conn:
            if not self._db.alert_rules.delete_webhook(conn, entity, project, webhook_id):
                raise _no_webhook(webhook_id)
        self._rules.forget(entity, project)

    def send_test(self, user: User, entity: str, project: str, webhook_id: int) -> None:
        """A test message to the webhook, delivered (and logged) like any alert."""
        self._access.require_writer(user, entity, project)
        text = f"Test message from Trackwell for {entity}/{project}, sent by {user.username}."
        with self._db.begin() as conn:
            if webhook_id not in {w.id for w in self._db.alert_rules.list_webhooks(conn, entity, project)}:
                raise _no_webhook(webhook_id)
            payload = alert_payload(None, "Test alert", text, "INFO")
            self._db.alert_rules.enqueue(conn, webhook_id, None, payload, self._clock())
        self._rules.enqueued.set()

    # --- rules -------------------------------------------------------------------------------------

    def list_rules(self, user: User, entity: str, project: str) -> RuleList:
        self._access.require_reader(user, entity, project)
        with self._db.read() as conn:
            found = self._db.alert_rules.list_rules(conn, entity, project)
        return RuleList(rules=[_rule_out(r) for r in found])

    def add_rule(self, user: User, entity: str, project: str, body: RuleIn) -> RuleOut:
        self._access.require_writer(user, entity, project)
        with self._db.begin() as conn:
            fields = self._fields(conn, entity, project, body)
            if len(self._db.alert_rules.list_rules(conn, entity, project)) >= MAX_RULES_PER_PROJECT:
                raise Conflict(
                    f"{entity}/{project} already has {MAX_RULES_PER_PROJECT} alert rules",
                    field="kind",
                    hint="delete or edit a rule you no longer need",
                )
            stored = self._db.alert_rules.add_rule(conn, entity, project, fields, self._clock())
        self._rules.forget(entity, project)
        return _rule_out(stored)

    def update_rule(self, user: User, entity: str, project: str, rule_id: int, body: RuleIn) -> RuleOut:
        self._access.require_writer(user, entity, project)
        with self._db.begin() as conn:
            fields = self._fields(conn, entity, project, body)
            stored = self._db.alert_rules.update_rule(conn, entity, project, rule_id, fields, self._clock())
        if stored is None:
            raise _no_rule(rule_id)
        self._rules.forget(entity, project)
        return _rule_out(stored)

    def delete_rule(self, user: User, entity: str, project: str, rule_id: int) -> None:
        self._access.require_writer(user, entity, project)
        with self._db.begin() as conn:
            if not self._db.alert_rules.delete_rule(conn, entity, project, rule_id):
                raise _no_rule(rule_id)
        self._rules.forget(entity, project)

    def _fields(self, conn: object, entity: str, project: str, body: RuleIn) -> RuleFields:
        known = {w.id for w in self._db.alert_rules.list_webhooks(conn, entity, project)}  # type: ignore[arg-type]
        unknown = [i for i in body.webhook_ids if i not in known]
        if unknown:
            raise InvalidArgument(
                f"webhook_ids names webhooks {unknown} that {entity}/{project} does not have",
                field="webhook_ids",
                hint="pick webhooks from GET /api/v1/alerts/{entity}/{project}/webhooks",
            )
        return RuleFields(
            kind=body.kind,
            metric_key=body.metric_key.strip() if body.metric_key else None,
            op=body.op,
            value=body.value,
            level=body.level,
            webhook_ids=tuple(dict.fromkeys(body.webhook_ids)),
            enabled=body.enabled,
        )


def _webhook_out(w: StoredWebhook) -> WebhookOut:
    return WebhookOut(id=w.id, name=w.name, url_hint=mask_url(w.url), created_at=w.created_at)


def _rule_out(r: StoredRule) -> RuleOut:
    f = r.fields
    return RuleOut.model_validate(
        {
            "id": r.id,
            "kind": f.kind,
            "metric_key": f.metric_key,
            "op": f.op,
            "value": f.value,
            "level": f.level,
            "webhook_ids": list(f.webhook_ids),
            "enabled": f.enabled,
            "created_at": r.created_at,
            "updated_at": r.updated_at,
        }
    )


def _no_webhook(webhook_id: int) -> NotFound:
    return NotFound(f"webhook {webhook_id} not found in this project", field="webhook_id")


def _no_rule(rule_id: int) -> NotFound:
    return NotFound(f"alert rule {rule_id} not found in this project", field="rule_id")
