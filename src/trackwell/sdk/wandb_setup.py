"""``trackwell.setup()``, ``teardown()`` and ``require()``: wandb's process-level calls.

wandb starts its service process in ``setup()`` and stops it in ``teardown()``; Trackwell has no
service process, so ``setup(settings)`` only records settings that every later ``init()`` in
this process starts from (``init``'s own ``settings=`` and arguments win), and ``teardown()``
finishes the current run and forgets them. ``require()`` accepts wandb's feature names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from trackwell.sdk.errors import UnsupportedError
from trackwell.sdk.settings import Settings
from trackwell.sdk.term import termwarn


class WandbSetup:
    """What ``setup()`` returns (wandb's ``_WandbSetup``): the settings it recorded."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def __repr__(self) -> str:
        return f"<trackwell setup {self.settings.explicit().keys() - {'api_key'}}>"


_current: list[WandbSetup] = []


def setup(settings: Settings | dict[str, Any] | None = None) -> WandbSetup:
    """Prepare the SDK for this process (wandb's ``setup``); ``settings`` (a ``Settings`` or a dict,
    wandb's field names included) become the defaults of every later ``init()``. Called again,
    the new settings are merged over the recorded ones."""
    if isinstance(settings, dict):
        settings = Settings(**settings)
    elif settings is not None and not isinstance(settings, Settings):
        raise TypeError(
            f"setup(settings=...) takes a trackwell.Settings or a dict, got {type(settings).__name__}"
        )
    if _current:
        if settings is not None:
            merged = {**_current[0].settings.explicit(), **settings.explicit()}
            _current[0] = WandbSetup(Settings(**merged))
        return _current[0]
    _current.append(WandbSetup(settings or Settings()))
    return _current[0]


def setup_overrides() -> dict[str, Any]:
    """The settings ``setup()`` recorded, as ``init()`` overrides (empty before ``setup()``)."""
    return _current[0].settings.explicit() if _current else {}


def teardown(exit_code: int | None = None) -> None:
    """Finish the current run with ``exit_code`` (if a run is active) and forget ``setup()``'s settings."""
    from trackwell.sdk.active import finish

    finish(exit_code)
    _current.clear()


# wandb's feature names: all of them are how Trackwell already works.
_FEATURES = frozenset({"service", "core", "legacy-service", "require"})


def require(
    requirement: str | Iterable[str] | None = None, experiment: str | Iterable[str] | None = None
) -> None:
    """Accept wandb's ``require("service")``, ``"core"``, ``"legacy-service"`` (each a no-op here);
    an unknown feature raises ``UnsupportedError`` as in wandb."""
    features = requirement or experiment
    if not features:
        return
    names = (features,) if isinstance(features, str) else tuple(features)
    unknown = [n for n in names if n.split("@", 1)[0].split(":", 1)[0] not in _FEATURES]
    if unknown:
        termwarn("Supported requirements are: `legacy-service`, `service`.")
        raise UnsupportedError(f"require() unsupported requirement: {unknown[-1]}")
