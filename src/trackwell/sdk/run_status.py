"""``RunStatus``: what ``run.status()`` returns (wandb's ``wandb.sdk.wandb_run.RunStatus``).

Its own module so that ``import trackwell`` does not build the dataclass; ``status()`` imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class RunStatus:
    """``run.status()`` (wandb's ``RunStatus``): how much of the run the server has.

    ``sync_items_total``: records this session wrote to the run log; ``sync_items_pending``: those
    the server has not acknowledged yet (all of them offline); ``sync_time``: when the server last
    acknowledged a batch (None before the first, and offline)."""

    sync_items_total: int = field(default=0)
    sync_items_pending: int = field(default=0)
    sync_time: datetime | None = field(default=None)
