"""Grid points in W&B's order, their identity (``params_key``), and the grid through ``propose``."""

from __future__ import annotations

import math
import time
from typing import Any

import pytest

from trackwell.schema.errors import SweepConfigInvalid
from trackwell.service.sweep_engine import Trial, grid_points, params_key, parse_config, propose
from trackwell.service.sweep_engine.grid import grid_size


def _grid(parameters: dict[str, Any]) -> list[dict[str, Any]]:
    return grid_points(parse_config({"method": "grid", "parameters": parameters}))


def test_the_product_is_over_sorted_names_with_the_last_varying_fastest() -> None:
    points = _grid(
        {"c": {"values": ["x", "y", "z"]}, "a": {"values": [1, 2]}, "b": {"values": [10, 20, 30, 40]}}
    )
    assert len(points) == 24  # W&B's verified 2 x 4 x 3
    assert points[:4] == [
        {"a": 1, "b": 10, "c": "x"},
        {"a": 1, "b": 10, "c": "y"},
        {"a": 1, "b": 10, "c": "z"},
        {"a": 1, "b": 20, "c": "x"},
    ]
    assert points[-1] == {"a": 2, "b": 40, "c": "z"}
    assert len({params_key(p) for p in points}) == 24


def test_int_uniform_is_every_integer_and_constants_are_in_every_point() -> None:
    points = _grid({"n": {"min": -1, "max": 2}, "k": {"value": {"deep": [1, 2]}}})
    assert [p["n"] for p in points] == [-1, 0, 1, 2]
    assert all(type(p["n"]) is int for p in points)
    assert all(p["k"] == {"deep": [1, 2]} for p in points)


def test_q_uniform_is_the_multiples_of_q_with_max_included_and_no_float_error() -> None:
    points = _grid({"lr": {"distribution": "q_uniform", "min": 0.1, "max": 0.5, "q": 0.1}})
    assert [p["lr"] for p in points] == [0.1, 0.2, 0.3, 0.4, 0.5]  # not 0.30000000000000004; max included
    ints = _grid({"w": {"distribution": "q_uniform", "min": 3, "max": 17, "q": 4}})
    assert [p["w"] for p in ints] == [4, 8, 12, 16] and all(type(p["w"]) is int for p in ints)
    # The default q is 1.0 (W&B's): floats.
    assert [p["x"] for p in _grid({"x": {"distribution": "q_uniform", "min": 0, "max": 2}})] == [
        0.0,
        1.0,
        2.0,
    ]


def test_repeated_values_are_one_point() -> None:
    points = _grid({"a": {"values": [1, 1.0, 2, True, "1"]}})
    assert [p["a"] for p in points] == [1, 2, True, "1"]  # 1.0 is 1; True and "1" are not


def test_nested_parameters_are_flat_in_points() -> None:
    points = _grid(
        {
            "opt": {"parameters": {"name": {"values": ["adam", "sgd"]}, "lr": {"values": [0.1, 0.01]}}},
            "bs": {"value": 8},
        }
    )
    assert points == [
        {"bs": 8, "opt.lr": 0.1, "opt.name": "adam"},
        {"bs": 8, "opt.lr": 0.1, "opt.name": "sgd"},
        {"bs": 8, "opt.lr": 0.01, "opt.name": "adam"},
        {"bs": 8, "opt.lr": 0.01, "opt.name": "sgd"},
    ]


def test_params_key_treats_integral_floats_as_ints_and_dicts_by_content() -> None:
    assert params_key({"a": 3e6, "b": 2.0}) == params_key({"b": 2, "a": 3000000})
    assert params_key({"d": {"x": 1, "y": [1.0, 2]}}) == params_key({"d": {"y": [1, 2], "x": 1.0}})
    assert params_key({"a": True}) != params_key({"a": 1})
    assert params_key({"a": 0.1}) != params_key({"a": 0.10000001})
    assert params_key({"a": math.nan}) == params_key({"a": float("nan")})
    assert params_key({"a": "é"}) == '{"a":"\\u00e9"}'  # stable ASCII JSON


