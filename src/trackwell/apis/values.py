"""The one decoding path for stored values read back through the public API.

Why: JSON has no NaN or infinities, so the server sends a non-finite float as one of the strings
``"NaN"``, ``"Infinity"`` and ``"-Infinity"`` (schema ``NonFinite``) wherever it sits: summary,
config, history rows, series. wandb's public API returns floats there (``math.isnan(run.summary["loss"])``
is how analysis scripts find diverged runs), so every read of a stored value in ``trackwell.apis``
goes through this module: ``run.summary``, ``run.config``, ``history()``, ``scan_history()`` and any
columnar transfer. Rule: exactly those three strings become ``nan``, ``inf`` and ``-inf``, at any
depth of dicts and lists; every other value is returned as it is (the same rule as the store's
``loads_json``, which writes them).

Imports: standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

NON_FINITE: dict[str, float] = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def decode_scalar(value: Any) -> Any:
    """One value that is not a container: a non-finite float's string becomes the float."""
    return NON_FINITE.get(value, value) if type(value) is str else value


def decode(value: Any) -> Any:
    """A JSON value with its non-finite floats' strings turned back into floats, at any depth.

    Containers are copied only when something inside them changes.
    """
    kind = type(value)
    if kind is str:
        return NON_FINITE.get(value, value)
    if kind is dict:
        out = None
        for key, item in value.items():
            new = decode(item)
            if new is not item:
                if out is None:
                    out = dict(value)
                out[key] = new
        return value if out is None else out
    if kind is list:
        items = [decode(item) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def decode_column(values: Iterable[Any]) -> list[Any]:
    """A column of values (one history key over many rows), decoded in one pass."""
    get = NON_FINITE.get
    return [get(v, v) if type(v) is str else decode(v) for v in values]


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    """One history row, decoded (a new dict only when a value changed)."""
    return decode(row)  # type: ignore[no-any-return]


def encode(value: Any) -> Any:
    """The way back: non-finite floats as their strings, at any depth (what the server stores)."""
    kind = type(value)
    if kind is float and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if kind is dict:
        return {k: encode(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [encode(v) for v in value]
    return value
