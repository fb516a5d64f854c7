"""Appending history rows: split each batch into per-row columns, per-key numeric columns and
non-numeric leftovers, extend the open chunks, and keep the per-key stats current.

Everything runs in the caller's transaction; a batch costs a handful of statements whatever its
size (one executemany per table), which is what makes ingest fast on SQLite and PostgreSQL alike.
Concurrent appends to one run must be serialized by the caller (the run row lock).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import Connection, Row, insert, select, update

from trackwell.schema.errors import InvalidArgument
from trackwell.store.base import HistoryColumns, HistoryRow, Stream
from trackwell.store.history import chunks
from trackwell.store.history.chunks import ChunkWrites, FloatArray, IntArray, OtherPayload
from trackwell.store.history.sketch import encode_sketch
from trackwell.store.history.values import is_number
from trackwell.store.history.writer_stats import IN_BATCH, KeyStats, load_stats, max_opt, write_stats
from trackwell.store.sql.history_tables import (
    KEY_LEN,
    history_chunks,
    history_other_chunks,
    history_row_chunks,
    history_streams,
)

STREAMS: tuple[Stream, ...] = ("history", "system")
_INT64 = (-(2**63), 2**63 - 1)


def check_stream(stream: str) -> None:
    if stream not in STREAMS:
        raise InvalidArgument(
            f"unknown history stream {stream!r}", field="stream", hint="use 'history' or 'system'"
        )


class _Points(NamedTuple):
    """One key's numbers in a batch: their rows (indices into the batch; None = every row), values
    (int64 or float64) and the last value as logged (its stats keep the type: 5, not 5.0)."""

    idx: IntArray | None
    values: IntArray | FloatArray
    last: Any


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
    for i, row in enumerate(rows):
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
        key: _Points(np.array(idx, dtype=np.int64), np.array(vals), vals[-1])
        for key, (idx, vals) in numeric.items()
    }
    _store(conn, run_pk, stream, steps, ts, rt, points, odd_rows)


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
    points: dict[str, _Points] = {}
    odd_by_row: dict[int, dict[str, Any]] = {}
    for key, column in block.columns.items():
        if len(column) != n:
            raise InvalidArgument(f"column {key!r} has {len(column)} values for {n} steps", field="values")
        whole = _numeric_column(column)
        if whole is not None:
            points[key] = _Points(None, whole, column[-1])
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
            points[key] = _Points(np.array(idx, dtype=np.int64), np.array(vals), vals[-1])
    _store(conn, run_pk, stream, steps, ts, rt, points, sorted(odd_by_row.items()))


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
    numeric: dict[str, _Points],
    odd_rows: list[tuple[int, dict[str, Any]]],
) -> None:
    """Shared by both entry points: ``numeric`` holds each key's numbers, ``odd_rows`` each row's
    non-numeric values."""
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

    open_row = _append_row_columns(conn, run_pk, stream, state, steps, ts, rt, rownos)
    open_other = _append_other(conn, run_pk, stream, state, other)
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
    _append_numeric(conn, run_pk, stream, numeric, steps, rownos, existing, stats)
    write_stats(conn, run_pk, stream, existing, stats)

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


def _append_row_columns(
    conn: Connection,
    run_pk: int,
    stream: Stream,
    state: Row[Any] | None,
    steps: IntArray,
    ts: FloatArray,
    rt: FloatArray,
    rownos: IntArray,
) -> int | None:
    open_id = state.open_row_chunk if state is not None else None
    first_row = int(rownos[0])
    if open_id is not None:
        old = conn.execute(
            select(history_row_chunks.c.row_min, history_row_chunks.c.data).where(
                history_row_chunks.c.id == open_id
            )
        ).one()
        o_steps, o_ts, o_rt = chunks.decode_row_chunk(old.data)
        steps, ts, rt = (
            np.concatenate((o_steps, steps)),
            np.concatenate((o_ts, ts)),
            np.concatenate((o_rt, rt)),
        )
        first_row = int(old.row_min)

    def piece(a: int, b: int) -> dict[str, Any]:
        return {
            "row_min": first_row + a,
            "row_max": first_row + b - 1,
            "step_min": int(steps[a:b].min()),
            "step_max": int(steps[a:b].max()),
            "count": b - a,
            "data": chunks.encode_row_chunk(steps[a:b], ts[a:b], rt[a:b]),
        }

    writes = ChunkWrites(history_row_chunks)
    cuts = chunks.pieces(len(steps), chunks.ROW_CHUNK_ROWS)
    base = {"run_pk": run_pk, "stream": stream}
    new_open = _place_pieces(writes, cuts, chunks.ROW_CHUNK_ROWS, open_id, "open", base, piece)
    return writes.flush(conn).get("open", new_open)


def _append_other(
    conn: Connection, run_pk: int, stream: Stream, state: Row[Any] | None, other: OtherPayload
) -> int | None:
    open_id = state.open_other_chunk if state is not None else None
    if not other.rows:
        return int(open_id) if open_id is not None else None
    if open_id is not None:
        blob = conn.execute(
            select(history_other_chunks.c.data).where(history_other_chunks.c.id == open_id)
        ).scalar_one()
        old = OtherPayload.decode(blob)
        other = OtherPayload(old.rows + other.rows, old.steps + other.steps, old.values + other.values)

    def piece(a: int, b: int) -> dict[str, Any]:
        part = OtherPayload(other.rows[a:b], other.steps[a:b], other.values[a:b])
        return {
            "row_min": part.rows[0],
            "row_max": part.rows[-1],
            "step_min": min(part.steps),
            "step_max": max(part.steps),
            "count": b - a,
            "data": part.encode(),
        }

    writes = ChunkWrites(history_other_chunks)
    cuts = chunks.pieces(len(other.rows), chunks.OTHER_CHUNK_ROWS)
    base = {"run_pk": run_pk, "stream": stream}
    new_open = _place_pieces(writes, cuts, chunks.OTHER_CHUNK_ROWS, open_id, "open", base, piece)
    return writes.flush(conn).get("open", new_open)


def _place_pieces(
    writes: ChunkWrites,
    cuts: Sequence[tuple[int, int]],
    capacity: int,
    open_id: int | None,
    tag: str,
    base: dict[str, Any],
    piece: Callable[[int, int], dict[str, Any]],
) -> int | None:
    """Queue one chunk per piece ``cuts[j] = (a, b)``: the first rewrites the open chunk when there is
    one, the others are inserted; the last stays open (tagged ``tag``) while below ``capacity``.
    Returns the open chunk's id when it is an existing chunk (new ones get theirs at flush)."""
    new_open: int | None = None
    for j, (a, b) in enumerate(cuts):
        values = piece(a, b)
        still_open = j == len(cuts) - 1 and b - a < capacity
        if j == 0 and open_id is not None:
            writes.update(open_id, values)
            new_open = open_id if still_open else None
        else:
            writes.insert({**base, **values}, tag if still_open else None)
    return new_open


