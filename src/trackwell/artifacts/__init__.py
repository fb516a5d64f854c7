"""Versioned artifacts: the ``Artifact`` object, its manifest, and the machine-local caches.

Building an artifact (``artifact``, ``building``, ``manifest``, ``entries``, ``references``,
``objects``) needs no server; ``hash_cache``, ``file_cache`` and ``staging`` hold this machine's
state (``storage_paths`` says where). Transfers live in ``client``, ``uploads``, ``download``,
``saver``, ``remote``, ``run_ops`` and ``sync``. Names load on first use: ``import trackwell``
loads none of this.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trackwell.artifacts.artifact import Artifact
    from trackwell.artifacts.entries import ArtifactManifestEntry
    from trackwell.artifacts.manifest import ArtifactManifest

_WHERE = {"Artifact": "artifact", "ArtifactManifestEntry": "entries", "ArtifactManifest": "manifest"}

__all__ = ["Artifact", "ArtifactManifest", "ArtifactManifestEntry"]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'trackwell.artifacts' has no attribute {name!r}")
    return getattr(import_module(f"trackwell.artifacts.{module}"), name)
