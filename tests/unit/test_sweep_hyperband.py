"""Hyperband's verdict on running trials, W&B's rule (reference/sweeps.md section 5)."""

from __future__ import annotations

from typing import Any

from trackwell.service.sweep_engine import SweepSpec, Trial, parse_config, runs_to_stop


def _spec(goal: str = "minimize", **early_terminate: Any) -> SweepSpec:
    return parse_config(
        {
            "method": "random",
            "metric": {"name": "val/loss", "goal": goal},
            "parameters": {"x": {"min": 0.0, "max": 1.0}},
            "early_terminate": {"type": "hyperband", **early_terminate},
        }
    )


def _trials(sign: float = 1.0) -> list[Trial]:
    histories = {
        "f1": ("finished", [5, 4, 3, 2]),
        "f2": ("finished", [6, 5, 5, 5]),
        "r1": ("running", [9, 1]),
        "r2": ("running", [1, 7]),
        "r3": ("running", [9, 9, 9, 9]),
        "r4": ("running", [5]),
    }
    return [
        Trial(run_id, {"x": 0.5}, state, history=tuple(sign * v for v in history))  # type: ignore[arg-type]
        for run_id, (state, history) in histories.items()
    ]


def test_the_worked_example_strict() -> None:
    spec = _spec(min_iter=2, eta=2)
    assert spec.early_terminate is not None and spec.early_terminate.bands[:3] == (2, 4, 8)
    assert runs_to_stop(spec, _trials()) == [
        ("r2", "hyperband: val/loss 7 at iteration 2 is worse than the band-2 threshold 5"),
        ("r3", "hyperband: val/loss 9 at iteration 4 is worse than the band-4 threshold 5"),
    ]


def test_the_worked_example_non_strict_judges_the_best_value_so_far() -> None:
    assert runs_to_stop(_spec(min_iter=2, eta=2, strict=False), _trials()) == [
        ("r3", "hyperband: val/loss 9 (best of 4 iterations) is worse than the band-4 threshold 5"),
    ]


def test_maximize_is_the_mirror_image() -> None:
    stops = runs_to_stop(_spec("maximize", min_iter=2, eta=2), _trials(sign=-1.0))
    assert stops == [
        ("r2", "hyperband: val/loss -7 at iteration 2 is worse than the band-2 threshold -5"),
        ("r3", "hyperband: val/loss -9 at iteration 4 is worse than the band-4 threshold -5"),
    ]


def test_only_running_trials_with_a_passed_band_are_judged() -> None:
    spec = _spec(min_iter=2, eta=2)
    trials = [
        Trial("best", {}, "finished", history=(1.0, 1.0)),
        Trial("bad-but-done", {}, "finished", history=(9.0, 9.0)),
        Trial("bad-pending", {}, "pending", history=(9.0, 9.0)),
        Trial("no-history", {}, "running", history=None),
        Trial("too-short", {}, "running", history=(100.0,)),
    ]
    assert runs_to_stop(spec, trials) == []
    # The lone run of a band survives only as the best value there (threshold index floor(1/eta) = 0).
    alone = [Trial("only", {}, "running", history=(3.0, 2.0))]
    assert runs_to_stop(spec, alone) == []


def test_only_the_latest_band_counts() -> None:
    spec = _spec(min_iter=1, eta=3)  # bands 1, 3, 9, ...
    trials = [
        Trial("a", {}, "finished", history=(1.0, 1.0, 1.0)),
        Trial("b", {}, "finished", history=(2.0, 2.0, 2.0)),
        # Worse than the band-1 threshold (1) at iteration 1, but judged at band 3 only, where it is best.
        Trial("late-bloomer", {}, "running", history=(10.0, 5.0, 0.5)),
    ]
    assert runs_to_stop(spec, trials) == []
    trials.append(Trial("slow", {}, "running", history=(10.0, 5.0, 3.0, 2.5)))
    # Band 3 now holds 1, 2, 0.5, 3: index floor(4/3) = 1, threshold 1.
    assert runs_to_stop(spec, trials) == [
        ("slow", "hyperband: val/loss 3 at iteration 3 is worse than the band-3 threshold 1")
    ]


def test_max_iter_ladders_and_eta_three_quantiles() -> None:
    spec = _spec(max_iter=27, s=2)  # bands 3, 9
    finished = [Trial(f"f{i}", {}, "finished", history=(float(i),) * 3) for i in range(5)]  # 0..4 at band 3
    judged = Trial("r", {}, "running", history=(2.0, 2.0, 2.0))
    # Band 3 holds 0, 1, 2, 3, 4 and the judged 2: n = 6, index floor(6/3) = 2 of [0, 1, 2, 2, 3, 4]: 2.
    assert runs_to_stop(spec, [*finished, judged]) == []
    worse = Trial("w", {}, "running", history=(2.5, 2.5, 2.5))
    assert runs_to_stop(spec, [*finished, judged, worse]) == [
        ("w", "hyperband: val/loss 2.5 at iteration 3 is worse than the band-3 threshold 2")
    ]


def test_no_early_terminate_stops_nothing() -> None:
    spec = parse_config({"method": "random", "metric": {"name": "m"}, "parameters": {"x": {"value": 1}}})
    assert runs_to_stop(spec, [Trial("r", {}, "running", history=(9.0, 9.0))]) == []
