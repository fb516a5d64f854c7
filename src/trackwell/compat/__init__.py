"""Run code written against ``wandb`` into trackwell, unchanged: :func:`alias_wandb`.

After ``alias_wandb()`` (or in a process started with ``TRACKWELL_ALIAS_WANDB=1``, applied by the
``trackwell_alias_wandb.pth`` start-up hook), ``import wandb`` and the wandb submodules that
third-party code imports resolve to trackwell in this process: transformers' own
``report_to="wandb"`` callback, Lightning's own ``WandbLogger``, Keras callbacks, scripts that
``import wandb``. ``importlib.metadata`` reports a ``wandb`` distribution too, because frameworks
check that wandb is installed before using it.

Importing trackwell never aliases anything; only this call (or the environment variable) does, and
only in its own process. What maps where: ``_table.py``.
"""

from __future__ import annotations

import sys
import threading
import warnings
from types import ModuleType

from trackwell.compat._finder import WandbAliasFinder
from trackwell.compat._module import WandbModule
from trackwell.compat._table import WANDB_VERSION

__all__ = ["WANDB_VERSION", "alias_wandb", "is_aliased", "unalias_wandb"]

ENV_VAR = "TRACKWELL_ALIAS_WANDB"

_FINDER = WandbAliasFinder()
_lock = threading.Lock()


def _is_ours(module: ModuleType | None) -> bool:
    if isinstance(module, WandbModule):
        return True
    return str(getattr(module, "__name__", "")).startswith("trackwell")


def _wandb_entries() -> list[str]:
    return [name for name in list(sys.modules) if name == "wandb" or name.startswith("wandb.")]


def alias_wandb() -> None:
    """Make ``import wandb`` (and ``wandb.sdk``, ``wandb.integration.keras``, ``wandb.errors``, ...)
    resolve to trackwell in this process, and ``importlib.metadata.version("wandb")`` answer
    :data:`WANDB_VERSION`. Calling it again does nothing.

    Call it before the code that imports wandb. If the real wandb was imported already, its modules
    are dropped from ``sys.modules`` so later imports get trackwell, but objects that already hold
    the real module (``import wandb`` at the top of a module imported earlier) keep it: a warning
    says so. Set ``TRACKWELL_ALIAS_WANDB=1`` instead to alias from the very start of a process.
    """
    with _lock:
        if _FINDER in sys.meta_path:
            return
        foreign = [name for name in _wandb_entries() if not _is_ours(sys.modules.get(name))]
        for name in foreign:
            del sys.modules[name]
        sys.meta_path.insert(0, _FINDER)
    if "wandb" in foreign:
        # a Python warning, not a trackwell: line: it is about the program's order of imports, and
        # shows whatever the run's silent setting
        warnings.warn(
            "alias_wandb(): the real wandb was imported before the alias; later `import wandb` gets "
            "trackwell, but modules that imported wandb already keep the real one. Call alias_wandb() "
            f"first, or start the process with {ENV_VAR}=1.",
            RuntimeWarning,
            stacklevel=2,
        )


def unalias_wandb() -> None:
    """Undo :func:`alias_wandb` in this process: ``import wandb`` finds what is installed again (or
    fails when wandb is not installed). Objects that imported the alias keep trackwell."""
    with _lock:
        while _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)
        for name in _wandb_entries():
            if _is_ours(sys.modules.get(name)):
                del sys.modules[name]


def is_aliased() -> bool:
    """Whether ``import wandb`` resolves to trackwell in this process."""
    return _FINDER in sys.meta_path
