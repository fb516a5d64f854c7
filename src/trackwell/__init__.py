"""Trackwell: open, self-hosted experiment tracking, drop-in compatible with the wandb SDK.

``import trackwell as wandb`` runs wandb code unchanged. This module holds the public names only.

What loads when: ``import trackwell`` loads the SDK's own write path (``init``, ``Run``, the run
log, the HTTP client: standard library and our modules, ~40 ms on a quiet laptop-class core), so
that ``init()`` itself is only the work of starting a run. Everything heavy (pydantic, numpy,
media, ``Api``) is imported on first use through the module ``__getattr__`` below; a training
run never imports pydantic at all (``sdk/wire.py``). ``trackwell.run``, ``trackwell.config`` and
``trackwell.summary`` follow the current run.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"  # before the imports below: the HTTP client sends it

from trackwell.sdk.active import (
    alert,
    define_metric,
    finish,
    link_artifact,
    link_model,
    log,
    log_artifact,
    log_model,
    mark_preempting,
    save,
    unwatch,
    use_artifact,
    use_model,
    watch,
)
from trackwell.sdk.config import Config
from trackwell.sdk.disabled import RunDisabled
from trackwell.sdk.errors import CommError, ConfigError, Error, UsageError
from trackwell.sdk.init import init
from trackwell.sdk.login import login
from trackwell.sdk.run import Run
from trackwell.sdk.settings import Settings
from trackwell.sdk.summary import Summary
from trackwell.sdk.term import termerror, termlog, termwarn
from trackwell.sdk.wandb_alerts import AlertLevel
from trackwell.sdk.wandb_setup import require, setup, teardown

join = finish  # wandb's old name for finish()

if TYPE_CHECKING:
    from trackwell.apis import Api
    from trackwell.artifacts.artifact import Artifact
    from trackwell.data_types import (
        Audio,
        Histogram,
        Html,
        Image,
        Molecule,
        Object3D,
        Plotly,
        Table,
        Video,
        box3d,
    )
    from trackwell.sweeps.agent import agent
    from trackwell.sweeps.create import controller, sweep

# name -> "module:attribute", imported on first access.
_LAZY = {
    "Api": "trackwell.apis:Api",
    "Artifact": "trackwell.artifacts.artifact:Artifact",
    "Image": "trackwell.data_types:Image",
    "Audio": "trackwell.data_types:Audio",
    "Video": "trackwell.data_types:Video",
    "Html": "trackwell.data_types:Html",
    "Histogram": "trackwell.data_types:Histogram",
    "Table": "trackwell.data_types:Table",
    "Plotly": "trackwell.data_types:Plotly",
    "Object3D": "trackwell.data_types:Object3D",
    "Molecule": "trackwell.data_types:Molecule",
    "box3d": "trackwell.data_types:box3d",
    "Classes": "trackwell.data_types:Classes",
    "plot": "trackwell.plot",  # a module: ``trackwell.plot.line(...)``
    "plot_table": "trackwell.plot:plot_table",
    "sklearn": "trackwell.sklearn",  # a module: ``wandb.sklearn.plot_roc(...)`` (sklearn loads per plot)
    "restore": "trackwell.apis.restore:restore",
    "sweep": "trackwell.sweeps.create:sweep",
    "agent": "trackwell.sweeps.agent:agent",
    "controller": "trackwell.sweeps.create:controller",
    # wandb's modules that code reaches as attributes (``wandb.util.generate_id()``, ``wandb.errors``).
    "util": "trackwell.util",
    "errors": "trackwell.errors",
    "apis": "trackwell.apis",  # with its ``public`` module (``wandb.apis.public.Api``)
    "wandb_sdk": "trackwell.sdk",  # wandb's alias of ``sdk`` (``wandb.wandb_sdk.wandb_run.Run`` in hints)
}

__all__ = [
    "AlertLevel",
    "Api",
    "Artifact",
    "Audio",
    "Classes",
    "CommError",
    "Config",
    "ConfigError",
    "Error",
    "Histogram",
    "Html",
    "Image",
    "Molecule",
    "Object3D",
    "Plotly",
    "Run",
    "RunDisabled",
    "Settings",
    "Summary",
    "Table",
    "UsageError",
    "Video",
    "box3d",
    "agent",
    "alert",
    "config",
    "controller",
    "define_metric",
    "finish",
    "init",
    "join",
    "link_artifact",
    "link_model",
    "log_artifact",
    "log_model",
    "use_artifact",
    "use_model",
    "require",
    "setup",
    "teardown",
    "log",
    "plot",
    "plot_table",
    "login",
    "mark_preempting",
    "restore",
    "run",
    "save",
    "summary",
    "sweep",
    "termerror",
    "termlog",
    "termwarn",
    "unwatch",
    "watch",
]


def __getattr__(name: str) -> Any:
    if name in ("run", "config", "summary"):
        from trackwell.sdk.active import facade_attribute

        return facade_attribute(name)
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'trackwell' has no attribute {name!r}")
    module_name, _, attribute = target.partition(":")
    module = import_module(module_name)
    if name == "apis":
        import_module("trackwell.apis.public")
    value = getattr(module, attribute) if attribute else module
    if name not in ("run", "config", "summary"):
        globals()[name] = value  # later accesses skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | {"run", "config", "summary"})
