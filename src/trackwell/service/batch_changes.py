"""What one record batch changes, gathered record by record before anything is written.

:class:`BatchChanges` takes in each new record of a batch (history rows and blocks, summary,
config, metric definitions, run metadata, console output, system stats, alerts, artifact uses, the
exit) and holds the run's changes and the rows to append; :mod:`records` then writes them all in the
batch's one transaction. Consecutive history blocks with the same keys are merged here, so a batch
of many blocks costs the history store one append.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trackwell.schema.nesting import flatten
from trackwell.schema.records import (
    AlertRecord,
    ArtifactRecord,
    ArtifactUseRecord,
    ConfigRecord,
    ExitRecord,
    HistoryBlockRecord,
    HistoryRecord,
    MetricRecord,
    OutputLine,
    OutputRecord,
    Record,
    RunMetaRecord,
    StatsRecord,
    SummaryRecord,
)
from trackwell.schema.runs import RunOut
from trackwell.store.base import FileEntry, HistoryRow, RunChanges

# The row's own fields: kept out of a history row's values (the SDK may echo them there).
_ROW_FIELDS = frozenset({"_step", "_timestamp", "_runtime"})


@dataclass
class HistoryBlocks:
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
class BatchChanges:
    """What one batch changes, gathered record by record and written once at the end."""

    run: RunOut
    now: float
    changes: RunChanges
    # History in batch order: lists of rows and column-wise blocks, appended in this order.
    history: list[list[HistoryRow] | HistoryBlocks] = field(default_factory=list)
    history_rows: int = 0
    system: list[HistoryRow] = field(default_factory=list)
    output: list[OutputLine] = field(default_factory=list)
    files: list[FileEntry] = field(default_factory=list)
    alerts: list[AlertRecord] = field(default_factory=list)
    artifact_uses: list[ArtifactUseRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    last_step: int | None = None
    runtime: float = 0.0
    metrics: list[dict[str, Any]] | None = None
    metadata: dict[str, Any] | None = None

    def add(self, record: Record) -> None:
        """Take in one record (file records are the service's: their bytes must be checked first)."""
        if isinstance(record, HistoryBlockRecord):
            _add_history_block(self, record)
        elif isinstance(record, HistoryRecord):
            _add_history(self, record)
        elif isinstance(record, SummaryRecord):
            self.changes.summary = record.values
        elif isinstance(record, ConfigRecord):
            self.changes.config = record.values
        elif isinstance(record, MetricRecord):
            _add_metric(self, record)
        elif isinstance(record, RunMetaRecord):
            _add_meta(self, record)
        elif isinstance(record, OutputRecord):
            self.output.extend(record.lines)
        elif isinstance(record, StatsRecord):
            # System metrics are plotted against wall time: the step is the sample's epoch milliseconds.
            step = round(record.timestamp * 1000)
            row = HistoryRow(step, record.timestamp, record.runtime, dict(record.values), record.seq)
            self.system.append(row)
            self.runtime = max(self.runtime, record.runtime)
        elif isinstance(record, AlertRecord):
            self.alerts.append(record)
        elif isinstance(record, ArtifactUseRecord):
            self.artifact_uses.append(record)  # a lineage edge (service/artifacts_records.py)
        elif isinstance(record, ArtifactRecord):
            pass  # a marker: the SDK's saver creates the version (POST .../versions)
        elif isinstance(record, ExitRecord):
            self.changes.state = record.state
            self.changes.exit_code = record.exit_code
            self.changes.error = record.error
            self.changes.finished_at = self.now
            self.runtime = record.runtime


def _add_history(p: BatchChanges, record: HistoryRecord) -> None:
    raw = record.values
    if "_step" in raw or "_timestamp" in raw or "_runtime" in raw:
        raw = {k: v for k, v in raw.items() if k not in _ROW_FIELDS}
    values, paths, clashes = flatten(raw)
    if clashes:
        p.warnings.append(
            f"history key(s) {', '.join(map(repr, clashes))} logged twice in one row (seq {record.seq}), "
            "flat and nested under the same dotted name; one series holds one value a row, the "
            "nested value was kept (rename one of them)"
        )
    if p.last_step is not None and record.step < p.last_step:
        p.warnings.append(
            f"history step {record.step} (seq {record.seq}) is lower than the run's last step "
            f"{p.last_step}; the row was kept out of order"
        )
    row = HistoryRow(record.step, record.timestamp, record.runtime, values, record.seq, paths)
    last = p.history[-1] if p.history else None
    if isinstance(last, list):
        last.append(row)
    else:
        p.history.append([row])
    p.history_rows += 1
    p.last_step = record.step if p.last_step is None else max(p.last_step, record.step)
    p.runtime = max(p.runtime, record.runtime)


def _add_history_block(p: BatchChanges, record: HistoryBlockRecord) -> None:
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
    if isinstance(last, HistoryBlocks) and last.columns.keys() == columns.keys():
        last.extend(record, columns)
    else:
        fresh = {k: list(v) for k, v in columns.items()}
        p.history.append(
            HistoryBlocks(list(record.steps), list(record.timestamps), list(record.runtimes), fresh)
        )
    p.history_rows += n
    p.last_step = highest if p.last_step is None else max(p.last_step, highest)
    p.runtime = max(p.runtime, max(record.runtimes))


def _add_metric(p: BatchChanges, record: MetricRecord) -> None:
    if p.metrics is None:
        p.metrics = list(p.run.metric_definitions)
    definition = record.model_dump(exclude={"seq", "kind"})
    p.metrics = [m for m in p.metrics if m.get("name") != record.name] + [definition]


def _add_meta(p: BatchChanges, record: RunMetaRecord) -> None:
    c = p.changes
    c.display_name = record.display_name if record.display_name is not None else c.display_name
    c.group = record.group if record.group is not None else c.group
    c.job_type = record.job_type if record.job_type is not None else c.job_type
    c.tags = record.tags if record.tags is not None else c.tags
    c.notes = record.notes if record.notes is not None else c.notes
    if record.metadata is not None:
        p.metadata = {**(p.metadata if p.metadata is not None else p.run.metadata), **record.metadata}
