"""Where to look next: log expected improvement, maximised over many candidates and then refined.

Log EI (Ament et al. 2023, "Unexpected improvements to expected improvement") instead of EI: far
from the incumbent EI underflows to 0 in float64 and every candidate ties, so the argmax becomes
arbitrary; its log stays finite and ordered, and its gradient is usable for local search.

The search: scrambled Sobol points over the unit cube (categoricals drawn uniformly) plus Gaussian
perturbations of the best observations (at three scales; a categorical is re-drawn with probability
1/d), scored in one batch; the best candidate, nine more drawn in proportion to their EI, and the
incumbent (the best observation: the optimum is often a step away from it) start L-BFGS-B on the
continuous columns with analytic gradients, categoricals held fixed per start (W&B's bayes takes
the best of 1,000 random points and stops there). The search runs in units of each column's length
scale (Optuna's preconditioning): with length scales from 0.05 to 5 the acquisition is badly
conditioned in the unit cube, and L-BFGS-B stopped short of the peak on the short axes. All starts
are one L-BFGS-B problem (their sum, which separates), so one Python loop serves them all. What
comes back is a ranked shortlist, so the caller can snap ints and q-values, re-score, and skip
points that exist already.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import scipy.optimize
import scipy.special
from numpy.typing import NDArray
from scipy.stats import qmc

from trackwell.service.sweep_engine.bayes.gp import GP

Array = NDArray[np.float64]

N_SOBOL = 1024
N_LOCAL_PER_POINT = 64
N_TOP_OBSERVED = 5
N_REFINE = 10
SHORTLIST = 24
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_INV_SQRT2 = 1.0 / math.sqrt(2.0)


def log_h(z: Array) -> tuple[Array, Array]:
    """log(phi(z) + z Phi(z)) and its derivative Phi(z) / h(z), stable for very negative z."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    grad = np.empty_like(z)
    hi = z > -1.0
    zh = z[hi]
    h = np.exp(-0.5 * zh * zh - _LOG_SQRT_2PI) + zh * scipy.special.ndtr(zh)
    out[hi] = np.log(h)
    grad[hi] = scipy.special.ndtr(zh) / h
    lo = ~hi
    zl = z[lo]
    # h(z) = exp(-z^2/2) * (1/sqrt(2 pi) + z/2 erfcx(-z/sqrt 2)); the bracket is ~1/(sqrt(2 pi) z^2).
    ex = scipy.special.erfcx(-zl * _INV_SQRT2)
    bracket = math.exp(-_LOG_SQRT_2PI) + 0.5 * zl * ex
    far = zl < -1e4  # cancellation in the bracket: its asymptote instead
    safe = np.where(far, 1.0, bracket)
    out[lo] = np.where(
        far, -0.5 * zl * zl - _LOG_SQRT_2PI - 2.0 * np.log(np.abs(zl)), -0.5 * zl * zl + np.log(safe)
    )
    grad[lo] = np.where(far, -zl, 0.5 * ex / safe)
    return out, grad


def log_ei(gp: GP, xs: Array, best: float) -> tuple[Array, Array, Array]:
    """Log EI of minimising below ``best`` (standardised y), with the mean and std at ``xs``."""
    mean, std = gp.predict(xs)
    lh, _ = log_h((best - mean) / std)
    return lh + np.log(std), mean, std


def _neg_log_ei_and_grad(
    flat: Array, gp: GP, best: float, template: Array, cont: NDArray[np.bool_]
) -> tuple[float, Array]:
    xs = template.copy()
    xs[:, cont] = flat.reshape(xs.shape[0], -1)
    mean, std, dmean, dstd = gp.predict_grad(xs)
    z = (best - mean) / std
    lh, dlh = log_h(z)
    value = lh + np.log(std)
    dz = (-dmean - z[:, None] * dstd) / std[:, None]
    grad = dlh[:, None] * dz + dstd / std[:, None]
    return -float(np.sum(value)), -grad[:, cont].ravel()


