"""Chart series: many runs' points of a few keys, downsampled server-side (M4, extremes kept).

A workspace chart asks for one key of up to 1,000 runs at once. Reading run by run cost two SQL
statements per run and key (most of a 1,000-run chart's time went to building and running them), so
the runs are read together: per key, one aggregate statement counts every run's points in the range
(no blobs), which decides per run whether sketches may stand in for data, and one statement per kind
of run reads the blobs (sketch or data chosen per chunk in SQL). Each run's points are then decoded
and downsampled on their own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Connection, and_, case, func, literal, select

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.history import Series
from trackwell.store.base import SeriesQuery, Stream
from trackwell.store.history import chunks
from trackwell.store.history.chunks import FloatArray, IntArray
from trackwell.store.history.downsample import m4_indices
from trackwell.store.history.reader import step_range
from trackwell.store.history.sketch import use_sketches
from trackwell.store.history.values import wire_float
from trackwell.store.history.writer import check_stream
from trackwell.store.sql.dialect import fetch_all
from trackwell.store.sql.history_tables import history_chunks, history_row_chunks

_EMPTY_I: IntArray = np.empty(0, dtype=np.int64)
_EMPTY_F: FloatArray = np.empty(0, dtype=np.float64)
_IN_BATCH = 500  # values per IN (...) list: far below SQLite's and PostgreSQL's parameter limits

Points = tuple[IntArray, IntArray, FloatArray, int]  # rows, steps, values, points in the range


def _batches(values: Sequence[int]) -> list[list[int]]:
    return [list(values[i : i + _IN_BATCH]) for i in range(0, len(values), _IN_BATCH)]


def key_points_many(
    conn: Connection, run_pks: Sequence[int], key: str, query: SeriesQuery
) -> dict[int, Points]:
    """Every run's points of ``key`` in the step range, sorted by step (ties in row order), and how
    many points the range holds. A coarse read of a long range (``sketch.use_sketches``) takes the
    sketches of the chunks that lie wholly inside the range instead of their data: first one
    aggregate statement counts each run's points in the range (no blobs), then one statement per
    kind of run reads the blobs, choosing sketch or data per chunk in SQL."""
    t = history_chunks
    where = [
        t.c.stream == query.stream,
        t.c.key == key,
        *step_range(t.c.step_min, t.c.step_max, query.min_step, query.max_step),
    ]
    coarse: list[int] = []
    exact: list[int] = []
    for batch in _batches(run_pks):
        totals = (
            select(t.c.run_pk, func.sum(t.c.count)).where(t.c.run_pk.in_(batch), *where).group_by(t.c.run_pk)
        )
        for run_pk, points in conn.execute(totals):
            (coarse if use_sketches(int(points), query.samples) else exact).append(int(run_pk))
    inside: list[ColumnElement[bool]] = [t.c.sketch.isnot(None)]
    if query.min_step is not None:
        inside.append(t.c.step_min >= query.min_step)
    if query.max_step is not None:
        inside.append(t.c.step_max <= query.max_step)
    use = and_(*inside)
    parts: dict[int, list[tuple[bytes, bool, int]]] = defaultdict(list)  # run -> (blob, is sketch, count)
    for pks, columns in (
        (coarse, (case((use, t.c.sketch), else_=t.c.data), use)),
        (exact, (t.c.data, literal(False))),
    ):
        for batch in _batches(pks):
            stmt = select(t.c.run_pk, *columns, t.c.count).where(t.c.run_pk.in_(batch), *where)
            for run_pk, blob, is_sketch, count in fetch_all(conn, stmt.order_by(t.c.run_pk, t.c.row_min)):
                parts[int(run_pk)].append((blob, bool(is_sketch), int(count)))
    return {run_pk: _decode_points(chunk_list, query) for run_pk, chunk_list in parts.items()}


def _decode_points(plan: list[tuple[bytes, bool, int]], query: SeriesQuery) -> Points:
    decoded = [chunks.decode_key_chunk(blob) for blob, _, _ in plan]
    rows = np.concatenate([d[0] for d in decoded])
    steps = np.concatenate([d[1] for d in decoded])
    values = np.concatenate([d[2].astype(np.float64, copy=False) for d in decoded])
    # Points counted exactly: a sketched chunk lies wholly in range and holds `count` points.
    sketched = sum(count for _, is_sketch, count in plan if is_sketch)
    exact_points = sum(len(d[1]) for d, p in zip(decoded, plan, strict=True) if not p[1])
    if query.min_step is not None or query.max_step is not None:
        lo = query.min_step if query.min_step is not None else np.iinfo(np.int64).min
        hi = query.max_step if query.max_step is not None else np.iinfo(np.int64).max
        keep = (steps >= lo) & (steps <= hi)
        if not keep.all():
            exact_points -= int((~keep).sum())  # sketched chunks lie inside: only data rows drop
            rows, steps, values = rows[keep], steps[keep], values[keep]
    if len(steps) > 1 and bool(np.any(steps[1:] < steps[:-1])):
        order = np.argsort(steps, kind="stable")
        rows, steps, values = rows[order], steps[order], values[order]
    return rows, steps, values, sketched + exact_points


def _timestamps(conn: Connection, run_pk: int, stream: Stream, rownos: IntArray) -> FloatArray:
    """Wall time of each row number, decoding only the row chunks that hold one of them."""
    if len(rownos) == 0:
        return _EMPTY_F
    t = history_row_chunks
    lo, hi = int(rownos.min()), int(rownos.max())
    metas = conn.execute(
        select(t.c.id, t.c.row_min, t.c.count)
        .where(t.c.run_pk == run_pk, t.c.stream == stream, t.c.row_max >= lo, t.c.row_min <= hi)
        .order_by(t.c.row_min)
    ).all()
    starts = np.array([m.row_min for m in metas], dtype=np.int64)
    which = np.searchsorted(starts, rownos, side="right") - 1
    needed = np.unique(which)
    ids = [metas[i].id for i in needed.tolist()]
    blobs = dict(fetch_all(conn, select(t.c.id, t.c.data).where(t.c.id.in_(ids))))
    parts = [chunks.decode_timestamps(blobs[metas[i].id]) for i in needed.tolist()]
    all_ts = np.concatenate(parts)
    # offset of each needed chunk inside all_ts, looked up per row number
    offsets = np.zeros(len(metas), dtype=np.int64)
    offsets[needed] = np.cumsum([0] + [len(p) for p in parts[:-1]])
    result: FloatArray = all_ts[offsets[which] + rownos - starts[which]]
    return result


def read_series_many(conn: Connection, run_pks: Sequence[int], query: SeriesQuery) -> dict[int, list[Series]]:
    """``read_series`` for many runs with one query: statements per key, not per run and key."""
    check_stream(query.stream)
    samples = query.samples or 0
    if samples < 0:
        raise InvalidArgument("samples must be >= 0", field="samples", hint="0 means full resolution")
    pks = list(dict.fromkeys(run_pks))
    empty: Points = (_EMPTY_I, _EMPTY_I, _EMPTY_F, 0)
    by_key = {key: key_points_many(conn, pks, key, query) for key in dict.fromkeys(query.keys)}
    out: dict[int, list[Series]] = {}
    for run_pk in pks:
        picked: list[tuple[str, IntArray, IntArray, FloatArray, int]] = []
        for key, points in by_key.items():
            rows, steps, values, total = points.get(run_pk, empty)
            if samples and total > samples:
                keep = m4_indices(steps, values, samples)
                rows, steps, values = rows[keep], steps[keep], values[keep]
            picked.append((key, rows, steps, values, total))
        out[run_pk] = _to_series(conn, run_pk, query, picked)
    return out


def read_series(conn: Connection, run_pk: int, query: SeriesQuery) -> list[Series]:
    return read_series_many(conn, [run_pk], query)[run_pk]


def _to_series(
    conn: Connection,
    run_pk: int,
    query: SeriesQuery,
    picked: list[tuple[str, IntArray, IntArray, FloatArray, int]],
) -> list[Series]:
    all_rows = np.concatenate([p[1] for p in picked]) if picked else _EMPTY_I
    all_ts = _timestamps(conn, run_pk, query.stream, all_rows) if query.timestamps else None
    out: list[Series] = []
    at = 0
    for key, rows, steps, values, total in picked:
        ts = all_ts[at : at + len(rows)] if all_ts is not None else _EMPTY_F
        at += len(rows)
        wire: list[Any] = values.tolist()
        for i in np.flatnonzero(~np.isfinite(values)).tolist():
            wire[i] = wire_float(wire[i])
        # model_construct: the lists are built here from typed arrays, and validating a million
        # floats would cost more than reading them
        out.append(
            Series.model_construct(
                key=key,
                steps=steps.tolist(),
                values=wire,
                timestamps=ts.tolist(),
                total_points=total,
                sampled=len(steps) < total,
            )
        )
    return out
