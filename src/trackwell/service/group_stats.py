"""A group's statistics across its runs at each x: the numbers behind a grouped chart's mean and band.

Pure numpy, no I/O, so it is tested with known numbers. Every run is one sorted (x, y) series (its
own x: steps, a logged metric, or time). They are put on one grid of x positions shared by every
group of the chart:

* when all runs together have at most ``buckets`` distinct x values, the grid is those values, so
  runs logged at the same steps are compared at exactly those steps;
* otherwise the x range is cut into ``buckets`` equal buckets and each bucket's position is the
  largest x any run has in it (empty buckets are dropped). On the step axis of a long range
  (``aligned``: at least 16 steps per bucket) the buckets are a multiple of 32 steps wide and end
  on the history store's sketch groups, so each run's value there is read from sketches, exactly
  (``step_positions``; between buckets/2 and buckets of them).

A run's value at a grid position is its last value at or before it, taken only while the position
lies inside the run's own range (after its first point, and in or before the bucket of its last
one): inside its range a run carries its last value across x values only other runs have, so a
mean does not jump when members were sampled at different x; past its end it no longer counts.
This is the rule the browser applied to the drawn runs, and W&B's "last value in each bucket".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


@dataclass(frozen=True, slots=True)
class RunPoints:
    """One run's finite points, sorted by x."""

    x: FloatArray
    y: FloatArray


@dataclass(frozen=True, slots=True)
class Grid:
    """Grid position ``i`` stands for the bucket ``(lo[i], x[i]]`` (the first includes its start)."""

    x: FloatArray
    lo: FloatArray


@dataclass(frozen=True, slots=True)
class Stats:
    """Across the runs that have a value at each grid position: NaN where none has one.

    ``std`` is the sample standard deviation (n - 1; 0 for a single run) and ``stderr`` the
    standard error of the mean, ``std / sqrt(n)``."""

    x: FloatArray
    mean: FloatArray
    min: FloatArray
    max: FloatArray
    std: FloatArray
    stderr: FloatArray
    count: IntArray


def floats(values: Sequence[Any] | FloatArray) -> FloatArray:
    """Numbers as a float array; anything else (None, the wire's "NaN" strings) as NaN."""
    if isinstance(values, np.ndarray):
        return values.astype(np.float64, copy=False)
    try:
        # numpy reads None as NaN and the wire's "NaN"/"Infinity" strings as those floats.
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return np.asarray([v if type(v) in (int, float) else np.nan for v in values], dtype=np.float64)


def points(x: Sequence[Any] | FloatArray, y: Sequence[Any] | FloatArray) -> RunPoints:
    """A run's series as RunPoints: points where x or y is missing or not finite are left out
    (a NaN loss says nothing about the mean), and the rest sorted by x (stable: ties keep order)."""
    xs, ys = floats(x), floats(y)
    keep = np.isfinite(xs) & np.isfinite(ys)
    if not keep.all():  # no copy of a run's 10k points when all are finite
        xs, ys = xs[keep], ys[keep]
    if len(xs) > 1 and bool(np.any(xs[1:] < xs[:-1])):
        order = np.argsort(xs, kind="stable")
        xs, ys = xs[order], ys[order]
    return RunPoints(xs, ys)


# The history store's sketch group (store/history/sketch.py GROUP): a sketch holds the first and last
# point of every 32, so "last point at or before" a step that ends a group is read from it exactly.
SKETCH_GROUP = 32


def grid(runs: Sequence[RunPoints], buckets: int, total: int | None = None, aligned: bool = False) -> Grid:
    """The shared grid of every run of a chart (all groups together, so their lines line up).

    ``total`` is the runs' point count when the caller knows it better than ``runs`` (the store's
    count, NaN points included, when ``runs`` hold only some points); ``aligned`` asks for
    step buckets aligned to sketch groups where that keeps at least half the buckets
    (``bucket_edges``)."""
    present = [r.x for r in runs if len(r.x)]
    if not present:
        empty = np.empty(0, dtype=np.float64)
        return Grid(empty, empty)
    lo_x = float(min(x[0] for x in present))
    hi_x = float(max(x[-1] for x in present))
    count = sum(len(x) for x in present) if total is None else total
    distinct = _few_distinct(present, lo_x, hi_x, buckets, count)
    if distinct is not None:
        return Grid(distinct, np.concatenate(([-np.inf], distinct[:-1])))
    edges = bucket_edges(lo_x, hi_x, buckets, aligned)
    # Each bucket (edges[i], edges[i+1]] sits at the largest x any run has in it: per run, its last
    # point at or before the bucket's end, when that lies inside the bucket (the range's start
    # belongs to the first bucket). Runs are sorted, so this is a search per run, not a sort of all.
    n = len(edges) - 1
    lower = np.concatenate(([-np.inf], edges[1:-1]))
    top = np.full(n, -np.inf)
    for x in present:
        idx = np.searchsorted(x, edges[1:], side="right") - 1
        cand = np.where(idx >= 0, x[np.maximum(idx, 0)], -np.inf)
        np.fmax(top, np.where(cand > lower, cand, -np.inf), out=top)
    used = np.isfinite(top)
    return Grid(top[used], lower[used])


