"""The sweep engine: W&B sweep configs parsed and validated, and the search methods (grid, random,
bayes) and early termination (hyperband) as pure functions over :mod:`.spec`'s dataclasses.

The controller (``trackwell.service.sweeps``) is the only caller; it owns state, leases and the
database. What it calls:

- ``parse_config(config) -> SweepSpec`` raises ``SweepConfigInvalid`` listing every problem by path.
- ``grid_points(spec) -> list[dict]`` every grid point in W&B's order (flat params), for grids.
- ``params_key(params) -> str`` the canonical identity of a parameter set (grid dedup: integral
  floats equal ints, dict values by their keys).
- ``propose(spec, trials, *, seed) -> Proposal | None`` the next trial (None: a grid is exhausted).
  Grid: the first point whose key no trial holds. Random: independent draws. Bayes: the GP.
- ``runs_to_stop(spec, trials) -> list[tuple[run_id, reason]]`` hyperband's verdict on running trials.
- ``observations(spec, trials)`` the y each trial contributes (best value; imputation), shared by
  bayes and the controller's "best run".
"""

from trackwell.service.sweep_engine.config import parse_config
from trackwell.service.sweep_engine.grid import grid_points, params_key
from trackwell.service.sweep_engine.hyperband import runs_to_stop
from trackwell.service.sweep_engine.observations import observations
from trackwell.service.sweep_engine.propose import propose
from trackwell.service.sweep_engine.spec import (
    HyperbandSpec,
    MetricSpec,
    ParamSpec,
    Proposal,
    SweepSpec,
    Trial,
)

__all__ = [
    "HyperbandSpec",
    "MetricSpec",
    "ParamSpec",
    "Proposal",
    "SweepSpec",
    "Trial",
    "grid_points",
    "observations",
    "params_key",
    "parse_config",
    "propose",
    "runs_to_stop",
]
