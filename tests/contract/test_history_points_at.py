"""``HistoryStore.points_at`` on every SQL backend: for each asked step, the run's last finite point
at or before it is in the answer exactly as a full-resolution read has it, with the range's first and
last finite points, and nothing that is not a real point; sketches stand in for data only where they
hold the wanted points (aligned positions decode no full chunk's values)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Connection, Engine

from trackwell.store.base import HistoryColumns, SeriesQuery
from trackwell.store.history import SqlHistoryStore
from trackwell.store.history import points_at as points_at_module
from trackwell.store.history.sketch import GROUP

T0 = 1_700_000_000.0
N = 20_000  # two full chunks (with sketches) and an open one


def _put(engine: Engine, store: SqlHistoryStore, pk: int, steps: list[int], values: list[Any]) -> None:
    with engine.begin() as conn:
        cols = HistoryColumns(
            steps=steps,
            timestamps=[T0 + i for i in range(len(steps))],
            runtimes=[float(i) for i in range(len(steps))],
            columns={"loss": values},
        )
        store.append_columns(conn, pk, cols)


def _seed(engine: Engine, store: SqlHistoryStore) -> None:
    rng = np.random.default_rng(3)
    every = list(range(N))
    _put(engine, store, 1, every, rng.normal(size=N).tolist())  # every step from 0
    _put(engine, store, 2, list(range(7, 7 + N)), rng.normal(size=N).tolist())  # off the groups
    _put(engine, store, 3, list(range(0, 3 * N, 3)), rng.normal(size=N).tolist())  # every 3rd step
    nan = rng.normal(size=N)
    nan[GROUP - 1 :: 5 * GROUP] = math.nan  # NaN at some group ends: the finite point before counts
    nan[:3] = math.nan  # and at the start
    _put(engine, store, 4, every, nan.tolist())
    _put(engine, store, 5, [int(s) for s in rng.integers(0, N, N)], rng.normal(size=N).tolist())  # unsorted
    _put(engine, store, 6, every, [int(v) for v in rng.integers(-5, 5, N)])  # ints
    _put(engine, store, 7, list(range(100)), rng.normal(size=100).tolist())  # short: open chunk only


def _full(conn: Connection, store: SqlHistoryStore, pk: int, lo: int | None, hi: int | None) -> Any:
    s = store.series(conn, pk, SeriesQuery(keys=("loss",), samples=None, min_step=lo, max_step=hi))[0]
    steps = np.asarray(s.steps, dtype=np.int64)
    values = np.asarray(s.values, dtype=np.float64)  # the wire's "NaN" strings parse as NaN
    keep = np.isfinite(values)
    return steps[keep], values[keep], s.total_points


@pytest.mark.parametrize("lo,hi", [(None, None), (1000, 17_777), (8192, None)])
def test_last_finite_point_at_or_before_each_position(engine: Engine, lo: int | None, hi: int | None) -> None:
    store = SqlHistoryStore()
    _seed(engine, store)
    pks = [1, 2, 3, 4, 5, 6, 7, 99]  # 99 has no history
    asked: list[tuple[int, int, int]] = []
    at = np.concatenate((np.arange(-1, 3 * N, 64), [2.5, 8191.0, 50_000.5]))

    def positions(first: int, last: int, total: int) -> Any:
        asked.append((first, last, total))
        return at

    with engine.connect() as conn:
        got = store.points_at(conn, pks, "loss", positions, lo, hi)
        full = {pk: _full(conn, store, pk, lo, hi) for pk in pks}
    assert set(got) == set(pks)
    finite = [f for f in full.values() if len(f[0])]
    assert asked == [
        (
            min(int(f[0][0]) for f in finite),
            max(int(f[0][-1]) for f in finite),
            sum(f[2] for f in full.values()),
        )
    ]
    for pk in pks:
        steps, values, total = full[pk]
        p = got[pk]
        assert p.total_points == total
        if not len(steps):
            assert len(p.steps) == 0
            continue
        # A subset of the real finite points, in order, with the first and last.
        pairs = set(zip(steps.tolist(), values.tolist(), strict=True))
        assert set(zip(p.steps.tolist(), p.values.tolist(), strict=True)) <= pairs
        assert bool(np.all(np.diff(p.steps) >= 0))
        assert (p.steps[0], p.values[0]) == (steps[0], values[0])
        assert (p.steps[-1], p.values[-1]) == (steps[-1], values[-1])
        # At each position, the answer's last point is the full read's (ties: the last logged).
        want = np.searchsorted(steps, at, side="right") - 1
        have = np.searchsorted(p.steps, at, side="right") - 1
        ok = want >= 0
        assert np.array_equal(want >= 0, have >= 0)
        assert np.array_equal(values[want[ok]], p.values[have[ok]]), pk
        assert np.array_equal(steps[want[ok]], p.steps[have[ok]]), pk


def test_aligned_positions_read_sketches_and_none_reads_every_point(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SqlHistoryStore()
    _put(engine, store, 1, list(range(N)), np.random.default_rng(1).normal(size=N).tolist())
    decoded: list[int] = []
    fetch = points_at_module._fetch

    def counting(conn: Connection, wanted: list[Any]) -> None:
        decoded.extend(c.count for c in wanted if c.values is None)
        fetch(conn, wanted)

    monkeypatch.setattr(points_at_module, "_fetch", counting)
    ends = np.arange(-1, N, 4 * GROUP, dtype=np.float64)  # ends of sketch groups
    with engine.connect() as conn:
        got = store.points_at(conn, [1], "loss", lambda lo, hi, total: ends)[1]
        assert decoded == [N - 2 * 8192]  # only the open chunk's data
        steps, values, _ = _full(conn, store, 1, None, None)
        assert np.array_equal(got.values[1:-1], values[ends[1:].astype(int)][: len(got.values) - 2])
        decoded.clear()
        every = store.points_at(conn, [1], "loss", lambda lo, hi, total: None)[1]
    assert np.array_equal(every.steps, steps) and np.array_equal(every.values, values)
    assert every.total_points == N
