"""``parse_config``: W&B's distribution inference, defaults, flattening, and what a spec holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from trackwell.service.sweep_engine import HyperbandSpec, MetricSpec, ParamSpec, parse_config

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _param(setting: dict[str, Any], method: str = "random") -> ParamSpec:
    spec = parse_config({"method": method, "parameters": {"p": setting}})
    assert len(spec.params) == 1
    return spec.params[0]


@pytest.mark.parametrize(
    ("setting", "distribution"),
    [
        ({"values": [1, 2]}, "categorical"),
        ({"values": ["a"], "probabilities": [1.0]}, "categorical_w_probabilities"),
        ({"value": [1, 2]}, "constant"),  # a constant may be a list
        ({"value": {"a": 1}}, "constant"),  # or a dict
        ({"min": 1, "max": 10}, "int_uniform"),  # both JSON integers
        ({"min": 1, "max": 10.0}, "uniform"),
        ({"min": 0.1, "max": 1.0}, "uniform"),
        ({"min": -3.5, "max": 2}, "uniform"),
        ({"distribution": "uniform", "min": 1, "max": 10}, "uniform"),  # named wins over inference
        ({"distribution": "categorical", "values": [1]}, "categorical"),
        ({"distribution": "constant", "value": 3}, "constant"),
        ({"distribution": "q_uniform", "min": 0, "max": 10, "q": 2}, "q_uniform"),
        ({"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-2}, "log_uniform_values"),
        ({"distribution": "q_log_uniform_values", "min": 1, "max": 256, "q": 8}, "q_log_uniform_values"),
        ({"distribution": "inv_log_uniform_values", "min": 1e-4, "max": 0.1}, "inv_log_uniform_values"),
        ({"distribution": "normal"}, "normal"),
        ({"distribution": "q_normal", "mu": 5, "sigma": 2, "q": 1}, "q_normal"),
        ({"distribution": "log_normal", "mu": 0, "sigma": 1}, "log_normal"),
        ({"distribution": "q_log_normal", "q": 2}, "q_log_normal"),
        ({"distribution": "beta", "a": 2, "b": 5}, "beta"),
        ({"distribution": "q_beta", "q": 0.1}, "q_beta"),
    ],
)
def test_inference_follows_wandbs_first_match_rules(setting: dict[str, Any], distribution: str) -> None:
    assert _param(setting).distribution == distribution


def test_defaults_are_wandbs() -> None:
    assert _param({"distribution": "normal"}) == ParamSpec("p", "normal", mu=0.0, sigma=1.0, path=("p",))
    assert _param({"distribution": "beta"}) == ParamSpec("p", "beta", a=1.0, b=1.0, path=("p",))
    q = _param({"distribution": "q_uniform", "min": 0, "max": 4})
    assert q.q == 1.0 and type(q.q) is float  # W&B's default q is 1.0: values are floats
    assert type(_param({"distribution": "q_uniform", "min": 0, "max": 4, "q": 2}).q) is int
    spec = parse_config(
        {"method": "bayes", "metric": {"name": "loss"}, "parameters": {"x": {"min": 0.0, "max": 1.0}}}
    )
    assert spec.metric == MetricSpec(
        name="loss", goal="minimize", target=None, impute="worst", impute_while_running=None
    )
    assert spec.early_terminate is None and spec.run_cap is None and spec.warnings == ()


def test_bounds_keep_their_types() -> None:
    p = _param({"min": 1, "max": 10})
    assert (p.min, p.max) == (1, 10) and type(p.min) is int
    values = _param({"values": [1, "a", None, [1, 2]]})
    assert values.values == (1, "a", None, [1, 2])


def test_nested_parameters_flatten_to_sorted_dotted_names_with_their_path() -> None:
    spec = parse_config(
        {
            "method": "random",
            "parameters": {
                "z": {"value": 1},
                "opt": {
                    "parameters": {"name": {"values": ["adam", "sgd"]}, "lr": {"min": 0.001, "max": 0.1}}
                },
                "a": {"values": [1]},
                "opt_x": {"value": 0},
            },
        }
    )
    assert [p.name for p in spec.params] == ["a", "opt.lr", "opt.name", "opt_x", "z"]
    assert spec.params[1].path == ("opt", "lr") and spec.params[1].distribution == "uniform"
    assert spec.params[0].path == ("a",)


def test_every_top_level_key_is_carried() -> None:
    spec = parse_config(
        {
            "method": "bayes",
            "metric": {
                "name": "val/acc",
                "goal": "maximize",
                "target": 0.99,
                "impute": "latest",
                "impute_while_running": "best",
            },
            "parameters": {"x": {"min": 0.0, "max": 1.0}},
            "early_terminate": {"type": "hyperband", "min_iter": 3},
            "run_cap": 20,
            "program": "train.py",
            "command": ["${env}", "${interpreter}", "${program}", "${args}", 3],
            "name": "n",
            "description": "d",
            "project": "p",
            "entity": "e",
            # W&B's keys that mean nothing here: accepted and ignored, as W&B does.
            "apiVersion": "v1",
            "kind": "sweep",
            "controller": {"type": "cloud"},
            "job": "j",
            "image_uri": "img",
        }
    )
    assert spec.metric == MetricSpec("val/acc", "maximize", 0.99, "latest", "best")
    assert spec.early_terminate is not None and spec.early_terminate.bands[:3] == (3, 9, 27)
    assert spec.run_cap == 20 and spec.program == "train.py"
    assert spec.command == ("${env}", "${interpreter}", "${program}", "${args}", "3")
    assert (spec.name, spec.description, spec.project, spec.entity) == ("n", "d", "p", "e")


def test_impute_while_running_false_in_any_spelling_is_off() -> None:
    for off in (False, "false"):
        spec = parse_config(
            {
                "method": "random",
                "metric": {"name": "m", "impute_while_running": off},
                "parameters": {"x": {"value": 1}},
            }
        )
        assert spec.metric is not None and spec.metric.impute_while_running is None


def test_deprecated_log_distributions_are_accepted_with_a_warning() -> None:
    spec = parse_config(
        {
            "method": "random",
            "parameters": {
                "a": {"distribution": "log_uniform", "min": -10, "max": -2},
                "b": {"distribution": "q_log_uniform", "min": 0, "max": 5, "q": 2},
                "c": {
                    "distribution": "inv_log_uniform",
                    "min": 1e-4,
                    "max": 0.1,
                },  # values written as exponents?
            },
            "controller": {"type": "local"},
        }
    )
    warnings = "\n".join(spec.warnings)
    assert (
        "parameters.a: log_uniform is deprecated: min/max are natural-log exponents; use log_uniform_values"
        in warnings
    )
    assert "parameters.b: q_log_uniform is deprecated" in warnings
    assert "parameters.c: min 0.0001 and max 0.1 look like values" in warnings
    assert "controller: type local is ignored" in warnings


@pytest.mark.parametrize(
    ("early_terminate", "bands"),
    [
        ({"max_iter": 27, "s": 2, "eta": 3}, (3, 9)),
        ({"max_iter": 81, "s": 3, "eta": 3}, (3, 9, 27)),
        ({"max_iter": 100, "s": 5, "eta": 3}, (1, 3, 11, 33)),
        ({"max_iter": 5, "s": 2, "eta": 2}, (1, 2)),
        ({"max_iter": 27, "s": 2}, (3, 9)),  # eta defaults to 3
    ],
)
def test_hyperband_bands_from_max_iter_are_wandbs(
    early_terminate: dict[str, Any], bands: tuple[int, ...]
) -> None:
    spec = parse_config(
        {
            "method": "random",
            "metric": {"name": "m"},
            "parameters": {"x": {"value": 1}},
            "early_terminate": {"type": "hyperband", **early_terminate},
        }
    )
    assert spec.early_terminate == HyperbandSpec(
        bands=bands, eta=float(early_terminate.get("eta", 3)), strict=True
    )


def test_hyperband_bands_from_min_iter_are_wandbs() -> None:
    def bands(**kw: Any) -> tuple[int, ...]:
        et = {"type": "hyperband", **kw}
        spec = parse_config(
            {
                "method": "random",
                "metric": {"name": "m"},
                "parameters": {"x": {"value": 1}},
                "early_terminate": et,
            }
        )
        assert spec.early_terminate is not None
        return spec.early_terminate.bands

    assert bands(min_iter=3)[:4] == (3, 9, 27, 81)
    assert bands(min_iter=2, eta=1.5)[:6] == (2, 3, 4, 6, 10, 15)
    assert len(bands(min_iter=1)) == 100  # W&B's ladder: k = 0..99
    # max_iter wins over min_iter (W&B), with a warning here.
    assert bands(min_iter=1, max_iter=27, s=2) == (3, 9)


def test_the_handbook_examples_parse() -> None:
    for name in ("06_sweep_config.yaml", "06_sweep_cli.yaml"):
        spec = parse_config(yaml.safe_load((EXAMPLES / name).read_text()))
        assert spec.method == "random"
        assert [p.distribution for p in spec.params] == ["categorical", "log_uniform_values"]
