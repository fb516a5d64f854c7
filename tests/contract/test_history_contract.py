"""Contract of the metric-history store, run on every SQL backend (SQLite and PostgreSQL).

What a user relies on: what they logged comes back exactly (ints as ints, NaN/Infinity, strings,
media references, nested keys), sorted by step even when logged out of order, charts keep every
spike when downsampled, and export pages through every row exactly once.
"""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from trackwell.schema.errors import InvalidArgument
from trackwell.store.base import HistoryColumns, HistoryRow, SeriesQuery
from trackwell.store.history import SqlHistoryStore
from trackwell.store.sql import history_tables  # noqa: F401  (attaches the tables)

RUN = 7
T0 = 1_700_000_000.0


@pytest.fixture
def store() -> SqlHistoryStore:
    return SqlHistoryStore()


def row(step: int, values: dict[str, Any], t: float | None = None) -> HistoryRow:
    ts = T0 + step if t is None else t
    return HistoryRow(step=step, timestamp=ts, runtime=ts - T0, values=values)


def append(engine: Engine, store: SqlHistoryStore, rows: list[HistoryRow], **kw: Any) -> None:
    with engine.begin() as conn:
        store.append(conn, kw.pop("run_pk", RUN), rows, **kw)


def all_rows(conn: Connection, store: SqlHistoryStore, limit: int, **kw: Any) -> list[dict[str, Any]]:
    """Every row through the pager, checking that it always makes progress."""
    out: list[dict[str, Any]] = []
    min_step = kw.pop("min_step", None)
    for _ in range(100_000):
        page = store.rows(conn, RUN, kw.get("keys"), min_step, kw.get("max_step"), limit)
        out.extend(page.rows)
        if page.next_min_step is None:
            return out
        assert min_step is None or page.next_min_step > min_step
        min_step = page.next_min_step
    raise AssertionError("pager never ended")


def test_values_come_back_exactly_with_their_types(engine: Engine, store: SqlHistoryStore) -> None:
    logged = [
        row(0, {"epoch": 0, "loss": 1.5, "name": "warmup", "ok": True, "none": None}),
        row(1, {"epoch": 1, "loss": 0.25, "big": 2**70, "tags": [1, "a", None], "ok": False}),
        row(2, {"epoch": 2, "loss": -0.0, "img": {"_type": "image-file", "path": "media/a.png"}}),
    ]
    append(engine, store, logged)
    with engine.connect() as conn:
        rows = store.rows(conn, RUN, None, None, None, 100).rows
        keys = {k.key: k for k in store.keys(conn, RUN).keys}
    assert [r["epoch"] for r in rows] == [0, 1, 2]
    assert all(type(r["epoch"]) is int for r in rows)
    assert [r["loss"] for r in rows] == [1.5, 0.25, 0.0]
    assert math.copysign(1, rows[2]["loss"]) == -1  # -0.0 keeps its sign
    assert rows[0]["name"] == "warmup" and rows[0]["none"] is None
    assert rows[0]["ok"] is True and rows[1]["ok"] is False  # bool is not a number
    assert rows[1]["big"] == 2**70 and rows[1]["tags"] == [1, "a", None]
    assert rows[2]["img"] == {"_type": "image-file", "path": "media/a.png"}
    assert [(r["_step"], r["_timestamp"], r["_runtime"]) for r in rows] == [(s, T0 + s, s) for s in range(3)]
    assert keys["epoch"].kind == "number" and keys["epoch"].last == 2 and type(keys["epoch"].last) is int
    assert keys["ok"].kind == "other" and keys["ok"].last is False
    assert keys["img"].kind == "other" and keys["img"].count == 1
    assert (keys["loss"].min, keys["loss"].max, keys["loss"].count) == (-0.0, 1.5, 3)
    assert (keys["epoch"].first_step, keys["epoch"].last_step) == (0, 2)


