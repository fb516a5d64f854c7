"""Storage interfaces, one per concern.

The metadata store (runs, projects, users, keys, files index) and the metric-history store share
one SQL database so that a record batch is applied in one transaction: the sequence bookkeeping
and the data it guards commit together, which is what makes retries idempotent. Blobs (file bytes)
live outside the database behind :class:`BlobStore`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection

from trackwell.schema.history import HistoryKeys, HistoryRows, KeyUsage, Series
from trackwell.schema.records import OutputLine
from trackwell.schema.runs import ProjectOut, RunError, RunOut, RunState, RunUpsert

Stream = Literal["history", "system"]


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One committed row as the history store receives it.

    ``values`` is flat: nested dicts were joined with '.' by the caller (``a.b``), so each key is one
    series. Numbers (int, float incl. NaN/±Inf; not bool) go to compressed columnar chunks; every
    other value (str, bool, None, lists, media references) to the row store, so full rows can be
    rebuilt for export.
    """

    step: int
    timestamp: float
    runtime: float
    values: dict[str, Any]
    seq: int = 0


@dataclass(frozen=True, slots=True)
class HistoryColumns:
    """Rows given column-wise (what a fast training loop sends): row ``i`` is ``steps[i]``,
    ``timestamps[i]``, ``runtimes[i]`` and ``{key: columns[key][i]}``. Keys are flat."""

    steps: Sequence[int]
    timestamps: Sequence[float]
    runtimes: Sequence[float]
    columns: Mapping[str, Sequence[Any]]


@dataclass(slots=True)
class HistoryFrame:
    """A page of full-resolution history, column-wise (what the columnar export reads).

    Row ``i`` is ``steps[i]``, ``timestamps[i]``, ``runtimes[i]`` (numpy arrays), sorted by step.
    ``numbers[key] = (values, present)``: an int64 or float64 array as long as the page and a bool
    array saying which rows hold the key (None: every row does). ``others[key]`` maps row index to
    each value that is not a number of that one type (strings, bools, lists, media references,
    None, or ints where the key's chunks hold floats). Keys are flat (``a.b``).
    """

    steps: Any
    timestamps: Any
    runtimes: Any
    numbers: dict[str, tuple[Any, Any]]
    others: dict[str, dict[int, Any]]
    next_min_step: int | None


@dataclass(frozen=True, slots=True)
class SeriesQuery:
    keys: Sequence[str]
    min_step: int | None = None  # inclusive
    max_step: int | None = None  # inclusive
    samples: int | None = 1000  # point budget per series; None = full resolution
    stream: Stream = "history"
    # Wall times cost a second decode (row chunks); charts on a step or metric x axis skip them.
    timestamps: bool = True


class HistoryStore(Protocol):
    """Metric history of runs, addressed by the run's integer primary key ``run_pk``.

    Every method works inside the caller's transaction (``conn``) and never commits.
    """

    def append(
        self, conn: Connection, run_pk: int, rows: Sequence[HistoryRow], stream: Stream = "history"
    ) -> None:
        """Append rows. Steps need not be increasing (out-of-order rows are kept)."""

    def append_columns(
        self, conn: Connection, run_pk: int, block: HistoryColumns, stream: Stream = "history"
    ) -> None:
        """Append rows given column-wise; the same result as :meth:`append` of the same rows."""

    def keys(self, conn: Connection, run_pk: int, stream: Stream = "history") -> HistoryKeys: ...

    def keys_of_runs(
        self, conn: Connection, run_pks: Sequence[int], stream: Stream = "history"
    ) -> list[KeyUsage]:
        """Every key any of the runs logged, with how many of them logged it (a project's charts)."""

    def series(self, conn: Connection, run_pk: int, query: SeriesQuery) -> list[Series]:
        """Columnar series per key, sorted by step, downsampled to ``query.samples`` points with
        a min/max-preserving method when the range holds more."""

    def series_many(
        self, conn: Connection, run_pks: Sequence[int], query: SeriesQuery
    ) -> dict[int, list[Series]]:
        """``series`` of many runs at once (a workspace chart): far fewer statements than a call
        per run. Every run in ``run_pks`` has an entry (empty series for runs without the keys)."""

    def rows(
        self,
        conn: Connection,
        run_pk: int,
        keys: Sequence[str] | None,
        min_step: int | None,
        max_step: int | None,
        limit: int,
        stream: Stream = "history",
    ) -> HistoryRows:
        """Full-resolution rows (values re-nested on '.'), with ``_step``, ``_timestamp``, ``_runtime``."""

    def frame(
        self,
        conn: Connection,
        run_pk: int,
        keys: Sequence[str] | None,
        min_step: int | None,
        max_step: int | None,
        limit: int,
        stream: Stream = "history",
    ) -> HistoryFrame:
        """The rows :meth:`rows` reads, column-wise and not re-nested, paged by the same cursor."""

    def delete_run(self, conn: Connection, run_pk: int) -> None: ...


