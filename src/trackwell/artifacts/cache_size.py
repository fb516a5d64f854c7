"""Batched size accounting for the artifact file cache (:class:`~trackwell.artifacts.file_cache.FileCache`).

The cache's running total lives in a file shared by every process (``.size``, changed under an
exclusive file lock). Updating it for every file added cost an exclusive lock, a read and a
rewrite per file: about a third of a cold download of 10,000 small files. A :class:`SizeTally`
adds this process's new bytes up in memory and commits them together:

* at once for the first file (the process learns the shared total), for a file that takes the
  total it knows within ``1/8`` of the limit (near the limit every file counts at once, exactly as
  before), and when the bytes waiting reach ``1/64`` of the limit (at most 64 MiB);
* otherwise at most a second later (a timer), at the next add after a second, at
  :meth:`SizeTally.flush` (the downloader's end) and at interpreter exit.

So eviction stays correct: a commit reads the shared total under the lock and evicts when it is
over the limit, and the cache can exceed its limit only by what writing processes have not yet
committed, under ``1/64`` of the limit each and for about a second. A process killed inside that
second leaves its last bytes uncounted until the cache's hourly recount by a walk; a forked child
starts with nothing waiting (its parent commits its own bytes).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import threading
import time
import weakref
from collections.abc import Callable

FLUSH_S = 1.0
FLUSH_FRACTION = 64  # bytes waiting may reach 1/64 of the limit ...
FLUSH_BYTES_CAP = 64 * 2**20  # ... and never more than this
NEAR_FRACTION = 8  # within 1/8 of the limit every file is committed at once

_live: weakref.WeakSet[SizeTally] = weakref.WeakSet()
_exiting = False  # set by the exit handler: files added after it (a run's finish) commit at once


class SizeTally:
    """Bytes this process added to one cache and has not yet committed to the shared total.

    ``commit(added)`` adds ``added`` to the shared total under the cache's file lock (evicting
    when over the limit) and returns the total after it.
    """

    def __init__(self, max_size: int, commit: Callable[[int], int]) -> None:
        self.max_size = max_size
        self._commit = commit
        self.flush_bytes = max(1, min(max_size // FLUSH_FRACTION, FLUSH_BYTES_CAP))
        self._near = max_size - max_size // NEAR_FRACTION
        self._reset()
        _live.add(self)

    def _reset(self) -> None:
        self._lock = threading.Lock()  # guards the fields below (held briefly, never while committing)
        self._flush_lock = threading.Lock()  # one commit at a time from this process
        self.pending = 0
        self._known: int | None = None  # the shared total as of this process's last commit
        self._committed_at = 0.0
        self._timer: threading.Timer | None = None

    def add(self, size: int) -> None:
        """Count ``size`` new bytes; commits now when due (see the module docstring)."""
        with self._lock:
            self.pending += size
            due = (
                _exiting
                or self._known is None
                or self._known + self.pending > self._near
                or self.pending >= self.flush_bytes
                or time.monotonic() - self._committed_at >= FLUSH_S
            )
            if not due:
                if self._timer is None:
                    self._timer = threading.Timer(FLUSH_S, self.flush)
                    self._timer.daemon = True
                    self._timer.start()
                return
        self.flush()

    def flush(self) -> None:
        """Commit the bytes waiting (a no-op when none wait and the total is known)."""
        with self._flush_lock:
            with self._lock:
                added, self.pending = self.pending, 0
                timer, self._timer = self._timer, None
                if added == 0 and self._known is not None:
                    return
            if timer is not None and timer is not threading.current_thread():
                timer.cancel()
            try:
                total = self._commit(added)
            except BaseException:
                with self._lock:
                    self.pending += added  # not lost: the next commit carries it
                raise
            with self._lock:
                self._known = total
                self._committed_at = time.monotonic()

    def _after_fork_in_child(self) -> None:
        self._reset()  # the parent's locks may be held and its waiting bytes are its own to commit


def _flush_all() -> None:
    global _exiting
    _exiting = True  # exit handlers registered before this module's run after it (LIFO)
    for tally in list(_live):
        with contextlib.suppress(Exception):
            tally.flush()


def _forget_in_child() -> None:
    for tally in list(_live):
        tally._after_fork_in_child()


atexit.register(_flush_all)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
