"""Hyperband early termination with W&B's semantics (engine-config helper)."""

from __future__ import annotations

from collections.abc import Sequence

from trackwell.service.sweep_engine.spec import SweepSpec, Trial


def runs_to_stop(spec: SweepSpec, trials: Sequence[Trial]) -> list[tuple[str, str]]:
    raise NotImplementedError
