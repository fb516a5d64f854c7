"""CPU time by thread, for the integration benchmarks: the training thread, the SDK's threads, and
the time spent inside an integration's own hooks on whichever thread runs them.

CPU time of one thread (``CLOCK_THREAD_CPUTIME_ID``) counts only that thread's work, so it moves
far less than wall time when other processes load the machine, and it separates what a callback
costs the training loop from what it costs a background thread (Keras' callback pool, the SDK's
processor thread) running beside it.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from typing import Any


def sdk_threads_cpu() -> float:
    """CPU seconds used so far by the SDK's live background threads (named ``trackwell-*``)."""
    total = 0.0
    for thread in threading.enumerate():
        if thread.name.startswith("trackwell-") and thread.ident is not None:
            try:
                total += time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
            except (OSError, ProcessLookupError):  # ended between enumerate() and the read
                pass
    return total


class HookClock:
    """Adds up the thread CPU time spent inside wrapped callables, split into the time on the
    thread that created the clock (the training thread) and on any other thread. Reading the
    clock costs about a microsecond, as much as a small hook: the clock's own share of each call
    (measured on an empty function) is taken off."""

    def __init__(self) -> None:
        self._training_ident = threading.get_ident()
        self._spent = [0.0, 0.0]  # training thread, other threads
        self._calls = [0, 0]
        self._own = 0.0
        empty = self.wrap(lambda: None)
        for _ in range(2000):
            empty()
        self._own = min(self._spent[0] / self._calls[0], _median_own(empty, self))
        self._spent, self._calls = [0.0, 0.0], [0, 0]

    @property
    def training(self) -> float:
        return max(self._spent[0] - self._calls[0] * self._own, 0.0)

    @property
    def other(self) -> float:
        return max(self._spent[1] - self._calls[1] * self._own, 0.0)

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.thread_time() - start
                where = 0 if threading.get_ident() == self._training_ident else 1
                self._spent[where] += spent
                self._calls[where] += 1

        return timed


def _median_own(empty: Callable[[], Any], clock: HookClock) -> float:
    """The median clock share of one call of an empty wrapped function (robust to a preemption)."""
    samples = []
    for _ in range(201):
        before = clock._spent[0]
        empty()
        samples.append(clock._spent[0] - before)
    return statistics.median(samples)


def paired_overhead(values: list[float], base: list[float]) -> tuple[float, float]:
    """Median and half the interquartile range of ``values[i] - base[i]`` (same round, same
    moment of the machine): the A/B difference and how much it moved between rounds."""
    diffs = sorted(v - b for v, b in zip(values, base, strict=True))
    if len(diffs) < 4:
        return statistics.median(diffs), float("nan")
    q1, _, q3 = statistics.quantiles(diffs, n=4)
    return statistics.median(diffs), (q3 - q1) / 2
