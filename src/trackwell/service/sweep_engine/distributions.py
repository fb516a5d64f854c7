"""Every W&B distribution as ``ppf`` (sample = ``ppf(U)``, U uniform on [0, 1)) and ``cdf``.

W&B's meanings (reference/sweeps.md section 2.2) are kept, with these fixes, each a deliberate choice:

- **Categorical ppf(0) is the first value.** The index is ``floor(U * n)`` (clamped to n - 1); W&B's
  ``ceil(U * n) - 1`` turns U = 0 into index -1, the last value. Every value still has mass 1/n.
- **Weighted categoricals** (``categorical_w_probabilities``) have a ppf and a cdf like every other
  distribution (W&B's bayes crashes on them). ppf: the first value whose cumulative probability is
  greater than U, so a value with probability 0 is never drawn. cdf: the cumulative probability up
  to and including the value. The probabilities are normalised to sum to exactly 1.
- **q-variants never leave their range.** ``qround(x) = round(x / q) * q`` as W&B (half to even),
  then clipped to the multiples of q inside the range (module ``quantize``): q_uniform and
  q_log_uniform_values to [min, max], q_log_uniform to [e^min, e^max], q_beta to [0, 1],
  q_log_normal to [q, inf) (a log-normal is positive; W&B returns 0). q_normal is unbounded: no clip.
  When min is a multiple of q this is W&B's distribution exactly (its end points keep half weight).
  Values are ``int`` when q is an ``int`` (W&B's rule), else ``float``; ``3 * 0.1`` is ``0.3``.
- **inv_log_uniform_values is its own distribution.** In W&B it reduces algebraically to
  log_uniform_values (same value for the same U); note that "1/X is log-uniform" is the same law as
  "X is log-uniform", so no reading of the name that keeps X log-uniform can differ. We give it the
  mirror image of log_uniform_values on [min, max]: ``X = min + max - L`` with L log-uniform on
  [min, max]. Its density ``1 / ((min + max - x) ln(max/min))`` rises towards max, as much mass near
  max as log_uniform_values puts near min (for [1e-4, 0.1] the median is ``min + max - sqrt(min
  max)`` ~ 0.0969 instead of ~ 0.00316). ppf(u) = ``min + max - exp(ln min + (1 - u) ln(max/min))``,
  cdf(x) = ``1 - ln((min + max - x) / min) / ln(max/min)``.
- The deprecated v1 distributions keep W&B's meaning: ``log_uniform`` and ``q_log_uniform`` take
  natural-log exponents (values in [e^min, e^max]); ``inv_log_uniform`` is ``exp(-Y)``, Y uniform on
  [min, max] (values in [e^-max, e^-min]).
- **Unbounded ppfs at U = 0.** Python's ``random()`` can return exactly 0, where Φ⁻¹ is -inf; U is
  clamped to [2^-53, 1 - 2^-53] for normal and log_normal (at most ~8.2 sigma from mu).
- **Types.** Values are plain Python: ``int`` for int_uniform (and q-variants with an int q),
  ``float`` for the continuous ones, the value itself (deep-copied) for constants and categoricals.

The q-variants' cdf is the cdf of the unquantised distribution (W&B's, used by bayes to encode).
A categorical cdf of a value not among ``values`` raises ``ValueError``.
"""

from __future__ import annotations

import bisect
import copy
import importlib
import math
import random
from itertools import accumulate
from statistics import NormalDist
from typing import Any

from trackwell.service.sweep_engine.quantize import k_range, quantize
from trackwell.service.sweep_engine.spec import ParamSpec
from trackwell.service.sweep_engine.values import canonical

_EDGE = 2.0**-53

# Distributions whose values spread evenly on a log scale: the sweep page draws their axes in log.
LOG_SCALE = frozenset(
    {
        "log_uniform",
        "log_uniform_values",
        "q_log_uniform",
        "q_log_uniform_values",
        "inv_log_uniform",
        "inv_log_uniform_values",
        "log_normal",
        "q_log_normal",
    }
)
_STANDARD_NORMAL = NormalDist()
# Each q-variant and the unquantised distribution it rounds.
BASE_OF_Q = {
    "q_uniform": "uniform",
    "q_log_uniform": "log_uniform",
    "q_log_uniform_values": "log_uniform_values",
    "q_normal": "normal",
    "q_log_normal": "log_normal",
    "q_beta": "beta",
}


def sample(param: ParamSpec, rng: random.Random) -> Any:
    """One independent draw: ``ppf(param, U)`` with U from ``rng`` (constants use no randomness)."""
    if param.distribution == "constant":
        return copy.deepcopy(param.value)
    return ppf(param, rng.random())


def ppf(param: ParamSpec, u: float) -> Any:
    """The value at quantile ``u`` (the inverse cdf); ``u`` is clamped to [0, 1]."""
    u = min(max(float(u), 0.0), 1.0)
    dist = param.distribution
    if dist == "constant":
        return copy.deepcopy(param.value)
    if dist == "categorical":
        n = len(param.values)
        return copy.deepcopy(param.values[min(int(u * n), n - 1)])
    if dist == "categorical_w_probabilities":
        return copy.deepcopy(param.values[_weighted_index(param, u)])
    if dist == "int_uniform":
        lo, hi = int(_req(param.min)), int(_req(param.max))
        return lo + min(int(u * (hi - lo + 1)), hi - lo)
    if dist in BASE_OF_Q:
        k_lo, k_hi = q_bounds(param)
        return quantize(_continuous_ppf(BASE_OF_Q[dist], param, u), param.q, k_lo, k_hi)
    return _continuous_ppf(dist, param, u)


