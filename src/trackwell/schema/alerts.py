"""Alerts a run raised with ``run.alert(title, text, level, wait_duration)`` (wandb's ``alert``).

An alert travels as an ``alert`` record in the run log (:mod:`trackwell.schema.records`) and is
stored by the server, which applies wandb's rate limit: an alert whose title the run already
raised less than ``wait_duration`` seconds earlier (by the SDK's clock) is not stored as a new
alert; the earlier one counts it in ``suppressed``. A stored alert is then posted to the
project's webhooks (``schema/alert_rules.py``), in the same transaction as an outbox row.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from trackwell.schema.base import WireModel

AlertLevel = Literal["INFO", "WARN", "ERROR"]

# wandb's default wait_duration: one minute.
DEFAULT_WAIT_SECONDS = 60.0


class AlertOut(WireModel):
    """One stored alert."""

    title: str
    text: str
    level: AlertLevel
    wait_duration: float = Field(description="Seconds: sooner repeats of this title were suppressed.")
    created_at: float = Field(description="When the SDK raised it (seconds since the epoch).")
    suppressed: int = Field(0, description="Repeats within wait_duration, counted, not stored as alerts.")


class AlertList(WireModel):
    """Answer of ``GET /api/v1/runs/{entity}/{project}/{run_id}/alerts``: oldest first."""

    alerts: list[AlertOut]
