"""Every point of one key for many runs, as numpy arrays, with each point's wall time if asked.

A grouped chart on a time or metric x axis compares runs at x positions that no sketch can answer
(a run's value at a wall time lies at any index), so it needs every point: read here as arrays, in a
few statements per key for all runs (``series_reader.key_points_many``) plus, for time axes, one per
batch of runs for the row chunks' timestamps (their timestamp column only). Nothing becomes a Python
list: a ``Series`` of 10k points per run x 1,000 runs cost more in ``tolist`` than in decoding.

Before reading, one aggregate statement (no blobs) counts the points in range, so a caller can
refuse a read past its budget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from sqlalchemy import Connection, func, select

from trackwell.store.base import AllPoints, SeriesQuery, Stream
from trackwell.store.history import chunks
from trackwell.store.history.chunks import FloatArray, IntArray
from trackwell.store.history.reader import step_range
from trackwell.store.history.series_reader import key_points_many
from trackwell.store.history.writer import check_stream
from trackwell.store.sql.dialect import fetch_all
from trackwell.store.sql.history_tables import history_chunks, history_row_chunks

_IN_BATCH = 500  # values per IN (...) list, as series_reader
_NO_INTS: IntArray = np.empty(0, dtype=np.int64)
_NO_FLOATS: FloatArray = np.empty(0, dtype=np.float64)


def read_all_points(
    conn: Connection,
    run_pks: Sequence[int],
    key: str,
    min_step: int | None,
    max_step: int | None,
    stream: Stream,
    timestamps: bool,
    limit: int | None,
) -> dict[int, AllPoints] | None:
    check_stream(stream)
    pks = list(dict.fromkeys(run_pks))
    if limit is not None and count_points(conn, pks, key, min_step, max_step, stream) > limit:
        return None
    query = SeriesQuery(keys=(key,), min_step=min_step, max_step=max_step, samples=None, stream=stream)
    got = key_points_many(conn, pks, key, query)
    rows_of = {pk: p[0] for pk, p in got.items()}
    times = _timestamps_many(conn, rows_of, stream, min_step, max_step) if timestamps else {}
    out: dict[int, AllPoints] = {}
    for pk in pks:
        if pk not in got:
            out[pk] = AllPoints(_NO_INTS, _NO_FLOATS, _NO_FLOATS)
            continue
        _, steps, values, _ = got[pk]
        out[pk] = AllPoints(steps, values, times.get(pk, _NO_FLOATS))
    return out


def count_points(
    conn: Connection,
    run_pks: Sequence[int],
    key: str,
    min_step: int | None,
    max_step: int | None,
    stream: Stream,
) -> int:
    """Points of ``key`` the runs hold in the step range, counted per chunk (no blob is read):
    chunks that straddle the range count whole, so this is an upper bound there."""
    t = history_chunks
    total = 0
    for i in range(0, len(run_pks), _IN_BATCH):
        stmt = select(func.coalesce(func.sum(t.c.count), 0)).where(
            t.c.run_pk.in_(run_pks[i : i + _IN_BATCH]),
            t.c.stream == stream,
            t.c.key == key,
            *step_range(t.c.step_min, t.c.step_max, min_step, max_step),
        )
        total += int(conn.execute(stmt).scalar_one())
    return total


def _timestamps_many(
    conn: Connection,
    rows_of: Mapping[int, IntArray],
    stream: Stream,
    min_step: int | None,
    max_step: int | None,
) -> dict[int, FloatArray]:
    """Per run, the wall time of each of its row numbers ``rows_of[pk]``: the timestamp column of the
    row chunks in the step range (every row whose step lies in it is in one of them)."""
    t = history_row_chunks
    pks = [pk for pk, rows in rows_of.items() if len(rows)]
    parts: dict[int, list[tuple[int, bytes]]] = {pk: [] for pk in pks}
    for i in range(0, len(pks), _IN_BATCH):
        stmt = (
            select(t.c.run_pk, t.c.row_min, t.c.data)
            .where(
                t.c.run_pk.in_(pks[i : i + _IN_BATCH]),
                t.c.stream == stream,
                *step_range(t.c.step_min, t.c.step_max, min_step, max_step),
            )
            .order_by(t.c.run_pk, t.c.row_min)
        )
        for run_pk, row_min, blob in fetch_all(conn, stmt):
            parts[int(run_pk)].append((int(row_min), blob))
    out: dict[int, FloatArray] = {}
    for pk, found in parts.items():
        rows = rows_of[pk]
        if not found:
            out[pk] = np.full(len(rows), np.nan)
            continue
        starts = np.array([row_min for row_min, _ in found], dtype=np.int64)
        decoded = [chunks.decode_timestamps(blob) for _, blob in found]
        sizes = np.array([len(d) for d in decoded], dtype=np.int64)
        offsets = np.cumsum(sizes) - sizes
        every = np.concatenate(decoded)
        if len(rows) == len(every) and rows[0] == starts[0] and bool(np.all(np.diff(rows) == 1)):
            out[pk] = every  # the key is in every row (the common case): no lookup
            continue
        which = np.maximum(np.searchsorted(starts, rows, side="right") - 1, 0)
        local = rows - starts[which]
        inside = (local >= 0) & (local < sizes[which])
        at = offsets[which] + local
        ts = np.full(len(rows), np.nan)
        ts[inside] = every[at[inside]]
        out[pk] = ts
    return out
