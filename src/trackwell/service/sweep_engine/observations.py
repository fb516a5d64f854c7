"""The value each trial contributes: its best logged value, or an imputed one (bayes helper)."""

from __future__ import annotations

from collections.abc import Sequence

from trackwell.service.sweep_engine.spec import SweepSpec, Trial


def observations(spec: SweepSpec, trials: Sequence[Trial]) -> list[tuple[Trial, float | None]]:
    """Each trial with its y in the metric's own direction (None: pending, not an observation)."""
    raise NotImplementedError
