"""bayes.suggest through the engine's propose: initial design, the model's proposals, parallel agents,
typed values, degenerate data, and what one suggestion costs (counted, not timed)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from trackwell.service.sweep_engine import Trial, params_key, parse_config, propose
from trackwell.service.sweep_engine.bayes import gp, initial_trials

MIXED = {
    "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
    "weight_decay": {"distribution": "log_uniform_values", "min": 1e-6, "max": 1e-2},
    "layers": {"min": 1, "max": 8},
    "optimizer": {"values": ["sgd", "adam", "rmsprop"]},
}
_OPT = {"sgd": (0.3, -1.5), "adam": (0.0, -3.0), "rmsprop": (0.1, -2.5)}


def _mixed(p: dict[str, Any]) -> float:
    offset, best_lr = _OPT[p["optimizer"]]
    lr, wd = math.log10(p["lr"]), math.log10(p["weight_decay"])
    return offset + 0.2 * (lr - best_lr) ** 2 + 0.1 * (wd + 4) ** 2 + 0.02 * (p["layers"] - 5) ** 2


def _spec(parameters: dict[str, Any], goal: str = "minimize") -> Any:
    return parse_config(
        {"method": "bayes", "metric": {"name": "loss", "goal": goal}, "parameters": parameters}
    )


def _finished(i: int, params: dict[str, Any], y: float) -> Trial:
    return Trial(f"run{i}", params, "finished", best=y, last=y, history=(y,))


def _search(spec: Any, f: Any, n: int, seed: int = 0) -> list[Trial]:
    trials: list[Trial] = []
    for i in range(n):
        proposal = propose(spec, trials, seed=seed + 7919 * i)
        assert proposal is not None
        trials.append(_finished(i, proposal.params, f(proposal.params)))
    return trials


def test_mixed_space_finds_the_right_category_in_a_small_budget() -> None:
    trials = _search(_spec(MIXED), _mixed, 25, seed=3)
    best = min(trials, key=lambda t: t.best or math.inf)
    assert best.params["optimizer"] == "adam"
    assert best.best is not None and best.best < 0.02  # random search's median after 50 trials: ~0.08
    model_phase = trials[initial_trials(4) :]
    assert sum(t.params["optimizer"] == "adam" for t in model_phase) > len(model_phase) / 2


def test_maximize_climbs() -> None:
    spec = _spec({"x": {"min": 0.0, "max": 1.0}}, goal="maximize")
    trials = _search(spec, lambda p: -((p["x"] - 0.73) ** 2), 15)
    assert max(t.best or -1 for t in trials) > -1e-4


def test_proposals_carry_typed_values_and_the_wire_form() -> None:
    parameters = {**MIXED, "opt": {"parameters": {"beta": {"values": [0.9, 0.99]}, "eps": {"value": 1e-8}}}}
    spec = _spec(parameters)
    trials = _search(spec, _mixed, 12)
    proposal = propose(spec, trials, seed=99)
    assert proposal is not None
    p = proposal.params
    assert type(p["layers"]) is int and 1 <= p["layers"] <= 8
    assert p["optimizer"] in ("sgd", "adam", "rmsprop")
    assert 1e-5 <= p["lr"] <= 1e-1 and type(p["lr"]) is float
    assert p["opt.beta"] in (0.9, 0.99) and p["opt.eps"] == 1e-8
    assert proposal.args["opt"] == {"value": {"beta": p["opt.beta"], "eps": 1e-8}}
    assert proposal.args["layers"] == {"value": p["layers"]}
    info = proposal.info
    assert info["phase"] == "model"
    for key in (
        "predicted_value",
        "predicted_value_std_dev",
        "expected_improvement",
        "log_expected_improvement",
    ):
        assert math.isfinite(info[key])
    assert info["predicted_value_std_dev"] >= 0


def _pending(i: int, params: dict[str, Any]) -> Trial:
    return Trial(f"pend{i}", params, "pending")


@pytest.mark.parametrize("finished", [0, 12])
def test_four_agents_at_once_get_four_distinct_spread_proposals(finished: int) -> None:
    """W&B's bug: 4 bayes agents starting together got 4 identical proposals. Here each lease is a
    pending trial when the next agent asks (the controller's order), in the initial design and with
    a model (kriging believer)."""
    spec = _spec({"x": {"min": 0.0, "max": 1.0}, "y": {"min": 0.0, "max": 1.0}})
    trials = _search(spec, lambda p: (p["x"] - 0.5) ** 2 + (p["y"] - 0.5) ** 2, finished)
    got = []
    for k in range(4):
        proposal = propose(spec, trials, seed=1234 + k)  # the controller's seed per proposal
        assert proposal is not None
        got.append(np.array([proposal.params["x"], proposal.params["y"]]))
        trials.append(_pending(k, proposal.params))
    gaps = [np.linalg.norm(a - b) for i, a in enumerate(got) for b in got[i + 1 :]]
    assert min(gaps) > 0.02, got


def test_running_trials_are_pending_and_spread_the_next_proposal() -> None:
    spec = _spec({"x": {"min": 0.0, "max": 1.0}})
    trials = _search(spec, lambda p: (p["x"] - 0.3) ** 2, 10)
    first = propose(spec, trials, seed=5)
    assert first is not None
    trials.append(Trial("r", first.params, "running", best=None, last=None))
    second = propose(spec, trials, seed=6)
    assert second is not None
    assert abs(second.params["x"] - first.params["x"]) > 1e-3


def test_discrete_space_is_not_repeated_until_exhausted() -> None:
    spec = _spec({"n": {"min": 1, "max": 3}, "opt": {"values": ["a", "b"]}})
    trials = _search(spec, lambda p: p["n"] + (p["opt"] == "b"), 6)
    assert len({params_key(t.params) for t in trials}) == 6
    again = propose(spec, trials, seed=1)  # exhausted: a repeat is allowed, not an error
    assert again is not None


def test_no_nan_on_constant_y_duplicates_and_one_observation() -> None:
    spec = _spec({"x": {"min": 0.0, "max": 1.0}, "c": {"values": ["a", "b"]}})
    same = {"x": 0.25, "c": "a"}
    cases = {
        "constant y": [_finished(i, {"x": i / 12, "c": "ab"[i % 2]}, 1.0) for i in range(12)],
        "duplicates": [_finished(i, same, 2.0 + (i % 2) * 1e-12) for i in range(12)],
        "one observation": [_finished(0, same, 3.0)] + [_pending(i, same) for i in range(5)],
        "all failed": [Trial(f"f{i}", {"x": i / 12, "c": "a"}, "failed") for i in range(12)],
    }
    for name, trials in cases.items():
        proposal = propose(spec, trials, seed=7)
        assert proposal is not None, name
        assert 0.0 <= proposal.params["x"] <= 1.0 and proposal.params["c"] in ("a", "b"), name
        for key, value in proposal.info.items():
            assert not (isinstance(value, float) and math.isnan(value)), (name, key)


def test_same_state_same_seed_same_proposal() -> None:
    spec = _spec(MIXED)
    trials = _search(spec, _mixed, 12)
    a, b = propose(spec, trials, seed=11), propose(spec, trials, seed=11)
    assert a is not None and b is not None and a.params == b.params


def test_one_suggestion_costs_one_bounded_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    """What keeps a suggestion under 100 ms at 200 trials (benchmarks/sweeps_hpo.py times it): one
    GP fit per suggestion, on at most FIT_MAX points, with a bounded number of likelihood steps."""
    rng = np.random.default_rng(0)
    spec = _spec({f"x{i}": {"min": 0.0, "max": 1.0} for i in range(10)})
    trials = []
    for i in range(200):
        params = {f"x{j}": float(v) for j, v in enumerate(rng.random(10))}
        trials.append(_finished(i, params, float(sum((v - 0.5) ** 2 for v in params.values()))))
    fits: list[int] = []
    sizes: list[int] = []
    real_fit, real_nlp = gp.fit, gp._neg_log_posterior

    def counting_fit(x: Any, y: Any, *args: Any, **kw: Any) -> Any:
        fits.append(len(y))
        return real_fit(x, y, *args, **kw)

    def counting_nlp(theta: Any, dists: Any, y: Any) -> Any:
        sizes.append(len(y))
        return real_nlp(theta, dists, y)

    monkeypatch.setattr(gp, "fit", counting_fit)
    monkeypatch.setattr(gp, "_neg_log_posterior", counting_nlp)
    proposal = propose(spec, trials, seed=1)
    assert proposal is not None and proposal.info["phase"] == "model"
    assert fits == [200]  # the posterior uses every observation...
    assert set(sizes) == {gp.FIT_MAX}  # ...the hyperparameters a subset
    assert len(sizes) <= 2 * 200  # two L-BFGS-B starts of at most 200 steps


def test_a_weighted_category_with_probability_zero_is_never_proposed() -> None:
    spec = _spec(
        {
            "x": {"min": 0.0, "max": 1.0},
            "opt": {"values": ["never", "a", "b"], "probabilities": [0.0, 0.5, 0.5]},
        }
    )
    # "never" would be the best category if the model could extrapolate to it: it must not be tried.
    trials = _search(spec, lambda p: (p["x"] - 0.5) ** 2 + (p["opt"] == "b"), 14)
    assert all(t.params["opt"] != "never" for t in trials)
    assert {t.params["opt"] for t in trials} == {"a", "b"}


def test_a_sweep_of_thousands_of_trials_conditions_on_a_bounded_subset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(1)
    spec = _spec({"x": {"min": 0.0, "max": 1.0}, "y": {"min": 0.0, "max": 1.0}})
    trials = [
        _finished(i, {"x": float(a), "y": float(b)}, float((a - 0.2) ** 2 + (b - 0.7) ** 2))
        for i, (a, b) in enumerate(rng.random((3000, 2)))
    ]
    trials += [_pending(i, {"x": 0.5, "y": 0.5}) for i in range(300)]
    sizes: list[int] = []
    real_fit = gp.fit

    def counting_fit(x: Any, y: Any, *args: Any, **kw: Any) -> Any:
        sizes.append(len(y))
        return real_fit(x, y, *args, **kw)

    monkeypatch.setattr(gp, "fit", counting_fit)
    proposal = propose(spec, trials, seed=2)
    assert proposal is not None and proposal.info["phase"] == "model"
    assert sizes == [300]
    # The best observations are all kept: the proposal is in the good region.
    assert abs(proposal.params["x"] - 0.2) < 0.1 and abs(proposal.params["y"] - 0.7) < 0.1
