"""``run.summary``: a dict-like view of the summary the processor thread computes.

Reads first drain the processor (everything logged so far is reflected); writes are queued like
``log`` calls, so they keep their order relative to logged rows. Explicit values win over the
values computed from history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from trackwell.sdk.values import copy_value

Submit = Callable[[tuple[Any, ...]], None]


class Summary:
    """wandb's ``run.summary``: item and attribute access, ``update``, ``get``, ``keys``, ``items``."""

    def __init__(
        self,
        read: Callable[[], dict[str, Any]],
        write: Callable[[dict[str, Any]], None],
        delete: Callable[[str], None],
    ) -> None:
        object.__setattr__(self, "_read", read)
        object.__setattr__(self, "_write", write)
        object.__setattr__(self, "_delete", delete)

    _read: Callable[[], dict[str, Any]]
    _write: Callable[[dict[str, Any]], None]
    _delete: Callable[[str], None]

    def _current(self) -> dict[str, Any]:
        return self._read()

    def __getitem__(self, key: str) -> Any:
        return self._current()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.update({key: value})

    def __delitem__(self, key: str) -> None:
        if key not in self._current():
            raise KeyError(key)
        self._delete(key)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._current()[name]
        except KeyError:
            raise AttributeError(f"the summary has no key {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        self.update({name: value})

    def __contains__(self, key: object) -> bool:
        return key in self._current()

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())

    def __repr__(self) -> str:
        return f"Summary({self._current()!r})"

    def keys(self) -> list[str]:
        return list(self._current())

    def items(self) -> list[tuple[str, Any]]:
        return list(self._current().items())

    def values(self) -> list[Any]:
        return list(self._current().values())

    def get(self, key: str, default: Any = None) -> Any:
        return self._current().get(key, default)

    def as_dict(self) -> dict[str, Any]:
        return dict(self._current())

    def update(self, d: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        updates = dict(d or {}, **kwargs)
        state = [False]
        copied = {}
        for key, value in updates.items():
            if not isinstance(key, str):
                raise TypeError(f"summary keys must be strings, got {key!r}")
            copied[key] = copy_value(value, key, state)
        if copied:
            self._write(copied)
