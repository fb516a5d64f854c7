"""Building a table file's columnar copy: JSON rows in, one Parquet file plus a small meta file out.

The table file (``{"columns": [...], "data": [[...], ...], ...}``, written by ``trackwell.Table``)
is read once. Each column gets a kind from its non-empty cells: all numbers (not booleans) →
``number`` (BIGINT when all are integers, else DOUBLE, NaN and ±Infinity kept), all strings →
``string``, all booleans → ``boolean``, anything else (media references, lists, mixed kinds) →
``json``, stored as JSON text. Parquet columns are named ``c0, c1, ...`` (plus ``_row``, the row's
place in the file), so a column's name from the user never becomes an SQL identifier; the meta
file maps names to them.

Writes go to temporary names and are renamed into place, meta last: a reader that finds the meta
file finds a complete Parquet file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import orjson

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.tables import ColumnKind, TableColumn

META_VERSION = 1
_KINDS: dict[type, ColumnKind] = {int: "number", float: "number", str: "string", bool: "boolean"}


def read_table_json(chunks: Iterable[bytes]) -> tuple[list[str], list[list[Any]]]:
    raw = b"".join(chunks)
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:  # the SDK writes NaN and Infinity as bare tokens, which orjson refuses
            doc = json.loads(raw)
        except ValueError as e:
            raise _not_a_table(f"it is not JSON ({e})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("columns"), list):
        raise _not_a_table('it has no "columns" list')
    data = doc.get("data")
    if not isinstance(data, list):
        raise _not_a_table('it has no "data" list')
    columns = [str(c) for c in doc["columns"]]
    width = len(columns)
    if all(type(r) is list and len(r) == width for r in data):
        return columns, data
    return columns, [_fit(r, width) for r in data]


def _fit(row: Any, width: int) -> list[Any]:
    cells = row if isinstance(row, list) else []
    if len(cells) == width:
        return cells
    return (cells + [None] * width)[:width]


def _not_a_table(why: str) -> InvalidArgument:
    return InvalidArgument(
        f"the file is not a logged table: {why}",
        field="path",
        hint="pass the path of a table-file reference (media/table/....table.json)",
    )


def column_kind(values: Sequence[Any]) -> tuple[ColumnKind, bool]:
    """The column's kind and, for numbers, whether every value is an integer that fits int64."""
    types = set(map(type, values))
    types.discard(type(None))
    kinds = {_KINDS.get(t) for t in types}
    if len(kinds) != 1 or None in kinds:
        return ("json" if types else "string"), False
    kind = kinds.pop()
    assert kind is not None
    ints = kind == "number" and types == {int} and all(-(2**63) <= v < 2**63 for v in values if v is not None)
    return kind, ints


def _number_arrays(values: Sequence[Any], ints: bool) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The values (0 where empty or NaN) and a code per cell: 0 value, 1 empty, 2 NaN. NaN in a
    float array reads as NULL in DuckDB's numpy scan, so NaN travels in the code."""
    empty = np.fromiter((v is None for v in values), dtype=np.bool_, count=len(values))
    filled: Sequence[Any] = [0 if v is None else v for v in values] if empty.any() else values
    array = np.array(filled, dtype=np.int64 if ints else np.float64)
    code = empty.astype(np.int8)
    if not ints:
        nan = np.isnan(array)
        code[nan & ~empty] = 2
        array[nan] = 0
    return array, code


def build_columnar(columns: list[str], rows: list[list[Any]], parquet: Path) -> list[TableColumn]:
    """Write the Parquet copy (atomically) and return the columns with their kinds."""
    arrays: dict[str, np.ndarray[Any, Any]] = {"_row": np.arange(len(rows), dtype=np.int64)}
    selects = ["_row"]
    described: list[TableColumn] = []
    for i, name in enumerate(columns):
        values = [r[i] for r in rows]  # faster than zip(*rows) for long tables
        kind, ints = column_kind(values)
        described.append(TableColumn(name=name, kind=kind))
        ident = f"c{i}"
        if kind == "number":
            arrays[f"{ident}_v"], arrays[f"{ident}_k"] = _number_arrays(values, ints)
            nan = "" if ints else "WHEN 2 THEN CAST('NaN' AS DOUBLE) "
            selects.append(f"CASE {ident}_k WHEN 1 THEN NULL {nan}ELSE {ident}_v END AS {ident}")
            continue
        if kind == "json":
            values = [None if v is None else orjson.dumps(v).decode() for v in values]
        arrays[ident] = np.array(values, dtype=object)
        cast = "BOOLEAN" if kind == "boolean" else "VARCHAR"
        selects.append(f"CAST({ident} AS {cast}) AS {ident}")
    parquet.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=parquet.parent, prefix=".build-", suffix=".parquet")
    os.close(fd)
    try:
        con = duckdb.connect()
        try:
            con.register("src", arrays)
            con.execute(f"COPY (SELECT {', '.join(selects)} FROM src) TO '{_sql_path(tmp)}' (FORMAT PARQUET)")
        finally:
            con.close()
        os.replace(tmp, parquet)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return described


def _sql_path(path: str | Path) -> str:
    """A server-made cache path as an SQL string literal (COPY TO takes no parameters)."""
    return str(path).replace("'", "''")


def write_meta(meta_path: Path, columns: list[TableColumn], nrows: int) -> None:
    doc = {"version": META_VERSION, "nrows": nrows, "columns": [c.model_dump() for c in columns]}
    fd, tmp = tempfile.mkstemp(dir=meta_path.parent, prefix=".meta-", suffix=".json")
    with os.fdopen(fd, "wb") as f:
        f.write(orjson.dumps(doc))
    os.replace(tmp, meta_path)


def read_meta(meta_path: Path) -> tuple[list[TableColumn], int] | None:
    """The columns and row count, or None when the meta file is missing, corrupt or outdated."""
    try:
        doc = orjson.loads(meta_path.read_bytes())
        if doc.get("version") != META_VERSION:
            return None
        return [TableColumn.model_validate(c) for c in doc["columns"]], int(doc["nrows"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
