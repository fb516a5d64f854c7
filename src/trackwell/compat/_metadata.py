"""The ``wandb`` distribution that ``importlib.metadata`` reports while wandb is aliased.

Frameworks check that wandb is *installed*, not only importable: Lightning's ``WandbLogger`` asks
``RequirementCache("wandb>=0.12.10")`` (``importlib.metadata.version("wandb")``), accelerate reads
``importlib.metadata.metadata("wandb")``. The alias's finder answers those queries with this
metadata-only distribution, ahead of the path finders, so it is the answer even when the real wandb
is installed too.
"""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path

from trackwell.compat._table import WANDB_VERSION

_METADATA = (
    "Metadata-Version: 2.1\n"
    "Name: wandb\n"
    f"Version: {WANDB_VERSION}\n"
    "Summary: trackwell answering as wandb (trackwell.compat.alias_wandb); no wandb files are installed\n"
)


class AliasDistribution(importlib.metadata.Distribution):
    """Metadata only: name and version. ``files`` is None (there is no RECORD), as for a distribution
    installed without one."""

    def read_text(self, filename: str) -> str | None:
        return _METADATA if filename in ("METADATA", "PKG-INFO") else None

    def locate_file(self, path: str | os.PathLike[str]) -> Path:
        return Path(__file__).parent / path
