"""History on the processor thread: ``log()`` calls become rows (wandb's row semantics, :mod:`rows`),
the summary takes them in, and they are written as ``history`` records or, for consecutive rows of
the same plain scalar keys, column-wise ``history_block`` records (:mod:`history_block`, ADR 0002).

Split from :mod:`processor` (the thread, its queue and every other message). The invariant both keep:
a pending block is written before any other record (:meth:`HistoryWriter.flush_block`), so records
stay in the order their calls were made, all numbered by one :class:`RecordSink`.

Plain rows (scalars only, no ``step=`` or ``commit=False``, no ``define_metric``) take a fast path
(:meth:`HistoryWriter.take_plain_rows`, ~1.5 µs a row): a fast loop's backlog at ``finish()`` is
mostly such rows.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from trackwell.sdk.history_block import BLOCK_MAX_ROWS, Block
from trackwell.sdk.processor_media import MediaBinder
from trackwell.sdk.processor_messages import Message
from trackwell.sdk.rows import Row, RowBuilder
from trackwell.sdk.runlog import RunLogWriter, encode_record, numbered, use_fast_encoder
from trackwell.sdk.summary_state import SummaryState
from trackwell.sdk.term import warn_once

FLUSH_SECONDS = 0.1  # a block older than this is written (a SIGKILL loses at most about that much)
SCALAR_TYPES = frozenset({int, float, str, bool, type(None)})


class RecordSink:
    """Numbers records (``seq``, one counter for every kind) and appends them to the run log."""

    def __init__(self, writer: RunLogWriter) -> None:
        self.writer = writer
        self.seq = 0

    def append(self, fields: dict[str, Any]) -> None:
        """Write the record ``fields`` (which hold its ``kind``) with the next seq."""
        self.writer.append(encode_record(numbered(self.seq, fields)))
        self.seq += 1


class HistoryWriter:
    """The row builder, the pending block and the rows' share of the summary; processor thread only."""

    fast_rows = True  # tests turn the fast path off to check that both paths write the same records

    def __init__(
        self,
        sink: RecordSink,
        summary: SummaryState,
        media: MediaBinder,
        *,
        start_time: float,
        runtime_offset: float,
        starting_step: int,
        run_id: str,
    ) -> None:
        self.sink = sink
        self.summary = summary
        self.media = media
        self.start_time = start_time
        self.runtime_offset = runtime_offset
        self.rows = RowBuilder(starting_step)
        self.count = 0  # history rows written
        self._run_id = run_id
        self._rows_out: list[Row] = []
        self._block: Block | None = None
        # The block whose last row the summary has not taken in yet (rows on the fast path).
        self._unfolded: Block | None = None
        self._fast_encoder = False

    def log(
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
                self.write_row(row)
            out.clear()

    def take_plain_rows(self, queue: deque[Message], deadline: float) -> int:
        """Take the plain rows at the head of the queue in one tight loop; returns how many.

        The common case, with what :meth:`log`, ``RowBuilder`` and :meth:`write_row` would do
        inlined: rows of plain scalars committed at once (no ``step=``, no ``commit=False``, no open
        row), with no ``define_metric`` to apply. The summary takes in only the block's last row,
        later (:meth:`fold_summary`): the same result, since every row of a block has the same keys.
        """
        rows, summary = self.rows, self.summary
        if not self.fast_rows or rows.has_open_row or summary.exact or summary.globs:
            return 0
        scalars = SCALAR_TYPES
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
                self.flush_block()
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

    def fold_summary(self) -> None:
        """Give the summary the last fast-path row: before anything else reads or changes it."""
        block = self._unfolded
        if block is not None:
            self._unfolded = None
            self.summary.update_row(block.rows[-1], block.steps[-1], block.timestamps[-1], block.runtimes[-1])

    def tick(self, now: float) -> None:
        """Between slices: the summary sees every row, and a block waits at most ``FLUSH_SECONDS``."""
        if self._unfolded is not None:
            self.fold_summary()
        block = self._block
        if block is not None and now - block.started >= FLUSH_SECONDS:
            self.flush_block()

    def write_row(self, row: Row) -> None:
        if self._unfolded is not None:
            self.fold_summary()
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
                if type(value) not in SCALAR_TYPES:
                    break
            else:  # a row of plain scalars goes into a column-wise block (the fast path)
                self._add_to_block(row, runtime)
                return
        self.flush_block()  # first: the block takes the next seq, this row the one after
        record = {"kind": "history", "step": row.step, "timestamp": row.timestamp, "runtime": runtime}
        record["values"] = row.values
        if row.out_of_order:
            record["out_of_order"] = True
        self.sink.append(record)
        self.count += 1

    def _add_to_block(self, row: Row, runtime: float) -> None:
        values = row.values
        block = self._block
        if block is None or len(block.steps) >= BLOCK_MAX_ROWS or values.keys() != block.keys:
            self.flush_block()
            block = self._block = Block(values.keys())
        block.steps.append(row.step)
        block.timestamps.append(row.timestamp)
        block.runtimes.append(runtime)
        block.rows.append(values)

    def flush_block(self) -> None:
        """Write the pending block. Called before any other record, so records stay in order."""
        block = self._block
        if block is None:
            return
        if self._unfolded is not None:
            self.fold_summary()
        self._block = None
        if not self._fast_encoder:  # loaded here, not at start: init() must not wait for the import
            use_fast_encoder()
            self._fast_encoder = True
        sink = self.sink
        sink.writer.append(encode_record(block.record(sink.seq)))
        sink.seq += 1
        self.count += len(block.steps)

    def finish(self) -> None:
        """Close the open row (wandb commits it at the end)."""
        out = self._rows_out
        self.rows.flush(out)
        for row in out:
            self.write_row(row)
        out.clear()
