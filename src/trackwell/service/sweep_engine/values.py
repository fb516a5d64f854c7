"""The canonical identity of parameter values: when two proposals are "the same point".

Grid dedup (``grid.params_key``, ``propose``), categorical lookups (``distributions.value_index``)
and the controller all compare values through :func:`canonical`, a stable JSON text in which:

- an integral float is the int (``3e6 == 3000000``, ``2.0 == 2``: W&B hashes them alike; a value
  that went through JSON or YAML as ``2.0`` is still the grid point ``2``);
- ``True``/``False`` stay booleans (``True`` is not the point ``1``: YAML writes them differently);
- dicts are compared by their content with sorted keys, tuples as lists;
- numpy scalars and other numbers are plain numbers; NaN and infinities have one spelling each.

Fast paths for str/int/float/bool/None matter: ``propose`` keys every trial of a 5,000-point grid.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Mapping
from typing import Any

_dumps = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), sort_keys=True, allow_nan=True).encode


def canonical(value: Any) -> str:
    """The stable JSON text of one value (see the module docstring for what compares equal)."""
    kind = type(value)
    if kind is str:
        return _dumps(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        return _float_text(value)
    if value is None:
        return "null"
    return _dumps(_plain(value))


def params_key(params: Mapping[str, Any]) -> str:
    """The canonical identity of a parameter set (flat names): stable JSON with sorted names."""
    return "{" + ",".join(f"{_dumps(str(name))}:{canonical(params[name])}" for name in sorted(params)) + "}"


def _float_text(value: float) -> str:
    if math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _plain(value: Any) -> Any:
    """The value as JSON-able plain data with canonical numbers (integral floats as ints)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return int(number) if math.isfinite(number) and number.is_integer() else number
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy bool_ and other 0-d scalars
        return _plain(value.item())
    return str(value)
