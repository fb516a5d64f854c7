"""Writing a batch's values into chunks: extend the open chunk of each series (rows, non-numeric
values, each numeric key) and insert full ones, with each key's stats brought up to date.

Split from :mod:`writer` (which turns a batch into columns and keeps the stream's bookkeeping):
this module knows the chunk tables and their sizes, :mod:`writer` only what a batch holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import Connection, Row, select

from trackwell.store.base import Stream
from trackwell.store.history import chunks
from trackwell.store.history.chunks import ChunkWrites, FloatArray, IntArray, OtherPayload
from trackwell.store.history.sketch import encode_sketch
from trackwell.store.history.writer_stats import IN_BATCH, KeyStats
from trackwell.store.sql.history_tables import history_chunks, history_other_chunks, history_row_chunks


class Points(NamedTuple):
    """One key's numbers in a batch: their rows (indices into the batch; None = every row), values
    (int64 or float64) and the last value as logged (its stats keep the type: 5, not 5.0)."""

    idx: IntArray | None
    values: IntArray | FloatArray
    last: Any


def append_row_columns(
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


def append_other(
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


def append_numeric(
    conn: Connection,
    run_pk: int,
    stream: Stream,
    numeric: dict[str, Points],
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
