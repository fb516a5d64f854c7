"""The records a run writes: the unit of the local run log and of upload batches.

Every record carries ``seq``, numbered from 0 per writer session (``session_id``). The server
applies a batch idempotently: records with a seq it has already applied are skipped, and a batch
whose first new seq is past the next expected one is refused with ``SequenceGap`` so the sender
resends from there. The same records are replayed unchanged by ``trackwell sync``.

Values inside history, summary and config are JSON values; NaN and ±Infinity are carried as the
bare tokens ``NaN``, ``Infinity`` and ``-Infinity`` (Python's json module reads and writes them).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from trackwell.schema.alerts import DEFAULT_WAIT_SECONDS, AlertLevel
from trackwell.schema.base import WireModel
from trackwell.schema.runs import RunError, RunState


class _Record(WireModel):
    model_config = ConfigDict(ser_json_inf_nan="constants")
    seq: int = Field(ge=0)


class HistoryRecord(_Record):
    """One committed history row (wandb's ``log`` semantics already applied by the SDK)."""

    kind: Literal["history"] = "history"
    step: int
    timestamp: float
    runtime: float
    values: dict[str, Any] = Field(description="Key -> JSON value; nested dicts stay nested.")
    out_of_order: bool = Field(False, description="Step is lower than an earlier row's; kept, not dropped.")


class HistoryBlockRecord(_Record):
    """Consecutive committed rows that log the same scalar keys, column-wise, as one record.

    What a fast training loop produces: the SDK groups such rows (up to ~1,000, or ~0.1 s) so that
    parsing and storing them costs per value what a row-by-row record costs per row. Row ``i`` is
    ``steps[i], timestamps[i], runtimes[i], {key: columns[key][i] for key in columns}``.
    """

    kind: Literal["history_block"] = "history_block"
    steps: list[int]
    timestamps: list[float]
    runtimes: list[float]
    columns: dict[str, list[Any]] = Field(description="Key -> one JSON scalar per row.")

    @model_validator(mode="after")
    def _same_lengths(self) -> HistoryBlockRecord:
        n = len(self.steps)
        lengths = [len(self.timestamps), len(self.runtimes), *(len(v) for v in self.columns.values())]
        if any(length != n for length in lengths):
            raise ValueError(f"every column of a history block must have {n} values, one per step")
        return self


class SummaryRecord(_Record):
    """The whole summary (replace semantics, as wandb's ``wandb-summary.json``)."""

    kind: Literal["summary"] = "summary"
    values: dict[str, Any]


class ConfigRecord(_Record):
    """The whole config (replace)."""

    kind: Literal["config"] = "config"
    values: dict[str, Any]


class MetricRecord(_Record):
    """``define_metric``: how a metric is summarized and plotted."""

    kind: Literal["metric"] = "metric"
    name: str = Field(description="Metric name, may end with '*' (glob).")
    step_metric: str | None = None
    summary: list[str] = Field(default_factory=list, description="min, max, mean, first, last, best, none")
    goal: Literal["minimize", "maximize"] | None = None
    hidden: bool = False


class RunMetaRecord(_Record):
    """Changes to the run's identity fields made during the run (``run.name = ...``, tags, notes)."""

    kind: Literal["meta"] = "meta"
    display_name: str | None = None
    group: str | None = None
    job_type: str | None = None
    tags: list[str] | None = None
    notes: str | None = None
    metadata: dict[str, Any] | None = Field(default=None, description="Run context, merged into metadata.")


class OutputLine(WireModel):
    line: int = Field(
        ge=0, description="Line number; a later record may overwrite a line (\\r progress bars)."
    )
    stream: Literal["stdout", "stderr"] = "stdout"
    timestamp: float
    text: str


class OutputRecord(_Record):
    """Console output lines."""

    kind: Literal["output"] = "output"
    lines: list[OutputLine]


class StatsRecord(_Record):
    """One system-metrics sample: keys like ``system/cpu_percent``, plotted against wall time."""

    kind: Literal["stats"] = "stats"
    timestamp: float
    runtime: float
    values: dict[str, float]


class FileRecord(_Record):
    """A run file was written or changed. The uploader sends the bytes first, then this record."""

    kind: Literal["file"] = "file"
    path: str = Field(description="Relative to the run's files/ folder, '/'-separated.")
    sha256: str
    size: int
    policy: Literal["live", "now", "end"] = "now"


class AlertRecord(_Record):
    """``run.alert(...)``: stored by the server, rate-limited per title (see ``schema/alerts.py``)."""

    kind: Literal["alert"] = "alert"
    title: str
    text: str
    level: AlertLevel = "INFO"
    wait_duration: float = Field(DEFAULT_WAIT_SECONDS, ge=0, description="Seconds (wandb sends ms).")
    timestamp: float


class ArtifactRecord(_Record):
    """``run.log_artifact(...)``: the version to save, kept in the run log so that ``trackwell sync``
    can save it again (offline runs, or a process that died mid-upload). The SDK's artifact saver
    uploads the blobs and creates the version (``ArtifactCreate``, idempotent per ``client_id``); the
    server applies this record as a marker only (docs/artifacts.md)."""

    kind: Literal["artifact"] = "artifact"
    client_id: str
    name: str
    create: dict[str, Any] = Field(description="The ArtifactCreate body (schema/artifacts.py).")
    local_paths: dict[str, str] = Field(
        default_factory=dict, description="Entry path -> the staged or in-place file to upload from."
    )


class ArtifactUseRecord(_Record):
    """``run.use_artifact(...)``: this run read that version (lineage), applied in order with the rest."""

    kind: Literal["artifact_use"] = "artifact_use"
    artifact_id: str
    used_as: str | None = None


class ExitRecord(_Record):
    """The run ended. Last record of a session."""

    kind: Literal["exit"] = "exit"
    state: RunState
    exit_code: int
    runtime: float
    error: RunError | None = None


Record = Annotated[
    HistoryRecord
    | HistoryBlockRecord
    | SummaryRecord
    | ConfigRecord
    | MetricRecord
    | RunMetaRecord
    | OutputRecord
    | StatsRecord
    | FileRecord
    | AlertRecord
    | ArtifactRecord
    | ArtifactUseRecord
    | ExitRecord,
    Field(discriminator="kind"),
]


class RecordBatch(WireModel):
    """Body of ``POST /api/v1/runs/{entity}/{project}/{run_id}/records`` (JSON, may be gzip-encoded).

    An empty ``records`` list is a heartbeat.
    """

    model_config = ConfigDict(ser_json_inf_nan="constants")
    session_id: str
    records: list[Record] = Field(default_factory=list)


class BatchAck(WireModel):
    session_id: str
    applied_through: int = Field(description="Highest seq applied for this session; -1 when none.")
    stop_requested: bool = Field(False, description="The server asks the run to stop (UI 'stop run').")
    warnings: list[str] = Field(default_factory=list)


class OutputPage(WireModel):
    """Answer of ``GET .../{run_id}/output``: console lines ``offset..offset+len(lines)``."""

    lines: list[OutputLine]
    total: int = Field(description="Lines the run has in all.")
    offset: int