def test_grids_past_a_million_points_are_a_config_problem() -> None:
    with pytest.raises(SweepConfigInvalid) as caught:
        parse_config(
            {"method": "grid", "parameters": {"a": {"min": 0, "max": 999}, "b": {"min": 0, "max": 1000}}}
        )
    assert caught.value.problems == [
        "parameters make a grid of 1,001,000 points, more than 1,000,000 "
        "(use method: random or bayes, or fewer values)"
    ]
    spec = parse_config(
        {"method": "grid", "parameters": {"a": {"min": 0, "max": 999}, "b": {"min": 1, "max": 1000}}}
    )
    assert grid_size(spec.params) == 1_000_000


def test_propose_walks_the_grid_and_skips_points_held_in_any_state() -> None:
    spec = parse_config(
        {"method": "grid", "parameters": {"a": {"values": [1, 2]}, "b": {"min": 1, "max": 2}}}
    )
    trials = [
        Trial("r1", {"a": 1, "b": 1}, "failed"),  # W&B does not retry failed grid points
        Trial("r2", {"a": 1.0, "b": 2.0}, "running"),  # the same point after a JSON round trip
        Trial("r3", {"a": 7, "b": 1}, "finished"),  # off the grid (e.g. a prior run): holds nothing
    ]
    proposal = propose(spec, trials, seed=0)
    assert proposal is not None
    assert proposal.params == {"a": 2, "b": 1}
    assert proposal.args == {"a": {"value": 2}, "b": {"value": 1}}
    assert proposal.info == {"grid_index": 2, "grid_size": 4}
    trials.append(Trial("r4", {"a": 2, "b": 2}, "pending"))
    assert propose(spec, trials, seed=0).params == {"a": 2, "b": 1}  # type: ignore[union-attr]
    trials.append(Trial("r5", {"a": 2, "b": 1}, "pending"))
    assert propose(spec, trials, seed=0) is None  # exhausted


def test_a_resumed_grid_proposes_only_what_is_missing() -> None:
    spec = parse_config({"method": "grid", "parameters": {"a": {"min": 1, "max": 5}}})
    # Runs 2 and 4 were deleted: the controller passes only the trials whose runs exist.
    trials = [Trial(f"r{a}", {"a": a}, "finished") for a in (1, 3, 5)]
    proposed = []
    while (proposal := propose(spec, trials, seed=0)) is not None:
        proposed.append(proposal.params["a"])
        trials.append(Trial(f"r{proposal.params['a']}", proposal.params, "running"))
    assert proposed == [2, 4]


def test_q_uniform_trial_values_are_recognised_through_float_noise() -> None:
    spec = parse_config(
        {"method": "grid", "parameters": {"x": {"distribution": "q_uniform", "min": 0, "max": 0.3, "q": 0.1}}}
    )
    trials = [Trial("r", {"x": v}, "finished") for v in (0.0, 0.1, 0.30000000000000004)]
    assert propose(spec, trials, seed=0).params == {"x": 0.2}  # type: ignore[union-attr]


def test_grid_propose_at_5000_points_and_5000_trials_is_fast() -> None:
    spec = parse_config(
        {
            "method": "grid",
            "parameters": {
                "a": {"min": 1, "max": 50},
                "b": {"values": list(range(20))},
                "c": {"values": ["x", "y", "z", "w", "v"]},
            },
        }
    )
    points = grid_points(spec)
    assert len(points) == 5000
    trials = [Trial(f"r{i}", p, "finished") for i, p in enumerate(points[:4999])]
    best = math.inf
    for _ in range(10):  # CPU time, best of 10: the machine is shared, one wall-clock timing is noise
        start = time.process_time()
        proposal = propose(spec, trials, seed=0)
        best = min(best, time.process_time() - start)
    assert proposal is not None and proposal.params == points[4999]
    assert best < 0.02, f"grid propose took {best * 1000:.1f} ms"
    trials.append(Trial("last", points[4999], "running"))
    assert propose(spec, trials, seed=0) is None


def test_numpy_scalars_are_plain_numbers_to_params_key() -> None:
    import numpy as np

    assert params_key({"a": np.int64(3), "b": np.float64(0.5), "c": np.float32(2.0)}) == params_key(
        {"a": 3, "b": 0.5, "c": 2}
    )
    assert params_key({"d": {"x": np.bool_(True)}}) == params_key({"d": {"x": True}})
