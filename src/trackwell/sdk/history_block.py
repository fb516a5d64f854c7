"""A history block: consecutive committed rows with the same plain scalar keys, kept column-wise
until the processor writes them as one ``history_block`` record (``schema.records``; ADR 0002).
"""

from __future__ import annotations

import time
from collections.abc import KeysView
from typing import Any

BLOCK_MAX_ROWS = 1000  # rows per history block: ~50 KB of JSON for 5 scalars


class Block:
    """Rows waiting to be written; every row has the keys of the first (``keys``)."""

    __slots__ = ("keys", "rows", "runtimes", "started", "steps", "timestamps")

    def __init__(self, keys: KeysView[str]) -> None:
        self.keys = keys
        self.steps: list[int] = []
        self.timestamps: list[float] = []
        self.runtimes: list[float] = []
        self.rows: list[dict[str, Any]] = []  # turned into columns once, by record()
        self.started = time.monotonic()

    def record(self, seq: int) -> dict[str, Any]:
        """The ``history_block`` record numbered ``seq`` (``seq`` first, as the run log requires)."""
        return {
            "seq": seq,
            "kind": "history_block",
            "steps": self.steps,
            "timestamps": self.timestamps,
            "runtimes": self.runtimes,
            "columns": {key: [values[key] for values in self.rows] for key in self.keys},
        }
