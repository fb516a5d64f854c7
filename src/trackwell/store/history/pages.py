"""Which rows a full-resolution page holds: shared by the JSON rows read and the columnar read.

A page is the next ``limit`` rows sorted by (step, row number) inside a step range. It never splits
one step across two pages, so ``next_min_step`` is an exact cursor even with duplicate steps. Row
chunks are read in batches (one statement per batch, binary on PostgreSQL) until the page is full.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from sqlalchemy import Connection, select

from trackwell.store.base import Stream
from trackwell.store.history import chunks
from trackwell.store.history.chunks import FloatArray, IntArray
from trackwell.store.sql.dialect import fetch_all
from trackwell.store.sql.history_tables import history_row_chunks

_EMPTY_I: IntArray = np.empty(0, dtype=np.int64)
_EMPTY_F: FloatArray = np.empty(0, dtype=np.float64)
_BLOBS_PER_STATEMENT = 32


class RowPage(NamedTuple):
    """Row numbers, steps, wall times and runtimes of a page, sorted by (step, row number)."""

    rows: IntArray
    steps: IntArray
    timestamps: FloatArray
    runtimes: FloatArray
    next_min_step: int | None


def step_bounds(min_step: int | None, max_step: int | None) -> tuple[int, int]:
    info = np.iinfo(np.int64)
    return (info.min if min_step is None else min_step), (info.max if max_step is None else max_step)


def _sorted(steps: IntArray, rows: IntArray) -> bool:
    """Whether (step, row) pairs are already in order: the usual case, checked in O(n)."""
    if len(steps) < 2:
        return True
    a, b = steps[:-1], steps[1:]
    return not bool(np.any((b < a) | ((b == a) & (rows[1:] < rows[:-1]))))


def read_page(
    conn: Connection, run_pk: int, min_step: int | None, max_step: int | None, limit: int, stream: Stream
) -> RowPage:
    t = history_row_chunks
    cond = [t.c.run_pk == run_pk, t.c.stream == stream]
    if min_step is not None:
        cond.append(t.c.step_max >= min_step)
    if max_step is not None:
        cond.append(t.c.step_min <= max_step)
    metas = conn.execute(
        select(t.c.id, t.c.row_min, t.c.step_min).where(*cond).order_by(t.c.step_min, t.c.row_min)
    ).all()
    lo, hi = step_bounds(min_step, max_step)
    parts: list[tuple[IntArray, IntArray, FloatArray, FloatArray]] = []
    boundary: int | None = None
    below = 0  # rows read so far whose step is below `boundary`
    pending: list[IntArray] = []  # steps of rows read so far that are not (yet) below it
    blobs: dict[int, bytes] = {}
    for i, meta in enumerate(metas):
        if meta.id not in blobs:
            ids = [m.id for m in metas[i : i + _BLOBS_PER_STATEMENT]]
            blobs = dict(fetch_all(conn, select(t.c.id, t.c.data).where(t.c.id.in_(ids))))
        steps, ts, rt = chunks.decode_row_chunk(blobs[meta.id])
        inside = (steps >= lo) & (steps <= hi)
        rows = meta.row_min + np.flatnonzero(inside)
        parts.append((rows, steps[inside], ts[inside], rt[inside]))
        pending.append(steps[inside])
        # Chunks come by step_min: no later chunk holds a step below the next one's step_min, so
        # the rows below it are final. Boundaries only grow: each row is counted once.
        boundary = int(metas[i + 1].step_min) if i + 1 < len(metas) else None
        if boundary is not None:
            waiting = np.concatenate(pending)
            now_below = waiting < boundary
            below += int(now_below.sum())
            pending = [waiting[~now_below]]
            if below > limit:
                break
    if not parts:
        return RowPage(_EMPTY_I, _EMPTY_I, _EMPTY_F, _EMPTY_F, None)
    rows, steps, ts, rt = (np.concatenate([p[j] for p in parts]) for j in range(4))
    if boundary is not None:
        keep = steps < boundary
        rows, steps, ts, rt = rows[keep], steps[keep], ts[keep], rt[keep]
    if not _sorted(steps, rows):
        order = np.lexsort((rows, steps))
        rows, steps, ts, rt = rows[order], steps[order], ts[order], rt[order]
    next_min_step = boundary
    if len(steps) > limit:
        cut_step = int(steps[limit])
        k = int(np.searchsorted(steps, cut_step, side="left"))
        next_min_step = cut_step
        if k == 0:  # more than `limit` rows share the first step: return them all at once
            k = int(np.searchsorted(steps, cut_step, side="right"))
            next_min_step = int(steps[k]) if k < len(steps) else boundary
        rows, steps, ts, rt = rows[:k], steps[:k], ts[:k], rt[:k]
    if next_min_step is not None and max_step is not None and next_min_step > max_step:
        next_min_step = None
    return RowPage(rows, steps, ts, rt, next_min_step)
