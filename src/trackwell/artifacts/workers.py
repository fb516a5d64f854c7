"""Small pools of daemon threads for transfers, and the retry rule every transfer request follows.

Why not ``concurrent.futures``: its worker threads are joined when the interpreter exits, so a
training script that ends (or is interrupted) while an upload runs would hang until the upload is
done. Transfers run on daemon threads instead; what they had not finished is still in the run log
for ``trackwell sync``.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from trackwell.sdk.transport import TransportError

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger("trackwell.artifacts")

BACKOFF_MIN = 0.25
BACKOFF_MAX = 10.0
# A request is retried (transport errors, 5xx, 429) until it has failed for this long in a row.
RETRY_FOR_S = 120.0


def with_retry(call: Callable[[], R], what: str, *, retry_for: float | None = None) -> R:
    """``call()``, retried with exponential backoff and jitter while it raises
    :class:`TransportError` (the one retryable error), for up to ``RETRY_FOR_S`` seconds."""
    limit = RETRY_FOR_S if retry_for is None else retry_for
    deadline = time.monotonic() + limit
    failures = 0
    while True:
        try:
            return call()
        except TransportError as exc:
            failures += 1
            delay = min(BACKOFF_MAX, BACKOFF_MIN * 2 ** (failures - 1)) * random.uniform(0.5, 1.0)
            if time.monotonic() + delay > deadline:
                raise
            if failures in (1, 5, 20):
                log.warning("%s failed (%s); retrying in %.1fs", what, exc, delay)
            time.sleep(delay)


def run_in_threads(
    fn: Callable[[T], object],
    items: Iterable[T],
    workers: int,
    *,
    name: str = "trackwell-transfer",
    on_thread_end: Callable[[], None] | None = None,
) -> None:
    """Call ``fn(item)`` for every item on up to ``workers`` daemon threads; return when all are
    done. The first exception stops the handing out of further items and is raised here."""
    source = iter(items)
    lock = threading.Lock()
    errors: list[BaseException] = []

    def next_item() -> tuple[bool, T | None]:
        with lock:
            if errors:
                return False, None
            try:
                return True, next(source)
            except StopIteration:
                return False, None

    def loop() -> None:
        try:
            while True:
                ok, item = next_item()
                if not ok:
                    return
                try:
                    fn(item)  # type: ignore[arg-type]
                except BaseException as exc:  # handed to the caller
                    with lock:
                        errors.append(exc)
                    return
        finally:
            if on_thread_end is not None:
                try:
                    on_thread_end()
                except Exception:  # pragma: no cover - closing a socket
                    pass

    if workers <= 1:
        loop()
    else:
        threads = [threading.Thread(target=loop, name=f"{name}-{i}", daemon=True) for i in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]


def batches(
    items: list[T], size_of: Callable[[T], int], *, streams: int, most: int, least: int, count: int
) -> Iterator[list[T]]:
    """Groups of items for one framed request each: at most ``most`` bytes and ``count`` items,
    and small enough that each of ``streams`` parallel requests gets about two (both ends' cores
    stay busy), but at least ``least`` bytes (a request's own cost stays small)."""
    total = sum(size_of(item) for item in items)
    target = max(least, min(most, total // (2 * streams) + 1))
    group: list[T] = []
    held = 0
    for item in items:
        size = size_of(item)
        if group and (held + size > target or len(group) >= count):
            yield group
            group, held = [], 0
        group.append(item)
        held += size
    if group:
        yield group
