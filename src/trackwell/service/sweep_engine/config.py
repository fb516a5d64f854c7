"""W&B sweep configs parsed into a :class:`~.spec.SweepSpec`, with every problem found at once.

``parse_config(config)`` takes the config as a mapping (callers parse YAML) and either returns the
spec or raises :class:`~trackwell.schema.errors.SweepConfigInvalid` listing each problem by its path
with a fix. Where W&B only warns (its backend creates the sweep anyway) or silently repairs (an
unknown ``goal`` becomes ``minimize``), we refuse: nothing is created from a config that does not
mean what it says. The checks live with what they check: ``config_params`` (parameters),
``config_hyperband`` (early_terminate); this module holds the top level, ``metric`` and the rules
that tie parts together (bayes needs a metric, grid needs discrete parameters and a finite size).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from trackwell.schema.errors import SweepConfigInvalid
from trackwell.service.sweep_engine.config_hyperband import parse_early_terminate
from trackwell.service.sweep_engine.config_params import parse_parameters
from trackwell.service.sweep_engine.config_text import (
    Problems,
    did_you_mean,
    is_int,
    is_number,
    listed,
    show,
    yaml_number_hint,
)
from trackwell.service.sweep_engine.grid import GRID_DISTRIBUTIONS, MAX_GRID_POINTS, grid_size
from trackwell.service.sweep_engine.spec import Goal, Impute, Method, MetricSpec, ParamSpec, SweepSpec

METHODS = ("grid", "random", "bayes")
KEYS = (
    "method",
    "metric",
    "parameters",
    "early_terminate",
    "run_cap",
    "program",
    "command",
    "name",
    "description",
    "project",
    "entity",
)
# W&B's keys that mean nothing to a self-hosted controller: accepted and ignored, as W&B's engine does.
IGNORED = ("apiVersion", "kind", "controller", "job", "image_uri")
_STRINGS = ("program", "name", "description", "project", "entity")
_UNSUPPORTED = {
    "metrics": "multi-objective sweeps (metrics) are not supported; use metric: {name: ..., goal: ...}",
    "scheduler": "external schedulers are not supported; use method: grid, random or bayes",
}
METRIC_KEYS = ("name", "goal", "target", "impute", "impute_while_running")
GOALS = ("minimize", "maximize")
IMPUTES = ("worst", "best", "latest")
_GOAL_ALIASES = {
    "min": "minimize",
    "minimise": "minimize",
    "minimum": "minimize",
    "max": "maximize",
    "maximise": "maximize",
    "maximum": "maximize",
}


def parse_config(config: Mapping[str, Any]) -> SweepSpec:
    """Validate and normalise a sweep config; raise ``SweepConfigInvalid`` with every problem."""
    out = Problems()
    if not isinstance(config, Mapping):
        raise SweepConfigInvalid(
            [f"config must be a mapping (method, metric, parameters, ...), not {show(config)}"]
        )
    _top_level_keys(config, out)
    method = _method(config.get("method"), out)
    metric = _metric(config["metric"], out) if "metric" in config else None
    if "parameters" in config:
        params = parse_parameters(config["parameters"], out)
    else:
        out.add("parameters", "is required", "e.g. parameters: {lr: {min: 0.0001, max: 0.1}}")
        params = ()
    hyperband = parse_early_terminate(config["early_terminate"], out) if "early_terminate" in config else None
    if hyperband is not None and metric is None and "metric" not in config:
        out.add("early_terminate", "needs a metric to compare runs by", "add metric: {name: ..., goal: ...}")
    _method_rules(method, metric, params, "metric" in config, out)
    run_cap = config.get("run_cap")
    if run_cap is not None and (not is_int(run_cap) or run_cap < 1):
        out.add("run_cap", f"must be a positive integer, not {show(run_cap)}", "e.g. run_cap: 50")
    strings = {key: _string(config, key, out) for key in _STRINGS}
    command = _command(config.get("command"), out)
    _ignored(config, out)
    if out.problems:
        raise SweepConfigInvalid(out.problems)
    return SweepSpec(
        method=cast(Method, method),
        params=params,
        metric=metric,
        early_terminate=hyperband,
        run_cap=run_cap,
        command=command,
        warnings=tuple(out.warnings),
        **strings,
    )


def _top_level_keys(config: Mapping[str, Any], out: Problems) -> None:
    for key in config:
        if key in KEYS or key in IGNORED:
            continue
        if key in _UNSUPPORTED:
            out.add(str(key), "is not supported", _UNSUPPORTED[str(key)])
            continue
        hint = did_you_mean(key, KEYS)
        out.add(str(key), "is not a sweep config key", f"the keys are {listed(KEYS)}{hint}")


def _method(method: Any, out: Problems) -> str:
    if method is None:
        out.add("method", "is required", f"use {listed(METHODS)}")
    elif method not in METHODS:
        hint = did_you_mean(method, METHODS)
        extra = "; custom needs an external scheduler, which is not supported" if method == "custom" else ""
        out.add("method", f"must be {listed(METHODS)}, not {show(method)}", f"pick one{hint}{extra}")
    return str(method)


def _metric(raw: Any, out: Problems) -> MetricSpec | None:
    if not isinstance(raw, Mapping):
        out.add("metric", f"must be a mapping such as {{name: val/loss, goal: minimize}}, not {show(raw)}")
        return None
    before = len(out.problems)
    for key in raw:
        if key not in METRIC_KEYS:
            hint = did_you_mean(key, METRIC_KEYS)
            out.add("metric", f"has unknown key {key!r}", f"a metric takes {listed(METRIC_KEYS)}{hint}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        out.add(
            "metric.name",
            "is required: the logged key to optimize"
            if name is None
            else f"must be a non-empty string, not {show(name)}",
            "e.g. name: val/loss",
        )
    goal = raw.get("goal", "minimize")
    if goal not in GOALS:
        hint = did_you_mean(goal, GOALS, _GOAL_ALIASES)
        out.add(
            "metric.goal",
            f"must be minimize or maximize, not {show(goal)}",
            f"spell it minimize or maximize{hint}; W&B silently reads an unknown goal as minimize",
        )
    target = raw.get("target")
    if target is not None and not is_number(target):
        out.add(
            "metric.target",
            f"must be a number, not {show(target)}",
            yaml_number_hint(target) or "the value that finishes the sweep once a run reaches it",
        )
    impute = raw.get("impute", "worst")
    if impute not in IMPUTES:
        out.add(
            "metric.impute",
            f"must be {listed(IMPUTES)}, not {show(impute)}",
            f"worst is the default{did_you_mean(impute, IMPUTES)}",
        )
    while_running = raw.get("impute_while_running", False)
    if while_running in (False, "false", None):
        while_running = None
    elif while_running not in IMPUTES:
        out.add("metric.impute_while_running", f"must be false, {listed(IMPUTES)}, not {show(while_running)}")
    if len(out.problems) > before:
        return None
    return MetricSpec(
        name=cast(str, name),
        goal=cast(Goal, goal),
        target=target,
        impute=cast(Impute, impute),
        impute_while_running=cast("Impute | None", while_running),
    )


def _method_rules(
    method: str, metric: MetricSpec | None, params: tuple[ParamSpec, ...], has_metric: bool, out: Problems
) -> None:
    if method == "bayes":
        if not has_metric:
            out.add(
                "metric",
                "is required for method bayes",
                "add metric: {name: ..., goal: minimize or maximize}",
            )
        if params and all(p.distribution == "constant" for p in params):
            out.add(
                "parameters",
                "are all constants, so bayes has nothing to search",
                "give at least one parameter values or a range",
            )
    if method == "grid":
        discrete = True
        for param in params:
            if param.distribution not in GRID_DISTRIBUTIONS:
                discrete = False
                out.add(
                    f"parameters.{'.parameters.'.join(param.path)}",
                    f"is {param.distribution}, which grid cannot enumerate",
                    _grid_fix(param),
                )
        if discrete and params:
            size = grid_size(params)
            if size > MAX_GRID_POINTS:
                out.add(
                    "parameters",
                    f"make a grid of {size:,} points, more than {MAX_GRID_POINTS:,}",
                    "use method: random or bayes, or fewer values",
                )


def _grid_fix(param: ParamSpec) -> str:
    if param.distribution == "categorical_w_probabilities":
        return "grid tries every value once; drop probabilities, which weight random draws"
    return "grid needs values; use values: [...] or int_uniform/q_uniform"


def _string(config: Mapping[str, Any], key: str, out: Problems) -> str | None:
    value = config.get(key)
    if value is not None and not isinstance(value, str):
        out.add(key, f"must be a string, not {show(value)}")
        return None
    return value


def _command(raw: Any, out: Problems) -> tuple[str, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, (list, tuple)):
        out.add(
            "command",
            f"must be a list of tokens, not {show(raw)}",
            "e.g. command: [${env}, ${interpreter}, ${program}, ${args}]",
        )
        return None
    tokens = []
    for i, token in enumerate(raw):
        if isinstance(token, str):
            tokens.append(token)
        elif is_number(token) or isinstance(token, bool):
            tokens.append(str(token))  # YAML reads `- 1` as a number; the command line wants its text
        else:
            out.add(f"command[{i}]", f"must be a string, not {show(token)}")
    return tuple(tokens)


def _ignored(config: Mapping[str, Any], out: Problems) -> None:
    kind = config.get("kind")
    if kind is not None and kind != "sweep":
        out.add("kind", f"must be sweep, not {show(kind)}")
    controller = config.get("controller")
    if isinstance(controller, Mapping) and controller.get("type") == "local":
        out.warn("controller", "type local is ignored: the trackwell server always runs the controller")
