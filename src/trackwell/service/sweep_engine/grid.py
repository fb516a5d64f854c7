"""Grid points in W&B's order and the identity of a parameter set.

Order (W&B's ``grid_search``): the cartesian product over the parameters sorted by flat name, each
parameter's values in order, the last parameter varying fastest. What each parameter contributes:

- ``constant``: its value, in every point;
- ``categorical``: its values in list order, a value repeated (``1`` and ``1.0`` too) kept once;
- ``int_uniform``: every integer from min to max, both included;
- ``q_uniform``: every multiple of q from min to max, **max included** when it is a multiple, without
  float error (0.1, 0.2, 0.3, not 0.30000000000000004). W&B's ``numpy.arange(min, max, q)`` leaves max
  out; ours are the very values random ``q_uniform`` can draw, so a grid and a random sweep agree.

Every other distribution is continuous (or weighted) and refused by ``parse_config`` for grids.

A point is addressed by its index in that order (mixed radix, last parameter fastest), so
``propose`` can find the first point no trial holds without building the whole grid: an axis turns a
trial's value back into its position (``Axis.index_of``) by arithmetic for ranges, by a dict for lists.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from trackwell.service.sweep_engine.distributions import q_bounds
from trackwell.service.sweep_engine.quantize import index_of_multiple, multiple
from trackwell.service.sweep_engine.spec import ParamSpec, SweepSpec
from trackwell.service.sweep_engine.values import canonical
from trackwell.service.sweep_engine.values import params_key as params_key

GRID_DISTRIBUTIONS = ("constant", "categorical", "int_uniform", "q_uniform")
MAX_GRID_POINTS = 1_000_000


@dataclass(frozen=True, slots=True)
class Axis:
    """One parameter's grid values: ``size`` of them, ``value_at(i)`` and its inverse ``index_of``."""

    param: ParamSpec
    size: int
    start: int = 0  # int_uniform: min; q_uniform: the first k (value = k * q)
    choices: tuple[Any, ...] = ()  # constant / categorical, deduplicated
    keys: Mapping[str, int] | None = None  # canonical(value) -> index, for choices

    def value_at(self, i: int) -> Any:
        if self.keys is not None:
            return copy.deepcopy(self.choices[i])
        if self.param.distribution == "int_uniform":
            return self.start + i
        return multiple(self.start + i, self.param.q)

    def index_of(self, value: Any) -> int | None:
        if self.keys is not None:
            return self.keys.get(canonical(value))
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        if self.param.distribution == "int_uniform":
            if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
                return None
            i = int(value) - self.start
        else:
            k = index_of_multiple(float(value), self.param.q)
            if k is None:
                return None
            i = k - self.start
        return i if 0 <= i < self.size else None


def axis(param: ParamSpec) -> Axis:
    dist = param.distribution
    if dist in ("constant", "categorical"):
        raw = (param.value,) if dist == "constant" else param.values
        keys: dict[str, int] = {}
        choices: list[Any] = []
        for value in raw:
            key = canonical(value)
            if key not in keys:
                keys[key] = len(choices)
                choices.append(value)
        return Axis(param, len(choices), choices=tuple(choices), keys=keys)
    if dist == "int_uniform":
        lo, hi = int(param.min or 0), int(param.max or 0)
        return Axis(param, hi - lo + 1, start=lo)
    if dist == "q_uniform":
        k_lo, k_hi = q_bounds(param)
        assert k_lo is not None and k_hi is not None  # q_uniform is bounded
        return Axis(param, max(0, k_hi - k_lo + 1), start=k_lo)
    raise ValueError(f"parameter {param.name}: grid cannot enumerate distribution {dist}")


def axes(spec: SweepSpec) -> list[Axis]:
    return [axis(p) for p in spec.params]


def grid_size(params: Iterable[ParamSpec]) -> int:
    """How many points the grid has (without building them)."""
    return math.prod(axis(p).size for p in params)


def grid_points(spec: SweepSpec) -> list[dict[str, Any]]:
    """Every grid point (flat names), in W&B's order."""
    return list(iter_points(spec))


def iter_points(spec: SweepSpec) -> Iterator[dict[str, Any]]:
    all_axes = axes(spec)
    total = math.prod(a.size for a in all_axes)
    for i in range(total):
        yield point_at(all_axes, i)


def point_at(all_axes: Sequence[Axis], index: int) -> dict[str, Any]:
    """The point at ``index`` in grid order (the last axis varies fastest)."""
    digits = []
    for a in reversed(all_axes):
        index, digit = divmod(index, a.size)
        digits.append(digit)
    return {a.param.name: a.value_at(d) for a, d in zip(all_axes, reversed(digits), strict=True)}


def index_of_point(all_axes: Sequence[Axis], params: Mapping[str, Any]) -> int | None:
    """The grid index of a parameter set, or None when it is no grid point (a value off the grid)."""
    index = 0
    for a in all_axes:
        if a.param.name not in params:
            return None
        digit = a.index_of(params[a.param.name])
        if digit is None:
            return None
        index = index * a.size + digit
    return index