def candidates(
    x_obs: Array,
    y_obs: Array,
    is_cat: NDArray[np.bool_],
    from_unit: Callable[[Array], Array],
    rng: np.random.Generator,
) -> Array:
    """GP rows to score: Sobol points and perturbations of the best observations.

    ``from_unit`` maps unit-cube rows to GP rows (a categorical column to an allowed category)."""
    d = x_obs.shape[1]
    sobol = from_unit(qmc.Sobol(d, scramble=True, seed=rng).random(N_SOBOL))
    top = x_obs[np.argsort(y_obs)[:N_TOP_OBSERVED]]
    local = np.repeat(top, N_LOCAL_PER_POINT, axis=0)
    scales = np.array([0.01, 0.05, 0.2])[rng.integers(0, 3, local.shape[0])]
    cont = ~is_cat
    local[:, cont] = np.clip(
        local[:, cont] + rng.normal(size=(local.shape[0], int(cont.sum()))) * scales[:, None], 0, 1
    )
    if is_cat.any():
        flip = rng.random((local.shape[0], int(is_cat.sum()))) < 1.0 / d
        fresh = from_unit(rng.random(local.shape))[:, is_cat]
        local[:, is_cat] = np.where(flip, fresh, local[:, is_cat])
    out: Array = np.vstack([sobol, local])
    return out


def _starts(scores: Array, rng: np.random.Generator) -> Array:
    """Where local search starts: the best candidate, and others drawn with probability
    proportional to their EI (Optuna's roulette), so a second mode of the acquisition far from the
    incumbent gets refined too instead of five starts in the same basin."""
    top = int(np.argmax(scores))
    probs = np.exp(scores - scores[top])
    probs[top] = 0.0
    total = float(probs.sum())
    k = min(N_REFINE - 1, int(np.count_nonzero(probs > 0)))
    if k <= 0 or total <= 0:
        return np.array([top])
    others = rng.choice(scores.size, size=k, replace=False, p=probs / total)
    return np.concatenate([[top], others])


def shortlist(
    gp: GP, xs: Array, best: float, rng: np.random.Generator, incumbent: Array | None = None
) -> tuple[Array, Array]:
    """The best rows of ``xs`` by log EI, plus ``N_REFINE`` starts (and ``incumbent``) refined by
    L-BFGS-B on the continuous columns; returns (rows, log EI) best first."""
    scores, _, _ = log_ei(gp, xs, best)
    order = np.argsort(-scores)
    cont = ~gp.is_cat
    rows, vals = xs[order[:SHORTLIST]], scores[order[:SHORTLIST]]
    if cont.any():
        starts = xs[_starts(scores, rng)]
        if incumbent is not None:
            starts = np.vstack([starts, incumbent[None, :]])
        m = starts.shape[0]
        # z = x / length scale on each continuous column: the acquisition is about as steep along
        # every axis there (bounds [0, 1 / ls]).
        scale = np.tile(np.exp(gp.hyper.log_ls[cont]), m)

        def objective(z: Array) -> tuple[float, Array]:
            value, grad = _neg_log_ei_and_grad(z * scale, gp, best, starts, cont)
            return value, grad * scale

        res = scipy.optimize.minimize(
            objective,
            starts[:, cont].ravel() / scale,
            jac=True,
            method="L-BFGS-B",
            bounds=list(zip(np.zeros_like(scale), 1.0 / scale, strict=True)),
            options={"maxiter": 200},
        )
        refined = starts.copy()
        refined[:, cont] = np.clip((np.asarray(res.x) * scale).reshape(m, -1), 0.0, 1.0)
        refined_vals, _, _ = log_ei(gp, refined, best)
        rows, vals = np.vstack([refined, rows]), np.concatenate([refined_vals, vals])
        order = np.argsort(-vals)
        rows, vals = rows[order], vals[order]
    return rows, vals
