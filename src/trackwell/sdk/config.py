"""``run.config`` / ``trackwell.config``: the run's hyperparameters, with wandb's exact behaviour.

Attribute and item access, ``update`` (dicts, ``argparse.Namespace`` and other objects with a
``__dict__``), ``setdefaults``, ``as_dict``. Changing an existing key to a different value raises
:class:`~trackwell.sdk.errors.ConfigError` with wandb's message unless ``allow_val_change=True``.
Keys locked by a sweep (the trial's proposed parameters) keep their value: a change is ignored with
wandb's warning, ``allow_val_change`` or not (the sweep's record of the trial must stay true).
Nested dicts are stored as plain dicts. Every change hands a snapshot to ``sink`` (the run queues a
ConfigRecord; nothing here does I/O).
"""

from __future__ import annotations

import json
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from pathlib import PurePath
from typing import Any

from trackwell.sdk.errors import ConfigError
from trackwell.sdk.values import copy_value

_RESERVED = "_wandb"


def _plain(key: str, value: Any) -> Any:
    """A JSON-friendly copy of a config value; unknown objects (paths, devices, ...) become strings."""
    if isinstance(value, PurePath):
        return str(value)
    if hasattr(value, "__dict__") and type(value).__name__ == "Namespace":
        return {k: _plain(k, v) for k, v in vars(value).items()}
    if isinstance(value, dict) and not all(type(k) is str for k in value):
        # A model config's id2label ({0: "LABEL_0"}): wandb's config goes through JSON, which turns
        # number, bool and None keys into their text; do the same instead of storing the dict's repr.
        value = {_json_key(k): v for k, v in value.items()}
    if isinstance(value, dict):
        if not all(type(k) is str for k in value):
            return str(value)  # tuple or object keys: JSON has no form for them; keep readable text
        return {k: _plain(f"{key}.{k}", v) for k, v in value.items()}
    state = [False]
    try:
        plain = copy_value(value, key, state)
    except TypeError:
        return str(value)
    # Media and big arrays belong in log(), not in the config: keep a readable stand-in.
    return str(value) if state[0] else plain


def _json_key(key: Any) -> Any:
    """``key`` as JSON writes an object key: ``1`` -> ``"1"``, ``True`` -> ``"true"``, ``None`` ->
    ``"null"``; other types are left as they are (the whole dict is then kept as text)."""
    if key is None or isinstance(key, bool):
        return {None: "null", True: "true", False: "false"}[key]
    if isinstance(key, int | float):
        return json.dumps(key)
    return key


def _as_mapping(data: Any, where: str) -> Mapping[str, Any]:
    if data is None:
        return {}
    if isinstance(data, Mapping):
        return data
    if hasattr(data, "items") and hasattr(data, "keys"):
        return dict(data.items())
    if hasattr(data, "__dict__"):  # argparse.Namespace, simple config objects
        return {k: v for k, v in vars(data).items() if not k.startswith("_")}
    raise TypeError(
        f"{where} takes a dict or an argparse.Namespace, got {type(data).__name__}; "
        "pass e.g. {'learning_rate': 0.001}"
    )


