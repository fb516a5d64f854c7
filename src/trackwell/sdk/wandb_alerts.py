"""``AlertLevel`` and the checks of ``run.alert()``: wandb's module ``wandb.sdk.wandb_alerts``.

``run.alert(title, text, level=None, wait_duration=None)`` follows wandb 0.31: ``level`` is an
``AlertLevel`` or one of the strings ``"INFO"``, ``"WARN"``, ``"ERROR"`` (default INFO);
``wait_duration`` is seconds (int or float) or a ``timedelta``, and a missing or zero value means
wandb's default of one minute. The alert becomes an ``alert`` record in the run log; the server
stores it and applies the rate limit (a repeat of the title within ``wait_duration`` is not a new
alert), so the rule also holds for runs synced later and for resumed runs.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

DEFAULT_WAIT_SECONDS = 60.0  # wandb: ``wait_duration or timedelta(minutes=1)``


class AlertLevel(Enum):
    """How serious an alert is (``wandb.AlertLevel``)."""

    INFO = "INFO"
    WARN = "WARN"
    ERROR = "ERROR"


_LEVELS = frozenset(level.value for level in AlertLevel)


def alert_record(title: Any, text: Any, level: Any, wait_duration: Any, now: float) -> dict[str, Any]:
    """The ``alert`` record for one ``run.alert(...)`` call; raises as wandb does for bad arguments."""
    if title is None or text is None:
        raise TypeError("run.alert() needs a title and a text, e.g. run.alert(title='Low loss', text='...')")
    level = level or AlertLevel.INFO
    level_text = level.value if isinstance(level, AlertLevel) else level
    if level_text not in _LEVELS:
        raise ValueError("level must be one of 'INFO', 'WARN', or 'ERROR'")
    return {
        "kind": "alert",
        "title": str(title),
        "text": str(text),
        "level": level_text,
        "wait_duration": _seconds(wait_duration),
        "timestamp": now,
    }


def _seconds(wait_duration: Any) -> float:
    if not wait_duration:
        return DEFAULT_WAIT_SECONDS
    if isinstance(wait_duration, bool):
        raise TypeError("wait_duration must be an int, float, or datetime.timedelta")
    if isinstance(wait_duration, int | float):
        seconds = float(wait_duration)
    elif callable(getattr(wait_duration, "total_seconds", None)):
        seconds = float(wait_duration.total_seconds())
    else:
        raise TypeError("wait_duration must be an int, float, or datetime.timedelta")
    if not seconds >= 0 or seconds == float("inf"):
        raise ValueError(f"wait_duration must be a finite number of seconds >= 0, got {wait_duration!r}")
    return seconds