def test_non_finite_floats_round_trip(engine: Engine, store: SqlHistoryStore) -> None:
    specials = [math.nan, math.inf, -math.inf, 1.0]
    append(engine, store, [row(i, {"x": v}) for i, v in enumerate(specials)])
    with engine.connect() as conn:
        (series,) = store.series(conn, RUN, SeriesQuery(keys=["x"], samples=None))
        rows = store.rows(conn, RUN, ["x"], None, None, 10).rows
        (key,) = store.keys(conn, RUN).keys
    assert series.values == ["NaN", "Infinity", "-Infinity", 1.0]
    got = [r["x"] for r in rows]
    assert math.isnan(got[0]) and got[1:] == [math.inf, -math.inf, 1.0]
    assert (key.min, key.max, key.last) == ("-Infinity", "Infinity", 1.0)
    assert '"NaN"' in series.model_dump_json()  # browsers' JSON.parse cannot read bare NaN


def test_out_of_order_and_duplicate_steps_are_kept_and_sorted(engine: Engine, store: SqlHistoryStore) -> None:
    append(engine, store, [row(10, {"a": 1}), row(20, {"a": 2})])
    append(engine, store, [row(5, {"a": 3}), row(20, {"a": 4}), row(15, {"a": 5})])
    with engine.connect() as conn:
        (series,) = store.series(conn, RUN, SeriesQuery(keys=["a"], samples=None))
        rows = all_rows(conn, store, limit=2)
        info = store.keys(conn, RUN)
    assert series.steps == [5, 10, 15, 20, 20]
    assert series.values == [3.0, 1.0, 5.0, 2.0, 4.0]  # equal steps keep their logging order
    assert [(r["_step"], r["a"]) for r in rows] == [(5, 3), (10, 1), (15, 5), (20, 2), (20, 4)]
    assert (info.last_step, info.history_count) == (20, 5)
    assert info.keys[0].last == 5 and info.keys[0].first_step == 5  # last = last logged


def test_nested_keys_are_renested_in_rows_and_dotted_keys_stay_flat(
    engine: Engine, store: SqlHistoryStore
) -> None:
    """Keys with paths (logged nested) come back nested; keys without (logged with dots) flat.
    More in test_history_key_paths.py."""
    paths = {
        "train.loss": ("train", "loss"),
        "train.acc": ("train", "acc"),
        "val.f1.macro": ("val", "f1", "macro"),
    }
    values = {"train.loss": 0.5, "train.acc": 1, "val.f1.macro": "n/a", "lr": 0.1, "lr.group0": 0.2}
    append(engine, store, [HistoryRow(0, T0, 0.0, values, paths=paths)])
    with engine.connect() as conn:
        (r,) = store.rows(conn, RUN, None, None, None, 10).rows
        names = [k.key for k in store.keys(conn, RUN).keys]
    assert r["train"] == {"loss": 0.5, "acc": 1} and r["val"] == {"f1": {"macro": "n/a"}} and r["lr"] == 0.1
    assert r["lr.group0"] == 0.2
    assert names == ["lr", "lr.group0", "train.acc", "train.loss", "val.f1.macro"]


def test_non_numeric_keys_give_empty_series(engine: Engine, store: SqlHistoryStore) -> None:
    append(engine, store, [row(0, {"text": "hello", "n": 1})])
    with engine.connect() as conn:
        text, missing = store.series(conn, RUN, SeriesQuery(keys=["text", "missing"]))
    assert (text.steps, text.values, text.total_points) == ([], [], 0)
    assert missing.steps == []


