"""Value rules shared by the history writer and readers."""

from __future__ import annotations

import math

from trackwell.store.history.values import is_number, wire_float


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
