"""The processor thread: turns queued ``log``/config/summary calls into records in the run log.

Why a thread: ``log()`` must return in microseconds, so the training thread only appends a message
(:mod:`processor_messages`) to a deque (:meth:`Processor.submit`). This thread applies wandb's row
semantics (:mod:`rows`), the summary (:mod:`summary_state`), numbers records (``seq``) and appends
them, CRC-framed, to the run log.

It works in slices of at most ~50 µs and yields the GIL (``time.sleep(0)``) between slices, so the
training thread never waits long for the interpreter lock. Frames reach the OS at least every
~100 ms (a SIGKILL loses at most that), the summary is written as a SummaryRecord at most once a
second while it changes and always at the end. History rows (and their fast path for plain rows):
:mod:`processor_history`; media: :mod:`processor_media`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trackwell.sdk.processor_history import FLUSH_SECONDS, HistoryWriter, RecordSink
from trackwell.sdk.processor_media import MediaBinder
from trackwell.sdk.processor_messages import (
    AppendRecord,
    Barrier,
    ConfigChanged,
    DefineMetric,
    Finish,
    Message,
    SummaryDelete,
    SummarySet,
)
from trackwell.sdk.rows import RowBuilder
from trackwell.sdk.runlog import RunLogWriter
from trackwell.sdk.summary_state import SummaryState
from trackwell.sdk.term import warn_once

log = logging.getLogger("trackwell.sdk")

SLICE_SECONDS = 0.00005
SUMMARY_SECONDS = 1.0
IDLE_WAIT_SECONDS = 0.05
FLUSH_BYTES = 1 << 20


class Processor:
    """Owns the history writer, the summary and the run-log writer; only its thread touches them."""

    def __init__(
        self,
        *,
        writer: RunLogWriter,
        files_dir: Path,
        start_time: float,
        runtime_offset: float = 0.0,
        starting_step: int = 0,
        summary: SummaryState | None = None,
        run_id: str = "",
    ) -> None:
        self.queue: deque[Message] = deque()
        self.writer = writer
        self.files_dir = files_dir
        self._urgent = False  # someone waits for the queue to drain: skip GIL yields
        self.start_time = start_time
        self.runtime_offset = runtime_offset
        self.summary = summary or SummaryState()
        self._run_id = run_id
        self.sink = RecordSink(writer)
        self.media = MediaBinder(files_dir, run_id, self._append)
        self.history = HistoryWriter(
            self.sink,
            self.summary,
            self.media,
            start_time=start_time,
            runtime_offset=runtime_offset,
            starting_step=starting_step,
            run_id=run_id,
        )
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._done = threading.Event()  # set once the log is closed
        self._last_flush = time.monotonic()
        self._last_summary = self._last_flush
        self._thread = threading.Thread(target=self._loop, name="trackwell-processor", daemon=True)
        self.on_closed: Callable[[], None] | None = None

    # --- training-thread side ---------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def submit(self, message: Message) -> None:
        self.queue.append(message)

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until everything submitted so far is processed and written to the OS."""
        if self._done.is_set():
            return True
        barrier = Barrier()
        self.queue.append(barrier)
        self._urgent = True
        self._wake.set()
        try:
            return barrier.done.wait(timeout)
        finally:
            self._urgent = False

    def call(self, fn: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Run ``fn`` on the processor thread after everything submitted so far (None on timeout)."""
        if self._done.is_set():
            return fn()
        barrier = Barrier(fn)
        self.queue.append(barrier)
        self._wake.set()
        barrier.done.wait(timeout)
        return barrier.result

    def finish(self, exit_fields: dict[str, Any], timeout: float = 30.0) -> bool:
        """Close the open row, write the summary and the ExitRecord, close the log."""
        if self._done.is_set():
            return True
        self.queue.append(Finish(exit_fields))
        self._urgent = True  # the caller is blocked on us: no need to leave it the GIL
        self._wake.set()
        return self._done.wait(timeout)

    @property
    def closed(self) -> bool:
        return self._done.is_set()

    @property
    def seq(self) -> int:
        """The seq the next record gets (= records written so far, the session header aside)."""
        return self.sink.seq

    @property
    def rows(self) -> RowBuilder:
        return self.history.rows

    @property
    def history_count(self) -> int:
        return self.history.count

    def runtime(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.start_time + self.runtime_offset

    # --- processor thread -------------------------------------------------------------------

    def _loop(self) -> None:
        queue, take_plain_rows = self.queue, self.history.take_plain_rows
        try:
            while not self._stopping.is_set():
                if not queue:
                    self._tick()
                    self._wake.wait(IDLE_WAIT_SECONDS)
                    self._wake.clear()
                    continue
                deadline = time.perf_counter() + SLICE_SECONDS
                before = len(queue)
                handled = 0
                while queue:
                    handled += take_plain_rows(queue, deadline)
                    if not queue or time.perf_counter() > deadline:
                        break
                    self._handle(queue.popleft())
                    handled += 1
                    if self._stopping.is_set() or time.perf_counter() > deadline:
                        break
                self._tick()
                # Yield the GIL between slices only while the training thread is logging (items
                # arrived during the slice), so its log() calls never wait long. Otherwise, and
                # whenever someone waits for us (finish, drain), keep going: on a busy machine each
                # yield costs ~100 µs of rescheduling, which made catching up 3x slower.
                if len(queue) + handled > before and not self._urgent:
                    time.sleep(0)
        except Exception:  # pragma: no cover - a bug here must not hang finish()
            log.exception("processor thread crashed")
        finally:
            self._close()

    def _tick(self) -> None:
        now = time.monotonic()
        self.history.tick(now)
        if self.summary.dirty and now - self._last_summary >= SUMMARY_SECONDS:
            self._write_summary()
            self._last_summary = now
        if self.writer.pending_bytes and (
            now - self._last_flush >= FLUSH_SECONDS or self.writer.pending_bytes > FLUSH_BYTES
        ):
            self.writer.flush()
            self._last_flush = now

    def _handle(self, message: Message) -> None:
        try:
            if type(message) is tuple:  # a LogCall
                data, step, commit, timestamp, deferred = message
                self.history.log(data, step, commit, timestamp, deferred)
                return
            self.history.fold_summary()  # summary changes and records see every row before them
            if isinstance(message, ConfigChanged):
                self._append({"kind": "config", "values": message.values})
            elif isinstance(message, SummarySet):
                self.summary.set(self.media.resolve(message.values, "summary"))
            elif isinstance(message, SummaryDelete):
                self.summary.delete(message.key)
            elif isinstance(message, DefineMetric):
                self.summary.define(message.metric)
                self._append(message.metric.record())
            elif isinstance(message, AppendRecord):
                self._append(message.fields)
            elif isinstance(message, Barrier):
                self.history.flush_block()
                self.writer.flush()
                if message.call is not None:
                    message.result = message.call()
                message.done.set()
            elif isinstance(message, Finish):
                self._finish(message.exit_fields)
        except Exception as exc:
            # One bad message must never stop the run's logging; it is reported once and skipped.
            log.exception("could not process a queued %s", type(message).__name__)
            warn_once(f"processor-error-{self._run_id}", f"could not record a logged value: {exc!r}")
            if isinstance(message, Barrier):
                message.done.set()
            elif isinstance(message, Finish):
                self._stopping.set()

    def _append(self, fields: dict[str, Any]) -> None:
        self.history.flush_block()  # first: records stay in the order of their calls
        self.sink.append(fields)

    def _write_summary(self) -> None:
        self._append({"kind": "summary", "values": self.summary.snapshot()})
        self.summary.dirty = False

    def _finish(self, exit_fields: dict[str, Any]) -> None:
        self.history.finish()
        self._write_summary()
        self._append({"kind": "exit", "runtime": self.runtime(), **exit_fields})
        self._stopping.set()

    def _close(self) -> None:
        self._stopping.set()
        try:
            self.writer.close()
        except OSError:
            log.exception("could not close the run log")
        self._done.set()
        # Whoever waits on a barrier queued after the finish must not hang.
        while self.queue:
            message = self.queue.popleft()
            if isinstance(message, Barrier):
                message.done.set()
        if self.on_closed is not None:
            self.on_closed()