class Config:
    """A run's config. ``allow_val_change`` is the default for every update (``init(allow_val_change=)``)."""

    def __init__(
        self,
        sink: Callable[[dict[str, Any]], None] | None = None,
        *,
        allow_val_change: bool = False,
    ) -> None:
        object.__setattr__(self, "_items", {})
        object.__setattr__(self, "_sink", sink)
        object.__setattr__(self, "_allow_val_change", allow_val_change)
        object.__setattr__(self, "_locked", {})

    _items: dict[str, Any]
    _locked: dict[str, str]
    _sink: Callable[[dict[str, Any]], None] | None
    _allow_val_change: bool

    # --- mapping interface ------------------------------------------------------------------

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._set_many({key: value}, allow_val_change=None)

    def __delitem__(self, key: str) -> None:
        del self._items[key]
        self._emit()

    def __getattr__(self, name: str) -> Any:
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError(
                f"config has no key {name!r}; set it with run.config.update({{{name!r}: ...}})"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("__"):
            object.__setattr__(self, name, value)
        else:
            self._set_many({name: value}, allow_val_change=None)

    def __delattr__(self, name: str) -> None:
        self.__delitem__(name)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Config({self._items!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Config):
            return self._items == other._items
        if isinstance(other, Mapping):
            return self._items == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def keys(self) -> KeysView[str]:
        return self._items.keys()

    def values(self) -> ValuesView[Any]:
        return self._items.values()

    def items(self) -> ItemsView[str, Any]:
        return self._items.items()

    def get(self, key: str, default: Any = None) -> Any:
        return self._items.get(key, default)

    def as_dict(self) -> dict[str, Any]:
        """A deep-enough copy: changing it does not change the config."""
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self._items.items()}

    # --- wandb's update API -----------------------------------------------------------------

    def update(self, d: Any = None, allow_val_change: bool | None = None) -> None:
        """Merge ``d`` (dict, Namespace, or object with attributes) into the config."""
        self._set_many(_as_mapping(d, "config.update()"), allow_val_change=allow_val_change)

    def setdefaults(self, d: Any) -> None:
        """Set only the keys that are not set yet."""
        missing = {k: v for k, v in _as_mapping(d, "config.setdefaults()").items() if k not in self._items}
        if missing:
            self._set_many(missing, allow_val_change=True)

    def persist(self) -> None:
        """wandb API; every change is already recorded."""

    # --- internals --------------------------------------------------------------------------

    def _load(self, values: Mapping[str, Any], *, emit: bool) -> None:
        """Set values without the change check (server state on resume)."""
        self._items.update(values)
        if emit:
            self._emit()

    def _lock(self, keys: Iterable[str], by: str) -> None:
        """Lock ``keys`` at their current values (wandb's ``update_locked``: ``by`` is "sweep")."""
        for key in keys:
            self._locked[key] = by

    def _set_many(self, updates: Mapping[str, Any], *, allow_val_change: bool | None) -> None:
        allow = self._allow_val_change if allow_val_change is None else allow_val_change
        converted: dict[str, Any] = {}
        for key, value in updates.items():
            if not isinstance(key, str):
                raise TypeError(f"config keys must be strings, got {key!r}; use {{str(key): value}}")
            if key == _RESERVED:
                raise ValueError(f"config key {_RESERVED!r} is reserved; choose another name")
            new = _plain(key, value)
            if key in self._locked:
                if self._items.get(key) != new:
                    from trackwell.sdk.term import termwarn

                    termwarn(f"Config item '{key}' was locked by '{self._locked[key]}' (ignored update).")
                continue
            if not allow and key in self._items and self._items[key] != new:
                raise ConfigError(
                    f'Attempted to change value of key "{key}" from {self._items[key]} to {new}\n'
                    "If you really want to do this, pass allow_val_change=True to config.update()"
                )
            converted[key] = new
        if converted:
            self._items.update(converted)
            self._emit()

    def _emit(self) -> None:
        if self._sink is not None:
            self._sink(dict(self._items))


def filter_keys(
    config: Mapping[str, Any], include: Iterable[str] | None, exclude: Iterable[str] | None
) -> dict[str, Any]:
    """``init(config_include_keys=, config_exclude_keys=)``."""
    if include is not None and exclude is not None:
        raise ValueError("pass config_include_keys or config_exclude_keys to init(), not both")
    if include is not None:
        keep = set(include)
        return {k: v for k, v in config.items() if k in keep}
    if exclude is not None:
        drop = set(exclude)
        return {k: v for k, v in config.items() if k not in drop}
    return dict(config)


class ConfigStatic:
    """``run.config_static``: a read-only snapshot of the config with attribute access (wandb's).

    Taken when read: later config changes do not show in it; setting anything raises."""

    def __init__(self, config: Config) -> None:
        object.__setattr__(self, "__dict__", config.as_dict())

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Error: wandb.run.config_static is a readonly object")

    def __setitem__(self, key: str, value: Any) -> None:
        raise AttributeError("Error: wandb.run.config_static is a readonly object")

    def __getitem__(self, key: str) -> Any:
        return self.__dict__[key]

    def __contains__(self, key: object) -> bool:
        return key in self.__dict__

    def keys(self) -> KeysView[str]:
        return self.__dict__.keys()

    def __str__(self) -> str:
        return str(self.__dict__)

    __repr__ = __str__
