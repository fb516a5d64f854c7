"""Each run's last finite point at or before given steps: what a grouped chart needs of each run.

A grouped chart compares every run of a group at the same x positions; a run's value there is its
last finite value at or before the position. Reading every point of 1,000 runs x 10k steps to find
~300 of them per run cost most of the chart's second. Here, per key, one statement fetches each
chunk's metadata, the first bytes of its data (enough to hold its rows and steps when they are
progressions, ``codec.int_ranges``) and its sketch. With the steps known, the wanted points are
located by index; a chunk's values are decoded only when its sketch lacks one of them (a sketch
holds the first and last point of every ``sketch.GROUP`` points, so positions on group ends are
answered from it). Every answer is a real point found by its exact index, so the result equals a
full-resolution read; runs whose steps go back, or whose wanted points are NaN/Inf, are read whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from sqlalchemy import Connection, func, select

from trackwell.store.base import Positions, StepPoints, Stream
from trackwell.store.history import chunks, codec
from trackwell.store.history.chunks import FloatArray, IntArray
from trackwell.store.history.reader import step_range
from trackwell.store.history.writer import check_stream
from trackwell.store.sql.dialect import fetch_all
from trackwell.store.sql.history_tables import history_chunks

_IN_BATCH = 500  # values per IN (...) list, as series_reader


@dataclass(slots=True)
class _Chunk:
    id: int
    offset: int  # index of its first point among the run's points in the chunks read
    count: int
    start: int  # first step; the steps are start + stride * i when `rising`
    stride: int
    rising: bool
    sketch_idx: IntArray | None = None  # indices (inside the chunk) of the sketch's points
    sketch_val: FloatArray | None = None
    steps: IntArray | None = None  # decoded data
    values: FloatArray | None = None


@dataclass(slots=True)
class _Run:
    chunks: list[_Chunk]
    lo: float  # the step range, inclusive
    hi: float
    whole: bool = False  # read every point (steps go back, NaN where a point is wanted, or asked)
    a: int = 0  # points [a, b) lie in the step range
    b: int = 0


def read_points_at(
    conn: Connection,
    run_pks: Sequence[int],
    key: str,
    positions: Positions,
    min_step: int | None,
    max_step: int | None,
    stream: Stream,
) -> dict[int, StepPoints]:
    check_stream(stream)
    pks = list(dict.fromkeys(run_pks))
    runs = _plan(conn, pks, key, min_step, max_step, stream)
    # Steps that are not a rising progression are in the data: decode those chunks (open ones too).
    _fetch(conn, [c for r in runs.values() for c in r.chunks if not c.rising or c.sketch_idx is None])
    for r in runs.values():
        _locate(r)
    _fetch(conn, [c for r in runs.values() if r.whole for c in r.chunks])
    # The range's first and last finite points decide the positions asked for.
    ends = {pk: np.array([r.a, r.b - 1]) for pk, r in runs.items() if not r.whole and r.b > r.a}
    _values_or_whole(conn, runs, ends)
    found = {pk: _result(r) for pk, r in runs.items() if r.whole}
    lo = [int(f.steps[0]) for f in found.values() if len(f.steps)]
    hi = [int(f.steps[-1]) for f in found.values() if len(f.steps)]
    for pk, idx in ends.items():
        if not runs[pk].whole:
            first, last = _steps_at(runs[pk], idx).tolist()
            lo.append(first)
            hi.append(last)
    total = sum(found[pk].total_points if pk in found else r.b - r.a for pk, r in runs.items())
    empty = StepPoints(np.empty(0, dtype=np.int64), np.empty(0), 0)
    if not lo:
        return {
            pk: found.get(pk, StepPoints(empty.steps, empty.values, runs[pk].b - runs[pk].a)) for pk in pks
        }
    at = positions(min(lo), max(hi), total)
    if at is None:
        for r in runs.values():
            r.whole = True
        _fetch(conn, [c for r in runs.values() for c in r.chunks])
        return {pk: _result(r) for pk, r in runs.items()}
    targets = np.asarray(at, dtype=np.float64)
    wanted: dict[int, IntArray] = {}
    for pk, r in runs.items():
        if r.whole or r.b <= r.a:
            continue
        idx = _count(r, targets, "right") - 1  # the last point at or before each target
        idx = idx[(idx >= r.a) & (idx < r.b)]
        wanted[pk] = np.unique(np.concatenate(([r.a, r.b - 1], idx))).astype(np.int64)
    picked = _values_or_whole(conn, runs, wanted)
    out: dict[int, StepPoints] = {}
    for pk, r in runs.items():
        if r.whole:
            out[pk] = _result(r)
        elif pk in picked:
            out[pk] = StepPoints(_steps_at(r, wanted[pk]), picked[pk], r.b - r.a)
        else:
            out[pk] = StepPoints(empty.steps, empty.values, r.b - r.a)
    return out


def _plan(
    conn: Connection, pks: list[int], key: str, min_step: int | None, max_step: int | None, stream: Stream
) -> dict[int, _Run]:
    t = history_chunks
    lo = -np.inf if min_step is None else min_step
    hi = np.inf if max_step is None else max_step
    runs = {pk: _Run([], lo, hi) for pk in pks}
    head = func.substr(t.c.data, 1, codec.RANGE_PREFIX)
    for i in range(0, len(pks), _IN_BATCH):
        stmt = (
            select(t.c.run_pk, t.c.id, t.c.count, head, t.c.sketch)
            .where(
                t.c.run_pk.in_(pks[i : i + _IN_BATCH]),
                t.c.stream == stream,
                t.c.key == key,
                *step_range(t.c.step_min, t.c.step_max, min_step, max_step),
            )
            .order_by(t.c.run_pk, t.c.row_min)
        )
        for run_pk, chunk_id, count, prefix, sketch in fetch_all(conn, stmt):
            run = runs[int(run_pk)]
            offset = run.chunks[-1].offset + run.chunks[-1].count if run.chunks else 0
            ranges = codec.int_ranges(bytes(prefix))
            steps = ranges[chunks.KEY_STEPS] if len(ranges) > chunks.KEY_STEPS else None
            rising = steps is not None and (steps[1] > 0 or int(count) == 1)
            c = _Chunk(int(chunk_id), offset, int(count), *(steps or (0, 0)), rising)
            if sketch is not None and rising:
                sk_steps, sk_values = codec.decode(bytes(sketch), [chunks.KEY_STEPS, chunks.KEY_VALUES])
                c.sketch_idx = (np.asarray(sk_steps, dtype=np.int64) - c.start) // max(c.stride, 1)
                c.sketch_val = sk_values.astype(np.float64, copy=False)
            run.chunks.append(c)
    return runs


def _fetch(conn: Connection, wanted: list[_Chunk]) -> None:
    """Decode the data of the chunks not decoded yet (one statement per IN batch)."""
    todo = {c.id: c for c in wanted if c.values is None}
    ids = list(todo)
    t = history_chunks
    for i in range(0, len(ids), _IN_BATCH):
        for chunk_id, blob in fetch_all(
            conn, select(t.c.id, t.c.data).where(t.c.id.in_(ids[i : i + _IN_BATCH]))
        ):
            steps, values = codec.decode(blob, [chunks.KEY_STEPS, chunks.KEY_VALUES])  # rows unused
            c = todo[int(chunk_id)]
            c.steps = np.asarray(steps, dtype=np.int64)
            c.values = values.astype(np.float64, copy=False)


def _locate(r: _Run) -> None:
    """Whether the run's steps never go back (else it is read whole and sorted, as a full read
    does), and which of its points lie in the step range, without listing its steps."""
    prev = -np.inf
    for c in r.chunks:
        if c.steps is not None:
            if len(c.steps) == 0:
                continue
            first, last = int(c.steps[0]), int(c.steps[-1])
            if len(c.steps) > 1 and bool(np.any(c.steps[1:] < c.steps[:-1])):
                r.whole = True
        else:
            first, last = c.start, c.start + c.stride * (c.count - 1)
        if first < prev:
            r.whole = True
        prev = last
    if not r.whole:
        size = sum(c.count for c in r.chunks)
        r.a = 0 if r.lo == -np.inf else int(_count(r, np.array([r.lo]), "left")[0])
        r.b = size if r.hi == np.inf else int(_count(r, np.array([r.hi]), "right")[0])


def _count(r: _Run, targets: FloatArray, side: Literal["left", "right"]) -> IntArray:
    """How many of the run's (sorted) points have a step below (left) or at most (right) each target:
    ``np.searchsorted`` over all its steps, computed per chunk (a progression needs no list)."""
    n = np.zeros(len(targets), dtype=np.int64)
    for c in r.chunks:
        if c.steps is not None:
            n += np.searchsorted(c.steps, targets, side=side)
            continue
        q = (targets - c.start) / max(c.stride, 1)  # targets are finite
        k = np.floor(q) + 1 if side == "right" else np.ceil(q)
        n += np.clip(k, 0, c.count).astype(np.int64)
    return n


def _steps_at(r: _Run, idx: IntArray) -> IntArray:
    out = np.empty(len(idx), dtype=np.int64)
    for c, local, at in _spans(r, idx):
        out[at] = c.steps[local] if c.steps is not None else c.start + c.stride * local
    return out


def _values_or_whole(
    conn: Connection, runs: dict[int, _Run], wanted: dict[int, IntArray]
) -> dict[int, FloatArray]:
    """The values at ``wanted`` indices per run, decoding the chunks whose sketch lacks one; a run
    with a NaN/Inf among them is read whole instead (its last finite point may lie anywhere)."""
    got = {pk: _take(runs[pk], idx) for pk, idx in wanted.items()}
    lacking = [c for found in got.values() if isinstance(found, list) for c in found]
    if lacking:
        _fetch(conn, lacking)
        got.update({pk: _take(runs[pk], wanted[pk]) for pk, found in got.items() if isinstance(found, list)})
    out: dict[int, FloatArray] = {}
    for pk, vals in got.items():
        if isinstance(vals, np.ndarray) and bool(np.isfinite(vals).all()):
            out[pk] = vals
        else:
            runs[pk].whole = True
    _fetch(conn, [c for pk in wanted if runs[pk].whole for c in runs[pk].chunks])
    return out


def _spans(r: _Run, idx: IntArray) -> list[tuple[_Chunk, IntArray, slice]]:
    """Per chunk holding some of the (sorted) indices: the chunk, their indices inside it, and
    where they sit in ``idx``."""
    starts = np.array([c.offset for c in r.chunks], dtype=np.int64)
    cuts = np.searchsorted(idx, starts, side="left").tolist() + [len(idx)]
    return [
        (c, idx[cuts[k] : cuts[k + 1]] - c.offset, slice(cuts[k], cuts[k + 1]))
        for k, c in enumerate(r.chunks)
        if cuts[k + 1] > cuts[k]
    ]


def _in_sketch(c: _Chunk, local: IntArray) -> IntArray | None:
    """Positions of ``local`` in the chunk's sketch, or None when one of them is not there."""
    if c.sketch_idx is None:
        return None
    pos = np.searchsorted(c.sketch_idx, local)
    ok = pos < len(c.sketch_idx)
    if not ok.all() or not bool(np.all(c.sketch_idx[pos] == local)):
        return None
    return pos


