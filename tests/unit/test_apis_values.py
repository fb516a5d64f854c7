"""The public API's one decoding path for stored values (NaN/Infinity strings back to floats)."""

from __future__ import annotations

import math

from trackwell.apis.values import decode, decode_column, decode_row, decode_scalar


def test_the_three_strings_become_floats_at_any_depth() -> None:
    value = decode({"loss": "NaN", "grad": {"max": "Infinity", "min": "-Infinity"}, "xs": [1, "NaN"]})
    assert math.isnan(value["loss"])
    assert value["grad"] == {"max": math.inf, "min": -math.inf}
    assert value["xs"][0] == 1 and math.isnan(value["xs"][1])


def test_other_values_are_kept_and_not_copied() -> None:
    doc = {"name": "nan", "n": 3, "ok": True, "none": None, "nested": {"s": "Inf", "l": ["inf"]}}
    assert decode(doc) is doc
    assert decode_scalar("infinity") == "infinity"
    assert decode_scalar(2.5) == 2.5


def test_columns_and_rows() -> None:
    column = decode_column(["NaN", 1.0, None, "x", {"a": "-Infinity"}])
    assert math.isnan(column[0]) and column[1:4] == [1.0, None, "x"] and column[4] == {"a": -math.inf}
    row = decode_row({"_step": 0, "loss": "Infinity"})
    assert row == {"_step": 0, "loss": math.inf}
