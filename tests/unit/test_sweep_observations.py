"""observations(): the y each trial gives bayes and the controller (W&B's rule, reference/sweeps.md 4)."""

from __future__ import annotations

import math
from typing import Any

from trackwell.service.sweep_engine import Trial, observations, parse_config


def _spec(**metric: Any) -> Any:
    return parse_config(
        {
            "method": "bayes",
            "metric": {"name": "loss", **metric},
            "parameters": {"x": {"min": 0.0, "max": 1.0}},
        }
    )


def _t(run_id: str, state: str, history: tuple[float, ...] | None = None, **kw: Any) -> Trial:
    if history is not None:
        finite = [v for v in history if math.isfinite(v)]
        kw.setdefault("best", min(finite) if finite else None)
        kw.setdefault("last", finite[-1] if finite else None)
    return Trial(run_id, {"x": 0.5}, state, history=history, **kw)  # type: ignore[arg-type]


def _ys(spec: Any, trials: list[Trial]) -> dict[str, float | None]:
    return {t.run_id: y for t, y in observations(spec, trials)}


def test_finished_contributes_its_best_value_not_its_last() -> None:
    ys = _ys(_spec(), [_t("a", "finished", (5.0, 2.0, 3.0))])
    assert ys == {"a": 2.0}


def test_maximize_keeps_the_metric_direction() -> None:
    spec = _spec(goal="maximize")
    trials = [_t("a", "finished", best=0.9, last=0.7), _t("b", "failed", (0.2, 0.5), best=0.5, last=0.5)]
    ys = _ys(spec, trials)
    assert ys["a"] == 0.9
    assert ys["b"] == 0.2  # worst for maximize is the smallest value logged by any terminal trial


def test_failed_crashed_killed_are_imputed_by_the_worst_value_of_any_terminal_history() -> None:
    trials = [
        _t("done", "finished", (9.0, 1.0)),  # its untrained first epoch (9.0) is the worst value
        _t("fail", "failed", (4.0,)),
        _t("crash", "crashed"),
        _t("kill", "killed", (0.5,)),
        _t("live", "running", (100.0,)),  # not terminal: its values do not count
    ]
    ys = _ys(_spec(), trials)
    assert ys == {"done": 1.0, "fail": 9.0, "crash": 9.0, "kill": 9.0, "live": None}


def test_finished_without_the_metric_is_imputed() -> None:
    ys = _ys(_spec(), [_t("a", "finished", (3.0, 7.0)), _t("b", "finished")])
    assert ys["b"] == 7.0


def test_stopped_by_hyperband_counts_with_its_best_value() -> None:
    trials = [_t("a", "finished", (8.0, 2.0)), _t("s", "stopped", (6.0, 4.0)), _t("e", "stopped")]
    ys = _ys(_spec(), trials)
    assert ys["s"] == 4.0
    assert ys["e"] == 8.0  # stopped before logging anything: imputed


def test_impute_best_and_latest_use_the_trials_own_values() -> None:
    trials = [_t("a", "finished", (10.0, 1.0)), _t("f", "failed", (6.0, 3.0, 5.0))]
    assert _ys(_spec(impute="best"), trials)["f"] == 3.0
    assert _ys(_spec(impute="latest"), trials)["f"] == 5.0


def test_impute_best_without_own_values_falls_back_to_the_worst_not_zero() -> None:
    # W&B gives 0.0 here: a perfect loss for a run that crashed before logging.
    trials = [_t("a", "finished", (10.0, 1.0)), _t("f", "crashed")]
    assert _ys(_spec(impute="latest"), trials)["f"] == 10.0
    assert _ys(_spec(impute="best"), trials)["f"] == 10.0


def test_no_value_anywhere_imputes_zero_as_wandb() -> None:
    ys = _ys(_spec(), [_t("f", "failed"), _t("g", "crashed")])
    assert ys == {"f": 0.0, "g": 0.0}


def test_running_is_pending_unless_impute_while_running() -> None:
    trials = [_t("a", "finished", (10.0, 2.0)), _t("r", "running", (7.0, 4.0, 6.0)), _t("n", "running")]
    assert _ys(_spec(), trials)["r"] is None
    ys = _ys(_spec(impute_while_running="latest"), trials)
    assert ys["r"] == 6.0
    assert ys["n"] is None  # nothing logged yet: still pending
    assert _ys(_spec(impute_while_running="best"), trials)["r"] == 4.0
    assert _ys(_spec(impute_while_running="worst"), trials)["r"] == 10.0


def test_pending_is_none() -> None:
    assert _ys(_spec(), [_t("p", "pending")]) == {"p": None}


def test_non_finite_values_are_never_used() -> None:
    trials = [
        _t("a", "finished", (math.inf, 3.0, math.nan)),
        _t("nan", "finished", best=math.nan, last=math.nan),
        _t("f", "failed", (math.inf,), best=math.inf, last=math.inf),
    ]
    ys = _ys(_spec(), trials)
    assert ys["a"] == 3.0
    assert ys["nan"] == 3.0  # a NaN best is no value: imputed by the worst finite value
    assert ys["f"] == 3.0
    assert all(y is not None and math.isfinite(y) for y in ys.values())


def test_without_a_metric_nothing_is_observed() -> None:
    spec = parse_config({"method": "random", "parameters": {"x": {"min": 0.0, "max": 1.0}}})
    assert _ys(spec, [_t("a", "finished", (1.0,))]) == {"a": None}
