"""Console capture: a copy of everything the process writes to stdout/stderr, as numbered lines.

The output itself is untouched (a tee): the user still sees it where they always did. Two ways in:

* ``redirect`` (preferred): file descriptors 1 and 2 are pointed at pipes; a reader thread per stream
  copies each chunk to the original descriptor first, then hands it to the line assembler. Output of
  C extensions, ``os.write`` and child processes is captured too.
* ``wrap``: ``sys.stdout``/``sys.stderr`` are replaced by proxies that forward and copy. Used when a
  stream is not backed by its descriptor (pytest capture, notebooks): only Python-level writes are seen.

``auto`` picks ``redirect`` for a stream whose ``sys`` object writes to fd 1/2, else ``wrap``. A flusher
thread hands changed lines to ``on_lines`` at most every ``flush_interval`` seconds, never holding the
lock while it calls back, so a callback that prints or logs feeds the capture instead of deadlocking.
"""

from __future__ import annotations

import codecs
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Literal, TextIO, cast

from trackwell.sdk.context.output_lines import LineAssembler, Stream
from trackwell.sdk.wire import OutputLine

log = logging.getLogger(__name__)

Mode = Literal["auto", "redirect", "wrap"]
_FDS: dict[Stream, int] = {"stdout": 1, "stderr": 2}
_DRAIN_TIMEOUT_S = 1.0  # how long stop() waits for a pipe still held open by a child process


def _sys_stream(stream: Stream) -> TextIO | None:
    return sys.stdout if stream == "stdout" else sys.stderr


def _set_sys_stream(stream: Stream, value: TextIO) -> None:
    if stream == "stdout":
        sys.stdout = value
    else:
        sys.stderr = value


def _writes_to_fd(obj: TextIO | None, fd: int) -> bool:
    try:
        return obj is not None and obj.fileno() == fd and os.fstat(fd) is not None
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is an OSError
        return False


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class _FdTee:
    """Points ``fd`` at a pipe and copies what arrives to the original descriptor and the assembler."""

    def __init__(self, stream: Stream, feed: Callable[[Stream, str], None]) -> None:
        self.stream = stream
        self.fd = _FDS[stream]
        self._feed = feed
        self.capturing = True
        read_end, write_end = os.pipe()
        self._restore_fd = os.dup(self.fd)
        self._forward_fd = os.dup(self.fd)  # owned by the reader thread, closed at end of pipe
        self._read_end = read_end
        os.dup2(write_end, self.fd)
        os.close(write_end)
        self._thread = threading.Thread(target=self._pump, name=f"trackwell-console-{stream}", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        try:
            while True:
                try:
                    data = os.read(self._read_end, 65536)
                except OSError:
                    break
                if not data:
                    break
                try:
                    _write_all(self._forward_fd, data)
                except OSError:  # the original stdout went away (closed pipe): keep capturing
                    pass
                if self.capturing:
                    self._feed(self.stream, decoder.decode(data))
            if self.capturing:
                self._feed(self.stream, decoder.decode(b"", final=True))
        finally:
            os.close(self._read_end)
            os.close(self._forward_fd)

    def stop(self) -> None:
        os.dup2(self._restore_fd, self.fd)  # drops our write end: the reader sees end of pipe
        os.close(self._restore_fd)
        self._thread.join(_DRAIN_TIMEOUT_S)
        # A child process still holding the pipe: keep forwarding its output, stop capturing it.
        self.capturing = False


class _WrapTee:
    """Replaces ``sys.<stream>`` with a forwarding, copying proxy."""

    def __init__(self, stream: Stream, feed: Callable[[Stream, str], None]) -> None:
        original = _sys_stream(stream)
        assert original is not None
        self.stream = stream
        self.original = original
        self.proxy = _TeeText(original, stream, feed)
        _set_sys_stream(stream, cast(TextIO, self.proxy))

    def stop(self) -> None:
        if _sys_stream(self.stream) is cast(TextIO, self.proxy):
            _set_sys_stream(self.stream, self.original)
        self.proxy.capturing = False  # someone replaced it after us: stay a pure forwarder


class _TeeText:
    def __init__(self, target: TextIO, stream: Stream, feed: Callable[[Stream, str], None]) -> None:
        self._target = target
        self._stream = stream
        self._feed = feed
        self.capturing = True

    def write(self, text: str) -> int:
        written = self._target.write(text)
        if self.capturing:
            self._feed(self._stream, text)
        return written

    def writelines(self, lines: list[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._target.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


class ConsoleCapture:
    """Tee stdout and stderr into batches of :class:`OutputLine` for ``on_lines``.

    Example::

        capture = ConsoleCapture(lambda lines: queue.put(OutputRecord(seq=0, lines=lines)))
        capture.start()
        ...
        capture.stop()  # restores the streams and delivers the last lines
    """

    def __init__(
        self,
        on_lines: Callable[[list[OutputLine]], None],
        flush_interval: float = 0.5,
        *,
        mode: Mode = "auto",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._on_lines = on_lines
        self._interval = flush_interval
        self._mode = mode
        self._assembler = LineAssembler(clock=clock)
        self._lock = threading.Lock()
        self._tees: list[_FdTee | _WrapTee] = []
        self._stop = threading.Event()
        self._flusher: threading.Thread | None = None
        self._callback_failed = False
        self.modes: dict[Stream, str] = {}  # what each stream ended up using, for debug logs

    def _feed(self, stream: Stream, text: str) -> None:
        if text:
            with self._lock:
                self._assembler.feed(stream, text)

    def start(self) -> None:
        if self._flusher is not None:
            raise RuntimeError("ConsoleCapture.start() called twice")
        self._stop.clear()  # a stopped capture may be started again
        for stream in _FDS:
            self._start_stream(stream)
        self._flusher = threading.Thread(target=self._flush_loop, name="trackwell-console-flush", daemon=True)
        self._flusher.start()

    def _start_stream(self, stream: Stream) -> None:
        obj = _sys_stream(stream)
        use_fd = self._mode == "redirect" or (self._mode == "auto" and _writes_to_fd(obj, _FDS[stream]))
        if obj is not None:
            obj.flush()  # what Python buffered before start belongs to the old destination
        if use_fd:
            self._tees.append(_FdTee(stream, self._feed))
            self.modes[stream] = "redirect"
        elif obj is not None:
            self._tees.append(_WrapTee(stream, self._feed))
            self.modes[stream] = "wrap"

    def _flush_loop(self) -> None:
        while not self._stop.wait(self._interval):
            self._deliver()

    def _deliver(self) -> None:
        with self._lock:
            lines = self._assembler.drain()
        if not lines:
            return
        try:
            self._on_lines(lines)
        except Exception:
            if not self._callback_failed:  # log once; console capture must never break the run
                self._callback_failed = True
                log.exception("console capture callback failed; further failures are not logged")

    def flush(self) -> None:
        """Deliver the lines captured so far now (from the calling thread)."""
        for obj in (sys.stdout, sys.stderr):
            if obj is not None:
                obj.flush()
        self._deliver()

    def stop(self) -> None:
        """Restore stdout/stderr, wait for the pipes to drain and deliver the remaining lines."""
        if self._flusher is None:
            return
        for obj in (sys.stdout, sys.stderr):
            if obj is not None:
                try:
                    obj.flush()
                except (OSError, ValueError):
                    pass
        for tee in reversed(self._tees):
            tee.stop()
        self._tees.clear()
        self._stop.set()
        self._flusher.join()
        self._flusher = None
        self._deliver()

    def __enter__(self) -> ConsoleCapture:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