def _take(r: _Run, idx: IntArray) -> FloatArray | list[_Chunk]:
    """The values at the indices, or the chunks to decode first (their sketch lacks one)."""
    vals = np.empty(len(idx))
    lacking: list[_Chunk] = []
    for c, local, at in _spans(r, idx):
        if c.values is not None:
            vals[at] = c.values[local]
        elif (pos := _in_sketch(c, local)) is not None and c.sketch_val is not None:
            vals[at] = c.sketch_val[pos]
        else:
            lacking.append(c)
    return lacking or vals


def _result(r: _Run) -> StepPoints:
    """Every finite point in range, sorted by step (stable), from the decoded data."""
    if not r.chunks:
        return StepPoints(np.empty(0, dtype=np.int64), np.empty(0), 0)
    steps = np.concatenate([c.steps for c in r.chunks if c.steps is not None])
    values = np.concatenate([c.values for c in r.chunks if c.values is not None])
    keep = (steps >= r.lo) & (steps <= r.hi)
    steps, values = steps[keep], values[keep]
    if len(steps) > 1 and bool(np.any(steps[1:] < steps[:-1])):
        order = np.argsort(steps, kind="stable")
        steps, values = steps[order], values[order]
    finite = np.isfinite(values)
    return StepPoints(steps[finite], values[finite], len(steps))
