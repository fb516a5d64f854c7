"""Applying a record batch: the one write path of a running run.

A batch is applied in ONE write transaction under the run's row lock, together with the session's
``applied_through`` bookkeeping, so a retried or overlapping batch is skipped record by record and
two server processes never apply the same record twice (sequence rules: docs/architecture.md).

The SDK keeps two batches in flight. The later one may reach ``apply`` first; while another request
for the same run is still being read or applied in this process (:class:`Arrivals`), a batch that
starts past ``applied_through + 1`` waits for it (up to ``GAP_WAIT`` s) instead of answering
``SequenceGap`` at once. A gap nothing in flight can fill is answered at once, as before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from trackwell.schema.errors import InvalidArgument, SequenceGap
from trackwell.schema.file_paths import sanitize_path
from trackwell.schema.records import (
    AlertRecord,
    BatchAck,
    ConfigRecord,
    ExitRecord,
    FileRecord,
    HistoryBlockRecord,
    HistoryRecord,
    MetricRecord,
    OutputLine,
    OutputRecord,
    Record,
    RecordBatch,
    RunMetaRecord,
    StatsRecord,
    SummaryRecord,
)
from trackwell.schema.runs import RunOut
from trackwell.service.alerts import apply_alerts
from trackwell.service.history import flatten_values
from trackwell.service.run_edits import resolve_sdk_writes
from trackwell.service.runs import run_not_found
from trackwell.store.base import (
    BlobStore,
    Database,
    FileEntry,
    HistoryColumns,
    HistoryRow,
    RunChanges,
    RunKey,
)

# The row's own fields: kept out of a history row's values (the SDK may echo them there).
_ROW_FIELDS = frozenset({"_step", "_timestamp", "_runtime"})
# The longest a batch waits for an earlier one of the same run that is still in flight.
GAP_WAIT = 10.0
# How often a waiting batch looks again without being woken (another server process may apply).
_GAP_POLL = 0.05


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


@dataclass
class _Columns:
    """Consecutive history blocks with the same keys, merged as they arrive (one store append)."""

    steps: list[int]
    timestamps: list[float]
    runtimes: list[float]
    columns: dict[str, list[Any]]

    def extend(self, record: HistoryBlockRecord, columns: dict[str, list[Any]]) -> None:
        self.steps += record.steps
        self.timestamps += record.timestamps
        self.runtimes += record.runtimes
        for key, values in columns.items():
            self.columns[key] += values


@dataclass
class _Pending:
    """What one batch changes, gathered record by record and written once at the end."""

    run: RunOut
    now: float
    changes: RunChanges
    # History in batch order: lists of rows and column-wise blocks, appended in this order.
    history: list[list[HistoryRow] | _Columns] = field(default_factory=list)
    history_rows: int = 0
    system: list[HistoryRow] = field(default_factory=list)
    output: list[OutputLine] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    alerts: list[AlertRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    last_step: int | None = None
    runtime: float = 0.0
    metrics: list[dict[str, Any]] | None = None
    metadata: dict[str, Any] | None = None


class RecordService:
    def __init__(self, db: Database, blobs: BlobStore, clock: Callable[[], float] = time.time) -> None:
        self._db = db
        self._blobs = blobs
        self._clock = clock
        self.arrivals = Arrivals()

    def apply(self, key: RunKey, batch: RecordBatch) -> BatchAck:
        """Apply the batch's new records; an empty batch only refreshes the heartbeat.

        Raises ``SequenceGap`` (with ``expected_seq``) when the first new record is past the next
        seq the server expects for this session and no earlier request for the run is in flight
        here (see :class:`Arrivals`), and ``InvalidArgument`` when the batch's own seqs are not
        consecutive.
        """
        _check_consecutive(batch.records)
        give_up = time.monotonic() + GAP_WAIT
        while True:
            seen = self.arrivals.generation
            try:
                with self.arrivals.turn(key):
                    ack = self._apply_once(key, batch)
            except SequenceGap:
                left = give_up - time.monotonic()
                if left <= 0 or not self.arrivals.wait_for_earlier(key, seen, min(left, _GAP_POLL)):
                    raise
                continue
            if batch.records:
                self.arrivals.applied()
            return ack

    def _apply_once(self, key: RunKey, batch: RecordBatch) -> BatchAck:
        now = self._clock()
        with self._db.begin() as conn:
            stored = self._db.runs.get_run(conn, key, lock=True)
            if stored is None:
                raise run_not_found(key)
            applied = self._db.runs.session_applied(conn, stored.pk, batch.session_id)
            fresh = [r for r in batch.records if r.seq > applied]
            if fresh and fresh[0].seq > applied + 1:
                raise SequenceGap(
                    f"Record batch for session {batch.session_id} starts at seq {fresh[0].seq}, "
                    f"but the server has applied only through seq {applied}",
                    expected_seq=applied + 1,
                )
            pending = _Pending(
                run=stored.run,
                now=now,
                changes=RunChanges(heartbeat_at=now, updated_at=now),
                last_step=stored.run.last_step,
                runtime=stored.run.runtime,
            )
            if stored.run.state == "crashed":
                # The run was only silent (e.g. the server was down); it is alive again.
                pending.changes.state = "running"
            for record in fresh:
                self._apply_one(pending, record)
            resolve_sdk_writes(pending.changes, stored.edits)  # Api write-backs the SDK left alone
            self._flush(conn, stored.pk, pending)
            if fresh:
                applied = fresh[-1].seq
                self._db.runs.set_session_applied(conn, stored.pk, batch.session_id, applied)
        return BatchAck(session_id=batch.session_id, applied_through=applied, warnings=pending.warnings)

    def _apply_one(self, p: _Pending, record: Record) -> None:
        if isinstance(record, HistoryBlockRecord):
            _add_history_block(p, record)
        elif isinstance(record, HistoryRecord):
            _add_history(p, record)
        elif isinstance(record, SummaryRecord):
            p.changes.summary = record.values
        elif isinstance(record, ConfigRecord):
            p.changes.config = record.values
        elif isinstance(record, MetricRecord):
            _add_metric(p, record)
        elif isinstance(record, RunMetaRecord):
            _add_meta(p, record)
        elif isinstance(record, OutputRecord):
            p.output.extend(record.lines)
        elif isinstance(record, StatsRecord):
            # System metrics are plotted against wall time: the step is the sample's epoch milliseconds.
            step = round(record.timestamp * 1000)
            row = HistoryRow(step, record.timestamp, record.runtime, dict(record.values), record.seq)
            p.system.append(row)
            p.runtime = max(p.runtime, record.runtime)
        elif isinstance(record, FileRecord):
            self._add_file(p, record)
        elif isinstance(record, AlertRecord):
            p.alerts.append(record)
        elif isinstance(record, ExitRecord):
            p.changes.state = record.state
            p.changes.exit_code = record.exit_code
            p.changes.error = record.error
            p.changes.finished_at = p.now
            p.runtime = record.runtime

    def _add_file(self, p: _Pending, record: FileRecord) -> None:
        path = sanitize_path(record.path)
        if not self._blobs.exists(record.sha256):
            raise InvalidArgument(
                f"file record for '{path}' (seq {record.seq}) names content {record.sha256} "
                "that the server does not have",
                field="records.path",
                hint=f"upload the bytes first (PUT .../files/{path}), then send the record again",
            )
        p.files.append(FileEntry(path=path, sha256=record.sha256, size=record.size, updated_at=p.now))

    def _flush(self, conn: Any, pk: int, p: _Pending) -> None:
        db = self._db
        for segment in p.history:
            if isinstance(segment, _Columns):
                block = HistoryColumns(segment.steps, segment.timestamps, segment.runtimes, segment.columns)
                db.history.append_columns(conn, pk, block, "history")
            else:
                db.history.append(conn, pk, segment, "history")
        if p.history_rows:
            p.changes.history_count = p.run.history_count + p.history_rows
            p.changes.last_step = p.last_step
        if p.system:
            db.history.append(conn, pk, p.system, "system")
        if p.output:
            db.output.write_lines(conn, pk, p.output)
        for entry in p.files:
            db.files.put_file(conn, pk, entry)
        if p.alerts:
            apply_alerts(db.alerts, conn, pk, p.alerts)
        if p.metrics is not None:
            p.changes.metric_definitions = p.metrics
        if p.metadata is not None:
            p.changes.metadata = p.metadata
        if p.runtime != p.run.runtime:
            p.changes.runtime = p.runtime
        db.runs.update_run(conn, pk, p.changes)


def _check_consecutive(records: Sequence[Record]) -> None:
    for i in range(1, len(records)):
        if records[i].seq != records[i - 1].seq + 1:
            raise InvalidArgument(
                f"records must carry consecutive seq numbers: record {i} has seq {records[i].seq} "
                f"after seq {records[i - 1].seq}",
                field=f"records.{i}.seq",
                hint="send each session's records in order, numbered without gaps",
            )


def _add_history(p: _Pending, record: HistoryRecord) -> None:
    raw = record.values
    if "_step" in raw or "_timestamp" in raw or "_runtime" in raw:
        raw = {k: v for k, v in raw.items() if k not in _ROW_FIELDS}
    values = flatten_values(raw)
    if p.last_step is not None and record.step < p.last_step:
        p.warnings.append(
            f"history step {record.step} (seq {record.seq}) is lower than the run's last step "
            f"{p.last_step}; the row was kept out of order"
        )
    row = HistoryRow(record.step, record.timestamp, record.runtime, values, record.seq)
    last = p.history[-1] if p.history else None
    if isinstance(last, list):
        last.append(row)
    else:
        p.history.append([row])
    p.history_rows += 1
    p.last_step = record.step if p.last_step is None else max(p.last_step, record.step)
    p.runtime = max(p.runtime, record.runtime)


def _add_history_block(p: _Pending, record: HistoryBlockRecord) -> None:
    """A block is rows column-wise; consecutive blocks with the same keys are merged, so a batch of
    many blocks costs the history store one append."""
    n = len(record.steps)
    if not n:
        return
    columns = {k: v for k, v in record.columns.items() if k not in _ROW_FIELDS}
    lowest, highest = min(record.steps), max(record.steps)
    if p.last_step is not None and lowest < p.last_step:
        p.warnings.append(
            f"history step {lowest} (seq {record.seq}) is lower than the run's last step {p.last_step}; "
            "the rows were kept out of order"
        )
    last = p.history[-1] if p.history else None
    if isinstance(last, _Columns) and last.columns.keys() == columns.keys():
        last.extend(record, columns)
    else:
        fresh = {k: list(v) for k, v in columns.items()}
        p.history.append(_Columns(list(record.steps), list(record.timestamps), list(record.runtimes), fresh))
    p.history_rows += n
    p.last_step = highest if p.last_step is None else max(p.last_step, highest)
    p.runtime = max(p.runtime, max(record.runtimes))


def _add_metric(p: _Pending, record: MetricRecord) -> None:
    if p.metrics is None:
        p.metrics = list(p.run.metric_definitions)
    definition = record.model_dump(exclude={"seq", "kind"})
    p.metrics = [m for m in p.metrics if m.get("name") != record.name] + [definition]


def _add_meta(p: _Pending, record: RunMetaRecord) -> None:
    c = p.changes
    c.display_name = record.display_name if record.display_name is not None else c.display_name
    c.group = record.group if record.group is not None else c.group
    c.job_type = record.job_type if record.job_type is not None else c.job_type
    c.tags = record.tags if record.tags is not None else c.tags
    c.notes = record.notes if record.notes is not None else c.notes
    if record.metadata is not None:
        p.metadata = {**(p.metadata if p.metadata is not None else p.run.metadata), **record.metadata}
