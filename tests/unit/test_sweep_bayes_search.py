"""bayes' output warping and acquisition search: the warp keeps order and round-trips, the refinement
climbs from the incumbent, proposals stay in bounds, and the search beats random search on Branin."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from trackwell.service.sweep_engine import Trial, bayes, parse_config, propose
from trackwell.service.sweep_engine.bayes import acquisition, gp
from trackwell.service.sweep_engine.bayes.warping import LAMBDA_BOUNDS, OutputWarp

BRANIN_MIN = 0.397887357729739


def _branin(p: dict[str, Any]) -> float:
    x1, x2 = float(p["x1"]), float(p["x2"])
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 * x1 + c * x1 - 6.0) ** 2 + 10.0 * (1 - t) * math.cos(x1) + 10.0


def _search(
    method: str, parameters: dict[str, Any], f: Any, n: int, seed: int, run: str = "run"
) -> list[Trial]:
    """``n`` trials with the controller's seeds (``seed + 7919 i``); run ids ``{run}{i}`` (the first
    one scrambles the initial design)."""
    spec = parse_config({"method": method, "metric": {"name": "loss"}, "parameters": parameters})
    trials: list[Trial] = []
    for i in range(n):
        proposal = propose(spec, trials, seed=seed + 7919 * i)
        assert proposal is not None
        y = f(proposal.params)
        trials.append(Trial(f"{run}{i}", proposal.params, "finished", best=y, last=y, history=(y,)))
    return trials


def test_warp_keeps_the_order_pulls_in_a_far_tail_and_round_trips() -> None:
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(0.0, 0.1, 40), [-3.0, -2.9, -2.5]])  # a narrow, deep bump
    warp = OutputWarp(values)
    assert LAMBDA_BOUNDS[0] <= warp.lam <= LAMBDA_BOUNDS[1]
    assert np.array_equal(np.argsort(warp.y), np.argsort(values))
    assert abs(float(np.mean(warp.y))) < 1e-9 and abs(float(np.std(warp.y)) - 1.0) < 1e-9
    plain = (values - values.mean()) / values.std()
    assert warp.y.min() > plain.min() + 0.2  # the best value is fewer standard deviations out
    assert np.allclose(warp.unwarp(warp.y), values, atol=1e-9)


def test_warp_of_constant_or_tiny_data_is_finite() -> None:
    for values in (np.full(5, 2.0), np.array([1.0]), np.array([1.0, 2.0])):
        warp = OutputWarp(values)
        assert np.all(np.isfinite(warp.y))
        assert np.allclose(warp.unwarp(warp.y), values)


def test_refinement_from_the_incumbent_reaches_the_peak_of_ei() -> None:
    """A quadratic bowl in 3-d with one short length scale: the refined shortlist's best point has
    log EI at least that of every candidate, and lands near the bowl's minimum."""
    rng = np.random.default_rng(1)
    x = rng.random((25, 3))
    centre = np.array([0.31, 0.62, 0.47])
    y = np.sum(((x - centre) * np.array([8.0, 1.0, 1.0])) ** 2, axis=1)
    y = (y - y.mean()) / y.std()
    is_cat = np.zeros(3, dtype=bool)
    model = gp.fit(x, y, is_cat, rng)
    cands = acquisition.candidates(x, y, is_cat, lambda u: u, rng)
    best = float(y.min())
    rows, vals = acquisition.shortlist(model, cands, best, rng, x[int(np.argmin(y))])
    cand_scores, _, _ = acquisition.log_ei(model, cands, best)
    assert vals[0] >= float(cand_scores.max()) - 1e-9
    assert np.all((rows >= 0.0) & (rows <= 1.0))
    assert abs(rows[0][0] - centre[0]) < 0.1


def test_proposals_stay_inside_bounds_with_types_in_six_dimensions() -> None:
    parameters: dict[str, Any] = {f"x{i}": {"min": 0.0, "max": 1.0} for i in range(4)}
    parameters["n"] = {"min": 2, "max": 9}
    parameters["act"] = {"values": ["relu", "tanh", "gelu"]}
    trials = _search(
        "bayes",
        parameters,
        lambda p: sum((p[f"x{i}"] - 0.2) ** 2 for i in range(4)) + 0.1 * (p["act"] != "tanh") + 0.01 * p["n"],
        20,
        seed=4,
    )
    for t in trials:
        assert all(type(t.params[f"x{i}"]) is float and 0.0 <= t.params[f"x{i}"] <= 1.0 for i in range(4))
        assert type(t.params["n"]) is int and 2 <= t.params["n"] <= 9
        assert t.params["act"] in ("relu", "tanh", "gelu")


def test_branin_after_30_trials_beats_random_search_by_orders_of_magnitude() -> None:
    """Random search's median regret on Branin after 50 trials is ~0.8 (benchmarks/RESULTS.md); bayes
    gets below 0.01 in 30 at this seed, which random search at the same seed does not."""
    parameters = {"x1": {"min": -5.0, "max": 10.0}, "x2": {"min": 0.0, "max": 15.0}}
    bayes = min(t.best or math.inf for t in _search("bayes", parameters, _branin, 30, seed=11))
    random = min(t.best or math.inf for t in _search("random", parameters, _branin, 30, seed=11))
    assert bayes - BRANIN_MIN < 0.01
    assert random - BRANIN_MIN > 0.01


def test_branin_seed_that_stuck_on_the_bound_finds_the_optimum() -> None:
    """benchmarks/sweeps_hpo.py --direct, Branin seed 87: the model's length scales grew to the
    whole range, every proposal from the 13th on sat on the bound x1 = 10 (regret 1.55, refined to
    the 6th digit) while the optimum lies at x1 = 9.42. The exploring steps (length scales cut to
    half the range, one model step in three) find it."""
    parameters = {"x1": {"min": -5.0, "max": 10.0}, "x2": {"min": 0.0, "max": 15.0}}
    trials = _search("bayes", parameters, _branin, 50, seed=1_000_003 * 88, run="s87-t")
    assert min(t.best or math.inf for t in trials) - BRANIN_MIN < 0.01
    on_bound = [t for t in trials[12:] if t.params["x1"] == 10.0]
    assert len(on_bound) < 19  # it was all 38


def test_one_model_step_in_three_explores_with_shorter_length_scales() -> None:
    parameters = {"x1": {"min": -5.0, "max": 10.0}, "x2": {"min": 0.0, "max": 15.0}}
    spec = parse_config({"method": "bayes", "metric": {"name": "loss"}, "parameters": parameters})
    trials = _search("bayes", parameters, _branin, 12, seed=5)
    flags = []
    for n in (9, 10, 11, 12):
        proposal = propose(spec, trials[:n], seed=3)
        assert proposal is not None and proposal.info["phase"] == "model"
        flags.append(proposal.info["explore"])
    assert flags == [False, False, True, False]
    # The exploring model is sure of less between the data, and still passes through them.
    rng = np.random.default_rng(0)
    x = rng.random((12, 2))
    y = np.sin(3.0 * x[:, 0]) + x[:, 1]
    model = gp.fit(x, (y - y.mean()) / y.std(), np.zeros(2, dtype=bool), rng)
    wiggly = bayes._explorer(model)
    assert np.all(np.exp(wiggly.hyper.log_ls) <= bayes.EXPLORE_LS_MAX + 1e-12)
    between = rng.random((200, 2))
    assert np.mean(wiggly.predict(between)[1]) > 1.2 * np.mean(model.predict(between)[1])
    assert np.allclose(wiggly.predict(x)[0], model.predict(x)[0], atol=0.05)
