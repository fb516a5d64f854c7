"""Output warping: the GP models a Yeo-Johnson transform of the standardised values, not the values.

Why: on objectives whose good region is a narrow bump (Hartmann-6, most losses near convergence)
the best values sit 4-5 standard deviations below the rest. A GP over such values is sure that
anything away from the data is average, so expected improvement there underflows next to the
tiny gains of refining the current basin, and a sweep that found a second-best basin first stays
in it. Yeo-Johnson with its lambda fitted by maximum likelihood (as HEBO warps its outputs) pulls
that tail in while keeping the order and the local shape of the values, so refinement near the
optimum is unchanged. Measured with ``benchmarks/sweeps_hpo.py --direct``, 40 seeds of Hartmann-6:
seeds left in a second basin fell from 52% to 38% (with the acquisition's incumbent start and
preconditioning). A rank
(Gaussian copula) transform was worse than none: it erases the differences between the best values
that local refinement needs.

The model works in warped units; ``unwarp`` maps a predicted value back to the metric's units.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import scipy.stats
from numpy.typing import NDArray

Array = NDArray[np.float64]

# lambda = 1 is the identity. Inside [0, 2] both branches of the transform are unbounded, so every
# value the GP predicts has a preimage (outside, one branch has an asymptote and ``unwarp``
# overflows); measured on Hartmann-6, the clip also removed the seeds that never found a basin.
LAMBDA_BOUNDS = (0.0, 2.0)


def _yj(z: Array, lam: float) -> Array:
    out = np.empty_like(z)
    pos = z >= 0
    if abs(lam) > 1e-12:
        out[pos] = ((z[pos] + 1.0) ** lam - 1.0) / lam
    else:
        out[pos] = np.log1p(z[pos])
    if abs(lam - 2.0) > 1e-12:
        out[~pos] = -((1.0 - z[~pos]) ** (2.0 - lam) - 1.0) / (2.0 - lam)
    else:
        out[~pos] = -np.log1p(-z[~pos])
    return out


def _yj_inverse(w: Array, lam: float) -> Array:
    out = np.empty_like(w)
    pos = w >= 0
    if abs(lam) > 1e-12:
        out[pos] = np.maximum(w[pos] * lam + 1.0, 1e-300) ** (1.0 / lam) - 1.0
    else:
        out[pos] = np.expm1(w[pos])
    if abs(lam - 2.0) > 1e-12:
        out[~pos] = 1.0 - np.maximum(1.0 - (2.0 - lam) * w[~pos], 1e-300) ** (1.0 / (2.0 - lam))
    else:
        out[~pos] = -np.expm1(-w[~pos])
    return out


class OutputWarp:
    """Standardise, Yeo-Johnson, standardise again; ``y`` holds the warped values."""

    def __init__(self, values: Array) -> None:
        self.mean = float(np.mean(values))
        std = float(np.std(values))
        self.std = std if std > 1e-12 else 1.0
        z = (values - self.mean) / self.std
        self.lam = 1.0
        if values.size >= 3 and float(np.ptp(z)) > 1e-9:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fitted = float(scipy.stats.yeojohnson_normmax(z))
            if math.isfinite(fitted):
                self.lam = min(max(fitted, LAMBDA_BOUNDS[0]), LAMBDA_BOUNDS[1])
        t = _yj(z, self.lam)
        self.mean2 = float(np.mean(t))
        std2 = float(np.std(t))
        self.std2 = std2 if std2 > 1e-12 else 1.0
        self.y: Array = (t - self.mean2) / self.std2

    def unwarp(self, w: Array) -> Array:
        """Warped values back to the (minimising) values they stand for."""
        z = _yj_inverse(np.asarray(w, dtype=np.float64) * self.std2 + self.mean2, self.lam)
        out: Array = z * self.std + self.mean
        return out