@dataclass(frozen=True, slots=True)
class BlobInfo:
    sha256: str
    size: int


@dataclass(slots=True)
class BlobWriteResult:
    info: BlobInfo
    created: bool = field(default=True)


class BlobStore(Protocol):
    """Content-addressed bytes: the same content is stored once, named by its sha256."""

    def put(self, data: bytes | IO[bytes]) -> BlobWriteResult: ...

    def open(self, sha256: str) -> IO[bytes]:
        """Raise ``trackwell.schema.errors.NotFound`` when absent."""

    def exists(self, sha256: str) -> bool: ...

    def iter_chunks(self, sha256: str, chunk_size: int = 1 << 20) -> Iterator[bytes]: ...


# ---------------------------------------------------------------------------------------------
# Metadata: runs, projects, users and keys, the files index, console output.
# All methods take the caller's connection (one transaction per unit of work) and never commit.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunKey:
    entity: str
    project: str
    run_id: str

    def __str__(self) -> str:
        return f"{self.entity}/{self.project}/{self.run_id}"


@dataclass(frozen=True, slots=True)
class StoredRun:
    pk: int
    run: RunOut
    # Api write-backs still in force over the SDK's config/summary (``service.run_edits``).
    edits: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class RunHandle:
    """What a reader of a run's history needs, without decoding the run's config and summary."""

    pk: int
    last_step: int | None


@dataclass(slots=True)
class RunChanges:
    """Fields to change on a run; ``None`` means "leave as is"."""

    state: RunState | None = None
    display_name: str | None = None
    group: str | None = None
    job_type: str | None = None
    tags: list[str] | None = None
    notes: str | None = None
    config: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    edits: dict[str, Any] | None = None  # {} clears them
    metadata: dict[str, Any] | None = None
    metric_definitions: list[dict[str, Any]] | None = None
    heartbeat_at: float | None = None
    finished_at: float | None = None
    runtime: float | None = None
    exit_code: int | None = None
    error: RunError | None = None
    last_step: int | None = None
    history_count: int | None = None
    updated_at: float | None = None


class RunStore(Protocol):
    def get_run(self, conn: Connection, key: RunKey, *, lock: bool = False) -> StoredRun | None:
        """``lock=True`` takes a row lock (PostgreSQL ``FOR UPDATE``) so concurrent batches for one
        run are applied one after the other, also across server processes."""

    def find_runs(self, conn: Connection, keys: Sequence[RunKey]) -> dict[RunKey, RunHandle]:
        """Primary keys and last steps of many runs at once (a workspace chart's runs); runs that
        do not exist are absent from the answer."""

    def project_run_pks(self, conn: Connection, entity: str, project: str) -> list[int]:
        """Primary keys of every run in the project (none when the project does not exist)."""

    def create_run(self, conn: Connection, key: RunKey, fields: RunUpsert, now: float) -> StoredRun:
        """Create the run (and its entity and project when new). Raises ``Conflict`` if it exists."""

    def update_run(self, conn: Connection, pk: int, changes: RunChanges) -> None: ...

    def delete_run(self, conn: Connection, pk: int) -> None: ...

    def query_runs(
        self,
        conn: Connection,
        entity: str,
        project: str,
        filters: dict[str, Any] | None,
        order: str | None,
        limit: int,
        offset: int,
        *,
        metadata: bool = True,
    ) -> tuple[list[RunOut], int]:
        """Runs matching MongoDB-style ``filters`` (evaluated in SQL) and their total count;
        ``metadata=False`` leaves each run's metadata empty without reading it.

        Fields: ``state, display_name, group, job_type, tags, created_at, updated_at, heartbeat_at,
        host, sweep_id, config.<path>, summary_metrics.<path>`` (wandb's camelCase names such as
        ``createdAt``, ``displayName``, ``jobType`` are accepted too). Operators: ``$and $or $nor $eq $ne
        $gt $gte $lt $lte $in $nin $regex $exists``. ``order``: ``[+|-]field``, default ``-created_at``.
        Unknown fields or operators raise ``InvalidArgument`` naming them."""

    def list_projects(self, conn: Connection, entity: str | None, search: str | None) -> list[ProjectOut]: ...

    def session_applied(self, conn: Connection, run_pk: int, session_id: str) -> int:
        """Highest seq applied for this writer session, -1 when none."""

    def set_session_applied(self, conn: Connection, run_pk: int, session_id: str, seq: int) -> None: ...

    def mark_stale_runs_crashed(self, conn: Connection, heartbeat_before: float, now: float) -> list[RunKey]:
        """Runs still ``running`` whose last heartbeat is older than ``heartbeat_before`` become
        ``crashed``. Safe to call from several server processes at once."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    entity: str
    is_admin: bool


class UserStore(Protocol):
    def create_user(self, conn: Connection, username: str, *, is_admin: bool, now: float) -> User: ...

    def get_user(self, conn: Connection, username: str) -> User | None: ...

    def count_users(self, conn: Connection) -> int: ...

    def add_api_key(self, conn: Connection, user_id: int, key_hash: str, name: str, now: float) -> None:
        """Keys are stored hashed (sha256 of a high-entropy random key); the key itself never."""

    def user_for_key_hash(self, conn: Connection, key_hash: str, now: float) -> User | None:
        """The key's user, updating the key's last-used time; None for unknown or revoked keys."""


@dataclass(frozen=True, slots=True)
class FileEntry:
    path: str
    sha256: str
    size: int
    updated_at: float


class FileIndex(Protocol):
    def put_file(self, conn: Connection, run_pk: int, entry: FileEntry) -> None:
        """Insert or replace the entry for ``entry.path`` (a changed file keeps its name)."""

    def list_files(self, conn: Connection, run_pk: int) -> list[FileEntry]: ...

    def get_file(self, conn: Connection, run_pk: int, path: str) -> FileEntry | None: ...


class OutputStore(Protocol):
    def write_lines(self, conn: Connection, run_pk: int, lines: Sequence[OutputLine]) -> None:
        """Upsert by line number: a later write of a line replaces it (progress bars)."""

    def read_lines(
        self, conn: Connection, run_pk: int, offset: int, limit: int
    ) -> tuple[list[OutputLine], int]:
        """Lines ``offset..offset+limit`` and the total line count."""


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """An alert as stored: ``id`` orders a run's alerts (oldest first)."""

    id: int
    title: str
    text: str
    level: str
    wait_duration: float
    created_at: float
    suppressed: int = 0


