"""The Gaussian process behind bayes: an ARD Matérn-5/2 kernel with an amplitude and a learned noise.

Inputs live in the unit cube (see :mod:`.encoding`); a categorical parameter is one column holding
its category index, and its kernel distance is 0 when two points share the category and 1 otherwise,
scaled by that parameter's own length scale (Optuna's GP does the same). Hyperparameters are the
log length scales, the log amplitude and the log noise variance, fitted by maximising the marginal
likelihood plus weak log priors with L-BFGS-B and analytic gradients.

The priors are Optuna's GPSampler's (measured best here): y is standardised, so the amplitude gets a
Gamma(2, 1); each inverse squared length scale ``lam`` gets ``-(0.1 / lam + 0.1 lam)``, which keeps every
dimension in play. With few points a free ARD fit (or a log-normal prior centred on long length
scales, as Hvarfner et al. 2024 propose) jumps between "only dims 2, 6, 8 matter" and "only 1, 4"
from one trial to the next on a 10-d Rosenbrock, and its proposals are no better than random (median
regret 6.0 against 4.2 with this prior, benchmarks/sweeps_hpo.py). The noise prior is nearly flat
for small noise (a deterministic objective converges to its floor, 1e-6) and steep above ~0.05, so a
noisy objective is explained by noise rather than by wiggles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.optimize
from numpy.typing import NDArray

Array = NDArray[np.float64]

SQRT5 = math.sqrt(5.0)
NOISE_MIN = 1e-6
# Bounds of the fitted hyperparameters, in log space.
LOG_LS_BOUNDS = (math.log(1e-2), math.log(1e2))
LOG_AMP_BOUNDS = (math.log(1e-2), math.log(1e2))
LOG_NOISE_BOUNDS = (math.log(NOISE_MIN), math.log(1.0))


def sq_dists(a: Array, b: Array, is_cat: NDArray[np.bool_]) -> Array:
    """Per-dimension squared distances, shape (d, len(a), len(b)); categorical dims give 0 or 1."""
    diff = a.T[:, :, None] - b.T[:, None, :]
    out = diff * diff
    if is_cat.any():
        out[is_cat] = (diff[is_cat] != 0).astype(np.float64)
    return out


def _matern(r2: Array, amp: float) -> tuple[Array, Array]:
    """The kernel values and their derivative with respect to r**2."""
    r = np.sqrt(np.maximum(r2, 0.0))
    e = np.exp(-SQRT5 * r)
    k = amp * (1.0 + SQRT5 * r + (5.0 / 3.0) * r2) * e
    dk_dr2 = -(5.0 / 6.0) * amp * (1.0 + SQRT5 * r) * e
    return k, dk_dr2


@dataclass(frozen=True)
class Hyper:
    log_ls: Array  # (d,)
    log_amp: float
    log_noise: float

    def pack(self) -> Array:
        return np.concatenate([self.log_ls, [self.log_amp, self.log_noise]])

    @staticmethod
    def unpack(theta: Array) -> Hyper:
        return Hyper(np.asarray(theta[:-2], dtype=np.float64), float(theta[-2]), float(theta[-1]))


def _log_prior(theta: Array) -> tuple[float, Array]:
    """Log prior density and its gradient (see the module docstring for why these)."""
    d = theta.size - 2
    grad = np.zeros_like(theta)
    # -(0.1 / lam + 0.1 lam) on each inverse squared length scale lam = exp(-2 theta): peaked at a
    # length scale of 1, penalising long ones (a dimension declared irrelevant) more than short ones.
    e2 = np.exp(2.0 * theta[:d])
    lp = float(-np.sum(0.1 * e2 + 0.1 / e2))
    grad[:d] = -(0.2 * e2 - 0.2 / e2)
    amp = math.exp(theta[-2])
    lp += float(theta[-2]) - amp  # Gamma(2, 1) on the amplitude, in log space
    grad[-2] = 1.0 - amp
    noise_var = math.exp(theta[-1])
    lp += 1.1 * float(theta[-1]) - 30.0 * noise_var  # Gamma(1.1, 30) on the noise variance
    grad[-1] = 1.1 - 30.0 * noise_var
    return lp, grad


def _neg_log_posterior(theta: Array, dists: Array, y: Array) -> tuple[float, Array]:
    n = y.size
    d = theta.size - 2
    inv_ls2 = np.exp(-2.0 * theta[:d])
    amp, noise = math.exp(theta[-2]), math.exp(theta[-1])
    r2 = np.tensordot(inv_ls2, dists, axes=1)
    k, dk_dr2 = _matern(r2, amp)
    kn = k + (noise + 1e-10) * np.eye(n)
    try:
        chol = scipy.linalg.cholesky(kn, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        return 1e10, np.zeros_like(theta)
    alpha = scipy.linalg.cho_solve((chol, True), y, check_finite=False)
    lml = -0.5 * float(y @ alpha) - float(np.sum(np.log(np.diag(chol)))) - 0.5 * n * math.log(2 * math.pi)
    # K^-1 from the Cholesky factor (LAPACK potri: half the work of solving against the identity);
    # it fills one triangle, mirrored here.
    tri, info = scipy.linalg.lapack.dpotri(chol, lower=1)
    if info != 0:
        return 1e10, np.zeros_like(theta)
    k_inv = np.tril(tri) + np.tril(tri, -1).T
    w = np.outer(alpha, alpha) - k_inv  # d lml / d K = w / 2
    grad = np.empty_like(theta)
    # dK/dlog(ls_j) = dk/dr2 * (-2 * D_j / ls_j**2)
    g = w * dk_dr2
    grad[:d] = 0.5 * np.tensordot(dists, g, axes=([1, 2], [0, 1])) * (-2.0 * inv_ls2)
    grad[-2] = 0.5 * float(np.sum(w * k))
    grad[-1] = 0.5 * noise * float(np.trace(w))
    lp, lp_grad = _log_prior(theta)
    return -(lml + lp), -(grad + lp_grad)


class GP:
    """A fitted GP over standardised y; ``predict`` gives the latent mean and std (no noise)."""

    def __init__(self, x: Array, y: Array, is_cat: NDArray[np.bool_], hyper: Hyper) -> None:
        self.x, self.is_cat, self.hyper = x, is_cat, hyper
        self.inv_ls2 = np.exp(-2.0 * hyper.log_ls)
        self.amp, self.noise = math.exp(hyper.log_amp), math.exp(hyper.log_noise)
        self._factor(y)

    def _factor(self, y: Array) -> None:
        n = y.size
        r2 = np.tensordot(self.inv_ls2, sq_dists(self.x, self.x, self.is_cat), axes=1)
        k, _ = _matern(r2, self.amp)
        jitter = self.noise + 1e-10
        for _ in range(6):  # near-duplicate points with a tiny noise: add jitter until it factors
            try:
                self.chol = scipy.linalg.cholesky(k + jitter * np.eye(n), lower=True, check_finite=False)
                break
            except np.linalg.LinAlgError:
                jitter *= 10.0
        else:  # pragma: no cover - the kernel is PSD; 1e-4 of jitter always factors
            raise np.linalg.LinAlgError("the GP's kernel matrix would not factor")
        self.y = y
        self.alpha = scipy.linalg.cho_solve((self.chol, True), y, check_finite=False)

    def with_fantasies(self, xp: Array) -> GP:
        """The pending points ``xp`` added as observations, so the next proposal goes elsewhere.

        Each gets its predicted mean (kriging believer), but never better than the average
        observation (0 in standardised units): near a confident optimum the believer alone lets
        four agents propose four points a hair apart, while this lie pushes them a length scale
        apart. Hyperparameters are not refitted."""
        if xp.shape[0] == 0:
            return self
        mean, _ = self.predict(xp)
        lie = np.maximum(mean, 0.0)
        return GP(np.vstack([self.x, xp]), np.concatenate([self.y, lie]), self.is_cat, self.hyper)

    def _cross(self, xs: Array) -> tuple[Array, Array]:
        # r^2 of many candidates against the data by one matrix product (|a|^2 + |b|^2 - 2 a.b on
        # inputs scaled by 1/ls), not the (d, m, n) tensor of differences: ~5x faster for 1,000+
        # candidates, and the kernel is flat at 0, so the cancellation near r = 0 does not matter.
        cont = ~self.is_cat
        scale = np.sqrt(self.inv_ls2[cont])
        a, b = xs[:, cont] * scale, self.x[:, cont] * scale
        r2 = np.sum(a * a, axis=1)[:, None] + np.sum(b * b, axis=1)[None, :] - 2.0 * (a @ b.T)
        np.maximum(r2, 0.0, out=r2)
        for j in np.flatnonzero(self.is_cat):
            r2 += (xs[:, j, None] != self.x[None, :, j]) * self.inv_ls2[j]
        return _matern(r2, self.amp)

    def predict(self, xs: Array) -> tuple[Array, Array]:
        ks, _ = self._cross(xs)
        mean = ks @ self.alpha
        v = scipy.linalg.solve_triangular(self.chol, ks.T, lower=True, check_finite=False)
        var = np.maximum(self.amp - np.sum(v * v, axis=0), 1e-12)
        return mean, np.sqrt(var)

    def predict_grad(self, xs: Array) -> tuple[Array, Array, Array, Array]:
        """Mean, std and their gradients (m, d) with respect to the continuous inputs (zero on
        categorical columns, which local search holds fixed)."""
        ks, dk_dr2 = self._cross(xs)
        mean = ks @ self.alpha
        kinv_ks = scipy.linalg.cho_solve((self.chol, True), ks.T, check_finite=False)  # (n, m)
        var = np.maximum(self.amp - np.sum(ks.T * kinv_ks, axis=0), 1e-12)
        std = np.sqrt(var)
        # d k(x, X_i)/d x_j = dk_dr2 * 2 (x_j - X_ij) / ls_j**2
        diff = xs[:, None, :] - self.x[None, :, :]  # (m, n, d)
        dk_dx = (dk_dr2[:, :, None] * 2.0 * diff) * self.inv_ls2[None, None, :]
        dk_dx[:, :, self.is_cat] = 0.0
        dmean = np.einsum("mnd,n->md", dk_dx, self.alpha)
        dvar = -2.0 * np.einsum("mnd,nm->md", dk_dx, kinv_ks)
        dstd = dvar / (2.0 * std[:, None])
        return mean, std, dmean, dstd


# Hyperparameters are fitted on at most this many observations (a seeded random subset): the fit's
# cost grows with n**3 per step and ~40 steps per start, while 100 points pin the length scales as
# well as 200 do. The posterior itself always uses every observation.
FIT_MAX = 100


def fit(x: Array, y: Array, is_cat: NDArray[np.bool_], rng: np.random.Generator, restarts: int = 1) -> GP:
    """The GP with MAP hyperparameters: L-BFGS-B from a default start plus ``restarts`` random ones."""
    d = x.shape[1]
    xf, yf = x, y
    if y.size > FIT_MAX:
        keep = np.sort(rng.choice(y.size, FIT_MAX, replace=False))
        xf, yf = x[keep], y[keep]
    dists = sq_dists(xf, xf, is_cat)
    bounds = [LOG_LS_BOUNDS] * d + [LOG_AMP_BOUNDS, LOG_NOISE_BOUNDS]
    lo, hi = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
    starts = [np.concatenate([np.full(d, math.log(0.5 * math.sqrt(d))), [0.0, math.log(1e-3)]])]
    for _ in range(restarts):
        start = np.concatenate(
            [
                rng.uniform(math.log(0.05), math.log(2.0 * math.sqrt(d)), d),
                [rng.normal(0.0, 0.5), math.log(1e-4)],
            ]
        )
        starts.append(start)
    best_theta, best_val = starts[0], math.inf
    for start in starts:
        res = scipy.optimize.minimize(
            _neg_log_posterior,
            np.clip(start, lo, hi),
            args=(dists, yf),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 200},
        )
        if np.isfinite(res.fun) and res.fun < best_val:
            best_theta, best_val = np.asarray(res.x, dtype=np.float64), float(res.fun)
    return GP(x, y, is_cat, Hyper.unpack(best_theta))
