"""The columns of ``trackwell export``: one fixed set of typed columns per file, filled page by page.

Why fixed: a Parquet file has one schema and a CSV file one header, while the server's Arrow pages
type each page on its own (a key may be ints in one page and floats in the next, or absent). So
each run's history file gets its columns up front from the run's keys: ``_step`` (int64),
``_timestamp`` and ``_runtime`` (float64), a float64 column per key that holds numbers, a text column
per other key. Text cells are the string itself, or the JSON text of anything else (lists, dicts,
media references, bools). A number key's value that is not a number (a string logged under
``loss`` once) has no cell in a float column: it is counted and reported, never dropped silently.

The runs table (one row per run) is typed the same way from the values of all runs at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trackwell.apis.frames import column_values

if TYPE_CHECKING:
    import pyarrow as pa

SYSTEM = {"_step": "int", "_timestamp": "float", "_runtime": "float"}
_MISSING = object()


def _is_number(value: Any) -> bool:
    return type(value) is float or type(value) is int


def text_of(value: Any) -> str:
    """A non-numeric value as one text cell: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, allow_nan=True, separators=(",", ":"))


@dataclass
class Columns:
    """Column name -> kind (``int``, ``float`` or ``text``), in file order."""

    kinds: dict[str, str]
    dropped: dict[str, int] = field(default_factory=dict)  # non-numbers met under float columns

    @classmethod
    def for_history(cls, keys: Sequence[tuple[str, str]]) -> Columns:
        """From the run's ``(key, kind)`` list (``kind`` as ``history/keys`` reports it)."""
        kinds = dict(SYSTEM)
        for key, kind in sorted(keys):
            kinds.setdefault(key, "float" if kind == "number" else "text")
        return cls(kinds)

    def schema(self) -> pa.Schema:
        import pyarrow as pa

        types = {"int": pa.int64(), "float": pa.float64(), "text": pa.string()}
        return pa.schema([pa.field(name, types[kind]) for name, kind in self.kinds.items()])

    def python_columns(self, table: pa.Table) -> list[list[Any]]:
        """Each column of a page as Python values for the CSV writer: numbers of float columns as
        floats, values of text columns as they were logged (the writer renders them), None where
        a row has no value."""
        n = table.num_rows
        out: list[list[Any]] = []
        for name, kind in self.kinds.items():
            if name not in table.schema.names:
                out.append([None] * n)
                continue
            cells = column_values(table, name, _MISSING)
            out.append([self.cell(name, kind, value, raw_text=True) for value in cells])
        return out

    def cell(self, name: str, kind: str, value: Any, raw_text: bool = False) -> Any:
        if value is _MISSING or value is None:
            return None
        if kind == "text":
            return value if raw_text else text_of(value)
        if _is_number(value):
            return float(value) if kind == "float" else value
        self.dropped[name] = self.dropped.get(name, 0) + 1
        return None

    def arrow(self, table: pa.Table) -> pa.Table:
        """A page in this file's schema (numbers stay arrays when their type already fits)."""
        import pyarrow as pa

        schema = self.schema()
        arrays: list[Any] = []
        for (name, kind), target in zip(self.kinds.items(), schema, strict=True):
            column = table.column(name) if name in table.schema.names else None
            numeric = column is not None and (
                pa.types.is_integer(column.type) or pa.types.is_floating(column.type)
            )
            if column is not None and numeric and kind != "text":
                arrays.append(column.cast(target.type, safe=False))
                continue
            values = (
                [None] * table.num_rows
                if column is None
                else [self.cell(name, kind, v) for v in column_values(table, name, _MISSING)]
            )
            arrays.append(pa.array(values, target.type))
        return pa.Table.from_arrays(arrays, schema=schema)


def runs_columns(records: Sequence[dict[str, Any]]) -> Columns:
    """Columns of the runs table: float where every value given is a number, else text."""
    kinds: dict[str, str] = {}
    for record in records:
        for name, value in record.items():
            if value is None:
                kinds.setdefault(name, "float")
                continue
            if _is_number(value):
                kinds.setdefault(name, "float")
            else:
                kinds[name] = "text"
    return Columns(kinds)


def rows_in_slices(columns: list[list[Any]], size: int = 8192) -> Iterator[list[list[Any]]]:
    """Rows of column lists, ``size`` at a time (the CSV writer's batches)."""
    n = len(columns[0]) if columns else 0
    for start in range(0, n, size):
        yield [list(row) for row in zip(*(c[start : start + size] for c in columns), strict=True)]


def runs_table(columns: Columns, records: Sequence[dict[str, Any]]) -> pa.Table:
    """The runs table for Parquet, in ``columns``' types."""
    import pyarrow as pa

    schema = columns.schema()
    arrays = []
    for name, kind in columns.kinds.items():
        values = [columns.cell(name, kind, record.get(name)) for record in records]
        arrays.append(pa.array(values, schema.field(name).type))
    return pa.Table.from_arrays(arrays, schema=schema)