class AlertStore(Protocol):
    """Alerts raised by runs (``run.alert``); the rate limit is the service's rule, not the store's."""

    def add_alert(
        self,
        conn: Connection,
        run_pk: int,
        title: str,
        text: str,
        level: str,
        wait_duration: float,
        created_at: float,
    ) -> StoredAlert: ...

    def latest_alert(self, conn: Connection, run_pk: int, title: str) -> StoredAlert | None:
        """The run's most recent stored alert with this title (by ``created_at``), if any."""

    def add_suppressed(self, conn: Connection, alert_id: int, count: int) -> None:
        """Count ``count`` more repeats suppressed by the rate limit on that alert."""

    def list_alerts(self, conn: Connection, run_pk: int, limit: int) -> list[StoredAlert]:
        """The run's alerts, oldest first, at most ``limit``."""


@dataclass(frozen=True, slots=True)
class StoredLayout:
    document: dict[str, Any]
    updated_at: float


class LayoutStore(Protocol):
    """Workspace layouts (validated JSON documents), one per (user, entity, project)."""

    def get_layout(
        self, conn: Connection, user_id: int, entity: str, project: str
    ) -> StoredLayout | None: ...

    def put_layout(
        self, conn: Connection, user_id: int, entity: str, project: str, document: dict[str, Any], now: float
    ) -> None:
        """Insert or replace the user's layout of the project."""

    def delete_layout(self, conn: Connection, user_id: int, entity: str, project: str) -> bool:
        """Remove it; False when there was none."""


class Database(Protocol):
    """One SQL database holding metadata and history. ``begin()`` is a write transaction
    (SQLite: ``BEGIN IMMEDIATE``), ``read()`` a read-only one."""

    # Read-only members (properties), so an implementation may declare its concrete store types.
    @property
    def runs(self) -> RunStore: ...

    @property
    def users(self) -> UserStore: ...

    @property
    def files(self) -> FileIndex: ...

    @property
    def output(self) -> OutputStore: ...

    @property
    def history(self) -> HistoryStore: ...

    @property
    def layouts(self) -> LayoutStore: ...

    @property
    def alerts(self) -> AlertStore: ...

    @property
    def dialect(self) -> str: ...  # "sqlite" | "postgresql"

    def begin(self) -> AbstractContextManager[Connection]: ...

    def read(self) -> AbstractContextManager[Connection]: ...

    def close(self) -> None: ...
