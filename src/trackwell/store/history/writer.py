"""Appending history rows: split each batch into per-row columns, per-key numeric columns and
non-numeric leftovers, hand them to :mod:`chunk_writes` (which extends the open chunks), and keep
the stream's row count, last step and per-key stats current.

Everything runs in the caller's transaction; a batch costs a handful of statements whatever its
size (one executemany per table), which is what makes ingest fast on SQLite and PostgreSQL alike.
Concurrent appends to one run must be serialized by the caller (the run row lock).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, insert, select, update

from trackwell.schema.errors import InvalidArgument
from trackwell.store.base import HistoryColumns, HistoryRow, Stream
from trackwell.store.history import chunk_writes
from trackwell.store.history.chunk_writes import Points
from trackwell.store.history.chunks import FloatArray, IntArray, OtherPayload
from trackwell.store.history.values import is_number
from trackwell.store.history.writer_stats import KeyStats, load_stats, max_opt, write_stats
from trackwell.store.sql.history_tables import KEY_LEN, history_streams

STREAMS: tuple[Stream, ...] = ("history", "system")
_INT64 = (-(2**63), 2**63 - 1)


def check_stream(stream: str) -> None:
    if stream not in STREAMS:
        raise InvalidArgument(
            f"unknown history stream {stream!r}", field="stream", hint="use 'history' or 'system'"
        )


def append_rows(conn: Connection, run_pk: int, rows: Sequence[HistoryRow], stream: Stream) -> None:
    check_stream(stream)
    if not rows:
        return
    n = len(rows)
    steps = _steps([r.step for r in rows])
    ts = np.fromiter((r.timestamp for r in rows), np.float64, n)
    rt = np.fromiter((r.runtime for r in rows), np.float64, n)
    numeric: dict[str, tuple[list[int], list[Any]]] = {}
    odd_rows: list[tuple[int, dict[str, Any]]] = []
    paths: dict[str, tuple[str, ...]] = {}  # keys from nesting: the last shape logged wins
    for i, row in enumerate(rows):
        if row.paths is not None:
            paths.update(row.paths)
        elif paths:  # rare: a key logged nested, then flat again
            for key in row.values.keys() & paths.keys():
                del paths[key]
        odd: dict[str, Any] | None = None
        for key, value in row.values.items():
            kind = type(value)  # is_number() inlined: this loop runs once per logged point
            if kind is float or (kind is int and is_number(value)):
                entry = numeric.get(key)
                if entry is None:
                    entry = numeric[key] = ([], [])
                entry[0].append(i)
                entry[1].append(value)
            else:
                if odd is None:
                    odd = {}
                odd[key] = value
        if odd is not None:
            odd_rows.append((i, odd))
    points = {
        key: Points(np.array(idx, dtype=np.int64), np.array(vals), vals[-1])
        for key, (idx, vals) in numeric.items()
    }
    _store(conn, run_pk, stream, steps, ts, rt, points, odd_rows, paths)


def append_columns(conn: Connection, run_pk: int, block: HistoryColumns, stream: Stream) -> None:
    """Rows given column-wise: a column of plain numbers goes to its chunk without a per-value loop."""
    check_stream(stream)
    n = len(block.steps)
    if not n:
        return
    if len(block.timestamps) != n or len(block.runtimes) != n:
        raise InvalidArgument("a history block needs one timestamp and one runtime per step", field="steps")
    steps = _steps(block.steps)
    ts = np.asarray(block.timestamps, dtype=np.float64)
    rt = np.asarray(block.runtimes, dtype=np.float64)
    points: dict[str, Points] = {}
    odd_by_row: dict[int, dict[str, Any]] = {}
    for key, column in block.columns.items():
        if len(column) != n:
            raise InvalidArgument(f"column {key!r} has {len(column)} values for {n} steps", field="values")
        whole = _numeric_column(column)
        if whole is not None:
            points[key] = Points(None, whole, column[-1])
            continue
        idx: list[int] = []
        vals: list[Any] = []
        for i, value in enumerate(column):
            if is_number(value):
                idx.append(i)
                vals.append(value)
            else:
                odd_by_row.setdefault(i, {})[key] = value
        if idx:
            points[key] = Points(np.array(idx, dtype=np.int64), np.array(vals), vals[-1])
    _store(conn, run_pk, stream, steps, ts, rt, points, sorted(odd_by_row.items()), {})


def _numeric_column(column: Sequence[Any]) -> IntArray | FloatArray | None:
    """The column as one array when every value is a number (see ``is_number``), else None.
    Type checks and conversion run in C: this is the hot path of ingest."""
    kinds = set(map(type, column))
    if kinds == {float}:
        return np.array(column, dtype=np.float64)
    if kinds == {int}:
        try:
            return np.array(column, dtype=np.int64)
        except OverflowError:  # a value past int64 stays exact in the row store
            return None
    if kinds == {int, float} and all(map(is_number, column)):
        return np.array(column, dtype=np.float64)
    return None


def _store(
    conn: Connection,
    run_pk: int,
    stream: Stream,
    steps: IntArray,
    ts: FloatArray,
    rt: FloatArray,
    numeric: dict[str, Points],
    odd_rows: list[tuple[int, dict[str, Any]]],
    paths: dict[str, tuple[str, ...]],
) -> None:
    """Shared by both entry points: ``numeric`` holds each key's numbers, ``odd_rows`` each row's
    non-numeric values, ``paths`` the logged path of each key that came from nesting."""
    state = conn.execute(
        select(history_streams).where(history_streams.c.run_pk == run_pk, history_streams.c.stream == stream)
    ).first()
    first_row = int(state.row_count) if state is not None else 0
    n = len(steps)
    rownos = np.arange(first_row, first_row + n, dtype=np.int64)
    other = OtherPayload()
    for i, odd in odd_rows:
        other.rows.append(first_row + i)
        other.steps.append(int(steps[i]))
        other.values.append(odd)

    open_row = chunk_writes.append_row_columns(conn, run_pk, stream, state, steps, ts, rt, rownos)
    open_other = chunk_writes.append_other(conn, run_pk, stream, state, other)
    stats: dict[str, KeyStats] = {}
    for row_no, step, values in zip(other.rows, other.steps, other.values, strict=True):
        for key, value in values.items():
            ks = stats.get(key) or stats.setdefault(key, KeyStats())
            ks.other_count += 1
            ks.add_steps(step, step)
            ks.add_last(row_no, value)
    for key in stats.keys() | numeric.keys():
        _check_key(key)
    existing = load_stats(conn, run_pk, stream, list(stats.keys() | numeric.keys()))
    chunk_writes.append_numeric(conn, run_pk, stream, numeric, steps, rownos, existing, stats)
    write_stats(conn, run_pk, stream, existing, stats, paths)

    values = {
        "row_count": first_row + n,
        "last_step": max_opt(state.last_step if state is not None else None, int(steps.max())),
        "open_row_chunk": open_row,
        "open_other_chunk": open_other,
    }
    if state is None:
        conn.execute(insert(history_streams).values(run_pk=run_pk, stream=stream, **values))
    else:
        conn.execute(
            update(history_streams)
            .where(history_streams.c.run_pk == run_pk, history_streams.c.stream == stream)
            .values(**values)
        )


def _steps(steps: Sequence[Any]) -> IntArray:
    """The steps as int64, checked in C; the first bad one is named by ``_step``."""
    if set(map(type, steps)) == {int}:
        try:
            return np.array(steps, dtype=np.int64)
        except OverflowError:
            pass
    return np.fromiter((_step(s) for s in steps), np.int64, len(steps))


def _step(step: Any) -> int:
    if type(step) is not int or not _INT64[0] <= step <= _INT64[1]:
        raise InvalidArgument(
            f"history step must be an integer, got {step!r}",
            field="step",
            hint="pass an int between -2**63 and 2**63-1",
        )
    return step


def _check_key(key: Any) -> None:
    if not isinstance(key, str) or not key or len(key) > KEY_LEN:
        raise InvalidArgument(
            f"invalid history key {str(key)[:80]!r}",
            field="values",
            hint=f"keys must be non-empty strings of at most {KEY_LEN} characters",
        )
