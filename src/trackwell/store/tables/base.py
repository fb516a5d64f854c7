"""The storage interface of logged tables as queryable columnar copies.

A table file is immutable and named by its sha256, so its columnar copy is valid forever: a backend
makes it once per content hash (from the file's bytes, which the caller supplies on demand) and
answers every query over it. Services see only these Protocols.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from trackwell.schema.tables import ColumnStats, Expr, TableColumn, TableGroup, TableSort

LoadBytes = Callable[[], Iterator[bytes]]
"""The table file's bytes, in chunks; called only when the columnar copy must be (re)built."""


@dataclass(frozen=True, slots=True)
class RowsPage:
    rows: list[list[Any]]
    row_index: list[int]
    matched: int


@dataclass(frozen=True, slots=True)
class GroupsPage:
    groups: list[TableGroup]
    total_groups: int
    matched: int


@dataclass(frozen=True, slots=True)
class TableQuery:
    """What every read takes: an optional parsed filter and an order (empty: file order)."""

    filter: Expr | None = None
    sort: Sequence[TableSort] = field(default_factory=tuple)


class ColumnarTable(Protocol):
    @property
    def columns(self) -> list[TableColumn]: ...

    @property
    def nrows(self) -> int: ...

    def rows(self, query: TableQuery, offset: int, limit: int) -> RowsPage:
        """A window of the matching rows in order, cells as logged (media as JSON objects)."""

    def groups(self, query: TableQuery, by: str, limit: int) -> GroupsPage:
        """Matching rows grouped by one column's value, largest groups first, with the mean,
        min and max of every other numeric column."""

    def stats(self, query: TableQuery, columns: Sequence[str], bins: int) -> list[ColumnStats]:
        """Per column over the matching rows: counts, and by kind a histogram or top values."""

    def iter_rows(self, query: TableQuery, batch: int = 4096) -> Iterator[list[list[Any]]]:
        """Every matching row in order, in batches (for exports)."""


class TableStore(Protocol):
    def open(self, sha256: str, load: LoadBytes) -> ColumnarTable:
        """The table whose file has this sha256, building its columnar copy first when it is
        missing or unreadable. ``InvalidArgument`` when the bytes are not a table file."""

    def close(self) -> None:
        """Release the engine (the server calls this when it stops)."""