def test_long_histories_cross_chunk_boundaries(engine: Engine, store: SqlHistoryStore) -> None:
    # 20,000 rows in uneven batches: every chunk fills, closes and a new one opens, several times
    n = 20_000
    rng = random.Random(1)
    floats = [rng.gauss(0, 1) for _ in range(n)]
    logged = [
        row(i, {"loss": floats[i], "step_i": i * 3, **({"note": f"n{i}"} if i % 997 == 0 else {})})
        for i in range(n)
    ]
    start = 0
    for size in [1, 777, 5000, 3, 9000, 4000, 10_000]:
        append(engine, store, logged[start : start + size])
        start += size
    assert start >= n
    with engine.connect() as conn:
        loss, ints = store.series(conn, RUN, SeriesQuery(keys=["loss", "step_i"], samples=0))
        rows = all_rows(conn, store, limit=1500)
        info = store.keys(conn, RUN)
    assert loss.values == floats and loss.steps == list(range(n)) and not loss.sampled
    assert loss.timestamps == [T0 + i for i in range(n)]
    assert ints.values == [float(i * 3) for i in range(n)]
    assert len(rows) == n and [r["_step"] for r in rows] == list(range(n))
    assert all(type(r["step_i"]) is int and r["loss"] == floats[r["_step"]] for r in rows)
    assert [r["_step"] for r in rows if "note" in r] == list(range(0, n, 997))
    assert info.history_count == n and {k.key: k.count for k in info.keys}["loss"] == n


def test_a_key_switching_from_ints_to_floats_keeps_both(engine: Engine, store: SqlHistoryStore) -> None:
    append(engine, store, [row(i, {"v": i}) for i in range(3)])
    append(engine, store, [row(i, {"v": i + 0.5}) for i in range(3, 6)])
    append(engine, store, [row(6, {"v": 7})])
    with engine.connect() as conn:
        rows = store.rows(conn, RUN, None, None, None, 10).rows
    assert [r["v"] for r in rows] == [0, 1, 2, 3.5, 4.5, 5.5, 7]
    assert [type(r["v"]) for r in rows] == [int] * 3 + [float] * 3 + [int]


def test_step_ranges_select_points_and_rows(engine: Engine, store: SqlHistoryStore) -> None:
    append(engine, store, [row(i, {"a": i, "b": -i}) for i in range(10_000)])
    with engine.connect() as conn:
        (a,) = store.series(conn, RUN, SeriesQuery(keys=["a"], min_step=9_990, samples=None))
        (b,) = store.series(conn, RUN, SeriesQuery(keys=["b"], min_step=100, max_step=104))
        rows = all_rows(conn, store, limit=3, min_step=8_190, max_step=8_199, keys=["a"])
        empty = store.series(conn, RUN, SeriesQuery(keys=["a"], min_step=20_000))[0]
    assert a.steps == list(range(9_990, 10_000)) and a.total_points == 10
    assert b.steps == list(range(100, 105)) and b.values == [-100.0, -101.0, -102.0, -103.0, -104.0]
    assert [r["_step"] for r in rows] == list(range(8_190, 8_200)) and all("b" not in r for r in rows)
    assert (empty.steps, empty.total_points) == ([], 0)


def test_downsampling_keeps_the_extremes_and_the_budget(engine: Engine, store: SqlHistoryStore) -> None:
    n = 30_000
    rng = random.Random(7)
    values = [rng.uniform(-1, 1) for _ in range(n)]
    values[12_345], values[777], values[29_999] = 50.0, -40.0, 3.0
    values[20_000] = math.nan
    append(engine, store, [row(i, {"m": v}) for i, v in enumerate(values)])
    with engine.connect() as conn:
        (s,) = store.series(conn, RUN, SeriesQuery(keys=["m"], samples=1000))
        (part,) = store.series(
            conn, RUN, SeriesQuery(keys=["m"], min_step=10_000, max_step=19_999, samples=200)
        )
    assert s.sampled and s.total_points == n and len(s.steps) <= 1000 and len(s.steps) > 500
    assert 50.0 in s.values and -40.0 in s.values
    assert (s.steps[0], s.steps[-1], s.values[-1]) == (0, n - 1, 3.0)
    assert s.steps == sorted(s.steps)
    for step, value, ts in zip(s.steps, s.values, s.timestamps, strict=True):  # real points only
        assert value == values[step] or (value == "NaN" and math.isnan(values[step]))
        assert ts == T0 + step
    assert part.total_points == 10_000 and len(part.steps) <= 200 and 50.0 in part.values
    assert min(part.steps) >= 10_000 and max(part.steps) <= 19_999


