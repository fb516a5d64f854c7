"""Record requests in flight in this server process, per run: what lets pipelined uploads wait for
each other instead of failing.

The SDK keeps two batches of a run in flight; the later one may reach :class:`~trackwell.service.
records.RecordService` first. A batch that would be a sequence gap waits while another request for
the same run is counted here (from before its body is read until it is answered), and batches of
one run take turns on a lock here rather than in the database.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from trackwell.store.base import RunKey


class Arrivals:
    """Record requests this process is handling, per run, from before their body is read until
    they are answered; a signal each time a batch is applied; and a lock per run, so two batches of
    one run take turns here rather than in the database (SQLite's busy handler sleeps in steps of up
    to 100 ms before it retries a locked write)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._count: dict[RunKey, int] = {}
        self._locks: dict[RunKey, threading.Lock] = {}
        self.generation = 0  # bumped (under the lock) after every applied batch

    def enter(self, key: RunKey) -> None:
        with self._cond:
            self._count[key] = self._count.get(key, 0) + 1
            self._locks.setdefault(key, threading.Lock())

    def leave(self, key: RunKey) -> None:
        with self._cond:
            left = self._count.get(key, 1) - 1
            if left:
                self._count[key] = left
            else:
                self._count.pop(key, None)
                self._locks.pop(key, None)
            self._cond.notify_all()

    def turn(self, key: RunKey) -> AbstractContextManager[Any]:
        """Held while a batch of ``key`` is applied (a no-op for a request not counted here)."""
        with self._cond:
            return self._locks.get(key) or nullcontext()

    def applied(self) -> None:
        with self._cond:
            self.generation += 1
            self._cond.notify_all()

    def wait_for_earlier(self, key: RunKey, seen: int, timeout: float) -> bool:
        """After a gap: False when no other request for ``key`` is in flight here (the gap is
        real); else wait until a batch is applied, a request ends, or ``timeout``, and say True."""
        with self._cond:
            if self._count.get(key, 0) <= 1:
                return False
            if self.generation == seen:
                self._cond.wait(timeout)
            return True
