"""Value rules of the history store: what counts as a number and non-finite floats on the wire
(flat keys back in their logged shape: ``trackwell.schema.nesting``, shared with the client).

Kept apart from the SQL code because readers and writers must agree on these rules exactly.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

__all__ = ["dumps", "is_number", "loads", "wire_float", "wire_value"]

NonFinite = Literal["NaN", "Infinity", "-Infinity"]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


def is_number(value: Any) -> bool:
    """Numbers go to columnar chunks. bool is not a number here (it keeps its type in the row
    store), and ints outside int64 stay exact in the row store rather than being rounded."""
    kind = type(value)
    if kind is float:
        return True
    if kind is int:
        return bool(_INT64_MIN <= value <= _INT64_MAX)
    return False


def wire_float(value: float) -> float | NonFinite:
    """A float as the JSON responses carry it: browsers' JSON.parse knows no NaN or Infinity."""
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def wire_value(value: Any) -> Any:
    """Like :func:`wire_float`, for any stored value (only top-level floats are mapped)."""
    return wire_float(value) if type(value) is float else value


def dumps(value: Any) -> str:
    """JSON for stored values; NaN/Infinity as bare tokens so they round-trip exactly."""
    return json.dumps(value, separators=(",", ":"), allow_nan=True)


def loads(text: str) -> Any:
    return json.loads(text)
