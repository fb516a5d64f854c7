"""The next proposal of a sweep, by method (engine-config helper: grid, random; bayes helper: bayes)."""

from __future__ import annotations

from collections.abc import Sequence

from trackwell.service.sweep_engine.spec import Proposal, SweepSpec, Trial


def propose(spec: SweepSpec, trials: Sequence[Trial], *, seed: int) -> Proposal | None:
    raise NotImplementedError
