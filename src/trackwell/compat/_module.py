"""The ``wandb`` module of an aliased process.

A module of its own (not ``trackwell`` itself under a second name) so that it can answer as wandb
(``__name__ == "wandb"``, ``__version__`` a wandb release that version checks accept) while every
other attribute is trackwell's, read at each access: ``wandb.run``, ``wandb.config`` and
``wandb.summary`` follow the current run exactly as ``trackwell.run`` does, and ``wandb.init is
trackwell.init``. Submodules (``wandb.sdk``, ``wandb.errors``, ...) are trackwell's own module objects
(see ``_finder``), so classes are the same objects under both names (``wandb.wandb_run.Run`` is
``trackwell.Run``) and ``isinstance`` checks hold.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any


class WandbModule(ModuleType):
    """``sys.modules["wandb"]`` while aliased: trackwell's attributes under wandb's module name."""

    def __getattr__(self, name: str) -> Any:
        # Python's own probes (__wrapped__, __getstate__, ...) must not reach trackwell; __all__ must
        # (``from wandb import *``).
        if name.startswith("__") and name != "__all__":
            raise AttributeError(f"module 'wandb' has no attribute {name!r}")
        # sys.modules first: wandb.log in a training loop comes through here at every call
        trackwell = sys.modules.get("trackwell") or importlib.import_module("trackwell")
        try:
            return getattr(trackwell, name)
        except AttributeError:
            raise AttributeError(
                f"module 'wandb' (aliased to trackwell by trackwell.compat.alias_wandb) has no attribute "
                f"{name!r}: trackwell does not provide wandb.{name}"
            ) from None

    def __dir__(self) -> list[str]:
        return sorted(set(dir(importlib.import_module("trackwell"))) | set(self.__dict__))

    def __repr__(self) -> str:
        return "<module 'wandb' (aliased to trackwell by trackwell.compat.alias_wandb)>"
