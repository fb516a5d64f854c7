"""A grouped chart on the step axis reads only the points its grid needs (``history.points_at``,
sketch-aligned buckets) and still gives, bit for bit, the statistics of every point: compared with
the same grid and statistics computed from a full-resolution read of a seeded history (runs on and
off the sketch groups, sparse, NaN, unsorted and short runs; zoomed ranges; groups of all sizes)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest

from trackwell.schema.runs import RunUpsert
from trackwell.schema.ui import GroupSeriesRequest
from trackwell.service import group_stats as gs
from trackwell.service.group_series import group_series
from trackwell.store.base import Database, HistoryColumns, RunKey, SeriesQuery, StepPoints
from trackwell.store.history.sketch import GROUP
from trackwell.store.sql.database import open_database

E, P = "me", "exact"
N = 12_000  # one full chunk (with its sketch) and an open one


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path_factory.mktemp('exact') / 'g.db'}")
    rng = np.random.default_rng(7)
    every = np.arange(N)
    shapes: list[tuple[Any, Any]] = [
        (every, lambda: rng.normal(size=N)),
        (every + 5, lambda: rng.normal(size=N)),  # off the sketch groups: read from data
        (np.arange(0, 2 * N, 2), lambda: rng.normal(size=N)),  # every other step
        (every, lambda: np.where(np.arange(N) % 97 == GROUP - 1, math.nan, rng.normal(size=N))),
        (rng.integers(0, N, N), lambda: rng.normal(size=N)),  # steps out of order
        (np.arange(300), lambda: rng.normal(size=300)),  # short
    ]
    try:
        for i in range(24):
            steps, values = shapes[i % len(shapes)]
            with database.begin() as conn:
                cfg = {"opt": ["adam", "sgd", "lion"][i % 3]}
                run = database.runs.create_run(
                    conn, RunKey(E, P, f"r{i:02d}"), RunUpsert(session_id="s", config=cfg), 1e9
                )
                ys = np.asarray(values()) + i
                cols = HistoryColumns(
                    steps=[int(s) for s in steps],
                    timestamps=[1e9 + k for k in range(len(ys))],
                    runtimes=[float(k) for k in range(len(ys))],
                    columns={"loss": ys.tolist()},
                )
                database.history.append_columns(conn, run.pk, cols)
        yield database
    finally:
        database.close()


def _every_point(db: Database) -> Any:
    """``points_at`` as a full-resolution read would answer it: every finite point."""

    def full(conn: Any, pks: Sequence[int], key: str, positions: Any, lo: Any, hi: Any, stream: Any) -> Any:
        read = db.history.series_many(
            conn, pks, SeriesQuery(keys=(key,), samples=None, min_step=lo, max_step=hi)
        )
        out = {}
        for pk, series in read.items():
            s = series[0]
            p = gs.points(s.steps, s.values)
            out[pk] = StepPoints(p.x.astype(np.int64), p.y, s.total_points)
        return out

    return full


@pytest.mark.parametrize(
    "kw",
    [
        {"samples": 300},  # aligned buckets of 32 steps
        {"samples": 1000},  # fewer steps per bucket than a sketch group: ordinary buckets
        {"samples": 50, "min_step": 777, "max_step": 9_000},
        {"samples": 200, "min_step": 8_192},
    ],
)
def test_equals_the_statistics_of_every_point(
    db: Database, kw: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    req = GroupSeriesRequest(group_by=["config.opt"], keys=["loss"], **kw)
    fast = group_series(db, E, P, req).model_dump()
    monkeypatch.setattr(db.history, "points_at", _every_point(db))
    slow = group_series(db, E, P, req).model_dump()
    assert fast == slow
    s = fast["groups"][0]["series"][0]
    assert 0 < len(s["x"]) <= kw["samples"] and sum(s["count"]) > 0


def test_aligned_grid_sits_on_group_ends_and_keeps_half_the_buckets(db: Database) -> None:
    x = group_series(db, E, P, GroupSeriesRequest(group_by=["config.opt"], keys=["loss"], samples=300))
    xs = x.groups[0].series[0].x
    # Steps 0..2N-2 in buckets of a multiple of 32 steps: while runs log every step (up to N), each
    # position is a bucket end and a sketch group's end; past N only the even steps are left.
    assert 300 // 2 <= len(xs) <= 300
    assert all((v + 1) % GROUP == 0 for v in xs if v < N - GROUP)
    assert xs[-1] == 2 * N - 2
