"""``run.summary`` of a run read through the ``Api``: wandb's ``HTTPSummary`` semantics.

wandb: ``run.summary["k"] = v`` and ``del run.summary["k"]`` change the local copy; ``run.summary
.update()`` (with or without a dict) and ``run.update()`` write it to the server. ``_json_dict`` is
the summary as a plain dict (W&B's "export runs to CSV" recipe reads it). What is written is what
changed since the summary was read (keys set and keys removed), so a write-back to a running run
never sends back, and so never overwrites, the keys the training process keeps updating.

Imports: standard library and ``trackwell.apis.values``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any

from trackwell.apis.values import encode

# (keys to set, keys to remove) -> the summary the server now holds
Writer = Callable[[dict[str, Any], list[str]], dict[str, Any]]


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``(keys set or changed, keys removed)`` from ``before`` to ``after``, values as on the wire."""
    set_keys = {k: encode(v) for k, v in after.items() if k not in before or not _same(before[k], v)}
    return set_keys, [k for k in before if k not in after]


def _same(a: Any, b: Any) -> bool:
    return bool(encode(a) == encode(b))  # NaN == NaN here: an unchanged diverged loss is not a change


class Summary(MutableMapping[str, Any]):
    """A run's summary: a dict whose changes ``update()`` writes back."""

    def __init__(self, values: Mapping[str, Any], writer: Writer) -> None:
        self._writer = writer
        self._json_dict: dict[str, Any] = {}
        self._locked: set[str] = set()  # keys set explicitly (wandb's ``_locked_keys``)
        self._reset(values)

    def _reset(self, values: Mapping[str, Any]) -> None:
        # In place: ``run.summary_metrics`` is this same dict, as in wandb.
        self._json_dict.clear()
        self._json_dict.update(values)
        self._synced = copy.deepcopy(self._json_dict)

    def __getitem__(self, key: str) -> Any:
        return self._json_dict[key.strip() if isinstance(key, str) else key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._json_dict[key.strip()] = value
        self._locked.add(key.strip())

    def __delitem__(self, key: str) -> None:
        del self._json_dict[key.strip()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._json_dict)

    def __len__(self) -> int:
        return len(self._json_dict)

    def __contains__(self, key: object) -> bool:
        return (key.strip() if isinstance(key, str) else key) in self._json_dict

    def __repr__(self) -> str:
        return repr(self._json_dict)

    def update(  # type: ignore[override]
        self, key_vals: Any = None, overwrite: bool = True, **kwargs: Any
    ) -> None:
        """Merge ``key_vals``/``kwargs`` into the summary and write every change since it was read.

        wandb's signature and rule: ``overwrite=False`` leaves alone the keys set explicitly on this
        object (item assignment, or ``update()`` with ``overwrite=True``).
        """
        for key, value in dict(key_vals or {}, **kwargs).items():
            key = key.strip()
            if overwrite:
                self._locked.add(key)
            elif key in self._locked:
                continue
            self._json_dict[key] = value
        self._flush()

    def _flush(self) -> None:
        set_keys, removed = changes(self._synced, self._json_dict)
        if set_keys or removed:
            self._reset(self._writer(set_keys, removed))
