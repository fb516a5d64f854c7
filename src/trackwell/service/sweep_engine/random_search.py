"""Random search: every parameter drawn independently, ``ppf(U)`` with U from ``random.Random(seed)``.

As in W&B there is no dedup and no stopping rule: a random sweep runs until ``run_cap``, the agents'
``count`` or a stop. The controller passes a fresh seed per proposal (so two agents never share a
stream); the same seed gives the same parameters.
"""

from __future__ import annotations

import random
from typing import Any

from trackwell.service.sweep_engine.distributions import sample
from trackwell.service.sweep_engine.spec import SweepSpec


def draw(spec: SweepSpec, seed: int) -> dict[str, Any]:
    """One parameter set (flat names), drawn in the spec's (sorted) parameter order."""
    rng = random.Random(seed)
    return {param.name: sample(param, rng) for param in spec.params}
