"""Contract of the history store's key paths, on every SQL backend (SQLite and PostgreSQL): a key
logged nested (``{"a": {"b": 1}}``, stored as ``a.b`` with the path ``("a", "b")``) and a key
logged with a dot (``{"a.b": 1}``, no path) are both the series ``a.b``, and every read gives each
back in its own shape: JSON rows, column-wise frames (``HistoryFrame.paths``), and across appends
the shape logged last.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from trackwell.store.base import HistoryColumns, HistoryRow
from trackwell.store.history import SqlHistoryStore

RUN = 11
T0 = 1_700_000_000.0
NESTED: dict[str, tuple[str, ...]] = {
    "acc.top1": ("acc", "top1"),
    "gradients.fc1.weight": ("gradients", "fc1.weight"),
}


@pytest.fixture
def store() -> SqlHistoryStore:
    return SqlHistoryStore()


def row(step: int, values: dict[str, Any], paths: dict[str, tuple[str, ...]] | None = None) -> HistoryRow:
    return HistoryRow(step, T0 + step, float(step), values, paths=paths)


def rows_of(engine: Engine, store: SqlHistoryStore, keys: list[str] | None = None) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        out = store.rows(conn, RUN, keys, None, None, 100).rows
    return [{k: v for k, v in r.items() if k not in ("_timestamp", "_runtime")} for r in out]


def test_each_key_reads_back_in_the_shape_it_was_logged(engine: Engine, store: SqlHistoryStore) -> None:
    logged = {"lr.group0": 0.1, "acc.top1": 0.9, "gradients.fc1.weight": "h", "note": "x"}
    with engine.begin() as conn:
        store.append(conn, RUN, [row(0, logged, NESTED), row(1, {"lr.group0": 0.2})])
    assert rows_of(engine, store) == [
        {"_step": 0, "lr.group0": 0.1, "note": "x", "acc": {"top1": 0.9}, "gradients": {"fc1.weight": "h"}},
        {"_step": 1, "lr.group0": 0.2},
    ]
    with engine.connect() as conn:
        frame = store.frame(conn, RUN, None, None, None, 100)
        keys = [k.key for k in store.keys(conn, RUN).keys]
        picked = store.frame(conn, RUN, ["lr.group0", "acc.top1"], None, None, 100)
    assert set(frame.numbers) | set(frame.others) == set(logged)  # column-wise: flat names
    assert frame.paths == NESTED
    assert picked.paths == {"acc.top1": ("acc", "top1")}  # only the keys asked for
    assert keys == ["acc.top1", "gradients.fc1.weight", "lr.group0", "note"]  # what charts are named
    # rows asked for by key are flat by the names asked (as scan_history(keys=) is; the UI's reads)
    assert rows_of(engine, store, ["acc.top1", "lr.group0"]) == [
        {"_step": 0, "acc.top1": 0.9, "lr.group0": 0.1},
        {"_step": 1, "lr.group0": 0.2},
    ]


def test_the_shape_logged_last_wins_for_every_row(engine: Engine, store: SqlHistoryStore) -> None:
    """One series per name: switching a key's shape re-reads its earlier rows in the new one, in
    later batches (rows) and within a batch (a row after the nested one), or through a block."""
    with engine.begin() as conn:
        store.append(conn, RUN, [row(0, {"a.b": 1}, {"a.b": ("a", "b")})])
    assert rows_of(engine, store) == [{"_step": 0, "a": {"b": 1}}]
    with engine.begin() as conn:
        store.append(conn, RUN, [row(1, {"a.b": 2, "c.d": 0}, {"a.b": ("a", "b")}), row(2, {"a.b": 3})])
    assert rows_of(engine, store) == [
        {"_step": 0, "a.b": 1},
        {"_step": 1, "a.b": 2, "c.d": 0},
        {"_step": 2, "a.b": 3},
    ]
    with engine.begin() as conn:
        store.append(conn, RUN, [row(3, {"c.d": 1}, {"c.d": ("c", "d")})])
        store.append_columns(conn, RUN, HistoryColumns([4], [T0], [0.0], {"c.d": [5]}))
    assert [r.get("c.d") for r in rows_of(engine, store)] == [None, 0, None, 1, 5]


def test_a_path_through_a_value_keeps_both(engine: Engine, store: SqlHistoryStore) -> None:
    """``a`` holds a value and ``a.b`` was logged nested under it in another row: neither is lost."""
    with engine.begin() as conn:
        store.append(
            conn,
            RUN,
            [row(0, {"a": 1, "a.b": 2}, {"a.b": ("a", "b")}), row(1, {"a.b": 3}, {"a.b": ("a", "b")})],
        )
    assert rows_of(engine, store) == [{"_step": 0, "a": 1, "a.b": 2}, {"_step": 1, "a": {"b": 3}}]