def cdf(param: ParamSpec, value: Any) -> float:
    """P(X <= value) under the prior (q-variants: of the unquantised distribution), in [0, 1]."""
    dist = param.distribution
    if dist == "constant":
        return 1.0
    if dist in ("categorical", "categorical_w_probabilities"):
        index = value_index(param, value)
        if index is None:
            raise ValueError(f"{value!r} is not one of the values of parameter {param.name}")
        if dist == "categorical":
            return (index + 1) / len(param.values)
        return min(1.0, _cumulative(param)[index])
    x = float(value)
    if dist == "int_uniform":
        lo, hi = _req(param.min), _req(param.max)
        return _clip01((x - lo + 1) / (hi - lo + 1))
    return _clip01(_continuous_cdf(BASE_OF_Q.get(dist, dist), param, x))


def value_index(param: ParamSpec, value: Any) -> int | None:
    """The position of ``value`` among a categorical's values, compared canonically (1 == 1.0)."""
    key = canonical(value)
    for i, candidate in enumerate(param.values):
        if canonical(candidate) == key:
            return i
    return None


def q_bounds(param: ParamSpec) -> tuple[int | None, int | None]:
    """The range of ``k`` (value = k * q) a q-variant may take; None is unbounded on that side."""
    dist = param.distribution
    if dist in ("q_uniform", "q_log_uniform_values"):
        return k_range(param.min, param.max, param.q)
    if dist == "q_log_uniform":
        return k_range(math.exp(_req(param.min)), math.exp(_req(param.max)), param.q)
    if dist == "q_beta":
        return k_range(0.0, 1.0, param.q)
    if dist == "q_log_normal":
        return 1, None
    return None, None


def _continuous_ppf(dist: str, p: ParamSpec, u: float) -> float:
    if dist == "uniform":
        lo, hi = _req(p.min), _req(p.max)
        return min(hi, float(lo + u * (hi - lo)))
    if dist == "log_uniform":
        lo, hi = _req(p.min), _req(p.max)
        return math.exp(lo + u * (hi - lo))
    if dist == "log_uniform_values":
        lo, hi = math.log(_req(p.min)), math.log(_req(p.max))
        return _within(math.exp(lo + u * (hi - lo)), p)
    if dist == "inv_log_uniform":
        lo, hi = _req(p.min), _req(p.max)
        return math.exp(-(lo + (1.0 - u) * (hi - lo)))
    if dist == "inv_log_uniform_values":
        lo, hi = _req(p.min), _req(p.max)
        mirrored = math.exp(math.log(lo) + (1.0 - u) * (math.log(hi) - math.log(lo)))
        return _within(lo + hi - mirrored, p)
    if dist in ("normal", "log_normal"):
        z = _STANDARD_NORMAL.inv_cdf(min(max(u, _EDGE), 1.0 - _EDGE))
        x = p.mu + p.sigma * z
        return math.exp(x) if dist == "log_normal" else x
    if dist == "beta":
        return float(_special().betaincinv(p.a, p.b, u))
    raise ValueError(f"unknown distribution {dist!r} for parameter {p.name}")


def _continuous_cdf(dist: str, p: ParamSpec, x: float) -> float:
    if dist == "uniform":
        lo, hi = _req(p.min), _req(p.max)
        return (x - lo) / (hi - lo)
    if dist in ("log_uniform", "log_uniform_values"):
        if x <= 0:
            return 0.0
        lo, hi = _req(p.min), _req(p.max)
        if dist == "log_uniform_values":
            lo, hi = math.log(lo), math.log(hi)
        return (math.log(x) - lo) / (hi - lo)
    if dist == "inv_log_uniform":
        if x <= 0:
            return 0.0
        lo, hi = _req(p.min), _req(p.max)
        return 1.0 - (-math.log(x) - lo) / (hi - lo)
    if dist == "inv_log_uniform_values":
        lo, hi = _req(p.min), _req(p.max)
        rest = lo + hi - x
        if rest <= 0:
            return 1.0
        return 1.0 - (math.log(rest) - math.log(lo)) / (math.log(hi) - math.log(lo))
    if dist in ("normal", "log_normal"):
        if dist == "log_normal":
            if x <= 0:
                return 0.0
            x = math.log(x)
        return _STANDARD_NORMAL.cdf((x - p.mu) / p.sigma)
    if dist == "beta":
        return float(_special().betainc(p.a, p.b, min(max(x, 0.0), 1.0)))
    raise ValueError(f"unknown distribution {dist!r} for parameter {p.name}")


def _special() -> Any:
    # SciPy only for the beta family, loaded on first use: grid and random sweeps never pay its import.
    return importlib.import_module("scipy.special")


def _weighted_index(param: ParamSpec, u: float) -> int:
    cumulative = _cumulative(param)
    index = bisect.bisect_right(cumulative, u)
    if index < len(cumulative):
        return index
    # u at or past the total (float rounding): the last value that has any probability.
    return max(i for i, p in enumerate(param.probabilities) if p > 0)


def _cumulative(param: ParamSpec) -> list[float]:
    total = math.fsum(param.probabilities)
    return list(accumulate(p / total for p in param.probabilities))


def _within(x: float, p: ParamSpec) -> float:
    # exp(log(...)) can land a hair outside [min, max]; the range is a promise.
    return min(max(x, _req(p.min)), _req(p.max))


def _clip01(x: float) -> float:
    return 0.0 if x < 0 or math.isnan(x) else 1.0 if x > 1 else x


def _req(x: float | None) -> float:
    if x is None:  # parse_config fills min/max for every distribution that has them
        raise ValueError("a bounded distribution without min/max (parse_config fills them)")
    return x
