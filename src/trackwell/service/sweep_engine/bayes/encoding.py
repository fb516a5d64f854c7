"""Parameters to the GP's inputs and back: each searchable parameter is one column.

- A continuous parameter (every distribution but the three below) is its prior's CDF, in [0, 1]:
  ``uniform``/``q_uniform`` are linear in the value, the log distributions linear in its log, normal,
  log-normal and beta go through their CDF. Decoding is the prior's inverse CDF (so q-variants come
  back as multiples of q, inside their bounds, typed as the distribution module types them).
- ``int_uniform`` is continuous too, the integer ``v`` at the middle of its bin, ``(v - min + 0.5) / n``;
  decoding rounds down inside the bin, so ints come back as ``int``.
- A categorical (weighted or not) is the category's index; the GP's kernel compares it for equality
  (not as an ordinal: W&B's ``(index + 1) / n`` axis is why its bayes is no better than random on
  mixed spaces). Decoding is the exact value from ``values``. A weighted categorical's
  probabilities shape the initial design; after it, every category with a probability above 0 is a
  candidate (one with probability 0 is never proposed).

Constants and one-value categoricals are not searched; they are added to every proposal.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from trackwell.service.sweep_engine import distributions
from trackwell.service.sweep_engine.spec import ParamSpec, SweepSpec

Array = NDArray[np.float64]
Kind = Literal["cont", "int", "cat"]

# Unbounded priors (normal, log-normal) have ppf(0) = -inf: the unit interval is used inside these.
EPS = 1e-6


@dataclass(frozen=True)
class Dim:
    param: ParamSpec
    kind: Kind
    size: int = 0  # categories or integers in the range; 0 for a continuous dim
    # The categories bayes may propose: all but those a weighted categorical gives probability 0.
    allowed: tuple[int, ...] = ()

    def encode(self, value: Any) -> float | None:
        """The column value of ``value``; None when it cannot be placed (an unknown category)."""
        p = self.param
        if self.kind == "cat":
            index = distributions.value_index(p, value)
            return None if index is None else float(index)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return None
        if self.kind == "int":
            assert p.min is not None
            return float(min(max((value - p.min + 0.5) / self.size, 0.0), 1.0))
        return float(min(max(distributions.cdf(p, float(value)), EPS), 1.0 - EPS))

    def decode(self, col: float) -> Any:
        p = self.param
        if self.kind == "cat":
            return copy.deepcopy(p.values[int(min(max(round(col), 0), self.size - 1))])
        if self.kind == "int":
            assert p.min is not None
            return int(p.min) + int(min(max(math.floor(col * self.size), 0), self.size - 1))
        return distributions.ppf(p, float(min(max(col, EPS), 1.0 - EPS)))

    def from_unit(self, u: Array) -> Array:
        """Points of the unit cube as column values (categoricals: an allowed index, uniformly)."""
        if self.kind == "cat":
            n = len(self.allowed)
            pick = np.minimum(np.floor(u * n), n - 1).astype(np.int64)
            return np.asarray(self.allowed, dtype=np.float64)[pick]
        return np.clip(u, 0.0, 1.0)


class Space:
    """The searchable parameters of a sweep as GP columns, plus the fixed ones."""

    def __init__(self, spec: SweepSpec) -> None:
        self.dims: list[Dim] = []
        self.fixed: dict[str, Any] = {}
        for p in spec.params:
            if p.distribution == "constant":
                self.fixed[p.name] = p.value
            elif p.distribution in ("categorical", "categorical_w_probabilities"):
                if len(p.values) == 1:
                    self.fixed[p.name] = p.values[0]
                else:
                    weights = p.probabilities or (1.0,) * len(p.values)
                    allowed = tuple(i for i, w in enumerate(weights) if w > 0)
                    self.dims.append(Dim(p, "cat", len(p.values), allowed))
            elif p.distribution == "int_uniform":
                assert p.min is not None and p.max is not None
                self.dims.append(Dim(p, "int", int(p.max) - int(p.min) + 1))
            else:
                self.dims.append(Dim(p, "cont"))
        self.d = len(self.dims)
        self.is_cat = np.array([dim.kind == "cat" for dim in self.dims], dtype=bool)

    def encode(self, params: Mapping[str, Any]) -> Array | None:
        """A trial's row, or None when a parameter is missing or cannot be placed (a trial from an
        earlier version of the config, say): such a trial is left out of the model."""
        row = np.empty(self.d)
        for j, dim in enumerate(self.dims):
            if dim.param.name not in params:
                return None
            col = dim.encode(params[dim.param.name])
            if col is None:
                return None
            row[j] = col
        return row

    def decode(self, row: Array) -> dict[str, Any]:
        out = copy.deepcopy(self.fixed)
        for j, dim in enumerate(self.dims):
            out[dim.param.name] = dim.decode(float(row[j]))
        return out

    def from_unit(self, u: Array) -> Array:
        """Rows (m, d) of the unit cube as GP rows."""
        out = np.empty_like(u)
        for j, dim in enumerate(self.dims):
            out[:, j] = dim.from_unit(u[:, j])
        return out

    def prior_decode(self, u: Array) -> dict[str, Any]:
        """A point of the unit cube through each prior's inverse CDF: the initial design samples the
        configured distributions (weighted categoricals by their probabilities, normals densest at mu)."""
        out = copy.deepcopy(self.fixed)
        for j, dim in enumerate(self.dims):
            uj = float(min(max(u[j], EPS), 1.0 - EPS))
            # int_uniform's prior is uniform over the integers: its column already is that quantile.
            out[dim.param.name] = dim.decode(uj) if dim.kind == "int" else distributions.ppf(dim.param, uj)
        return out

    def snap(self, row: Array) -> Array:
        """The row of what ``row`` decodes to: ints at their bin's middle, q-variants on their
        multiples, categories whole. Acquisition values are compared on snapped rows."""
        snapped = self.encode(self.decode(row))
        return row if snapped is None else snapped

    def enumerate(self, limit: int) -> Array | None:
        """Every row of a space of only categoricals and ints with at most ``limit`` points, else None."""
        if any(dim.kind == "cont" for dim in self.dims):
            return None
        axes = [
            np.asarray(dim.allowed, dtype=np.float64)
            if dim.kind == "cat"
            else (np.arange(dim.size) + 0.5) / dim.size
            for dim in self.dims
        ]
        if math.prod(len(a) for a in axes) > limit:
            return None
        grids = np.meshgrid(*axes, indexing="ij")
        return np.stack([g.ravel() for g in grids], axis=1)