def bucket_edges(lo: float, hi: float, buckets: int, aligned: bool = False) -> FloatArray:
    """Bucket ends over [lo, hi]: ``buckets`` equal buckets; or, ``aligned`` (integer steps spanning
    at least ``SKETCH_GROUP * buckets / 2``), buckets of a multiple of SKETCH_GROUP steps ending
    at ``lo - 1 + k * width`` (between buckets/2 and buckets of them), so that for runs logging
    every step from ``lo`` (or from ``lo`` plus a multiple of 32) each end is a sketch group's end."""
    span = hi - lo + 1
    if aligned and span >= SKETCH_GROUP * buckets / 2 and lo == math.floor(lo):
        width = SKETCH_GROUP * math.ceil(span / (SKETCH_GROUP * buckets))
        n = math.ceil(span / width)
        return (lo - 1 + width * np.arange(n + 1)).astype(np.float64)
    return np.linspace(lo, hi, buckets + 1)


def step_positions(lo: int, hi: int, total: int, buckets: int) -> FloatArray | None:
    """The steps a grouped chart on the step axis needs each run's last point at or before (the
    history store's ``points_at``): the bucket ends ``grid(..., total, aligned=True)`` uses, or
    None when that grid needs every point (few points, or a span of at most ``buckets`` steps)."""
    if total <= 4 * buckets or hi - lo + 1 <= buckets:
        return None
    return bucket_edges(float(lo), float(hi), buckets, aligned=True)


def _few_distinct(
    xs: Sequence[FloatArray], lo: float, hi: float, buckets: int, total: int
) -> FloatArray | None:
    """Every distinct x of the runs when there are at most ``buckets`` of them, else None."""
    if total <= 4 * buckets:
        every = np.unique(np.concatenate(xs))
        return every if len(every) <= buckets else None
    if hi - lo + 1 > buckets or not all(bool(np.all(x == np.floor(x))) for x in xs):
        return None  # integers (steps, epochs) over a short span; anything else is bucketed
    seen = np.zeros(int(hi - lo) + 1, dtype=bool)
    for x in xs:
        seen[(x - lo).astype(np.int64)] = True
    return lo + np.flatnonzero(seen).astype(np.float64)


def on_grid(run: RunPoints, g: Grid) -> FloatArray:
    """The run's value at each grid position: its last value at or before it, inside its range."""
    out = np.full(len(g.x), np.nan)
    if len(run.x) == 0 or len(g.x) == 0:
        return out
    idx = np.searchsorted(run.x, g.x, side="right") - 1
    inside = (idx >= 0) & (run.x[-1] > g.lo)
    out[inside] = run.y[idx[inside]]
    return out


def stats(runs: Sequence[RunPoints], g: Grid) -> Stats:
    """Mean, min, max, std, stderr and the number of contributing runs at each grid position."""
    return summarize([on_grid(r, g) for r in runs], g.x)


def summarize(values: Sequence[FloatArray], x: FloatArray) -> Stats:
    """The statistics at each position ``x`` across runs' values there (NaN: no value): the one
    implementation behind a grouped line's band and a grouped bar's error bar."""
    n_x = len(x)
    if not values or n_x == 0:
        nan = np.full(n_x, np.nan)
        return Stats(x, nan, nan, nan, nan, nan, np.zeros(n_x, dtype=np.int64))
    count = np.zeros(n_x, dtype=np.int64)
    total = np.zeros(n_x)
    lo = np.full(n_x, np.inf)
    hi = np.full(n_x, -np.inf)
    for v in values:
        has = ~np.isnan(v)
        count += has
        total += np.where(has, v, 0.0)
        np.fmin(lo, v, out=lo)
        np.fmax(hi, v, out=hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        # Squares about the mean (a second pass): sums of squares lose everything to rounding
        # when a loss sits at 1e4 and differs in the fifth digit.
        squares = np.zeros(n_x)
        for v in values:
            d = v - mean
            squares += np.where(np.isnan(d), 0.0, d * d)
        std = np.where(count > 1, np.sqrt(squares / np.maximum(count - 1, 1)), 0.0)
        stderr = std / np.sqrt(count)
    none = count == 0
    for a in (mean, lo, hi, std, stderr):
        a[none] = np.nan
    return Stats(x, mean, lo, hi, std, stderr, count)


def wire(a: FloatArray) -> list[float | None]:
    """A float array as JSON numbers, null where NaN."""
    out: list[float | None] = a.tolist()
    for i in np.flatnonzero(np.isnan(a)).tolist():
        out[i] = None
    return out
