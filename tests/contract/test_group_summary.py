"""Grouped bar and scatter panels' statistics (``service/group_summary.py``) on every SQL backend:
per group, the mean, min/max, sample std and stderr of one number per run over EVERY run the
filter selects, with the real n; runs without a number are not counted; the number rule is the
browser's (tests/cases/summary_numbers.json, which web/src/lib/summaryPlots.test.ts runs too)."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path
from typing import Any

import pytest

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.runs import RunUpsert
from trackwell.schema.ui import GroupSummaryRequest
from trackwell.service.group_summary import group_summary, summary_number
from trackwell.store.base import Database, RunChanges, RunKey

E, P = "me", "bars"
CASES = json.loads((Path(__file__).parents[1] / "cases" / "summary_numbers.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_shared_number_cases(case: dict[str, Any]) -> None:
    assert summary_number(case["value"]) == case["number"]


def _seed(db: Database) -> None:
    for i in range(50):
        opt = "adam" if i < 40 else "sgd"
        summary: dict[str, Any] = {"acc": i / 100, "val": {"loss": 2.0 - i / 50}}
        if i == 3:
            summary["acc"] = "0.5"  # a number as text counts
        if i == 4:
            summary["acc"] = "n/a"  # not a number: not counted
        if i == 41:
            summary = {}
        config = {"opt": opt, "lr": 0.1 if i % 2 else 0.01}
        with db.begin() as conn:
            run = db.runs.create_run(
                conn, RunKey(E, P, f"r{i:02d}"), RunUpsert(session_id="s", config=config), 1e9 + i
            )
            db.runs.update_run(conn, run.pk, RunChanges(summary=summary))


def test_group_statistics_over_every_run(db: Database) -> None:
    _seed(db)
    req = GroupSummaryRequest(
        group_by=["config.opt"], fields=["summary.acc", "summary.val.loss", "config.lr"]
    )
    got = group_summary(db, E, P, req)
    assert (got.total_runs, got.total_groups) == (50, 2)
    adam, sgd = got.groups
    assert (adam.values, adam.runs, sgd.values, sgd.runs) == (["adam"], 40, ["sgd"], 10)
    accs = [0.5 if i == 3 else i / 100 for i in range(40) if i != 4]
    acc = adam.fields[0]
    assert (acc.field, acc.count) == ("summary.acc", 39)
    assert acc.mean == pytest.approx(statistics.fmean(accs))
    assert acc.std == pytest.approx(statistics.stdev(accs))
    assert acc.stderr == pytest.approx(statistics.stdev(accs) / math.sqrt(39))
    assert (acc.min, acc.max) == (0.0, 0.5)
    loss = sgd.fields[1]  # nested summary keys joined with '.'; run 41 has none
    assert loss.count == 9 and loss.mean == pytest.approx(
        statistics.fmean(2.0 - i / 50 for i in range(40, 50) if i != 41)
    )
    assert sgd.fields[2].mean == pytest.approx(
        statistics.fmean(0.1 if i % 2 else 0.01 for i in range(40, 50))
    )


def test_filter_exclude_chosen_groups_and_a_group_without_numbers(db: Database) -> None:
    _seed(db)
    req = GroupSummaryRequest(
        group_by=["config.opt", "config.lr"],
        fields=["summary.acc"],
        filters={"config.lr": {"$gt": 0.05}},
        exclude=["r01"],
        groups=[["sgd", 0.1], ["adam", 0.1], ["nope", 1]],
    )
    got = group_summary(db, E, P, req)
    assert [(g.values, g.runs) for g in got.groups] == [(["sgd", 0.1], 5), (["adam", 0.1], 19)]
    assert got.total_runs == 24
    one = group_summary(db, E, P, GroupSummaryRequest(group_by=["config.opt"], fields=["summary.none"]))
    empty = one.groups[0].fields[0]
    assert (empty.count, empty.mean, empty.std, empty.min) == (0, None, None, None)


def test_mistakes_name_the_field(db: Database) -> None:
    _seed(db)
    with pytest.raises(InvalidArgument) as bad_field:
        group_summary(db, E, P, GroupSummaryRequest(group_by=["config.opt"], fields=["acc"]))
    assert bad_field.value.field == "fields" and "summary.<key>" in (bad_field.value.hint or "")
    with pytest.raises(InvalidArgument) as bad_key:
        group_summary(db, E, P, GroupSummaryRequest(group_by=["config.nope"], fields=["summary.acc"]))
    assert bad_key.value.field == "group_by"
