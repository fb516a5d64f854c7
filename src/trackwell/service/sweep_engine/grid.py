"""Grid points in W&B's order and the identity of a parameter set (engine-config helper)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trackwell.service.sweep_engine.spec import SweepSpec


def grid_points(spec: SweepSpec) -> list[dict[str, Any]]:
    raise NotImplementedError


def params_key(params: Mapping[str, Any]) -> str:
    raise NotImplementedError
