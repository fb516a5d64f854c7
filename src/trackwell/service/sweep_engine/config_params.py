"""``parameters``: W&B's distribution inference, defaults, checks, and flattening of nested parameters.

Inference follows W&B's schema (reference/sweeps.md section 2.1): the first parameter form whose
keys and types match wins, and no form allows a key it does not list. Without ``distribution``:
``{values}`` is categorical, ``{values, probabilities}`` categorical_w_probabilities, ``{value}``
constant, ``{min, max}`` both Python ints int_uniform, other numbers uniform; every other
distribution must be named. Unlike W&B, nested parameters get every check too, and a problem names
the key and the fix instead of "matches no schema".

Nested ``{opt: {parameters: {lr: ...}}}`` become ``opt.lr`` (``ParamSpec.path`` keeps ("opt", "lr"),
since a top-level name may hold dots itself); the result is sorted by flat name (W&B's order).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, cast

from trackwell.service.sweep_engine.config_text import (
    Problems,
    did_you_mean,
    is_int,
    is_number,
    listed,
    show,
    yaml_number_hint,
)
from trackwell.service.sweep_engine.quantize import k_range
from trackwell.service.sweep_engine.spec import Distribution, ParamSpec

NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_BOUNDED = ("min", "max")
# The keys each distribution takes besides ``distribution`` (W&B's schema).
KEYS: dict[str, tuple[str, ...]] = {
    "constant": ("value",),
    "categorical": ("values",),
    "categorical_w_probabilities": ("values", "probabilities"),
    "int_uniform": _BOUNDED,
    "uniform": _BOUNDED,
    "q_uniform": (*_BOUNDED, "q"),
    "log_uniform": _BOUNDED,
    "log_uniform_values": _BOUNDED,
    "q_log_uniform": (*_BOUNDED, "q"),
    "q_log_uniform_values": (*_BOUNDED, "q"),
    "inv_log_uniform": _BOUNDED,
    "inv_log_uniform_values": _BOUNDED,
    "normal": ("mu", "sigma"),
    "q_normal": ("mu", "sigma", "q"),
    "log_normal": ("mu", "sigma"),
    "q_log_normal": ("mu", "sigma", "q"),
    "beta": ("a", "b"),
    "q_beta": ("a", "b", "q"),
}
_REQUIRED = {
    "constant": ("value",),
    "categorical": ("values",),
    "categorical_w_probabilities": KEYS["categorical_w_probabilities"],
}
ALL_KEYS = ("distribution", "value", "values", "probabilities", "min", "max", "q", "mu", "sigma", "a", "b")
# v1 distributions whose min/max are natural-log exponents: accepted with a warning, as W&B does.
DEPRECATED = {
    "log_uniform": "log_uniform_values with min: e^min, max: e^max",
    "q_log_uniform": "q_log_uniform_values with min: e^min, max: e^max",
    "inv_log_uniform": "log_uniform_values with min: e^-max, max: e^-min (the same law)",
}
# Names users bring from other tools, for "did you mean".
_ALIASES = {
    "gaussian": "normal",
    "lognormal": "log_normal",
    "loguniform": "log_uniform_values",
    "int": "int_uniform",
    "integer": "int_uniform",
    "randint": "int_uniform",
    "choice": "categorical",
    "quniform": "q_uniform",
    "qloguniform": "q_log_uniform_values",
    "fixed": "constant",
}
_LOG_VALUES = ("log_uniform_values", "q_log_uniform_values", "inv_log_uniform_values")
_MAX_EXPONENT = 700.0  # e^700 ~ 1e304: past it exp() overflows a float


def parse_parameters(raw: Any, out: Problems) -> tuple[ParamSpec, ...]:
    """Every parameter flattened, sorted by flat name; problems go to ``out``."""
    params: list[ParamSpec] = []
    _walk(raw, (), "parameters", out, params)
    seen: dict[str, ParamSpec] = {}
    for param in params:
        if param.name in seen:
            out.add(
                "parameters",
                f"define {param.name} twice: as a top-level name and nested ({' > '.join(param.path)})",
                f"rename one; both would be the flat name {param.name}",
            )
        seen[param.name] = param
    return tuple(sorted(seen.values(), key=lambda p: p.name))


def _walk(raw: Any, prefix: tuple[str, ...], path: str, out: Problems, params: list[ParamSpec]) -> None:
    if not isinstance(raw, Mapping):
        out.add(path, f"must be a mapping of parameter names to settings, not {show(raw)}")
        return
    if not raw:
        out.add(path, "must hold at least one parameter", "e.g. lr: {min: 0.0001, max: 0.1}")
    for name, setting in raw.items():
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            out.add(
                f"{path}.{name}",
                "is not a valid parameter name",
                "a name starts with a letter or _ and holds only letters, digits, _ . and -",
            )
            continue
        here = f"{path}.{name}"
        if isinstance(setting, Mapping) and "parameters" in setting:
            others = sorted(str(k) for k in setting if k != "parameters")
            if others:
                out.add(
                    here,
                    f"mixes parameters with {listed(others)}",
                    "a nested parameter holds only parameters",
                )
            _walk(setting["parameters"], (*prefix, name), f"{here}.parameters", out, params)
            continue
        param = _leaf((*prefix, name), here, setting, out)
        if param is not None:
            params.append(param)


def _leaf(names: tuple[str, ...], path: str, raw: Any, out: Problems) -> ParamSpec | None:
    if not isinstance(raw, Mapping):
        out.add(
            path,
            "must be a mapping such as {values: [...]}, {value: ...} or {min: ..., max: ...}, "
            f"not {show(raw)}",
            f"for a constant write {{value: {show(raw)}}}",
        )
        return None
    unknown = [str(k) for k in raw if k not in ALL_KEYS]
    for key in unknown:
        hint = did_you_mean(key, ALL_KEYS)
        out.add(
            path, f"has unknown key {key!r}", f"a parameter takes {listed(ALL_KEYS + ('parameters',))}{hint}"
        )
    if unknown:
        return None
    dist = raw.get("distribution")
    if dist is None:
        dist = _infer(raw, path, out)
    elif dist not in KEYS:
        hint = did_you_mean(dist, KEYS, _ALIASES)
        out.add(
            f"{path}.distribution", f"{show(dist)} is not a distribution", f"use one of {listed(KEYS)}{hint}"
        )
        return None
    if dist is None or not _keys_fit(dist, raw, path, out):
        return None
    return _build(cast(Distribution, dist), names, path, raw, out)


def _infer(raw: Mapping[str, Any], path: str, out: Problems) -> str | None:
    keys = set(raw)
    if keys == {"values"}:
        return "categorical"
    if keys == {"values", "probabilities"}:
        return "categorical_w_probabilities"
    if keys == {"value"}:
        return "constant"
    if keys == {"min", "max"}:
        return "int_uniform" if is_int(raw["min"]) and is_int(raw["max"]) else "uniform"
    if not keys:
        out.add(path, "is empty", "give values: [...], value: ..., or min and max")
    elif {"value", "values"} <= keys:
        out.add(path, "has both value and values", "value is a constant, values a list to choose from")
    elif "values" in keys and keys & {"min", "max"}:
        out.add(path, "mixes values with min/max", "a parameter is either a list of values or a range")
    elif keys & {"q", "mu", "sigma", "a", "b"}:
        out.add(
            path,
            f"has {listed(sorted(keys), 'and')} but no distribution",
            "add the distribution meant (q_uniform, q_log_uniform_values, normal, log_normal, beta, ...); "
            "only values, value and min/max are inferred",
        )
    elif "probabilities" in keys:
        out.add(path, "has probabilities without values", "give values: [...] with one probability each")
    elif keys & {"min", "max"}:
        out.add(path, "needs both min and max")
    else:
        out.add(
            path,
            f"has {listed(sorted(keys))}, which is no parameter form",
            "give values, value or min and max",
        )
    return None


def _keys_fit(dist: str, raw: Mapping[str, Any], path: str, out: Problems) -> bool:
    allowed = (*KEYS[dist], "distribution")
    extra = sorted(str(k) for k in raw if k not in allowed)
    if extra:
        fix = f"{dist} takes {listed(allowed, 'and')}"
        if dist == "categorical" and extra == ["probabilities"]:
            fix = "use distribution: categorical_w_probabilities, or leave distribution out"
        out.add(path, f"has {listed(extra)}, which distribution {dist} does not take", fix)
        return False
    needed = _REQUIRED.get(dist, _BOUNDED if "min" in KEYS[dist] else ())
    missing = [k for k in needed if k not in raw]
    if missing:
        out.add(path, f"needs {listed(missing)} for distribution {dist}")
        return False
    return True


def _build(
    dist: Distribution, names: tuple[str, ...], path: str, raw: Mapping[str, Any], out: Problems
) -> ParamSpec | None:
    name = ".".join(names)
    before = len(out.problems)
    fields: dict[str, Any] = {}
    if dist == "constant":
        fields["value"] = raw["value"]
    elif dist in ("categorical", "categorical_w_probabilities"):
        fields.update(_choices(dist, path, raw, out))
    elif "min" in KEYS[dist]:
        fields.update(_bounds(dist, path, raw, out))
    else:
        fields.update(_shape(dist, path, raw, out))
    if "q" in KEYS[dist]:
        fields["q"] = _positive(raw, "q", 1.0, path, out)
    if len(out.problems) > before:
        return None
    param = ParamSpec(name=name, distribution=dist, path=names, **fields)
    return param if _has_multiples(param, path, out) else None


def _choices(dist: str, path: str, raw: Mapping[str, Any], out: Problems) -> dict[str, Any]:
    values = raw["values"]
    if not isinstance(values, (list, tuple)) or not values:
        out.add(
            f"{path}.values", f"must be a non-empty list, not {show(values)}", "e.g. values: [32, 64, 128]"
        )
        return {}
    fields: dict[str, Any] = {"values": tuple(values)}
    if dist == "categorical_w_probabilities":
        probs = raw["probabilities"]
        ppath = f"{path}.probabilities"
        if not isinstance(probs, (list, tuple)) or not all(is_number(p) and p >= 0 for p in probs):
            out.add(
                ppath,
                f"must be a list of numbers >= 0, not {show(probs)}",
                "e.g. probabilities: [0.5, 0.3, 0.2]",
            )
        elif len(probs) != len(values):
            out.add(
                ppath,
                f"has {len(probs)} {'entry' if len(probs) == 1 else 'entries'} for {len(values)} values",
                "give one probability per value",
            )
        elif not math.isclose(math.fsum(probs), 1.0, rel_tol=1e-5, abs_tol=1e-8):
            out.add(ppath, f"sum to {math.fsum(probs):g}, not 1", "make the probabilities add up to 1")
        else:
            fields["probabilities"] = tuple(float(p) for p in probs)
    return fields


def _bounds(dist: str, path: str, raw: Mapping[str, Any], out: Problems) -> dict[str, Any]:
    lo, hi = raw["min"], raw["max"]
    ok = True
    for key, bound in (("min", lo), ("max", hi)):
        if dist == "int_uniform" and not is_int(bound):
            fix = "write 3, not 3.0; or use distribution: uniform for real numbers"
            out.add(f"{path}.{key}", f"must be an integer for int_uniform, not {show(bound)}", fix)
            ok = False
        elif not is_number(bound):
            out.add(f"{path}.{key}", f"must be a finite number, not {show(bound)}", yaml_number_hint(bound))
            ok = False
    if not ok:
        return {}
    if not lo < hi:
        out.add(f"{path}.min", "must be less than max", f"got min {lo!r} and max {hi!r}")
    if dist in _LOG_VALUES and lo <= 0:
        out.add(
            f"{path}.min",
            f"must be greater than 0 for {dist}, not {lo!r}",
            "a log scale has no 0; e.g. min: 1e-5",
        )
    if dist in DEPRECATED:
        out.warn(path, f"{dist} is deprecated: min/max are natural-log exponents; use {DEPRECATED[dist]}")
        if max(abs(lo), abs(hi)) > _MAX_EXPONENT:
            out.add(
                path,
                f"has exponents beyond {_MAX_EXPONENT:g}: e^{max(abs(lo), abs(hi))!r} overflows",
                f"{dist} takes natural-log exponents; use {dist.replace('inv_', '')}_values for the values",
            )
        elif 0 < lo < hi <= 1:
            out.warn(
                path,
                f"min {lo!r} and max {hi!r} look like values, but {dist} reads them as exponents "
                f"(values from e^{lo!r} to e^{hi!r}); did you mean {dist.replace('inv_', '')}_values?",
            )
    return {"min": lo, "max": hi}


def _shape(dist: str, path: str, raw: Mapping[str, Any], out: Problems) -> dict[str, Any]:
    if "mu" in KEYS[dist]:
        mu = raw.get("mu", 0.0)
        if not is_number(mu):
            out.add(f"{path}.mu", f"must be a finite number, not {show(mu)}", yaml_number_hint(mu))
        return {"mu": mu, "sigma": _positive(raw, "sigma", 1.0, path, out)}
    return {"a": _positive(raw, "a", 1.0, path, out), "b": _positive(raw, "b", 1.0, path, out)}


def _positive(raw: Mapping[str, Any], key: str, default: float, path: str, out: Problems) -> Any:
    value = raw.get(key, default)
    if not is_number(value) or value <= 0:
        out.add(
            f"{path}.{key}", f"must be a number greater than 0, not {show(value)}", yaml_number_hint(value)
        )
    return value


def _has_multiples(param: ParamSpec, path: str, out: Problems) -> bool:
    """A quantised range must hold at least one multiple of q (else nothing can be proposed)."""
    if param.distribution not in ("q_uniform", "q_log_uniform_values", "q_log_uniform", "q_beta"):
        return True
    if param.distribution == "q_beta":
        lo, hi = 0.0, 1.0
    elif param.distribution == "q_log_uniform":
        lo, hi = math.exp(param.min or 0.0), math.exp(param.max or 0.0)
    else:
        lo, hi = float(param.min or 0.0), float(param.max or 0.0)
    k_lo, k_hi = k_range(lo, hi, param.q)
    if k_lo is not None and k_hi is not None and k_lo > k_hi:
        out.add(
            f"{path}.q",
            f"{param.q!r} has no multiple between {lo:g} and {hi:g}",
            "lower q or widen the range",
        )
        return False
    return True
