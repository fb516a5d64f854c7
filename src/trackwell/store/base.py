"""Storage interfaces, one per concern.

The metadata store (runs, projects, users, keys, files index) and the metric-history store share
one SQL database so that a record batch is applied in one transaction: the sequence bookkeeping
and the data it guards commit together, which is what makes retries idempotent. Blobs (file bytes)
live outside the database behind :class:`BlobStore`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal, Protocol

from sqlalchemy import Connection

from trackwell.schema.history import HistoryKeys, HistoryRows, Series

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
class SeriesQuery:
    keys: Sequence[str]
    min_step: int | None = None  # inclusive
    max_step: int | None = None  # inclusive
    samples: int | None = 1000  # point budget per series; None = full resolution
    stream: Stream = "history"


class HistoryStore(Protocol):
    """Metric history of runs, addressed by the run's integer primary key ``run_pk``.

    Every method works inside the caller's transaction (``conn``) and never commits.
    """

    def append(self, conn: Connection, run_pk: int, rows: Sequence[HistoryRow], stream: Stream = "history") -> None:
        """Append rows. Steps need not be increasing (out-of-order rows are kept)."""

    def keys(self, conn: Connection, run_pk: int, stream: Stream = "history") -> HistoryKeys: ...

    def series(self, conn: Connection, run_pk: int, query: SeriesQuery) -> list[Series]:
        """Columnar series per key, sorted by step, downsampled to ``query.samples`` points with
        a min/max-preserving method when the range holds more."""

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
