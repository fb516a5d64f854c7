"""The sweep engine's data: a parsed config (:class:`SweepSpec`), the trials it learns from
(:class:`Trial`) and what it proposes (:class:`Proposal`).

Plain frozen dataclasses, no numpy: the controller (``service/sweeps*.py``) builds trials from the
store and hands them to the pure functions of this package (``parse_config``, ``propose``,
``runs_to_stop``, ``grid_points``); nothing here touches the database or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Method = Literal["grid", "random", "bayes"]
Goal = Literal["minimize", "maximize"]
Impute = Literal["worst", "best", "latest"]
# W&B's distribution names, every one (reference/sweeps.md section 2.2).
Distribution = Literal[
    "constant",
    "categorical",
    "categorical_w_probabilities",
    "int_uniform",
    "uniform",
    "q_uniform",
    "log_uniform",
    "log_uniform_values",
    "q_log_uniform",
    "q_log_uniform_values",
    "inv_log_uniform",
    "inv_log_uniform_values",
    "normal",
    "q_normal",
    "log_normal",
    "q_log_normal",
    "beta",
    "q_beta",
]
# Trial states the engine knows. "pending": proposed (leased) or running without counting as an
# observation; the controller maps run states onto these.
TrialState = Literal["pending", "running", "finished", "failed", "crashed", "killed", "stopped"]


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One searchable (or constant) parameter, after inference and defaults.

    ``name`` is flat: a nested parameter ``opt: {parameters: {lr: ...}}`` is ``opt.lr`` here (the
    engine re-nests proposals under ``opt``). ``values``/``probabilities`` for the categoricals,
    ``min``/``max`` for bounded ones (for ``log_uniform``/``q_log_uniform``/``inv_log_uniform`` they are
    natural-log exponents, as W&B defines them), ``mu``/``sigma``, ``a``/``b``, ``q``.
    """

    name: str
    distribution: Distribution
    value: Any = None
    values: tuple[Any, ...] = ()
    probabilities: tuple[float, ...] = ()
    min: float | None = None
    max: float | None = None
    mu: float = 0.0
    sigma: float = 1.0
    a: float = 1.0
    b: float = 1.0
    q: float | int = 1.0
    # The nesting path: ("opt", "lr") for a nested opt.lr, () for a top-level parameter (its path is
    # (name,)). Kept because W&B names may hold dots themselves ("optimizer.lr" at the top level).
    path: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MetricSpec:
    name: str
    goal: Goal = "minimize"
    target: float | None = None
    impute: Impute = "worst"
    impute_while_running: Impute | None = None


@dataclass(frozen=True, slots=True)
class HyperbandSpec:
    """``early_terminate: {type: hyperband, ...}``: ``bands`` is the milestone ladder (iterations:
    the n-th logged value of the metric), computed once from min_iter or max_iter+s."""

    bands: tuple[int, ...]
    eta: float = 3.0
    strict: bool = True


@dataclass(frozen=True, slots=True)
class SweepSpec:
    method: Method
    params: tuple[ParamSpec, ...]  # sorted by flat name
    metric: MetricSpec | None = None
    early_terminate: HyperbandSpec | None = None
    run_cap: int | None = None
    program: str | None = None
    command: tuple[str, ...] | None = None
    name: str | None = None
    description: str | None = None
    project: str | None = None
    entity: str | None = None
    warnings: tuple[str, ...] = ()  # accepted but worth saying (deprecated log_uniform, ...)


@dataclass(frozen=True, slots=True)
class Trial:
    """A run of the sweep as the engine sees it.

    ``params`` are flat (``opt.lr``). ``best``/``last`` are the run's best and last finite logged value
    of the metric (history and summary), None when it logged none. ``history`` is the run's finite
    metric values in logged order, filled only where the engine needs it (hyperband judges running
    runs; the controller passes it for those and for finished runs of the sweep).
    """

    run_id: str
    params: dict[str, Any]
    state: TrialState
    best: float | None = None
    last: float | None = None
    history: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    """The next trial: ``params`` flat, ``args`` W&B's wire form ({top name: {"value": v}}, nested
    parameters re-nested), ``info`` what the method says about it (bayes: predicted value, std, EI)."""

    params: dict[str, Any]
    args: dict[str, dict[str, Any]]
    info: dict[str, Any] = field(default_factory=dict)
