"""The HPO test problems of ``sweeps_hpo``: each a sweep config, its objective, and its optimum.

The functions are the standard ones of the HPO literature, as in the quality anchor of
reference/sweeps.md section 7: Branin (2-d), Hartmann-6 (6-d), Rosenbrock in 10 dimensions on
[-2.048, 2.048] with log1p (its values span ten orders of magnitude otherwise), and a mixed space
shaped like a small training run: two log-uniform floats (learning rate, weight decay), an int (layers)
and a 3-way categorical (optimizer) whose best learning rate depends on the optimizer. Regret is the
objective's best value found minus its known minimum.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Problem:
    name: str
    parameters: dict[str, dict[str, Any]]
    objective: Callable[[dict[str, Any]], float]
    optimum: float

    def config(self, method: str) -> dict[str, Any]:
        return {
            "method": method,
            "metric": {"name": "loss", "goal": "minimize"},
            "parameters": self.parameters,
        }


def _branin(p: dict[str, Any]) -> float:
    x1, x2 = float(p["x1"]), float(p["x2"])
    b, c, r, s, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 6.0, 10.0, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - r) ** 2 + s * (1 - t) * math.cos(x1) + s


_H6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_H6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)
_H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def _hartmann6(p: dict[str, Any]) -> float:
    x = np.array([float(p[f"x{i}"]) for i in range(1, 7)])
    return float(-np.sum(_H6_ALPHA * np.exp(-np.sum(_H6_A * (x - _H6_P) ** 2, axis=1))))


def _rosenbrock10(p: dict[str, Any]) -> float:
    x = np.array([float(p[f"x{i:02d}"]) for i in range(10)])
    return math.log1p(float(np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)))


# The optimizer's offset and best log10 learning rate: adam is best, at lr = 1e-3.
_MIXED_OPT = {"sgd": (0.3, -1.5), "adam": (0.0, -3.0), "rmsprop": (0.1, -2.5)}


def _mixed(p: dict[str, Any]) -> float:
    offset, best_lr = _MIXED_OPT[p["optimizer"]]
    lr, wd, layers = math.log10(float(p["lr"])), math.log10(float(p["weight_decay"])), int(p["layers"])
    # Scaled so that random search's median regret after 50 trials is ~0.08, as on the anchor's space.
    return offset + 0.2 * (lr - best_lr) ** 2 + 0.1 * (wd + 4.0) ** 2 + 0.02 * (layers - 5) ** 2


PROBLEMS = [
    Problem(
        "branin",
        {"x1": {"min": -5.0, "max": 10.0}, "x2": {"min": 0.0, "max": 15.0}},
        _branin,
        0.397887357729739,
    ),
    Problem(
        "hartmann6",
        {f"x{i}": {"min": 0.0, "max": 1.0} for i in range(1, 7)},
        _hartmann6,
        -3.322368011391339,
    ),
    Problem(
        "rosenbrock10",
        {f"x{i:02d}": {"min": -2.048, "max": 2.048} for i in range(10)},
        _rosenbrock10,
        0.0,
    ),
    Problem(
        "mixed",
        {
            "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
            "weight_decay": {"distribution": "log_uniform_values", "min": 1e-6, "max": 1e-2},
            "layers": {"min": 1, "max": 8},
            "optimizer": {"values": ["sgd", "adam", "rmsprop"]},
        },
        _mixed,
        0.0,
    ),
]
BY_NAME = {p.name: p for p in PROBLEMS}