def test_rows_pages_never_split_or_repeat_a_step(engine: Engine, store: SqlHistoryStore) -> None:
    # five rows share step 3: a page may grow past the limit rather than split them
    logged = [row(s, {"a": i}) for i, s in enumerate([1, 2, 3, 3, 3, 3, 3, 4, 5])]
    append(engine, store, logged)
    with engine.connect() as conn:
        first = store.rows(conn, RUN, None, None, None, 3)
        second = store.rows(conn, RUN, None, first.next_min_step, None, 3)
        third = store.rows(conn, RUN, None, second.next_min_step, None, 3)
        everything = all_rows(conn, store, limit=1)
    assert [r["_step"] for r in first.rows] == [1, 2] and first.next_min_step == 3
    assert [r["a"] for r in second.rows] == [2, 3, 4, 5, 6] and second.next_min_step == 4
    assert [r["_step"] for r in third.rows] == [4, 5] and third.next_min_step is None
    assert [r["a"] for r in everything] == list(range(9))


def test_streams_and_runs_are_separate_and_delete_run_cleans_up(
    engine: Engine, store: SqlHistoryStore
) -> None:
    append(engine, store, [row(0, {"loss": 1.0})])
    append(engine, store, [row(0, {"system/cpu": 12.5})], stream="system")
    append(engine, store, [row(0, {"loss": 2.0})], run_pk=RUN + 1)
    with engine.connect() as conn:
        assert [k.key for k in store.keys(conn, RUN).keys] == ["loss"]
        assert [k.key for k in store.keys(conn, RUN, "system").keys] == ["system/cpu"]
        (cpu,) = store.series(conn, RUN, SeriesQuery(keys=["system/cpu"], stream="system"))
        assert cpu.values == [12.5] and cpu.timestamps == [T0]
    with engine.begin() as conn:
        store.delete_run(conn, RUN)
    with engine.connect() as conn:
        gone = store.keys(conn, RUN)
        assert (gone.keys, gone.history_count, gone.last_step) == ([], 0, None)
        assert store.rows(conn, RUN, None, None, None, 10).rows == []
        (other,) = store.series(conn, RUN + 1, SeriesQuery(keys=["loss"]))
        assert other.values == [2.0]


def test_appends_belong_to_the_callers_transaction(engine: Engine, store: SqlHistoryStore) -> None:
    append(engine, store, [row(0, {"a": 1})])
    with engine.connect() as conn:
        trans = conn.begin()
        store.append(conn, RUN, [row(1, {"a": 2, "s": "x"})])
        trans.rollback()
    append(engine, store, [row(2, {"a": 3})])
    with engine.connect() as conn:
        rows = store.rows(conn, RUN, None, None, None, 10).rows
        info = store.keys(conn, RUN)
    assert [(r["_step"], r["a"]) for r in rows] == [(0, 1), (2, 3)]
    assert info.history_count == 2 and [k.key for k in info.keys] == ["a"]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s, c: s.append(c, RUN, [row(0, {"a": 1})], stream="gpu"), "stream"),
        (lambda s, c: s.append(c, RUN, [HistoryRow(step=1.5, timestamp=T0, runtime=0, values={})]), "step"),  # type: ignore[arg-type]
        (lambda s, c: s.append(c, RUN, [row(0, {"": 1})]), "values"),
        (lambda s, c: s.append(c, RUN, [row(0, {"a": {1, 2}})]), "values"),
        (lambda s, c: s.rows(c, RUN, None, None, None, 0), "limit"),
        (lambda s, c: s.series(c, RUN, SeriesQuery(keys=["a"], samples=-1)), "samples"),
    ],
)
def test_bad_input_names_the_field(engine: Engine, store: SqlHistoryStore, call: Any, field: str) -> None:
    with engine.begin() as conn, pytest.raises(InvalidArgument) as err:
        call(store, conn)
    assert err.value.field == field and err.value.hint


def _rows_to_columns(rows: list[HistoryRow]) -> HistoryColumns:
    keys = list(rows[0].values)
    return HistoryColumns(
        steps=[r.step for r in rows],
        timestamps=[r.timestamp for r in rows],
        runtimes=[r.runtime for r in rows],
        columns={k: [r.values[k] for r in rows] for k in keys},
    )


