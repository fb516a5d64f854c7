"""A grouped chart on a time or metric x axis: every run's points on that axis, at full resolution.

On the step axis a run's value at a grid position is found by its step, so only the points the grid
needs are read (``history.points_at``). On these axes a point's x is its row's wall time, the seconds
since the run started, or the x metric's value at its step, and the grid's positions fall at any
index of any run: every point is needed. They are read as arrays (``history.all_points``, no Python
lists), put on the axis here in numpy, and ``group_stats`` applies the same grid and carry-last-value
rule as on the step axis, so the answer equals the rule applied to every point.

The x of a point, per axis (the browser's rules for ungrouped charts, web/src/lib/align.ts):

* ``wall``: its row's timestamp (seconds since the epoch);
* ``relative``: that minus the run's start: its creation time, or its first point's time when that
  comes earlier (a run's clock may lag the server's);
* ``metric``: the x metric's value at the point's step, interpolated linearly between the x
  metric's nearest finite points; points outside the x metric's step range have no x and are left
  out.

A read of more than ``FULL_READ_LIMIT`` points (all keys of the chart together) is refused by the
store before it starts; the caller then falls back to the runs' downsampled series.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from trackwell.schema.runs import RunOut
from trackwell.schema.ui import GroupSeriesRequest
from trackwell.service import group_stats as gs
from trackwell.store.base import AllPoints, Database

# Points one grouped chart may read at full resolution (every metric and the x metric together):
# 1,000 runs x 10k steps x 2 keys fit; memory stays near 50 bytes a point while it is read.
FULL_READ_LIMIT = 25_000_000
XMetric = tuple[gs.FloatArray, gs.FloatArray]  # the x metric's finite points: steps, values
_NONE = gs.RunPoints(np.empty(0), np.empty(0))


def on_time_or_metric(
    db: Database,
    conn: Any,
    chosen: list[RunOut],
    pk_of: Mapping[str, int],
    keys: list[str],
    req: GroupSeriesRequest,
) -> tuple[dict[str, dict[str, gs.RunPoints]], dict[str, gs.Grid]] | None:
    """Every chosen run's points of each key on the request's x axis, and each key's grid; None
    when that would read more than FULL_READ_LIMIT points."""
    pks = list(pk_of.values())
    budget = FULL_READ_LIMIT
    x_metric: dict[int, XMetric] = {}
    if req.x_axis == "metric":
        got = _read(db, conn, pks, req.x_key or "", req, budget)
        if got is None:
            return None
        budget -= sum(len(p.steps) for p in got.values())
        for pk, xp in got.items():
            keep = np.isfinite(xp.values)
            x_metric[pk] = (xp.steps[keep].astype(np.float64), xp.values[keep])
    pts: dict[str, dict[str, gs.RunPoints]] = {}
    grids: dict[str, gs.Grid] = {}
    for key in keys:
        read = _read(db, conn, pks, key, req, budget)
        if read is None:
            return None
        budget -= sum(len(p.steps) for p in read.values())
        pts[key] = {}
        for r in chosen:
            run_pk = pk_of.get(r.id)
            p = read.get(run_pk) if run_pk is not None else None
            if run_pk is None or p is None:
                pts[key][r.id] = _NONE
                continue
            xm = x_metric.get(run_pk)
            pts[key][r.id] = points_on_axis(req.x_axis, p.steps, p.values, p.timestamps, xm, r.created_at)
        grids[key] = gs.grid(list(pts[key].values()), req.samples)
    return pts, grids


def _read(
    db: Database, conn: Any, pks: list[int], key: str, req: GroupSeriesRequest, budget: int
) -> dict[int, AllPoints] | None:
    if not pks:
        return {}
    return db.history.all_points(
        conn,
        pks,
        key,
        req.min_step,
        req.max_step,
        req.stream,
        timestamps=req.x_axis in ("wall", "relative"),
        limit=max(0, budget),
    )


def points_on_axis(
    axis: str,
    steps: Any,
    values: Any,
    timestamps: Any,
    x_metric: XMetric | None,
    start: float,
) -> gs.RunPoints:
    """One run's points (sorted by step, NaN values included) as (x, y) on ``axis`` (not step)."""
    if len(steps) == 0:
        return _NONE
    if axis == "wall":
        return gs.points(gs.floats(timestamps), values)
    if axis == "relative":
        ts = gs.floats(timestamps)
        first = float(ts[0])
        return gs.points(ts - (start if start <= first else first), values)
    if x_metric is None:
        return _NONE
    return gs.points(steps_to_metric(gs.floats(steps), *x_metric), values)


def steps_to_metric(steps: gs.FloatArray, ms: gs.FloatArray, mv: gs.FloatArray) -> gs.FloatArray:
    """Each step's value of the x metric (finite points ``ms``, ``mv``, sorted by step),
    interpolated between its nearest points, NaN outside its range: the browser's stepsToMetric."""
    if len(ms) == 0:
        return np.full(len(steps), np.nan)
    out = np.interp(steps, ms, mv)
    out[(steps < ms[0]) | (steps > ms[-1])] = np.nan
    return out
