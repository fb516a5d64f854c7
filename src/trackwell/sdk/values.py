"""Checking and copying what users pass to ``log``, on the caller's thread, cheaply.

``log()`` has a budget of microseconds, so the common case (a flat dict of Python scalars) is
checked with one ``type(v) in SCALARS`` per value by the caller (``Run.log``). Everything else goes
through :func:`copy_value` here, which hands arrays, DataFrames, figures and galleries to
``data_types.convert.to_loggable`` (small arrays become lists, large ones histograms, a DataFrame a
Table) and wraps media and charts in :class:`Deferred` for the processor thread, which writes
their files. A value that cannot
be logged raises ``TypeError`` naming the key and the fix, before anything is queued, so nothing
logged earlier is affected.
"""

from __future__ import annotations

import math
from typing import Any

from trackwell.data_types import convert
from trackwell.data_types._arrays import is_pandas_dataframe
from trackwell.data_types.base import Media
from trackwell.data_types.custom_chart import CustomChart

SCALARS = frozenset({int, float, str, bool, type(None)})


class Deferred:
    """A value finished on the processor thread: media (files to write) or a chart."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def copy_log_data(data: Any) -> tuple[dict[str, Any], bool]:
    """Validate and copy a ``log`` payload; returns ``(copy, has_deferred)``.

    Raises:
        TypeError: ``data`` is not a dict, a key is not a string, or a value cannot be logged.
    """
    if not hasattr(data, "items") or is_pandas_dataframe(data):
        raise TypeError(
            f"trackwell.log() takes a dict of metrics, got {type(data).__name__}; "
            'pass e.g. {"loss": 0.1, "accuracy": 0.9}'
        )
    state = [False]
    out = _copy_dict(data, "", state)
    return out, state[0]


def _copy_dict(data: Any, prefix: str, state: list[bool]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if type(key) is not str:
            if not isinstance(key, str):
                raise TypeError(
                    f"trackwell.log(): keys must be strings, got the {type(key).__name__} key {key!r}"
                    f"{' inside ' + repr(prefix) if prefix else ''}; convert it, e.g. {{str(key): value}}"
                )
            key = str(key)
        path = f"{prefix}.{key}" if prefix else key
        out[key] = copy_value(value, path, state)
    return out


def copy_value(value: Any, path: str, state: list[bool]) -> Any:
    """One value, as a JSON value or wrapped in :class:`Deferred` (then sets ``state[0]``).

    Plain values are handled here; everything else (arrays, DataFrames, figures, galleries) is
    converted by ``data_types.convert.to_loggable``, the one place that decides how such values log.
    """
    kind = type(value)
    if kind in SCALARS:
        return value
    if isinstance(value, Media | CustomChart):
        state[0] = True
        return Deferred(value)
    if isinstance(value, dict):
        return _copy_dict(value, path, state)
    if isinstance(value, list | tuple) and not any(isinstance(v, Media) for v in value):
        return [copy_value(v, f"{path}[{i}]", state) for i, v in enumerate(value)]
    try:
        converted = convert.to_loggable(value)
    except TypeError:
        converted = _unconvertible
    if converted is _unconvertible:
        if hasattr(value, "item") and callable(value.item):  # scalar types of other array libraries
            return copy_value(value.item(), path, state)
        if hasattr(value, "items") and hasattr(value, "keys"):  # other mappings
            return _copy_dict(value, path, state)
        raise TypeError(
            f"trackwell.log(): the value of {path!r} is a {kind.__module__}.{kind.__qualname__}, which "
            "cannot be logged; log a number, string, bool, None, a list or dict of those, a numpy/torch "
            "value, or a trackwell data type (trackwell.Image, trackwell.Table, ...), or convert it "
            "with str()"
        )
    if isinstance(converted, Media | CustomChart):
        state[0] = True
        return Deferred(converted)
    if converted is value:
        return value
    return copy_value(converted, path, state)


_unconvertible = object()


def is_number(value: Any) -> bool:
    """A finite-or-not real number that summary ops (min, max, mean) apply to; bools are not."""
    kind = type(value)
    return (kind is float and not math.isnan(value)) or kind is int
