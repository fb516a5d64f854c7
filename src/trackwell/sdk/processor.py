"""The processor thread: turns queued ``log``/config/summary calls into records in the run log.

Why a thread: ``log()`` must return in microseconds, so the training thread only appends a message
(:mod:`processor_messages`) to a deque (:meth:`Processor.submit`). This thread applies wandb's row
semantics (:mod:`rows`), the summary (:mod:`summary_state`), numbers records (``seq``) and appends
them, CRC-framed, to the run log.

It works in slices of at most ~50 µs and yields the GIL (``time.sleep(0)``) between slices, so the
training thread never waits long for the interpreter lock. Frames reach the OS at least every
~100 ms (a SIGKILL loses at most that), the summary is written as a SummaryRecord at most once a
second while it changes and always at the end. Plain rows (scalars only, no ``step=`` or
``commit=False``, no ``define_metric``) take a fast path (:meth:`Processor._plain_rows`, ~1.5 µs a
row): a fast loop's backlog at ``finish()`` is mostly such rows. Media: :mod:`processor_media`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trackwell.sdk.history_block import BLOCK_MAX_ROWS, Block
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
from trackwell.sdk.rows import Row, RowBuilder
from trackwell.sdk.runlog import RunLogWriter, encode_record, numbered, use_fast_encoder
from trackwell.sdk.summary_state import SummaryState
from trackwell.sdk.term import warn_once

log = logging.getLogger("trackwell.sdk")

SLICE_SECONDS = 0.00005
FLUSH_SECONDS = 0.1
SUMMARY_SECONDS = 1.0
IDLE_WAIT_SECONDS = 0.05
FLUSH_BYTES = 1 << 20
_SCALAR_TYPES = frozenset({int, float, str, bool, type(None)})


class Processor:
    """Owns the row builder, the summary and the run-log writer; only its thread touches them."""

    fast_rows = True  # tests turn the fast path off to check that both paths write the same records

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
        self.rows = RowBuilder(starting_step)
        self.summary = summary or SummaryState()
        self.seq = 0
        self.history_count = 0
        self._run_id = run_id
        self.media = MediaBinder(files_dir, run_id, self._append)
        self._rows_out: list[Row] = []
        self._block: Block | None = None
        # The block whose last row the summary has not taken in yet (rows on the fast path).
        self._unfolded: Block | None = None
        self._fast_encoder = False
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

    def runtime(self, now: float | None = None) -> float:
        return (time.time() if now is None else now) - self.start_time + self.runtime_offset

    # --- processor thread -------------------------------------------------------------------

    def _loop(self) -> None:
        queue = self.queue
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
                    handled += self._plain_rows(queue, deadline)
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
        if self._unfolded is not None:
            self._fold_summary()
        now = time.monotonic()
        block = self._block
        if block is not None and now - block.started >= FLUSH_SECONDS:
            self._flush_block()
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
                self._log(data, step, commit, timestamp, deferred)
                return
            if self._unfolded is not None:  # summary changes and records see every row before them
                self._fold_summary()
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
                self._flush_block()
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

    def _log(
        self, data: dict[str, Any], step: int | None, commit: bool | None, ts: float, deferred: bool
    ) -> None:
        rows = self.rows
        if deferred:
            target = step if step is not None and step >= rows.step else rows.step
            data = self.media.resolve(self.media.split_charts(data), target)
        out = self._rows_out
        rows.log(data, step, commit, ts, out)
        if out:
            for row in out:
                self._write_row(row)
            out.clear()

    def _plain_rows(self, queue: deque[Message], deadline: float) -> int:
        """Take the plain rows at the head of the queue in one tight loop; returns how many.

        The common case, with what ``_log``, ``RowBuilder`` and ``_write_row`` would do inlined: rows
        of plain scalars committed at once (no ``step=``, no ``commit=False``, no open row), with no
        ``define_metric`` to apply. The summary takes in only the block's last row, later
        (:meth:`_fold_summary`): the same result, since every row of a block has the same keys.
        """
        rows, summary = self.rows, self.summary
        if not self.fast_rows or rows.has_open_row or summary.exact or summary.globs:
            return 0
        scalars = _SCALAR_TYPES
        start, offset = self.start_time, self.runtime_offset
        block = self._block
        taken = 0
        while queue:
            call = queue[0]
            if type(call) is not tuple:  # not a LogCall
                break
            data, step, commit, ts, deferred = call
            if step is not None or commit is False or deferred:
                break
            plain = True
            for value in data.values():
                if type(value) not in scalars:
                    plain = False
                    break
            if not plain:
                break
            if block is None or len(block.steps) >= BLOCK_MAX_ROWS or data.keys() != block.keys:
                self._flush_block()
                block = self._block = Block(data.keys())
            queue.popleft()
            block.steps.append(rows.step)
            rows.step += 1
            block.timestamps.append(ts)
            block.runtimes.append(ts - start + offset)
            block.rows.append(data)
            self._unfolded = block
            taken += 1
            if not taken & 7 and time.perf_counter() > deadline:  # a slice overruns by <= 8 rows
                break
        return taken

    def _fold_summary(self) -> None:
        """Give the summary the last fast-path row: before anything else reads or changes it."""
        block = self._unfolded
        if block is not None:
            self._unfolded = None
            self.summary.update_row(block.rows[-1], block.steps[-1], block.timestamps[-1], block.runtimes[-1])

    def _write_row(self, row: Row) -> None:
        if self._unfolded is not None:
            self._fold_summary()
        runtime = row.timestamp - self.start_time + self.runtime_offset
        summary = self.summary
        if summary.exact or summary.globs:
            summary.step_sync(row.values)
        if row.out_of_order:
            summary.update_out_of_order(row.values)
            warn_once(
                f"out-of-order-{self._run_id}",
                f"Tried to log to step {row.step} that is less than the current step {self.rows.step}. "
                "Steps should increase monotonically; wandb would drop this data, trackwell keeps it as "
                "an out-of-order row. Log without step= or with larger steps to avoid this. "
                "(This warning is shown once per run.)",
            )
        else:
            summary.update_row(row.values, row.step, row.timestamp, runtime)
            for value in row.values.values():
                if type(value) not in _SCALAR_TYPES:
                    break
            else:  # a row of plain scalars goes into a column-wise block (the fast path)
                self._add_to_block(row, runtime)
                return
        self._flush_block()  # first: the block takes the next seq, this row the one after
        record = {
            "seq": self.seq,
            "kind": "history",
            "step": row.step,
            "timestamp": row.timestamp,
            "runtime": runtime,
            "values": row.values,
        }
        if row.out_of_order:
            record["out_of_order"] = True
        self.writer.append(encode_record(record))
        self.seq += 1
        self.history_count += 1

    def _add_to_block(self, row: Row, runtime: float) -> None:
        values = row.values
        block = self._block
        if block is None or len(block.steps) >= BLOCK_MAX_ROWS or values.keys() != block.keys:
            self._flush_block()
            block = self._block = Block(values.keys())
        block.steps.append(row.step)
        block.timestamps.append(row.timestamp)
        block.runtimes.append(runtime)
        block.rows.append(values)

    def _flush_block(self) -> None:
        """Write the pending block. Called before any other record, so records stay in order."""
        block = self._block
        if block is None:
            return
        if self._unfolded is not None:
            self._fold_summary()
        self._block = None
        if not self._fast_encoder:  # loaded here, not at start: init() must not wait for the import
            use_fast_encoder()
            self._fast_encoder = True
        self.writer.append(encode_record(block.record(self.seq)))
        self.seq += 1
        self.history_count += len(block.steps)

    def _append(self, fields: dict[str, Any]) -> None:
        self._flush_block()
        self.writer.append(encode_record(numbered(self.seq, fields)))
        self.seq += 1

    def _write_summary(self) -> None:
        self._append({"kind": "summary", "values": self.summary.snapshot()})
        self.summary.dirty = False

    def _finish(self, exit_fields: dict[str, Any]) -> None:
        out = self._rows_out
        self.rows.flush(out)
        for row in out:
            self._write_row(row)
        out.clear()
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
