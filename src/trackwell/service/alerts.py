"""Alerts (``run.alert``): wandb's rate limit, applied where alerts are stored.

wandb does not notify again about a title the run raised less than ``wait_duration`` ago. The
rule runs here, on the server, against the run's stored alerts, so it holds across resumed runs
and for a run log replayed by ``trackwell sync`` long after it was written: times are the SDK's
(when ``alert()`` was called), never the time the record arrived. A suppressed repeat is not lost
without trace: the alert it repeats counts it in ``suppressed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trackwell.schema.alerts import AlertOut
from trackwell.schema.records import AlertRecord
from trackwell.store.base import AlertStore, StoredAlert


def apply_alerts(
    store: AlertStore, conn: Any, run_pk: int, records: Sequence[AlertRecord]
) -> list[StoredAlert]:
    """Store each alert unless it repeats a title within its own ``wait_duration`` of the latest
    stored alert with that title (in either direction: a run log synced late may be older).
    Returns the alerts stored (the ones a project's webhooks are told about)."""
    stored: list[StoredAlert] = []
    latest: dict[str, StoredAlert | None] = {}
    suppressed: dict[int, int] = {}
    for record in records:
        title, text = record.title, record.text
        if title not in latest:
            latest[title] = store.latest_alert(conn, run_pk, title)
        previous = latest[title]
        if previous is not None and abs(record.timestamp - previous.created_at) < record.wait_duration:
            suppressed[previous.id] = suppressed.get(previous.id, 0) + 1
            continue
        added = store.add_alert(
            conn, run_pk, title, text, record.level, record.wait_duration, record.timestamp
        )
        latest[title] = added
        stored.append(added)
    for alert_id, count in suppressed.items():
        store.add_suppressed(conn, alert_id, count)
    return stored


def alert_out(alert: StoredAlert) -> AlertOut:
    return AlertOut.model_validate(
        {
            "title": alert.title,
            "text": alert.text,
            "level": alert.level,
            "wait_duration": alert.wait_duration,
            "created_at": alert.created_at,
            "suppressed": alert.suppressed,
        }
    )
