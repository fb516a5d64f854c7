"""Value rules shared by the history writer and readers."""

from __future__ import annotations

import math

from trackwell.store.history.values import is_number, nest, wire_float


def test_what_counts_as_a_number() -> None:
    assert is_number(1) and is_number(1.5) and is_number(math.nan) and is_number(-(2**63))
    assert not is_number(True) and not is_number(None) and not is_number("1") and not is_number(2**63)


def test_non_finite_floats_on_the_wire() -> None:
    assert [wire_float(v) for v in (math.nan, math.inf, -math.inf, 2.5)] == [
        "NaN",
        "Infinity",
        "-Infinity",
        2.5,
    ]


def test_nest_rebuilds_dicts_and_never_loses_a_value() -> None:
    assert nest({"a.b": 1, "a.c.d": 2, "e": 3}) == {"a": {"b": 1, "c": {"d": 2}}, "e": 3}
    # "a" is both a value and a parent: the child stays flat next to it
    assert nest({"a.b": 2, "a": 1}) == {"a": 1, "a.b": 2}
