"""Exported charts smooth lines exactly as the UI does: both implementations run
tests/cases/smoothing.json (web/src/lib/smoothing.cases.test.ts is the UI's side)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from trackwell.schema.layout import SmoothingSpec
from trackwell.service.smoothing import smooth

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parents[1] / "cases" / "smoothing.json").read_text(encoding="utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['kind']}-{c['param']}-{len(c['xs'])}")
def test_smoothing_matches_the_shared_cases(case: dict[str, Any]) -> None:
    got = smooth(case["xs"], case["ys"], SmoothingSpec(kind=case["kind"], param=case["param"]))
    assert len(got) == len(case["expected"])
    for value, want in zip(got, case["expected"], strict=True):
        if want is None:
            assert math.isnan(value)
        else:
            assert value == pytest.approx(want, abs=1e-9)


def test_a_gap_never_poisons_the_running_state() -> None:
    # A NaN in the middle stays a gap; the points after it are smoothed from the points before.
    xs = [0.0, 1.0, 2.0, 3.0]
    got = smooth(xs, [1.0, math.nan, None, 1.0], SmoothingSpec(kind="ema", param=0.9))
    assert got[0] == 1.0 and math.isnan(got[1]) and math.isnan(got[2]) and got[3] == pytest.approx(1.0)


def test_an_unset_parameter_takes_the_uis_default() -> None:
    xs = [float(i) for i in range(30)]
    ys = [float(i % 7) for i in range(30)]
    assert smooth(xs, ys, SmoothingSpec(kind="average")) == smooth(
        xs, ys, SmoothingSpec(kind="average", param=10)
    )
