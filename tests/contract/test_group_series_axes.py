"""Grouped charts on the wall-time, relative-time and metric x axes, on every SQL backend: they read
every point as arrays (``history.all_points``) and equal, bit for bit, a brute-force reference: each
run's full-resolution series, its x computed point by point by the rule docs/workspace.md states,
then the same grid and statistics (``group_stats``). Past the point budget they fall back to the
downsampled series."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from trackwell.schema.runs import RunUpsert
from trackwell.schema.ui import GroupSeriesRequest
from trackwell.service import group_axes
from trackwell.service import group_stats as gs
from trackwell.service.group_series import group_series
from trackwell.store.base import Database, HistoryColumns, RunKey, SeriesQuery

E, P = "me", "axes"
T0 = 1e9
N = 9_000  # one full chunk and an open one


@pytest.fixture
def seeded(db: Database) -> Database:
    """15 runs of three groups, each with its own clock, some with NaNs, steps out of order, an x
    metric that goes back and forth, half without x, or none."""
    rng = np.random.default_rng(11)
    for i in range(15):
        n = [N, 3_000, 400][i % 3]
        steps = np.arange(n) * (1 + i % 2) + 7 * (i % 4)
        if i == 7:
            steps = rng.integers(0, N, n)  # steps out of order
        # Each run its own clock: started at a different time, uneven intervals; run 4's first
        # row is written before its creation time (a lagging client clock).
        start = T0 + 100.0 * i
        times = start + np.cumsum(rng.uniform(0.1, 3.0, n)) - (50.0 if i == 4 else 0.0)
        loss = rng.normal(size=n) + i
        loss[rng.integers(0, n, n // 50)] = math.nan
        epoch = steps / 300.0 + (i % 5)
        if i == 5:
            epoch = rng.uniform(0, 30, n)  # an x metric that goes back and forth
        if i == 8:
            epoch[: n // 2] = math.nan  # no x for the first half
        cols: dict[str, Any] = {"loss": loss.tolist(), "epoch": epoch.tolist()}
        if i == 10:
            del cols["epoch"]  # no x metric at all
        with db.begin() as conn:
            cfg = {"opt": ["adam", "sgd", "lion"][i % 3]}
            run = db.runs.create_run(
                conn, RunKey(E, P, f"r{i:02d}"), RunUpsert(session_id="s", config=cfg), start
            )
            block = HistoryColumns(
                steps=[int(s) for s in steps],
                timestamps=times.tolist(),
                runtimes=(times - start).tolist(),
                columns=cols,
            )
            db.history.append_columns(conn, run.pk, block)
    return db


def _reference(db: Database, req: GroupSeriesRequest) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every point of every run, its x by the documented rule, one grid, per-group statistics."""
    with db.read() as conn:
        runs, _ = db.runs.query_runs(conn, E, P, None, "+created_at", 100, 0, metadata=False)
        handles = db.runs.find_runs(conn, [RunKey(E, P, r.id) for r in runs])
        keys = ("loss", "epoch")
        query = SeriesQuery(keys=keys, samples=None, min_step=req.min_step, max_step=req.max_step)
        read = db.history.series_many(conn, [h.pk for h in handles.values()], query)
    points: dict[str, gs.RunPoints] = {}
    for r in runs:
        by_key = {s.key: s for s in read[handles[RunKey(E, P, r.id)].pk]}
        s = by_key["loss"]
        steps = np.asarray(s.steps, dtype=np.float64)
        ys = np.asarray(s.values, dtype=np.float64)
        ts = np.asarray(s.timestamps, dtype=np.float64)
        if len(steps) == 0:
            xs = steps
        elif req.x_axis == "wall":
            xs = ts
        elif req.x_axis == "relative":
            xs = ts - min(r.created_at, ts[0])
        else:
            e = by_key["epoch"]
            ms = np.asarray(e.steps, dtype=np.float64)
            mv = np.asarray(e.values, dtype=np.float64)
            ms, mv = ms[np.isfinite(mv)], mv[np.isfinite(mv)]
            xs = np.full(len(steps), math.nan)
            if len(ms):
                for j, st in enumerate(steps):  # point by point, as a person would
                    if ms[0] <= st <= ms[-1]:
                        xs[j] = np.interp(st, ms, mv)
        points[r.id] = gs.points(xs, ys)
    grid = gs.grid(list(points.values()), req.samples)
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for opt in ("adam", "sgd", "lion"):
        st = gs.stats([points[r.id] for r in runs if r.config["opt"] == opt], grid)
        out[(opt,)] = {
            "x": st.x.tolist(),
            "mean": gs.wire(st.mean),
            "std": gs.wire(st.std),
            "min": gs.wire(st.min),
            "max": gs.wire(st.max),
            "count": st.count.tolist(),
        }
    return out


ZOOMED: dict[str, Any] = {"samples": 200, "min_step": 1000, "max_step": 6000}


def test_equals_the_statistics_of_every_point(seeded: Database) -> None:
    for axis in ("wall", "relative", "metric"):
        for kw in ({"samples": 300}, {"samples": 40}, ZOOMED):
            x_key = "epoch" if axis == "metric" else None
            req = GroupSeriesRequest(group_by=["config.opt"], keys=["loss"], x_axis=axis, x_key=x_key, **kw)
            got = group_series(seeded, E, P, req)
            want = _reference(seeded, req)
            assert len(got.groups) == 3
            for g in got.groups:
                s = g.series[0]
                w = want[tuple(str(v) for v in g.values)]
                assert 0 < len(s.x) <= kw["samples"]
                have = {"x": s.x, "mean": s.mean, "std": s.std, "min": s.min, "max": s.max, "count": s.count}
                assert have == w, (axis, kw, g.values)


def test_past_the_point_budget_the_downsampled_series_answer(
    seeded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    req = GroupSeriesRequest(group_by=["config.opt"], keys=["loss"], x_axis="relative", samples=100)
    exact = group_series(seeded, E, P, req)
    monkeypatch.setattr(group_axes, "FULL_READ_LIMIT", 1000)
    coarse = group_series(seeded, E, P, req)
    assert [g.runs for g in coarse.groups] == [g.runs for g in exact.groups]
    e, c = exact.groups[0].series[0], coarse.groups[0].series[0]
    assert 0 < len(c.x) <= 100 and c.x[-1] == pytest.approx(e.x[-1], rel=1e-3)
    assert max(c.count) == max(e.count)
