"""The next proposal of a sweep, by method.

- grid: the first point, in W&B's order, whose identity (``params_key``: integral floats are ints,
  dicts by content) no trial holds, in any state: like W&B, a failed grid point is not retried. The
  controller passes only trials whose runs still exist, so a resumed grid re-runs deleted ones.
  None once every point is held: the grid is exhausted.
- random: an independent draw (``random_search``).
- bayes: ``trackwell.service.sweep_engine.bayes.suggest(spec, trials, seed=seed)`` (the bayes part),
  imported on first use so grid and random never load the GP's dependencies.

``Proposal.args`` is W&B's wire form: ``{top name: {"value": v}}``, a nested parameter re-nested under
its top-level name (``{"opt": {"value": {"lr": 0.1, "name": "adam"}}}``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import Any

from trackwell.service.sweep_engine.grid import axes, index_of_point, point_at
from trackwell.service.sweep_engine.random_search import draw
from trackwell.service.sweep_engine.spec import Proposal, SweepSpec, Trial


def propose(spec: SweepSpec, trials: Sequence[Trial], *, seed: int) -> Proposal | None:
    if spec.method == "grid":
        return _next_grid_point(spec, trials)
    if spec.method == "random":
        return make_proposal(spec, draw(spec, seed))
    if spec.method == "bayes":
        bayes: Any = importlib.import_module("trackwell.service.sweep_engine.bayes")
        result = bayes.suggest(spec, trials, seed=seed)
        if result is None or isinstance(result, Proposal):
            return result
        return make_proposal(spec, dict(result))
    raise ValueError(f"unknown sweep method {spec.method!r}")


def make_proposal(
    spec: SweepSpec, params: Mapping[str, Any], info: Mapping[str, Any] | None = None
) -> Proposal:
    """A proposal from flat parameters: ``args`` in W&B's wire form, nested parameters re-nested."""
    return Proposal(params=dict(params), args=wire_args(spec, params), info=dict(info or {}))


def wire_args(spec: SweepSpec, params: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``{top: {"value": v}}``; ``opt.lr`` and ``opt.name`` become ``{"opt": {"value": {"lr", "name"}}}``."""
    args: dict[str, dict[str, Any]] = {}
    paths = {p.name: p.path or (p.name,) for p in spec.params}
    for name, value in params.items():
        path = paths.get(name, (name,))
        if len(path) == 1:
            args[path[0]] = {"value": value}
            continue
        node = args.setdefault(path[0], {"value": {}})["value"]
        for part in path[1:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    return args


def _next_grid_point(spec: SweepSpec, trials: Sequence[Trial]) -> Proposal | None:
    grid = axes(spec)
    size = 1
    for a in grid:
        size *= a.size
    held = set()
    for trial in trials:
        index = index_of_point(grid, trial.params)
        if index is not None:
            held.add(index)
    if len(held) >= size:
        return None
    # The first index no trial holds: at most len(held) + 1 steps.
    index = 0
    while index in held:
        index += 1
    return make_proposal(spec, point_at(grid, index), {"grid_index": index, "grid_size": size})
