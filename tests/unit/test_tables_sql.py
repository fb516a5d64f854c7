"""The filter compiled to DuckDB SQL, run on a real columnar copy, against a reference evaluator
written from ``web/src/lib/rowexpr.ts`` (so server and browser agree on every row), plus the
attempts to smuggle SQL through literals and column names."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.tables import BoolOp, Cmp, Col, Expr, Lit, Not, TableSort
from trackwell.service.tables_expr import parse_filter
from trackwell.store.tables.base import TableQuery
from trackwell.store.tables.compile import SqlColumn, compile_filter
from trackwell.store.tables.duckdb_store import DuckDBTable, DuckDBTableStore

NAN = float("nan")
COLUMNS = ["text", "n", "i", "ok", "media", "mixed", "we\"ird'; DROP TABLE x; --"]
ROWS: list[list[Any]] = [
    ["refund", 0.97, 3, True, {"_type": "image-file", "path": "a.png"}, 1, "a"],
    ["crash", 0.0, 0, False, None, "1", "b"],
    ["dark mode", NAN, -2, None, {"_type": "image-file", "path": "b.png"}, None, None],
    ["", None, None, True, None, [1, "x"], "a"],
    [None, 0.41, 7, False, None, True, "c"],
    ["Mode", -1.5, 3, True, None, [], "'"],
]


def js_truthy(v: Any) -> bool:
    if v is None or v is False or v == "" or (isinstance(v, list) and not v):
        return False
    if isinstance(v, int | float) and not isinstance(v, bool):
        return v != 0 and not math.isnan(v)
    return True


def js_equal(a: Any, b: Any) -> bool:  # ===, with undefined == null folded in
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if a is None or b is None:
        return a is None and b is None
    return a is b  # objects: identity only (never equal to a literal or another cell)


def reference(node: Expr, row: dict[str, Any]) -> Any:
    if isinstance(node, Lit):
        return node.value
    if isinstance(node, Col):
        return row.get(node.name)
    if isinstance(node, Not):
        return not js_truthy(reference(node.operand, row))
    if isinstance(node, BoolOp):
        left = js_truthy(reference(node.left, row))
        right = js_truthy(reference(node.right, row))
        return (left and right) if node.op == "and" else (left or right)
    assert isinstance(node, Cmp)
    a, b = reference(node.left, row), reference(node.right, row)
    if node.op in ("==", "!="):
        return js_equal(a, b) == (node.op == "==")
    if node.op in ("in", "not in"):
        if isinstance(a, str) and isinstance(b, str):
            found = a in b
        elif isinstance(b, list):
            found = any(js_equal(x, a) for x in b)
        else:
            found = False
        return found == (node.op == "in")
    num = lambda v: isinstance(v, int | float) and not isinstance(v, bool)  # noqa: E731
    if not ((num(a) and num(b)) or (isinstance(a, str) and isinstance(b, str))):
        return False
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[node.op]


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> DuckDBTable:
    raw = json.dumps({"_type": "table", "columns": COLUMNS, "data": ROWS}).encode()
    store = DuckDBTableStore(tmp_path_factory.mktemp("cache"))
    return store.open(hashlib.sha256(raw).hexdigest(), lambda: iter([raw]))


EXPRESSIONS = [
    'row["n"] < 0.5',
    'row["n"] >= 0',
    'row["n"] != row["n"]',
    'row["n"] == row["n"]',
    'row["i"] == 3',
    'row["i"] == 3.0',
    'row["i"] > row["n"]',
    'row["text"] == "crash"',
    'row["text"] < "d"',
    '"ode" in row["text"]',
    '"ode" not in row["text"]',
    'row["text"] in "crash course"',
    'row["text"] == null',
    'row["text"] != null',
    "row['text']",
    'not row["text"]',
    'row["n"]',
    'row["i"]',
    'row["ok"]',
    'row["ok"] == true',
    'row["ok"] == false',
    'row["ok"] != true',
    'row["ok"] < true',
    'row["media"] == null',
    'row["media"]',
    'row["media"] < 1',
    'row["mixed"] == 1',
    'row["mixed"] == "1"',
    'row["mixed"] == true',
    'row["mixed"] == null',
    '"x" in row["mixed"]',
    '1 in row["mixed"]',
    'row["mixed"]',
    'row["n"] == "0.97"',
    'row["i"] == null or row["n"] < 0',
    'not (row["ok"] and row["i"] > 0) and row["text"] != ""',
    '(row["n"] < 0.5) == true',
    "1 < 2",
    "null",
    '"" or 0',
    'row["we\\"ird\'; DROP TABLE x; --"] == "a"',
    'row["we\\"ird\'; DROP TABLE x; --"] == "\'"',
    'row["text"] == "x\'; DROP TABLE t; --"',
]


@pytest.mark.parametrize("src", EXPRESSIONS)
def test_sql_agrees_with_the_viewers_evaluator(table: DuckDBTable, src: str) -> None:
    expr = parse_filter(src, COLUMNS)
    want = [i for i, r in enumerate(ROWS) if js_truthy(reference(expr, dict(zip(COLUMNS, r, strict=True))))]
    got = table.rows(TableQuery(filter=expr), 0, 100).row_index
    assert got == want, src


def test_literals_and_names_never_reach_the_sql_text() -> None:
    columns = {'a"; DROP TABLE t; --': SqlColumn("c0", "string")}
    expr = Cmp("==", Col('a"; DROP TABLE t; --'), Lit("x'); DROP TABLE t; --"))
    sql, params = compile_filter(expr, columns)
    assert "DROP" not in sql and '"c0"' in sql
    assert list(params.values()) == ["x'); DROP TABLE t; --"]


def test_unknown_column_is_refused_by_the_compiler() -> None:
    with pytest.raises(InvalidArgument) as info:
        compile_filter(Cmp("==", Col("nope"), Lit(1)), {"a": SqlColumn("c0", "number")})
    assert info.value.field == "filter" and "'nope'" in info.value.message and "'a'" in str(info.value.hint)


def test_sort_keeps_empty_cells_last_both_ways(table: DuckDBTable) -> None:
    up = table.rows(TableQuery(sort=[TableSort(column="i")]), 0, 10).row_index
    down = table.rows(TableQuery(sort=[TableSort(column="i", desc=True)]), 0, 10).row_index
    assert up == [2, 1, 0, 5, 4, 3] and down == [4, 0, 5, 1, 2, 3]
    with pytest.raises(InvalidArgument, match="no column 'zz'"):
        table.rows(TableQuery(sort=[TableSort(column="zz")]), 0, 10)


def test_cells_come_back_as_logged(table: DuckDBTable) -> None:
    page = table.rows(TableQuery(), 0, 10)
    for got, want in zip(page.rows, ROWS, strict=True):
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            assert (math.isnan(g) and math.isnan(w)) if isinstance(w, float) and math.isnan(w) else g == w
            assert type(g) is type(w)
    assert [c.kind for c in table.columns] == [
        "string",
        "number",
        "number",
        "boolean",
        "json",
        "json",
        "string",
    ]


def test_a_file_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    store = DuckDBTableStore(tmp_path)
    for raw in (b"\x89PNG...", b'{"columns": 3}', b"[1, 2]"):
        with pytest.raises(InvalidArgument, match="not a logged table") as info:
            store.open(hashlib.sha256(raw).hexdigest(), lambda raw=raw: iter([raw]))
        assert info.value.field == "path"
