"""Hyperband early termination with W&B's semantics (reference/sweeps.md section 5).

One ladder of milestones (``HyperbandSpec.bands``) shared by every run; an "iteration" is the n-th
finite value the run logged for the metric (``Trial.history``), not ``_step`` or the epoch.

- The threshold at band b: h[b-1] of **every** trial whose history has at least b values, in any
  state, the judged run included; sorted best first (values negated for ``maximize``), the one at
  index floor(n / eta). With eta = 3 that is the best value while n <= 2, the 2nd best for n = 3..5.
- Only ``running`` trials are judged, each at the **largest band its history has passed** (none
  passed: not judged). strict (the default): stop when its value at that band is worse than the
  threshold; non-strict: when its best value so far is.

This is asynchronous successive halving with a 1/eta quantile, re-evaluated on every call; early in a
sweep, with one or two values at a band, a run survives only if it is the best so far (as in W&B).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from trackwell.service.sweep_engine.spec import SweepSpec, Trial


def runs_to_stop(spec: SweepSpec, trials: Sequence[Trial]) -> list[tuple[str, str]]:
    """The running trials hyperband stops, each with a human-readable reason, in trial order."""
    hyperband, metric = spec.early_terminate, spec.metric
    if hyperband is None or metric is None:
        return []
    sign = -1.0 if metric.goal == "maximize" else 1.0
    histories = [tuple(sign * v for v in t.history) if t.history else () for t in trials]
    thresholds: dict[int, float] = {}
    stops = []
    for trial, history in zip(trials, histories, strict=True):
        if trial.state != "running" or not history:
            continue
        passed = bisect.bisect_right(hyperband.bands, len(history))
        if passed == 0:
            continue
        band = hyperband.bands[passed - 1]
        if band not in thresholds:
            thresholds[band] = _threshold(histories, band, hyperband.eta)
        threshold = thresholds[band]
        value = history[band - 1] if hyperband.strict else min(history)
        if value > threshold:
            what = f"at iteration {band}" if hyperband.strict else f"(best of {len(history)} iterations)"
            stops.append(
                (
                    trial.run_id,
                    f"hyperband: {metric.name} {_show(sign * value)} {what} is worse than the "
                    f"band-{band} threshold {_show(sign * threshold)}",
                )
            )
    return stops


def _threshold(histories: Sequence[tuple[float, ...]], band: int, eta: float) -> float:
    at_band = sorted(h[band - 1] for h in histories if len(h) >= band)
    return at_band[math.floor(len(at_band) / eta)]


def _show(x: float) -> str:
    return f"{x:.6g}"
