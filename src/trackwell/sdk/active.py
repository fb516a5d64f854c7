"""The process-wide "current run" behind ``trackwell.run``, ``trackwell.log()`` and friends.

wandb's module-level API (``wandb.log``, ``wandb.config``, ``wandb.finish``) acts on the run the
last ``init()`` started. That global state lives here, and only here, so the facade stays names
only. This module must stay cheap to import (no pydantic, no numpy): ``import trackwell`` loads it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from trackwell.sdk.errors import Error

if TYPE_CHECKING:
    from trackwell.sdk.disabled import RunDisabled
    from trackwell.sdk.run import Run


class _State:
    run: Run | RunDisabled | None = None


state = _State()


def current() -> Run | RunDisabled | None:
    return state.run


def set_current(run: Run | RunDisabled | None) -> None:
    state.run = run


def clear_if_current(run: object) -> None:
    if state.run is run:
        state.run = None


def _need(what: str) -> Run | RunDisabled:
    run = state.run
    if run is None:
        raise Error(f"You must call trackwell.init() before trackwell.{what}()")
    return run


def log(
    data: dict[str, Any], step: int | None = None, commit: bool | None = None, sync: bool | None = None
) -> None:
    """Log metrics to the current run (``wandb.log``)."""
    run = state.run
    if run is None:
        raise Error("You must call trackwell.init() before trackwell.log()")
    run.log(data, step, commit)


def finish(exit_code: int | None = None, quiet: bool | None = None) -> None:
    """Finish the current run, if any (``wandb.finish``); see :meth:`Run.finish`."""
    run = state.run
    if run is not None:
        run._finish(exit_code, sys.exc_info()[1], quiet=quiet)


def define_metric(name: str, *args: Any, **kwargs: Any) -> Any:
    return _need("define_metric").define_metric(name, *args, **kwargs)


def save(glob_str: str | None = None, base_path: str | None = None, policy: str = "live") -> Any:
    return _need("save").save(glob_str, base_path, policy)


def alert(title: str, text: str, level: Any = None, wait_duration: Any = None) -> None:
    """Raise an alert on the current run (``wandb.alert``); see :meth:`Run.alert`."""
    _need("alert").alert(title, text, level, wait_duration)


def log_artifact(
    artifact_or_path: Any,
    name: str | None = None,
    type: str | None = None,
    aliases: list[str] | None = None,
    tags: list[str] | None = None,
) -> Any:
    """``wandb.log_artifact``: :meth:`Run.log_artifact` on the current run."""
    return _need("log_artifact").log_artifact(artifact_or_path, name, type, aliases, tags)


def use_artifact(
    artifact_or_name: Any,
    type: str | None = None,
    aliases: list[str] | None = None,
    use_as: str | None = None,
) -> Any:
    """``wandb.use_artifact``: :meth:`Run.use_artifact` on the current run."""
    return _need("use_artifact").use_artifact(artifact_or_name, type, aliases, use_as)


def link_artifact(artifact: Any, target_path: str, aliases: list[str] | None = None) -> Any:
    return _need("link_artifact").link_artifact(artifact, target_path, aliases)


def log_model(path: Any, name: str | None = None, aliases: list[str] | None = None) -> Any:
    return _need("log_model").log_model(path, name, aliases)


def use_model(name: str) -> Any:
    return _need("use_model").use_model(name)


def link_model(
    path: Any, registered_model_name: str, name: str | None = None, aliases: list[str] | None = None
) -> Any:
    return _need("link_model").link_model(path, registered_model_name, name, aliases)


def mark_preempting() -> None:
    _need("mark_preempting").mark_preempting()


def watch(*args: Any, **kwargs: Any) -> None:
    _need("watch").watch(*args, **kwargs)


def unwatch(*args: Any, **kwargs: Any) -> None:
    _need("unwatch").unwatch(*args, **kwargs)


class PreInit:
    """``trackwell.config`` / ``trackwell.summary`` before ``init()``: every use says to call init."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def _fail(self, what: str) -> Error:
        return Error(f"You must call trackwell.init() before trackwell.{self._name}{what}")

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        raise self._fail(f".{key}")

    def __setattr__(self, key: str, value: Any) -> None:
        raise self._fail(f".{key}")

    def __getitem__(self, key: str) -> Any:
        raise self._fail(f"[{key!r}]")

    def __setitem__(self, key: str, value: Any) -> None:
        raise self._fail(f"[{key!r}]")

    def __repr__(self) -> str:
        return f"<trackwell.{self._name} (call trackwell.init() first)>"


PREINIT_CONFIG = PreInit("config")
PREINIT_SUMMARY = PreInit("summary")


def facade_attribute(name: str) -> Any:
    """``trackwell.run``, ``trackwell.config``, ``trackwell.summary`` (read at every access)."""
    run = state.run
    if name == "run":
        return run
    if name == "config":
        return PREINIT_CONFIG if run is None else run.config
    if name == "summary":
        return PREINIT_SUMMARY if run is None else run.summary
    raise AttributeError(name)
