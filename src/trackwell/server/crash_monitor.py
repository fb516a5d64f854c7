"""Marks runs ``crashed`` when they stop sending batches and heartbeats.

One daemon thread per server process. Several processes on one database may all run it: the store
makes the update safe to race, and each pass only touches runs that are already stale.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from trackwell.service.runs import RunService
from trackwell.store.base import RunKey

log = logging.getLogger("trackwell.server")


class CrashMonitor:
    def __init__(
        self,
        runs: RunService,
        timeout: float,
        clock: Callable[[], float] = time.time,
        on_crashed: Callable[[Iterable[RunKey]], None] | None = None,
    ) -> None:
        self._runs = runs
        self._on_crashed = on_crashed  # the alert rules for crashed runs
        self._timeout = timeout
        self._clock = clock
        # Check a few times per timeout so a run is marked soon after it goes stale, but never
        # spin: short timeouts (tests) poll fast, the default polls every 10 s.
        self._interval = min(max(timeout / 4, 0.1), 10.0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="trackwell-crash-monitor", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def check_once(self) -> None:
        crashed = self._runs.mark_crashed(self._clock(), self._timeout)
        for key in crashed:
            log.info("run %s sent nothing for %.0f s: marked crashed", key, self._timeout)
        if crashed and self._on_crashed is not None:
            self._on_crashed(crashed)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.check_once()
            except Exception:
                # A busy or briefly unreachable database must not end the monitor.
                log.warning("crash check failed; retrying", exc_info=True)
