"""Alerts raised by runs (``run.alert``).

Every method works inside the caller's transaction (``conn``) and never commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """An alert as stored: ``id`` orders a run's alerts (oldest first)."""

    id: int
    title: str
    text: str
    level: str
    wait_duration: float
    created_at: float
    suppressed: int = 0


class AlertStore(Protocol):
    """Alerts raised by runs (``run.alert``); the rate limit is the service's rule, not the store's."""

    def add_alert(
        self,
        conn: Connection,
        run_pk: int,
        title: str,
        text: str,
        level: str,
        wait_duration: float,
        created_at: float,
    ) -> StoredAlert: ...

    def latest_alert(self, conn: Connection, run_pk: int, title: str) -> StoredAlert | None:
        """The run's most recent stored alert with this title (by ``created_at``), if any."""

    def add_suppressed(self, conn: Connection, alert_id: int, count: int) -> None:
        """Count ``count`` more repeats suppressed by the rate limit on that alert."""

    def list_alerts(self, conn: Connection, run_pk: int, limit: int) -> list[StoredAlert]:
        """The run's alerts, oldest first, at most ``limit``."""
