"""Server-side queries over a logged ``Table`` file: rows (filtered, sorted, paged), groups, column
stats; and the parsed form of the row filter language the table viewer shares with the server.

A table is addressed by its run and the ``path`` of its ``table-file`` reference. Cells come back as
they were logged: numbers, strings, booleans, null, and media references (``{"_type":
"image-file", "path": ...}``) as JSON objects the UI already renders. Non-finite numbers travel as
``"NaN"``/``"Infinity"``/``"-Infinity"`` like everywhere else in the API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from trackwell.schema.base import WireModel
from trackwell.schema.history import NonFinite

ColumnKind = Literal["number", "string", "boolean", "json"]
"""How a column is stored and compared: ``json`` holds media references, lists and mixed types."""

Number = float | NonFinite | None


class TableColumn(WireModel):
    name: str
    kind: ColumnKind


class TableSort(WireModel):
    column: str
    desc: bool = False


class TableRows(WireModel):
    """One window of the filtered and sorted rows; ``row_index`` is each row's place in the file."""

    path: str
    sha256: str
    columns: list[TableColumn]
    total_rows: int = Field(description="rows in the table")
    matched_rows: int = Field(description="rows that pass the filter")
    offset: int
    rows: list[list[Any]]
    row_index: list[int]


class NumericAggregate(WireModel):
    mean: Number = None
    min: Number = None
    max: Number = None


class TableGroup(WireModel):
    key: Any = Field(description="the grouped column's value (null for empty cells)")
    count: int
    aggregates: dict[str, NumericAggregate] = Field(description="per numeric column")


class TableGroups(WireModel):
    path: str
    by: str
    matched_rows: int
    total_groups: int
    groups: list[TableGroup] = Field(description="largest first, at most `limit`")


class HistogramBins(WireModel):
    edges: list[float] = Field(description="bin edges, one more than counts")
    counts: list[int]


class TopValue(WireModel):
    value: Any
    count: int


class ColumnStats(WireModel):
    name: str
    kind: ColumnKind
    count: int = Field(description="non-empty cells")
    nulls: int
    min: Number = None
    max: Number = None
    mean: Number = None
    std: Number = None
    histogram: HistogramBins | None = None
    distinct: int | None = None
    top: list[TopValue] = Field(default_factory=list, description="most frequent values (not numbers)")


class TableStats(WireModel):
    path: str
    matched_rows: int
    columns: list[ColumnStats]


# --- the filter language, parsed (service/tables_expr.py builds it, store/tables compiles it) ----

CmpOp = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not in"]
LitValue = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Lit:
    value: LitValue


@dataclass(frozen=True, slots=True)
class Col:
    name: str


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: Literal["and", "or"]
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Cmp:
    op: CmpOp
    left: Expr
    right: Expr


Expr = Lit | Col | Not | BoolOp | Cmp
