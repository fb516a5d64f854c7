"""Metric history: rows and column-wise blocks as the store receives them, chart queries, and
the :class:`HistoryStore` interface."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:  # only a type here: services use these Protocols without importing SQLAlchemy
    from sqlalchemy import Connection

from trackwell.schema.history import HistoryKeys, HistoryRows, KeyUsage, Series

Stream = Literal["history", "system"]


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One committed row as the history store receives it.

    ``values`` is flat: nested dicts were joined with '.' by the caller (``a.b``), so each key is one
    series. Numbers (int, float incl. NaN/±Inf; not bool) go to compressed columnar chunks; every
    other value (str, bool, None, lists, media references) to the row store, so full rows can be
    rebuilt for export. ``paths`` holds the labels each key that came from nesting was logged under
    (``{"a.b": ("a", "b")}``; ``trackwell.schema.nesting``); a key not in it was logged as it is.
    """

    step: int
    timestamp: float
    runtime: float
    values: dict[str, Any]
    seq: int = 0
    paths: Mapping[str, tuple[str, ...]] | None = None


@dataclass(frozen=True, slots=True)
class HistoryColumns:
    """Rows given column-wise (what a fast training loop sends): row ``i`` is ``steps[i]``,
    ``timestamps[i]``, ``runtimes[i]`` and ``{key: columns[key][i]}``. Keys are as logged (flat:
    no paths)."""

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
    None, or ints where the key's chunks hold floats). Keys are flat (``a.b``); ``paths`` holds the
    logged path of each key of the page that came from nesting (``HistoryRow.paths``).
    """

    steps: Any
    timestamps: Any
    runtimes: Any
    numbers: dict[str, tuple[Any, Any]]
    others: dict[str, dict[int, Any]]
    next_min_step: int | None
    paths: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SeriesQuery:
    keys: Sequence[str]
    min_step: int | None = None  # inclusive
    max_step: int | None = None  # inclusive
    samples: int | None = 1000  # point budget per series; None = full resolution
    stream: Stream = "history"
    # Wall times cost a second decode (row chunks); charts on a step or metric x axis skip them.
    timestamps: bool = True


@dataclass(frozen=True, slots=True)
class StepPoints:
    """Some of one run's finite points of one key in a step range, sorted by step (ties in logging
    order): ``steps`` (int64) and ``values`` (float64) numpy arrays. ``total_points`` counts every
    point of the key in the range (non-finite ones included), as ``Series.total_points`` does."""

    steps: Any
    values: Any
    total_points: int


@dataclass(frozen=True, slots=True)
class AllPoints:
    """Every point of one run's key in a step range, sorted by step (ties in logging order),
    non-finite values included: ``steps`` (int64), ``values`` (float64) and ``timestamps``
    (float64, the wall time of each point's row; empty unless asked for)."""

    steps: Any
    values: Any
    timestamps: Any


# Given the lowest and highest step of every run's finite points in range and their total point
# count, the steps to answer "last finite point at or before" for; None asks for every point.
Positions = Callable[[int, int, int], Any]


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

    def points_at(
        self,
        conn: Connection,
        run_pks: Sequence[int],
        key: str,
        positions: Positions,
        min_step: int | None = None,
        max_step: int | None = None,
        stream: Stream = "history",
    ) -> dict[int, StepPoints]:
        """Per run (every pk has an entry), the finite points of ``key`` in the step range that
        answer exactly, for each step ``p`` of ``positions(lo, hi, total)``, "the last finite point
        at or before p": that point, the run's first and last finite point in range, and possibly
        others (a subset of the full-resolution points, never anything else). When ``positions``
        returns None, every finite point. Reads the stored sketches instead of the data where they
        hold the wanted points, so a grid aligned to sketch groups decodes ~1/8 of the values."""

    def all_points(
        self,
        conn: Connection,
        run_pks: Sequence[int],
        key: str,
        min_step: int | None = None,
        max_step: int | None = None,
        stream: Stream = "history",
        timestamps: bool = False,
        limit: int | None = None,
    ) -> dict[int, AllPoints] | None:
        """Per run (every pk has an entry), every point of ``key`` in the step range as arrays
        (a full-resolution ``series`` without the lists), with wall times when ``timestamps``;
        None, before reading any, when the runs hold more than ``limit`` points in the range."""

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
        """Full-resolution rows with ``_step``, ``_timestamp``, ``_runtime``; values at the paths
        they were logged under (``HistoryRow.paths``), other keys as they are. With ``keys``, the
        rows holding any of them, flat: ``{"a.b": ...}`` by the names asked for."""

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
        """The rows :meth:`rows` reads, column-wise and flat (with the keys' paths in
        ``HistoryFrame.paths``), paged by the same cursor."""

    def delete_run(self, conn: Connection, run_pk: int) -> None: ...