def test_column_blocks_store_exactly_what_rows_store(engine: Engine, store: SqlHistoryStore) -> None:
    """The SDK sends fast loops column-wise; what comes back must not depend on how it was sent."""
    values: list[dict[str, Any]] = [
        {
            "loss": 1.0 / (i + 1),
            "epoch": i // 10,
            "mixed": i if i % 2 else float(i),
            "flag": i % 3 == 0,
            "label": f"s{i}",
            "maybe": None if i % 4 else 2.5,
            "odd": math.nan if i == 5 else math.inf,
        }
        for i in range(40)
    ]
    rows = [row(i, v) for i, v in enumerate(values)]
    with engine.begin() as conn:
        store.append(conn, RUN, rows[:20])
        store.append_columns(conn, RUN, _rows_to_columns(rows[20:]))
        store.append(conn, RUN + 1, rows)
    with engine.connect() as conn:
        by_columns = all_rows(conn, store, 1000)
        with_rows = store.rows(conn, RUN + 1, None, None, None, 1000).rows
        assert [json_safe(r) for r in by_columns] == [json_safe(r) for r in with_rows]
        assert store.keys(conn, RUN) == store.keys(conn, RUN + 1)
        query = SeriesQuery(keys=["loss", "epoch", "mixed"], samples=None)
        assert store.series(conn, RUN, query) == store.series(conn, RUN + 1, query)
    assert by_columns[25]["epoch"] == 2 and type(by_columns[25]["epoch"]) is int
    assert by_columns[21]["flag"] is True and by_columns[21]["label"] == "s21"


def test_column_blocks_refuse_ragged_columns(engine: Engine, store: SqlHistoryStore) -> None:
    block = HistoryColumns(steps=[1, 2], timestamps=[T0, T0], runtimes=[0.0, 0.0], columns={"a": [1.0]})
    with engine.begin() as conn, pytest.raises(InvalidArgument, match="'a' has 1 values for 2 steps"):
        store.append_columns(conn, RUN, block)


def json_safe(r: dict[str, Any]) -> str:
    return json.dumps(r, sort_keys=True)


def test_series_without_timestamps_has_the_same_points(engine: Engine, store: SqlHistoryStore) -> None:
    rows = [row(i, {"loss": 1.0 / (i + 1)}) for i in range(5000)]
    append(engine, store, rows)
    with engine.connect() as conn:
        (full,) = store.series(conn, RUN, SeriesQuery(keys=["loss"], samples=200))
        (bare,) = store.series(conn, RUN, SeriesQuery(keys=["loss"], samples=200, timestamps=False))
    assert (bare.steps, bare.values, bare.total_points) == (full.steps, full.values, full.total_points)
    assert bare.timestamps == [] and len(full.timestamps) == len(full.steps)


def test_keys_of_runs_merge_a_projects_keys_without_decoding(engine: Engine, store: SqlHistoryStore) -> None:
    # What the workspace charts: every key any run logged, how many runs logged it, numbers first
    # (a key one run logged as a number and another as text is still a chart).
    append(engine, store, [row(0, {"loss": 1.0, "val/loss": 0.5}), row(9, {"loss": 0.5})], run_pk=1)
    append(engine, store, [row(0, {"loss": 2.0, "img": {"_type": "image-file", "path": "a.png"}})], run_pk=2)
    append(engine, store, [row(3, {"val/loss": "n/a", "note": "text"})], run_pk=3)
    append(engine, store, [row(0, {"cpu": 50.0})], run_pk=1, stream="system")
    with engine.connect() as conn:
        keys = {k.key: (k.kind, k.runs, k.last_step) for k in store.keys_of_runs(conn, [1, 2, 3])}
        assert keys == {
            "loss": ("number", 2, 9),
            "val/loss": ("number", 2, 3),
            "img": ("other", 1, 0),
            "note": ("other", 1, 3),
        }
        assert [k.key for k in store.keys_of_runs(conn, [2])] == ["img", "loss"]
        assert [k.key for k in store.keys_of_runs(conn, [1, 2], stream="system")] == ["cpu"]
        assert store.keys_of_runs(conn, []) == []
        # Many runs go in batches under the databases' parameter limits.
        assert store.keys_of_runs(conn, [1, *range(1000, 3000)])[0].key == "loss"


