"""Every problem ``parse_config`` reports: by its path, with a fix, all of them at once.

The messages are the user interface (the server returns them as ``error.problems``), so they are
compared whole.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from trackwell.schema.errors import SweepConfigInvalid
from trackwell.service.sweep_engine import parse_config

X = {"x": {"value": 1}}
M = {"name": "m"}


def _problems(config: Any) -> list[str]:
    with pytest.raises(SweepConfigInvalid) as caught:
        parse_config(config)
    return caught.value.problems


def _param_problems(setting: Any, method: str = "random") -> list[str]:
    return _problems({"method": method, "parameters": {"x": setting}})


def test_the_issues_example_and_every_problem_in_one_answer() -> None:
    problems = _problems(
        {
            "method": "grid",
            "paramters": {},
            "metric": {"name": "loss", "goal": "minimise"},
            "parameters": {"learning_rate": {"min": 0.1, "max": 0.01}, "x": {"mn": 1}},
            "run_cap": 0,
        }
    )
    assert problems == [
        "paramters is not a sweep config key (the keys are method, metric, parameters, early_terminate, "
        "run_cap, program, command, name, description, project or entity; did you mean parameters?)",
        "metric.goal must be minimize or maximize, not 'minimise' (spell it minimize or maximize; "
        "did you mean minimize?; W&B silently reads an unknown goal as minimize)",
        "parameters.learning_rate.min must be less than max (got min 0.1 and max 0.01)",
        "parameters.x has unknown key 'mn' (a parameter takes distribution, value, values, probabilities, "
        "min, max, q, mu, sigma, a, b or parameters; did you mean min?)",
        "run_cap must be a positive integer, not 0 (e.g. run_cap: 50)",
    ]
    error = SweepConfigInvalid(problems)
    assert error.code == "invalid_sweep_config" and "5 problems" in str(error)


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        (
            0.1,
            "parameters.x must be a mapping such as {values: [...]}, {value: ...} or {min: ..., max: ...}, "
            "not 0.1 (for a constant write {value: 0.1})",
        ),
        ({}, "parameters.x is empty (give values: [...], value: ..., or min and max)"),
        (
            {"value": 1, "values": [1]},
            "parameters.x has both value and values (value is a constant, values a list to choose from)",
        ),
        (
            {"values": [1], "min": 0},
            "parameters.x mixes values with min/max (a parameter is either a list of values or a range)",
        ),
        (
            {"min": 0, "max": 1, "q": 0.1},
            "parameters.x has max, min and q but no distribution (add the distribution "
            "meant (q_uniform, q_log_uniform_values, normal, log_normal, beta, ...); only values, value and "
            "min/max are inferred)",
        ),
        ({"min": 0}, "parameters.x needs both min and max"),
        (
            {"probabilities": [1]},
            "parameters.x has probabilities without values (give values: [...] with one probability each)",
        ),
        (
            {"distribution": "gaussian"},
            "parameters.x.distribution 'gaussian' is not a distribution (use one of constant, "
            "categorical, categorical_w_probabilities, int_uniform, uniform, q_uniform, log_uniform, "
            "log_uniform_values, "
            "q_log_uniform, q_log_uniform_values, inv_log_uniform, inv_log_uniform_values, normal, "
            "q_normal, log_normal, "
            "q_log_normal, beta or q_beta; did you mean normal?)",
        ),
        (
            {"distribution": "categorical", "values": [1, 2], "probabilities": [0.5, 0.5]},
            "parameters.x has probabilities, "
            "which distribution categorical does not take (use distribution: categorical_w_probabilities, "
            "or leave distribution out)",
        ),
        (
            {"distribution": "uniform", "min": 0, "max": 1, "q": 1},
            "parameters.x has q, which distribution uniform does not "
            "take (uniform takes min, max and distribution)",
        ),
        ({"distribution": "uniform", "min": 0}, "parameters.x needs max for distribution uniform"),
        ({"distribution": "categorical"}, "parameters.x needs values for distribution categorical"),
        ({"values": []}, "parameters.x.values must be a non-empty list, not [] (e.g. values: [32, 64, 128])"),
        (
            {"values": "abc"},
            "parameters.x.values must be a non-empty list, not 'abc' (e.g. values: [32, 64, 128])",
        ),
        (
            {"values": [1, 2], "probabilities": [1.0]},
            "parameters.x.probabilities has 1 entry for 2 values (give one probability per value)",
        ),
        (
            {"values": [1, 2], "probabilities": [0.5, -0.5]},
            "parameters.x.probabilities must be a list of numbers >= 0, "
            "not [0.5, -0.5] (e.g. probabilities: [0.5, 0.3, 0.2])",
        ),
        (
            {"values": [1, 2], "probabilities": [0.5, 0.4]},
            "parameters.x.probabilities sum to 0.9, not 1 (make the probabilities add up to 1)",
        ),
        (
            {"min": "0", "max": 1},
            "parameters.x.min must be a finite number, not '0' (write 0 without quotes)",
        ),
        ({"min": 0.0, "max": float("inf")}, "parameters.x.max must be a finite number, not inf"),
        ({"min": 2, "max": 2}, "parameters.x.min must be less than max (got min 2 and max 2)"),
        (
            {"distribution": "int_uniform", "min": 0.0, "max": 5},
            "parameters.x.min must be an integer for int_uniform, "
            "not 0.0 (write 3, not 3.0; or use distribution: uniform for real numbers)",
        ),
        (
            {"distribution": "q_log_uniform_values", "min": -1, "max": 2},
            "parameters.x.min must be greater than 0 for "
            "q_log_uniform_values, not -1 (a log scale has no 0; e.g. min: 1e-5)",
        ),
        (
            {"distribution": "log_uniform_values", "min": 0, "max": 2},
            "parameters.x.min must be greater than 0 for "
            "log_uniform_values, not 0 (a log scale has no 0; e.g. min: 1e-5)",
        ),
        (
            {"distribution": "inv_log_uniform_values", "min": 0, "max": 2},
            "parameters.x.min must be greater than 0 for "
            "inv_log_uniform_values, not 0 (a log scale has no 0; e.g. min: 1e-5)",
        ),
        (
            {"distribution": "log_uniform", "min": 0, "max": 800},
            "parameters.x has exponents beyond 700: e^800 overflows "
            "(log_uniform takes natural-log exponents; use log_uniform_values for the values)",
        ),
        ({"distribution": "normal", "sigma": 0}, "parameters.x.sigma must be a number greater than 0, not 0"),
        ({"distribution": "normal", "mu": "a"}, "parameters.x.mu must be a finite number, not 'a'"),
        (
            {"distribution": "q_uniform", "min": 0.1, "max": 0.2, "q": 1},
            "parameters.x.q 1 has no multiple between 0.1 and 0.2 (lower q or widen the range)",
        ),
        (
            {"distribution": "q_uniform", "min": 0, "max": 1, "q": 0},
            "parameters.x.q must be a number greater than 0, not 0",
        ),
        (
            {"parameters": {"y": {"value": 1}}, "value": 2},
            "parameters.x mixes parameters with value (a nested parameter holds only parameters)",
        ),
        (
            {"parameters": {}},
            "parameters.x.parameters must hold at least one parameter (e.g. lr: {min: 0.0001, max: 0.1})",
        ),
        # Nested parameters get every check (W&B checks them only when it samples them).
        (
            {"parameters": {"y": {"min": 1, "max": 0}}},
            "parameters.x.parameters.y.min must be less than max (got min 1 and max 0)",
        ),
        (
            {"parameters": {"bad name": {"value": 1}}},
            "parameters.x.parameters.bad name is not a valid parameter name "
            "(a name starts with a letter or _ and holds only letters, digits, _ . and -)",
        ),
    ],
)
def test_a_parameter_problem_names_its_path_and_the_fix(setting: Any, problem: str) -> None:
    assert _param_problems(setting) == [problem]


def test_beta_shape_problems_are_each_reported() -> None:
    assert _param_problems({"distribution": "beta", "a": -1, "b": 0}) == [
        "parameters.x.a must be a number greater than 0, not -1",
        "parameters.x.b must be a number greater than 0, not 0",
    ]


def test_names_and_collisions() -> None:
    assert _problems({"method": "random", "parameters": {"1x": {"value": 1}, 5: {"value": 1}}}) == [
        "parameters.1x is not a valid parameter name (a name starts with a letter or _ and holds only "
        "letters, digits, _ . and -)",
        "parameters.5 is not a valid parameter name (a name starts with a letter or _ and holds only "
        "letters, digits, _ . and -)",
    ]
    assert _problems(
        {
            "method": "random",
            "parameters": {"opt.lr": {"value": 1}, "opt": {"parameters": {"lr": {"value": 2}}}},
        }
    ) == [
        "parameters define opt.lr twice: as a top-level name and nested (opt > lr) (rename one; both would "
        "be the flat name opt.lr)"
    ]


def test_method_and_top_level_problems() -> None:
    assert _problems({"parameters": X}) == ["method is required (use grid, random or bayes)"]
    assert _problems({"method": "evolution", "parameters": X}) == [
        "method must be grid, random or bayes, not 'evolution' (pick one)"
    ]
    assert _problems({"method": "Random", "parameters": X}) == [
        "method must be grid, random or bayes, not 'Random' (pick one; did you mean random?)"
    ]
    assert _problems({"method": "random"}) == [
        "parameters is required (e.g. parameters: {lr: {min: 0.0001, max: 0.1}})"
    ]
    assert _problems({"method": "random", "parameters": {}}) == [
        "parameters must hold at least one parameter (e.g. lr: {min: 0.0001, max: 0.1})"
    ]
    assert _problems(
        {"method": "random", "metrics": [M, M], "scheduler": {"engine": "optuna"}, "parameters": X}
    ) == [
        "metrics is not supported (multi-objective sweeps (metrics) are not supported; use metric: {name: "
        "..., goal: ...})",
        "scheduler is not supported (external schedulers are not supported; use method: grid, random or "
        "bayes)",
    ]
    assert _problems({"method": "random", "parameters": X, "run_cap": True}) == [
        "run_cap must be a positive integer, not True (e.g. run_cap: 50)"
    ]
    assert _problems(
        {"method": "random", "parameters": X, "program": 3, "command": "python train.py", "kind": "job"}
    ) == [
        "program must be a string, not 3",
        "command must be a list of tokens, not 'python train.py' (e.g. command: [${env}, ${interpreter}, "
        "${program}, ${args}])",
        "kind must be sweep, not 'job'",
    ]
    assert _problems({"method": "random", "parameters": X, "command": ["a", {"b": 1}]}) == [
        "command[1] must be a string, not {'b': 1}"
    ]
    assert _problems([1, 2]) == ["config must be a mapping (method, metric, parameters, ...), not [1, 2]"]


def test_metric_problems() -> None:
    assert _problems({"method": "random", "metric": "loss", "parameters": X}) == [
        "metric must be a mapping such as {name: val/loss, goal: minimize}, not 'loss'"
    ]
    assert _problems({"method": "random", "metric": {"goal": "maximize"}, "parameters": X}) == [
        "metric.name is required: the logged key to optimize (e.g. name: val/loss)"
    ]
    metric = {
        "name": "m",
        "goal": "max",
        "target": "high",
        "impute": "mean",
        "impute_while_running": True,
        "direction": "up",
    }
    assert _problems({"method": "random", "metric": metric, "parameters": X}) == [
        "metric has unknown key 'direction' (a metric takes name, goal, target, impute or "
        "impute_while_running)",
        "metric.goal must be minimize or maximize, not 'max' (spell it minimize or maximize; did you mean "
        "maximize?; "
        "W&B silently reads an unknown goal as minimize)",
        "metric.target must be a number, not 'high' (the value that finishes the sweep once a run reaches "
        "it)",
        "metric.impute must be worst, best or latest, not 'mean' (worst is the default)",
        "metric.impute_while_running must be false, worst, best or latest, not True",
    ]


def test_method_rules_tie_parts_together() -> None:
    assert _problems({"method": "bayes", "parameters": {"x": {"min": 0.0, "max": 1.0}}}) == [
        "metric is required for method bayes (add metric: {name: ..., goal: minimize or maximize})"
    ]
    assert _problems({"method": "bayes", "metric": M, "parameters": X}) == [
        "parameters are all constants, so bayes has nothing to search (give at least one parameter values "
        "or a range)"
    ]
    assert _problems(
        {"method": "random", "parameters": X, "early_terminate": {"type": "hyperband", "min_iter": 3}}
    ) == ["early_terminate needs a metric to compare runs by (add metric: {name: ..., goal: ...})"]


def test_grid_refuses_every_continuous_or_weighted_parameter() -> None:
    grid_fix = "(grid needs values; use values: [...] or int_uniform/q_uniform)"
    assert _problems(
        {
            "method": "grid",
            "parameters": {
                "a": {"min": 0.0, "max": 1.0},
                "b": {"distribution": "log_uniform_values", "min": 1e-3, "max": 1},
                "c": {"values": [1, 2], "probabilities": [0.5, 0.5]},
                "d": {"distribution": "normal"},
                "e": {"distribution": "q_log_uniform_values", "min": 1, "max": 8, "q": 1},
                "f": {"parameters": {"g": {"distribution": "beta"}}},
                "ok": {"values": [1, 2]},
            },
        }
    ) == [
        f"parameters.a is uniform, which grid cannot enumerate {grid_fix}",
        f"parameters.b is log_uniform_values, which grid cannot enumerate {grid_fix}",
        "parameters.c is categorical_w_probabilities, which grid cannot enumerate "
        "(grid tries every value once; drop probabilities, which weight random draws)",
        f"parameters.d is normal, which grid cannot enumerate {grid_fix}",
        f"parameters.e is q_log_uniform_values, which grid cannot enumerate {grid_fix}",
        f"parameters.f.parameters.g is beta, which grid cannot enumerate {grid_fix}",
    ]


def test_hyperband_problems() -> None:
    def problems(early_terminate: Any) -> list[str]:
        return _problems(
            {"method": "random", "metric": M, "parameters": X, "early_terminate": early_terminate}
        )

    assert problems(
        {"type": "asha", "eta": 1, "strict": "yes", "min_iter": 1.5, "max_iter": 0, "brackets": 3}
    ) == [
        "early_terminate has unknown key 'brackets' (hyperband takes type, min_iter, max_iter, s, eta or "
        "strict)",
        "early_terminate.type must be hyperband, not 'asha' (the one early termination there is)",
        "early_terminate.eta must be a number greater than 1, not 1 (e.g. eta: 3)",
        "early_terminate.strict must be true or false, not 'yes'",
        "early_terminate.min_iter must be an integer of at least 1, not 1.5",
        "early_terminate.max_iter must be an integer of at least 1, not 0",
        "early_terminate has max_iter without s (give s, the number of bands below max_iter, or use "
        "min_iter)",
    ]
    assert problems({"type": "hyperband"}) == [
        "early_terminate needs min_iter, or max_iter and s (e.g. min_iter: 3, the first milestone in logged "
        "values)"
    ]
    assert problems({"type": "hyperband", "max_iter": 2, "s": 1, "eta": 3}) == [
        "early_terminate max_iter 2 with eta 3 gives no band (raise max_iter or lower eta)"
    ]
    assert problems("hyperband") == [
        "early_terminate must be a mapping such as {type: hyperband, min_iter: 3}, not 'hyperband'"
    ]


def test_numbers_that_arrived_as_text_get_the_yaml_fix() -> None:
    config = yaml.safe_load(
        """
        method: random
        metric: {name: loss, target: 1e-3}
        parameters:
          lr: {distribution: log_uniform_values, min: 1e-5, max: 0.1}
          s: {distribution: normal, mu: '2', sigma: 1E2}
        """
    )
    assert _problems(config) == [
        "metric.target must be a number, not '1e-3' (YAML reads 1e-3 as text; write 1.0e-3)",
        "parameters.lr.min must be a finite number, not '1e-5' (YAML reads 1e-5 as text; write 1.0e-5)",
        "parameters.s.mu must be a finite number, not '2' (write 2 without quotes)",
        "parameters.s.sigma must be a number greater than 0, not '1E2' (YAML reads 1E2 as text; write 1.0e2)",
    ]
