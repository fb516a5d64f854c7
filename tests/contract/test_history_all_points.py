"""``HistoryStore.all_points`` on every SQL backend: for many runs at once, exactly the points (and
each point's row wall time) a full-resolution ``series`` read returns run by run, as arrays; and a
read past its point budget is refused before it starts."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from sqlalchemy import Engine

from trackwell.store.base import HistoryColumns, HistoryRow, SeriesQuery
from trackwell.store.history import SqlHistoryStore

T0 = 1_700_000_000.0
N = 10_000  # a full chunk (8192) and an open one


def _seed(engine: Engine, store: SqlHistoryStore) -> None:
    rng = np.random.default_rng(5)

    def put(pk: int, steps: list[int], values: list[Any], stream: str = "history") -> None:
        times = (T0 + np.cumsum(rng.uniform(0.01, 2.0, len(steps)))).tolist()
        cols = HistoryColumns(
            steps=steps, timestamps=times, runtimes=[t - T0 for t in times], columns={"loss": values}
        )
        with engine.begin() as conn:
            store.append_columns(conn, pk, cols, stream)  # type: ignore[arg-type]

    put(1, list(range(N)), rng.normal(size=N).tolist())
    with_nan = rng.normal(size=N)
    with_nan[::97] = math.nan
    with_nan[5] = math.inf
    put(2, list(range(3, 3 * N, 3)), with_nan[: N - 1].tolist())
    put(3, [int(s) for s in rng.integers(0, N, N)], rng.normal(size=N).tolist())  # steps out of order
    put(4, list(range(500)), rng.normal(size=500).tolist(), stream="system")

    # A key in only some rows (every third): its points' rows are not every row of the run.
    def row(s: int) -> HistoryRow:
        values = {"acc": s / 7.0} if s % 3 else {"loss": float(s)}
        return HistoryRow(step=s, timestamp=T0 + 0.5 * s, runtime=0.5 * s, values=values)

    rows = [row(s) for s in range(9000)]
    with engine.begin() as conn:
        store.append(conn, 5, rows)


def _full(conn: Any, store: SqlHistoryStore, pk: int, key: str, lo: Any, hi: Any, stream: Any) -> Any:
    query = SeriesQuery(keys=(key,), samples=None, min_step=lo, max_step=hi, stream=stream)
    s = store.series(conn, pk, query)[0]
    return (
        np.asarray(s.steps, dtype=np.int64),
        np.asarray(s.values, dtype=np.float64),  # the wire's "NaN"/"Infinity" strings parse
        np.asarray(s.timestamps, dtype=np.float64),
    )


@pytest.mark.parametrize("key", ["loss", "acc"])
@pytest.mark.parametrize("lo,hi", [(None, None), (1000, 7777), (8192, None)])
def test_every_point_with_its_wall_time_as_a_full_read_has_it(
    engine: Engine, key: str, lo: int | None, hi: int | None
) -> None:
    store = SqlHistoryStore()
    _seed(engine, store)
    pks = [1, 2, 3, 5, 99]  # 99 has no history
    with engine.connect() as conn:
        got = store.all_points(conn, pks, key, lo, hi, timestamps=True)
        assert got is not None and set(got) == set(pks)
        for pk in pks:
            steps, values, times = _full(conn, store, pk, key, lo, hi, "history")
            p = got[pk]
            assert np.array_equal(p.steps, steps), pk
            assert np.array_equal(p.values, values, equal_nan=True), pk
            assert np.array_equal(p.timestamps, times), pk
        without = store.all_points(conn, pks, key, lo, hi)
    assert without is not None and all(len(p.timestamps) == 0 for p in without.values())
    assert all(np.array_equal(without[pk].steps, got[pk].steps) for pk in pks)


def test_system_stream_and_the_point_budget(engine: Engine) -> None:
    store = SqlHistoryStore()
    _seed(engine, store)
    with engine.connect() as conn:
        system = store.all_points(conn, [1, 4], "loss", stream="system", timestamps=True)
        assert system is not None
        steps, _, times = _full(conn, store, 4, "loss", None, None, "system")
        assert np.array_equal(system[4].timestamps, times) and len(system[1].steps) == 0
        assert np.array_equal(system[4].steps, steps)
        # runs 1 and 2 hold N + N - 1 points: a budget one short of that refuses the read
        assert store.all_points(conn, [1, 2], "loss", limit=2 * N - 2) is None
        fits = store.all_points(conn, [1, 2], "loss", limit=2 * N - 1)
        assert fits is not None and len(fits[1].steps) + len(fits[2].steps) == 2 * N - 1
