"""One progress line for long work: ``trackwell sync``, a ``finish()`` that waits on uploads, and
``trackwell export``.

Shown only where someone watches: on a terminal (the stream is a TTY) and not silenced (``--quiet``,
settings ``silent``/``quiet``, ``TRACKWELL_SILENT``/``WANDB_SILENT``, which callers pass in as
``enabled``). In a pipe, a log file or CI it writes nothing, so logs keep no ``\\r`` litter. The
line is redrawn in place at most 10 times a second::

    trackwell: syncing  3/10 runs  12.4/40.0 MiB  5.1 MiB/s  0:05 left

Standard library only (``finish()`` imports it; tqdm would cost a training script ~30 ms). Thread
safe: sync updates it from several upload threads; :meth:`Progress.watch` polls a counter from a
thread of its own for work that only reports its state when asked.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

_PREFIX = "trackwell: "
_REDRAW_S = 0.1


def is_interactive(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed or replaced streams
        return False


def size_text(n: float) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n:.0f} B"


def duration_text(seconds: float) -> str:
    seconds = int(max(0, seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """A progress line over items (runs) and/or bytes, with rate and time left.

    ``enabled=None`` means "when ``stream`` is a terminal"; pass False to silence it. ``delay``: draw
    nothing until the work has taken that long (``finish()`` shows progress only past 2 s).
    """

    def __init__(
        self,
        label: str,
        *,
        total_items: int | None = None,
        total_bytes: int | None = None,
        unit: str = "runs",
        stream: TextIO | None = None,
        enabled: bool | None = None,
        delay: float = 0.0,
    ) -> None:
        self.label = label
        self.total_items = total_items
        self.total_bytes = total_bytes
        self.unit = unit
        self.items = 0
        self.bytes = 0
        self._stream = stream if stream is not None else sys.stderr
        self.enabled = is_interactive(self._stream) if enabled is None else enabled
        self._delay = delay
        self._started = time.monotonic()
        self._drawn_at = 0.0
        self._drawn = False
        self._lock = threading.Lock()
        self._watching: threading.Event | None = None
        self._done_bytes: Callable[[], int] | None = None
        self._watcher: threading.Thread | None = None

    # --- counting ---------------------------------------------------------------------------

    def advance(self, items: int = 0, nbytes: int = 0) -> None:
        with self._lock:
            self.items += items
            self.bytes += nbytes
        self._poll()
        self._draw()

    def set(self, *, items: int | None = None, nbytes: int | None = None) -> None:
        with self._lock:
            if items is not None:
                self.items = items
            if nbytes is not None:
                self.bytes = nbytes
        self._draw()

    def watch(self, done_bytes: Callable[[], int], interval: float = 0.2) -> None:
        """Poll ``done_bytes()`` every ``interval`` s on a daemon thread until :meth:`close`."""
        if not self.enabled or self._watching is not None:
            return
        stop = self._watching = threading.Event()
        self._done_bytes = done_bytes

        def loop() -> None:
            while not stop.wait(interval):
                self._poll()
                self._draw()

        self._watcher = threading.Thread(target=loop, name="trackwell-progress", daemon=True)
        self._watcher.start()

    def _poll(self) -> None:
        if self._done_bytes is None:
            return
        try:
            done = self._done_bytes()
        except Exception:  # a counter read racing the work's end: keep the last value
            return
        with self._lock:
            self.bytes = done

    # --- drawing ----------------------------------------------------------------------------

    def text(self) -> str:
        """The line as it is drawn now (without the ``\\r`` and padding)."""
        with self._lock:
            items, nbytes = self.items, self.bytes
        elapsed = max(1e-6, time.monotonic() - self._started)
        parts = [self.label]
        if self.total_items is not None:
            parts.append(f"{items}/{self.total_items} {self.unit}")
        elif items:
            parts.append(f"{items} {self.unit}")
        left: float | None = None
        if self.total_bytes:
            parts.append(f"{size_text(nbytes)}/{size_text(self.total_bytes)}")
            rate = nbytes / elapsed
            parts.append(f"{size_text(rate)}/s")
            if rate > 0:
                left = (self.total_bytes - nbytes) / rate
        elif nbytes:
            parts.append(f"{size_text(nbytes)}, {size_text(nbytes / elapsed)}/s")
        if left is None and self.total_items and items:
            left = (self.total_items - items) * elapsed / items
        parts.append(f"{duration_text(elapsed)} elapsed" if left is None else f"{duration_text(left)} left")
        return "  ".join(parts)

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._started < self._delay and not self._drawn:
            return
        if not force and now - self._drawn_at < _REDRAW_S:
            return
        self._drawn_at = now
        self._drawn = True
        self._write("\r\x1b[2K" + _PREFIX + self.text())

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # a closed stream at interpreter exit
            self.enabled = False

    def close(self) -> None:
        """Draw the final state and end the line (nothing when it was never drawn)."""
        if self._watching is not None:
            self._watching.set()
        if self._watcher is not None:
            self._watcher.join(timeout=1.0)  # its last tick must not overwrite the final count
        self._poll()
        if self._drawn:
            self._draw(force=True)
            self._write("\n")

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
