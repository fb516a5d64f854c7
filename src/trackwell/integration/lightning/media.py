"""One media object per item of a list, with per-item keyword lists (``caption=[...]``), as
Lightning's ``WandbLogger.log_image/log_audio/log_video`` build them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any


def per_item(
    what: str, items: Any, kwargs: Mapping[str, Sequence[Any]], make: Callable[..., Any]
) -> list[Any]:
    """``[make(item, **{k: kwargs[k][i]}) for i, item in enumerate(items)]``; ``items`` must be a
    list and every keyword list as long as it (Lightning raises the same errors)."""
    if not isinstance(items, list):
        raise TypeError(f'Expected a list as "{what}", found {type(items)}')
    n = len(items)
    for key, values in kwargs.items():
        if len(values) != n:
            raise ValueError(f"Expected {n} items but only found {len(values)} for {key}")
    return [make(item, **{key: values[i] for key, values in kwargs.items()}) for i, item in enumerate(items)]
