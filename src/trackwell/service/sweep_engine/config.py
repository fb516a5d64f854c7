"""W&B sweep configs parsed into a :class:`~.spec.SweepSpec` (engine-config helper: to be written)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trackwell.service.sweep_engine.spec import SweepSpec


def parse_config(config: Mapping[str, Any]) -> SweepSpec:
    """Validate and normalise a sweep config; raise ``SweepConfigInvalid`` with every problem."""
    raise NotImplementedError
