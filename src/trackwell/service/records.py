"""Applying a record batch: the one write path of a running run.

A batch is applied in ONE write transaction under the run's row lock, together with the session's
``applied_through`` bookkeeping, so a retried or overlapping batch is skipped record by record and
two server processes never apply the same record twice (sequence rules: docs/architecture.md).

The SDK keeps two batches in flight. The later one may reach ``apply`` first; while another request
for the same run is still being read or applied in this process (:class:`Arrivals`), a batch that
starts past ``applied_through + 1`` waits for it (up to ``GAP_WAIT`` s) instead of answering
``SequenceGap`` at once. A gap nothing in flight can fill is answered at once, as before.

What each record changes is gathered first (:mod:`batch_changes`), then written in one go
(:meth:`RecordService._flush`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from trackwell.schema.errors import InvalidArgument, SequenceGap
from trackwell.schema.file_paths import sanitize_path
from trackwell.schema.records import (
    ArtifactUseRecord,
    BatchAck,
    FileRecord,
    Record,
    RecordBatch,
)
from trackwell.service.alert_rules import AlertRules
from trackwell.service.alerts import apply_alerts
from trackwell.service.artifacts_records import apply_artifact_uses
from trackwell.service.batch_changes import BatchChanges, HistoryBlocks
from trackwell.service.record_arrivals import Arrivals
from trackwell.service.run_edits import resolve_sdk_writes
from trackwell.service.runs import run_not_found
from trackwell.service.sweeps_runs import apply_stop
from trackwell.store.base import (
    BlobStore,
    Database,
    FileEntry,
    HistoryColumns,
    RunChanges,
    RunKey,
)

# The longest a batch waits for an earlier one of the same run that is still in flight.
GAP_WAIT = 10.0
# How often a waiting batch looks again without being woken (another server process may apply).
_GAP_POLL = 0.05


class RecordService:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        clock: Callable[[], float] = time.time,
        alert_rules: AlertRules | None = None,
    ) -> None:
        self._db = db
        self._blobs = blobs
        self._clock = clock
        # Rules and webhooks: one cached lookup per batch when the project has none.
        self._alert_rules = alert_rules or AlertRules(db)
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

    def apply_latest(self, key: RunKey, session_id: str, records: Sequence[Record]) -> BatchAck:
        """Apply ``records`` as the next ones of ``session_id``, numbered inside the transaction.

        For writers whose protocol has no sequence numbers but whose records replace what they
        describe (the wandb client's summary, config and console lines by line number): applying
        one twice changes nothing, and two requests at once cannot skip each other's records as
        duplicates, as numbering them before the transaction could.
        """
        with self.arrivals.turn(key):
            ack = self._apply_once(
                key, RecordBatch(session_id=session_id, records=list(records)), renumber=True
            )
        if records:
            self.arrivals.applied()
        return ack

    def _apply_once(self, key: RunKey, batch: RecordBatch, *, renumber: bool = False) -> BatchAck:
        now = self._clock()
        with self._db.begin() as conn:
            stored = self._db.runs.get_run(conn, key, lock=True)
            if stored is None:
                raise run_not_found(key)
            applied = self._db.runs.session_applied(conn, stored.pk, batch.session_id)
            if renumber:
                batch = RecordBatch(
                    session_id=batch.session_id,
                    records=[
                        r.model_copy(update={"seq": applied + 1 + i}) for i, r in enumerate(batch.records)
                    ],
                )
            fresh = [r for r in batch.records if r.seq > applied]
            if fresh and fresh[0].seq > applied + 1:
                raise SequenceGap(
                    f"Record batch for session {batch.session_id} starts at seq {fresh[0].seq}, "
                    f"but the server has applied only through seq {applied}",
                    expected_seq=applied + 1,
                )
            # A new writer session holding only lineage is the public Api's run.use_artifact() on
            # a run that may have ended (a training session starts with its metadata): it is no
            # sign of life, so a crashed run stays crashed and the heartbeat stays where it was.
            lineage_only = (
                applied == -1 and bool(fresh) and all(isinstance(r, ArtifactUseRecord) for r in fresh)
            )
            pending = BatchChanges(
                run=stored.run,
                now=now,
                changes=RunChanges(updated_at=now)
                if lineage_only
                else RunChanges(heartbeat_at=now, updated_at=now),
                last_step=stored.run.last_step,
                runtime=stored.run.runtime,
            )
            if stored.run.state == "crashed" and not lineage_only:
                # The run was only silent (e.g. the server was down); it is alive again.
                pending.changes.state = "running"
            for record in fresh:
                if isinstance(record, FileRecord):
                    self._add_file(pending, record)
                else:
                    pending.add(record)
            # A sweep's run told to stop: its acks say so, and its exit ends it "stopped".
            stop = apply_stop(self._db, conn, stored.run, pending.changes)
            resolve_sdk_writes(pending.changes, stored.edits)  # Api write-backs the SDK left alone
            self._flush(conn, key, stored.pk, pending)
            if fresh:
                applied = fresh[-1].seq
                self._db.runs.set_session_applied(conn, stored.pk, batch.session_id, applied)
        return BatchAck(
            session_id=batch.session_id,
            applied_through=applied,
            stop_requested=stop,
            warnings=pending.warnings,
        )

    def _add_file(self, p: BatchChanges, record: FileRecord) -> None:
        path = sanitize_path(record.path)
        if not self._blobs.exists(record.sha256):
            raise InvalidArgument(
                f"file record for '{path}' (seq {record.seq}) names content {record.sha256} "
                "that the server does not have",
                field="records.path",
                hint=f"upload the bytes first (PUT .../files/{path}), then send the record again",
            )
        p.files.append(FileEntry(path=path, sha256=record.sha256, size=record.size, updated_at=p.now))

    def _flush(self, conn: Any, key: RunKey, pk: int, p: BatchChanges) -> None:
        db = self._db
        for segment in p.history:
            if isinstance(segment, HistoryBlocks):
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
        alerts = apply_alerts(db.alerts, conn, pk, p.alerts) if p.alerts else []
        self._alert_rules.after_batch(conn, key, pk, p, alerts)
        if p.artifact_uses:
            p.warnings += apply_artifact_uses(db.artifacts, conn, pk, p.artifact_uses, p.now)
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