def test_coarse_reads_of_long_series_use_sketches_and_keep_every_extreme(
    engine: Engine, store: SqlHistoryStore
) -> None:
    # 200,000 points in full chunks (sketched) plus an open tail: a 1,000-point chart read must
    # keep the global spike and dip, start and end on the real first and last points, count every
    # point, and return only real points, the same way with or without a step range.
    n = 200_000
    rng = random.Random(5)
    values = [math.sin(i / 5000) + rng.uniform(-0.01, 0.01) for i in range(n)]
    values[123_457], values[77_777] = 50.0, -50.0
    values[4_242] = math.nan
    for start in range(0, n, 20_000):
        with engine.begin() as conn:
            store.append_columns(
                conn,
                RUN,
                HistoryColumns(
                    steps=list(range(start, start + 20_000)),
                    timestamps=[T0 + s for s in range(start, start + 20_000)],
                    runtimes=[float(s) for s in range(start, start + 20_000)],
                    columns={"loss": values[start : start + 20_000]},
                ),
            )
    with engine.connect() as conn:
        sketched = conn.exec_driver_sql(
            "SELECT count(*) FROM history_chunks WHERE sketch IS NOT NULL"
        ).scalar_one()
        assert sketched == n // 8192  # every full chunk, not the open one
        for lo, hi in ((None, None), (10_000, 190_000)):
            (s,) = store.series(conn, RUN, SeriesQuery(keys=["loss"], samples=1000, min_step=lo, max_step=hi))
            first, last = lo or 0, hi if hi is not None else n - 1
            assert s.total_points == last - first + 1
            assert s.sampled and len(s.steps) <= 1000
            assert s.steps[0] == first and s.steps[-1] == last
            assert 50.0 in s.values and -50.0 in s.values
            for step, value in zip(s.steps, s.values, strict=True):
                assert value == values[step] or (value == "NaN" and math.isnan(values[step]))
            assert s.timestamps[0] == T0 + first


def test_many_runs_read_together_match_reading_each_run(engine: Engine, store: SqlHistoryStore) -> None:
    # A workspace chart reads one key of many runs in one call: each run's answer must be exactly
    # what reading that run alone gives, long runs (sketched chunks) and short ones alike, and a
    # run without the key (or unknown to the store) answers empty series rather than going missing.
    rng = random.Random(11)
    lengths = {1: 30_000, 2: 50, 3: 9_000, 4: 0}
    for run_pk, n in lengths.items():
        if not n:
            continue
        with engine.begin() as conn:
            store.append_columns(
                conn,
                run_pk,
                HistoryColumns(
                    steps=list(range(n)),
                    timestamps=[T0 + s for s in range(n)],
                    runtimes=[float(s) for s in range(n)],
                    columns={"loss": [rng.random() for _ in range(n)], "acc": [float(s) for s in range(n)]},
                ),
            )
    append(engine, store, [row(0, {"other": 1.0})], run_pk=5)
    pks = [1, 2, 3, 4, 5, *range(1000, 1600)]  # past one IN (...) batch
    with engine.connect() as conn:
        for query in (
            SeriesQuery(keys=("loss", "acc"), samples=200),
            SeriesQuery(keys=("loss",), samples=2000, min_step=100, max_step=25_000, timestamps=False),
            SeriesQuery(keys=("acc",), samples=None, min_step=8_990),
        ):
            many = store.series_many(conn, pks, query)
            assert set(many) == set(pks)
            for pk in pks:
                assert many[pk] == store.series(conn, pk, query), (pk, query)
            assert many[1][0].total_points > 0 and many[1][0].sampled == bool(query.samples)
            assert all(s.steps == [] and s.total_points == 0 for s in many[5])