def _key_piece(rows: IntArray, steps: IntArray, vals: Any) -> Callable[[int, int], dict[str, Any]]:
    def piece(a: int, b: int) -> dict[str, Any]:
        vmin, vmax = chunks.nan_extremes(vals[a:b])
        return {
            "row_min": int(rows[a]),
            "row_max": int(rows[b - 1]),
            "step_min": int(steps[a:b].min()),
            "step_max": int(steps[a:b].max()),
            "count": b - a,
            "vmin": vmin,
            "vmax": vmax,
            "data": chunks.encode_key_chunk(rows[a:b], steps[a:b], vals[a:b]),
            # Only a full chunk gets a sketch: it is written once, while an open one is rewritten.
            "sketch": (
                encode_sketch(rows[a:b], steps[a:b], vals[a:b]) if b - a == chunks.KEY_CHUNK_POINTS else None
            ),
        }

    return piece


def _append_numeric(
    conn: Connection,
    run_pk: int,
    stream: Stream,
    numeric: dict[str, _Points],
    steps: IntArray,
    rownos: IntArray,
    existing: dict[str, Row[Any]],
    stats: dict[str, KeyStats],
) -> None:
    open_ids = [int(existing[k].open_chunk) for k in numeric if k in existing and existing[k].open_chunk]
    open_blobs: dict[int, bytes] = {}
    for i in range(0, len(open_ids), IN_BATCH):
        stmt = select(history_chunks.c.id, history_chunks.c.data).where(
            history_chunks.c.id.in_(open_ids[i : i + IN_BATCH])
        )
        open_blobs.update((int(r.id), r.data) for r in conn.execute(stmt))
    writes = ChunkWrites(history_chunks)
    for key, (idx, key_values, last) in numeric.items():
        # ints stay int64 unless the batch mixes in floats (then the whole piece is float64)
        vals: Any = key_values
        k_rows, k_steps = (rownos, steps) if idx is None else (rownos[idx], steps[idx])
        ks = stats.get(key) or stats.setdefault(key, KeyStats())
        ks.num_count += len(vals)
        ks.add_steps(int(k_steps.min()), int(k_steps.max()))
        ks.add_last(int(k_rows[-1]), last)
        lo, hi = chunks.nan_extremes(vals)
        ks.vmin = lo if ks.vmin is None or lo is None else min(ks.vmin, lo)
        ks.vmax = hi if ks.vmax is None or hi is None else max(ks.vmax, hi)
        old = existing.get(key)
        open_id = int(old.open_chunk) if old is not None and old.open_chunk is not None else None
        if open_id is not None:
            o_rows, o_steps, o_vals = chunks.decode_key_chunk(open_blobs[open_id])
            if o_vals.dtype == vals.dtype:
                k_rows = np.concatenate((o_rows, k_rows))
                k_steps = np.concatenate((o_steps, k_steps))
                vals = np.concatenate((o_vals, vals))
            else:
                # int chunk meets floats (or back): close it rather than rewrite ints as floats
                open_id = None
        ks.open_chunk_set = True
        cuts = chunks.pieces(len(vals), chunks.KEY_CHUNK_POINTS)
        base = {"run_pk": run_pk, "stream": stream, "key": key}
        ks.open_chunk = _place_pieces(
            writes, cuts, chunks.KEY_CHUNK_POINTS, open_id, key, base, _key_piece(k_rows, k_steps, vals)
        )
    for tag, chunk_id in writes.flush(conn).items():
        stats[str(tag)].open_chunk = chunk_id
