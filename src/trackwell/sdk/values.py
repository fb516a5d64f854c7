"""Checking and copying what users pass to ``log``, on the caller's thread, cheaply.

``log()`` has a budget of microseconds, so the common case (a flat dict of Python scalars) is
checked with one ``type(v) in SCALARS`` per value by the caller (``Run.log``). Everything else goes
through :func:`copy_value` here: numpy/torch scalars become Python scalars (duck-typed ``.item()``,
so neither library is imported), small arrays become lists, and media objects and large arrays are
wrapped in :class:`Deferred` for the processor thread, which writes their files. A value that cannot
be logged raises ``TypeError`` naming the key and the fix, before anything is queued, so nothing
logged earlier is affected.
"""

from __future__ import annotations

import math
from typing import Any

from trackwell.data_types.base import Media

SCALARS = frozenset({int, float, str, bool, type(None)})
# numpy arrays up to this size are logged as lists; bigger ones as a 32-bin histogram (wandb).
MAX_LIST_ARRAY = 32
HISTOGRAM_BINS = 32


class Deferred:
    """A value converted on the processor thread: a media object or a large array snapshot."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class ArraySnapshot:
    """A private copy of a large numpy/torch array, logged as a histogram (the user may reuse theirs)."""

    __slots__ = ("array",)

    def __init__(self, array: Any) -> None:
        self.array = array


def copy_log_data(data: Any) -> tuple[dict[str, Any], bool]:
    """Validate and copy a ``log`` payload; returns ``(copy, has_deferred)``.

    Raises:
        TypeError: ``data`` is not a dict, a key is not a string, or a value cannot be logged.
    """
    if not hasattr(data, "items"):
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
    """One value, converted to a JSON value or wrapped in :class:`Deferred` (sets ``state[0]``)."""
    kind = type(value)
    if kind in SCALARS:
        return value
    if isinstance(value, Media):
        state[0] = True
        return Deferred(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):  # IntEnum and friends
        return int(value)
    if isinstance(value, float):  # numpy.float64 is a float subclass
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict) or (hasattr(value, "items") and hasattr(value, "keys")):
        return _copy_dict(value, path, state)
    if isinstance(value, list | tuple):
        return [copy_value(v, f"{path}[{i}]", state) for i, v in enumerate(value)]
    if hasattr(value, "shape") and hasattr(value, "tolist"):
        return _copy_array(value, path, state)
    if hasattr(value, "item") and callable(value.item):  # numpy/torch scalar types
        return copy_value(value.item(), path, state)
    raise TypeError(
        f"trackwell.log(): the value of {path!r} is a {kind.__module__}.{kind.__qualname__}, which "
        "cannot be logged; log a number, string, bool, None, a list or dict of those, a numpy/torch "
        "value, or a trackwell data type (trackwell.Image, trackwell.Table, ...), or convert it with str()"
    )


def _copy_array(value: Any, path: str, state: list[bool]) -> Any:
    if hasattr(value, "detach"):  # torch: leave the autograd graph and the GPU
        value = value.detach().cpu().numpy()
    size = int(getattr(value, "size", 0))
    if len(value.shape) == 0 or size == 1 and len(value.shape) == 0:
        return copy_value(value.item(), path, state)
    if size <= MAX_LIST_ARRAY:
        return copy_value(value.tolist(), path, state)
    state[0] = True
    return Deferred(ArraySnapshot(value.copy()))


def histogram_json(array: Any) -> dict[str, Any]:
    """wandb's histogram of a large array: 32 bins over the finite values (processor thread)."""
    import numpy as np  # only reached when the user logged a numpy array, so numpy is loaded

    flat = np.asarray(array, dtype=np.float64).ravel()
    flat = flat[np.isfinite(flat)]
    if flat.size == 0:
        return {"_type": "histogram", "values": [], "bins": []}
    counts, edges = np.histogram(flat, bins=HISTOGRAM_BINS)
    return {"_type": "histogram", "values": counts.tolist(), "bins": edges.tolist()}


def is_number(value: Any) -> bool:
    """A finite-or-not real number that summary ops (min, max, mean) apply to; bools are not."""
    kind = type(value)
    return (kind is float and not math.isnan(value)) or kind is int
