"""Grouped chart statistics on the server (service/group_series.py, group_stats.py), on a real SQLite
store: known numbers for mean, min, max, std, stderr and contributors; every run of a group counts,
not only drawn ones; several group keys; x axes; clear errors for bad keys."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.runs import RunUpsert
from trackwell.schema.ui import GroupSeriesRequest
from trackwell.service import group_stats as gs
from trackwell.service.group_series import group_series
from trackwell.store.base import Database, HistoryRow, RunKey
from trackwell.store.sql.database import open_database

E, P = "me", "groups"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'g.db'}")
    try:
        yield database
    finally:
        database.close()


def _run(
    db: Database,
    run_id: str,
    ys: dict[int, float],
    *,
    steps_time: float = 1.0,
    start: float = 1000.0,
    **fields: Any,
) -> None:
    with db.begin() as conn:
        stored = db.runs.create_run(
            conn, RunKey(E, P, run_id), RunUpsert(session_id="s", started_at=start, **fields), start
        )
        rows = [
            HistoryRow(
                step=s,
                timestamp=start + 5 + s * steps_time,
                runtime=5 + s * steps_time,
                values={"loss": y, "epoch": s / 10},
            )
            for s, y in sorted(ys.items())
        ]
        db.history.append(conn, stored.pk, rows)


def _ask(db: Database, **kw: Any) -> dict[str, Any]:
    req = GroupSeriesRequest(**({"group_by": ["group"], "keys": ["loss"]} | kw))
    return group_series(db, E, P, req).model_dump()


def _by_values(body: dict[str, Any]) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(g["values"]): g for g in body["groups"]}


def test_mean_min_max_std_stderr_and_count_over_every_run(db: Database) -> None:
    # Group a: three runs at steps 0..2 with values 1,2,3 apart; group b: one run.
    for i, base in enumerate([1.0, 2.0, 3.0]):
        _run(db, f"a{i}", {0: base, 1: base * 10, 2: base * 100}, group="a")
    _run(db, "b0", {0: 5.0, 1: 6.0, 2: 7.0}, group="b")
    body = _ask(db)
    assert body["total_runs"] == 4 and body["total_groups"] == 2
    a = _by_values(body)[("a",)]
    assert a["runs"] == 3
    s = a["series"][0]
    assert s["x"] == [0, 1, 2]
    assert s["mean"] == pytest.approx([2.0, 20.0, 200.0])
    assert s["min"] == [1.0, 10.0, 100.0] and s["max"] == [3.0, 30.0, 300.0]
    assert s["std"] == pytest.approx([1.0, 10.0, 100.0])  # sample std of 1, 2, 3 is 1
    assert s["stderr"] == pytest.approx([1 / math.sqrt(3), 10 / math.sqrt(3), 100 / math.sqrt(3)])
    assert s["count"] == [3, 3, 3]
    b = _by_values(body)[("b",)]["series"][0]
    assert b["mean"] == [5.0, 6.0, 7.0] and b["std"] == [0.0, 0.0, 0.0] and b["count"] == [1, 1, 1]
    # Largest group first.
    assert [g["values"] for g in body["groups"]] == [["a"], ["b"]]


def test_runs_carry_their_last_value_inside_their_range_only(db: Database) -> None:
    _run(db, "dense", {0: 0.0, 1: 1.0, 2: 2.0, 3: 3.0}, group="g")
    _run(db, "sparse", {0: 10.0, 2: 12.0}, group="g")  # no step 1, ends at 2
    s = _ask(db)["groups"][0]["series"][0]
    assert s["x"] == [0, 1, 2, 3]
    # At step 1 the sparse run carries 10; at step 3 it has ended and no longer counts.
    assert s["mean"] == pytest.approx([5.0, 5.5, 7.0, 3.0])
    assert s["count"] == [2, 2, 2, 1]


def test_filter_exclude_and_several_group_keys(db: Database) -> None:
    for i in range(12):
        cfg = {"optimizer": ["adam", "sgd"][i % 2], "lr": [0.1, 0.01][i // 6]}
        _run(db, f"r{i}", {0: float(i)}, config=cfg)
    body = _ask(db, group_by=["config.optimizer", "config.lr"], exclude=["r0"])
    groups = _by_values(body)
    assert set(groups) == {("adam", 0.1), ("sgd", 0.1), ("adam", 0.01), ("sgd", 0.01)}
    assert groups[("adam", 0.1)]["runs"] == 2  # r2, r4 (r0 excluded)
    assert groups[("adam", 0.1)]["series"][0]["mean"] == [3.0]
    assert groups[("sgd", 0.01)]["series"][0]["mean"] == [9.0]  # r7, r9, r11
    # The runs list's filter selects the runs; `groups` picks which groups are computed.
    only = _ask(db, group_by=["config.optimizer"], filters={"config.lr": 0.01}, groups=[["sgd"]])
    assert only["total_runs"] == 6 and only["total_groups"] == 2
    assert [(g["values"], g["runs"], g["series"][0]["mean"]) for g in only["groups"]] == [(["sgd"], 3, [9.0])]


def test_a_group_larger_than_the_sample_budget_is_bucketed(db: Database) -> None:
    for i in range(30):
        _run(db, f"r{i}", {s: float(i + s) for s in range(200)}, job_type="train")
    s = _ask(db, group_by=["job_type"], samples=20)["groups"][0]["series"][0]
    assert len(s["x"]) == 20 and s["x"][-1] == 199
    # In each bucket every run's last value: mean of i + x over i = 0..29 is 14.5 + x.
    assert s["mean"] == pytest.approx([14.5 + x for x in s["x"]])
    assert s["count"] == [30] * 20
    assert s["min"] == pytest.approx(s["x"]) and s["max"] == pytest.approx([x + 29 for x in s["x"]])


def test_time_and_metric_x_axes(db: Database) -> None:
    _run(db, "a", {0: 1.0, 10: 2.0}, group="g", start=1000.0, steps_time=2.0)
    _run(db, "b", {0: 3.0, 10: 4.0}, group="g", start=5000.0, steps_time=2.0)
    rel = _ask(db, x_axis="relative")["groups"][0]["series"][0]
    # Seconds since each run's start: 5 and 25 for both, so they line up.
    assert rel["x"] == [5.0, 25.0] and rel["mean"] == [2.0, 3.0]
    epoch = _ask(db, x_axis="metric", x_key="epoch")["groups"][0]["series"][0]
    assert epoch["x"] == [0.0, 1.0] and epoch["mean"] == [2.0, 3.0]
    wall = _ask(db, x_axis="wall")["groups"][0]["series"][0]
    assert wall["x"] == [1005.0, 1025.0, 5005.0, 5025.0] and wall["count"] == [1, 1, 1, 1]


def test_bad_keys_are_clear_errors(db: Database) -> None:
    _run(db, "a", {0: 1.0}, config={"optimizer": "adam"})
    with pytest.raises(InvalidArgument) as bad:
        _ask(db, group_by=["optimizer"])
    assert bad.value.field == "group_by" and "config.<key>" in (bad.value.hint or "")
    with pytest.raises(InvalidArgument) as unknown:
        _ask(db, group_by=["config.optimiser"])
    assert "optimiser" in str(unknown.value) and "optimizer" in (unknown.value.hint or "")
    with pytest.raises(InvalidArgument) as no_x:
        _ask(db, x_axis="metric")
    assert no_x.value.field == "x_key"
    with pytest.raises(InvalidArgument):
        _ask(db, min_step=5, max_step=1)


def test_values_normalise_as_the_browser_sees_them() -> None:
    # 2.0 and 2 are one group; True is not 1; "" is missing.
    from trackwell.service.group_series import _identity, group_value

    assert _identity([group_value(2.0)]) == _identity([group_value(2)])
    assert _identity([group_value(True)]) != _identity([group_value(1)])
    assert group_value("") is None and group_value([1, 2]) == "[1,2]" and group_value(float("nan")) == "NaN"


def test_stats_skip_non_finite_points() -> None:
    runs = [gs.points([0, 1], [1.0, float("nan")]), gs.points([0, 1], [3.0, 5.0])]
    st = gs.stats(runs, gs.grid(runs, 10))
    # The NaN at step 1 is left out, so the first run's range ends at step 0.
    assert st.mean.tolist() == [2.0, 5.0] and st.count.tolist() == [2, 1]
    assert np.isnan(gs.stats([], gs.grid(runs, 10)).mean).all()


CASES_FILE = Path(__file__).parents[1] / "cases" / "group_values.json"
GROUP_VALUE_CASES = json.loads(CASES_FILE.read_text())["cases"]


@pytest.mark.parametrize("case", GROUP_VALUE_CASES, ids=[c["name"] for c in GROUP_VALUE_CASES])
def test_shared_group_value_cases(case: dict[str, Any]) -> None:
    # The same file runs in web/src/lib/groupSeries.test.ts against the browser's groupValue.
    from trackwell.service.group_series import group_value

    got = group_value(case["value"])
    assert got == case["group"] and type(got) is type(case["group"])
