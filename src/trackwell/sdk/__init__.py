"""Runs inside the user's training process: Run, Config, Summary, Settings, login, the local run log,
the processor and uploader threads, local-server discovery. Imports schema and data_types; never
server, store or service.
"""

from importlib import import_module
from typing import Any

# wandb's module paths under ``wandb.sdk`` that code reaches as attributes (``wandb.sdk.wandb_run.Run``).
_WANDB_MODULES = frozenset({"wandb_run", "wandb_settings", "wandb_alerts", "wandb_setup", "lib"})


def __getattr__(name: str) -> Any:
    if name in _WANDB_MODULES:
        return import_module(f"trackwell.sdk.{name}")
    raise AttributeError(f"module 'trackwell.sdk' has no attribute {name!r}")
