"""A project's alert webhooks, rules and deliveries (issue 16), on the wire.

A webhook's URL is a secret (a Slack incoming-webhook URL lets anyone post to the channel), so it
is written once and never read back: answers carry ``url_hint``, the host and the last four
characters. Rules turn facts the server sees into alerts stored like ``run.alert``'s: a run that
ended ``failed``, a run marked ``crashed``, a metric whose latest value crosses a threshold (once
per run and rule). Every alert of a project with webhooks is posted to them as Slack-compatible
JSON by the delivery worker; deliveries are kept with their status for the delivery log.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from trackwell.schema.alerts import AlertLevel
from trackwell.schema.base import WireModel

RuleKind = Literal["run_failed", "run_crashed", "metric_threshold"]
ThresholdOp = Literal[">", ">=", "<", "<="]
DeliveryStatus = Literal["pending", "sending", "delivered", "failed"]

MAX_WEBHOOKS_PER_PROJECT = 20
MAX_RULES_PER_PROJECT = 100


class WebhookCreate(WireModel):
    name: str = Field(min_length=1, max_length=100, description="Shown in the UI, e.g. '#training-alerts'.")
    url: str = Field(
        min_length=8,
        max_length=2000,
        description="http(s) URL that accepts Slack's incoming-webhook JSON. Stored, never shown back.",
    )

    @field_validator("name", "url")
    @classmethod
    def _printable(cls, value: str) -> str:
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValueError("must not contain control characters (newlines, tabs, NUL)")
        return value


class WebhookOut(WireModel):
    id: int
    name: str
    url_hint: str = Field(description="The URL's host and last 4 characters; the URL is a secret.")
    created_at: float


class WebhookList(WireModel):
    webhooks: list[WebhookOut]


class RuleIn(WireModel):
    """A rule as created or replaced (``PUT`` sends every field)."""

    kind: RuleKind
    metric_key: str | None = Field(
        None, max_length=500, description="metric_threshold: the history/summary key, e.g. 'loss'."
    )
    op: ThresholdOp | None = Field(None, description="metric_threshold: how the latest value compares.")
    value: float | None = Field(None, description="metric_threshold: the threshold.")
    level: AlertLevel = "ERROR"
    webhook_ids: list[int] = Field(default_factory=list, max_length=MAX_WEBHOOKS_PER_PROJECT)
    enabled: bool = True

    @model_validator(mode="after")
    def _threshold_fields(self) -> RuleIn:
        threshold = (self.metric_key, self.op, self.value)
        if self.kind == "metric_threshold":
            if not (self.metric_key or "").strip():
                raise ValueError("metric_threshold needs metric_key, the metric to watch (e.g. 'loss')")
            if self.op is None:
                raise ValueError("metric_threshold needs op: one of '>', '>=', '<', '<='")
            if self.value is None or self.value != self.value or abs(self.value) == float("inf"):
                raise ValueError("metric_threshold needs value, a finite number (e.g. 2.5)")
        elif any(part is not None for part in threshold):
            raise ValueError(f"{self.kind} takes no metric_key, op or value (only metric_threshold does)")
        return self


class RuleOut(RuleIn):
    id: int
    created_at: float
    updated_at: float


class RuleList(WireModel):
    rules: list[RuleOut]


class ProjectAlertOut(WireModel):
    """One alert of the project's feed: raised by ``run.alert`` or by a rule."""

    id: int
    run_id: str
    run_name: str
    title: str
    text: str
    level: AlertLevel
    created_at: float


class ProjectAlertList(WireModel):
    """The project's alerts, newest first."""

    alerts: list[ProjectAlertOut]


class DeliveryOut(WireModel):
    id: int
    webhook_id: int
    webhook_name: str
    title: str
    status: DeliveryStatus
    attempts: int
    created_at: float
    next_attempt_at: float | None = None
    delivered_at: float | None = None
    last_error: str | None = Field(None, description="Why the last attempt failed (never the URL).")


class DeliveryList(WireModel):
    """The project's deliveries, newest first."""

    deliveries: list[DeliveryOut]
