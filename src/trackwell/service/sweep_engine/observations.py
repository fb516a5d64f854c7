"""The value each trial contributes to a sweep: its best logged value, or an imputed one.

W&B's rule (reference/sweeps.md section 4), shared by bayes and the controller's "best run":

- ``finished`` with a finite value of the metric: its **best** logged value (min or max over the
  history and summary: ``Trial.best``), not its last.
- ``stopped`` (hyperband or a cancel stopped it) with a value: its best value too. It ran on real
  data until told to stop; imputing it as a failure would make bayes avoid every region hyperband
  pruned early. (W&B's backend has no such state: a stopped run there ends as finished.)
- ``finished`` without a value, ``failed``, ``crashed``, ``killed``, and ``stopped`` without a value:
  imputed by ``metric.impute``:
  - ``worst`` (the default): the worst single value logged by any terminal trial (history, best and
    last), which is often an untrained first epoch: a large penalty, as in W&B;
  - ``best``: the trial's own best value; ``latest``: its own last value.
  When a trial has no value of its own for ``best``/``latest``, or no terminal trial logged any
  value, W&B uses 0.0. We use the worst value for the first case (0.0 would be a perfect loss: a
  run that crashed before logging would attract bayes to its region) and 0.0 only for the second,
  where every trial gets the same value and the model learns nothing from it either way.
- ``running``: pending (None) unless ``metric.impute_while_running`` is set; then its value so far
  by that rule (a running trial with no value yet stays pending).
- ``pending``: None.

Non-finite values are never used. Values are in the metric's own direction (not negated for
``maximize``); bayes turns them into a minimisation itself.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from trackwell.service.sweep_engine.spec import Impute, SweepSpec, Trial

TERMINAL = frozenset({"finished", "failed", "crashed", "killed", "stopped"})
_COUNTS_WITH_VALUE = frozenset({"finished", "stopped"})


def _finite(x: float | None) -> float | None:
    return x if x is not None and isinstance(x, int | float) and math.isfinite(x) else None


def worst_value(spec: SweepSpec, trials: Sequence[Trial]) -> float | None:
    """The worst single finite value any terminal trial logged (None: none logged any)."""
    maximize = spec.metric is not None and spec.metric.goal == "maximize"
    worst: float | None = None
    for t in trials:
        if t.state not in TERMINAL:
            continue
        values = [*(t.history or ()), t.best, t.last]
        for v in values:
            fv = _finite(v)
            if fv is None:
                continue
            if worst is None or (fv < worst if maximize else fv > worst):
                worst = fv
    return worst


def _impute(rule: Impute, trial: Trial, worst: float | None) -> float | None:
    own = _finite(trial.best) if rule == "best" else _finite(trial.last) if rule == "latest" else None
    if own is not None:
        return own
    return worst


def observations(spec: SweepSpec, trials: Sequence[Trial]) -> list[tuple[Trial, float | None]]:
    """Each trial with its y in the metric's own direction (None: pending, not an observation).

    Without a ``metric`` nothing can be observed: every y is None."""
    metric = spec.metric
    if metric is None:
        return [(t, None) for t in trials]
    worst = worst_value(spec, trials)
    out: list[tuple[Trial, float | None]] = []
    for t in trials:
        y: float | None
        if t.state in _COUNTS_WITH_VALUE and _finite(t.best) is not None:
            y = _finite(t.best)
        elif t.state in TERMINAL:
            y = _impute(metric.impute, t, worst)
            if y is None:
                y = 0.0  # no terminal trial logged any value: W&B's fallback
        elif t.state == "running" and metric.impute_while_running is not None:
            y = _impute(metric.impute_while_running, t, worst)
            if _finite(t.best) is None and _finite(t.last) is None:
                y = None  # nothing logged yet: still pending
        else:
            y = None
        out.append((t, y))
    return out
