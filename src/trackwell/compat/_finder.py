"""The import hook behind :func:`trackwell.compat.alias_wandb`: a meta-path finder that answers every
``wandb`` / ``wandb.*`` import (and ``importlib.metadata``'s questions about the wandb distribution)
with trackwell.

It sits first on ``sys.meta_path``, ahead of the path finders, so in an aliased process it wins even
when the real wandb is installed; a process that never aliases never has it.

A submodule resolves to trackwell's own module object (``sys.modules["wandb.sdk"] is
trackwell.sdk``): the loader replaces the placeholder module the import system made with the real one
(the import system supports that replacement and returns what ``sys.modules`` holds), so nothing is
imported twice under two names and classes stay the same objects.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from trackwell.compat._module import WandbModule
from trackwell.compat._table import WANDB_VERSION, target_of

if TYPE_CHECKING:
    import importlib.metadata


def is_wandb_query(context: Any) -> bool:
    """Whether a ``DistributionFinder.Context`` asks for wandb by name (``Wandb``, ``wandb`` alike).

    A query for every distribution (no name) is not answered: tools that list what is installed
    (``pip list`` style) keep seeing what really is.
    """
    name = getattr(context, "name", None)
    return isinstance(name, str) and name.replace("-", "_").replace(".", "_").lower() == "wandb"


class _TopLoader(importlib.abc.Loader):
    """Loads ``wandb`` itself: a :class:`WandbModule` in front of trackwell."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return WandbModule(spec.name)

    def exec_module(self, module: ModuleType) -> None:
        trackwell = importlib.import_module("trackwell")
        module.__version__ = WANDB_VERSION  # type: ignore[attr-defined]
        module.__file__ = trackwell.__file__
        module.__doc__ = "wandb, aliased to trackwell in this process (trackwell.compat.alias_wandb)."


class _SubmoduleLoader(importlib.abc.Loader):
    """Loads ``wandb.X`` as trackwell's module ``target`` (the same object, not a copy)."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # a placeholder; exec_module puts the real module in its place

    def exec_module(self, module: ModuleType) -> None:
        sys.modules[module.__name__] = importlib.import_module(self.target)


class WandbAliasFinder(importlib.abc.MetaPathFinder):
    """Answers ``wandb`` imports and wandb distribution queries with trackwell."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname == "wandb":
            # __path__ = []: submodules are only ever found by this finder, never by searching a folder
            return importlib.machinery.ModuleSpec("wandb", _TopLoader(), is_package=True)
        target_name = target_of(fullname)
        if target_name is None:
            return None
        try:
            target_spec = importlib.util.find_spec(target_name)
        except (ImportError, AttributeError, ValueError):
            return None  # a parent is missing or not a package: wandb.X is not covered
        if target_spec is None:
            return None
        return importlib.machinery.ModuleSpec(
            fullname,
            _SubmoduleLoader(target_name),
            origin=target_spec.origin,
            is_package=target_spec.submodule_search_locations is not None,
        )

    def find_distributions(self, context: Any = None) -> Iterator[importlib.metadata.Distribution]:
        if context is not None and is_wandb_query(context):
            # importlib.metadata is imported here, not at start-up: the .pth hook stays cheap
            from trackwell.compat._metadata import AliasDistribution

            yield AliasDistribution()

    def invalidate_caches(self) -> None:
        pass
