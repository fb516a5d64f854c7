"""Every distribution's range, shape and types (fixed seeds), ppf/cdf agreement, and W&B's bugs fixed."""

from __future__ import annotations

import importlib
import math
import random
import statistics
from collections import Counter
from typing import Any

import pytest

from trackwell.service.sweep_engine import ParamSpec, parse_config
from trackwell.service.sweep_engine.distributions import cdf, ppf, sample

N = 20_000
# SciPy's laws are the reference (imported so, it has no type stubs here).
stats: Any = importlib.import_module("scipy.stats")


def _param(setting: dict[str, Any]) -> ParamSpec:
    return parse_config({"method": "random", "parameters": {"p": setting}}).params[0]


def _draws(setting: dict[str, Any], n: int = N, seed: int = 7) -> list[Any]:
    param, rng = _param(setting), random.Random(seed)
    return [sample(param, rng) for _ in range(n)]


def _quantile(xs: list[float], q: float) -> float:
    return sorted(xs)[int(q * (len(xs) - 1))]


# (setting, the reference law from SciPy, the support) for every continuous distribution.
CONTINUOUS = [
    ({"min": -2.0, "max": 3.0}, stats.uniform(-2, 5), (-2, 3)),
    (
        {"distribution": "log_uniform", "min": -5, "max": 1},
        stats.loguniform(math.exp(-5), math.exp(1)),
        (math.exp(-5), math.e),
    ),
    (
        {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-2},
        stats.loguniform(1e-5, 1e-2),
        (1e-5, 1e-2),
    ),
    # v1 inverse log-uniform: exp(-Y), Y ~ U(min, max): log-uniform on [e^-max, e^-min].
    (
        {"distribution": "inv_log_uniform", "min": 1, "max": 4},
        stats.loguniform(math.exp(-4), math.exp(-1)),
        (math.exp(-4), math.exp(-1)),
    ),
    ({"distribution": "normal", "mu": 3, "sigma": 2}, stats.norm(3, 2), (-math.inf, math.inf)),
    (
        {"distribution": "log_normal", "mu": 1, "sigma": 0.5},
        stats.lognorm(s=0.5, scale=math.e),
        (0, math.inf),
    ),
    ({"distribution": "beta", "a": 2, "b": 5}, stats.beta(2, 5), (0, 1)),
]


@pytest.mark.parametrize(("setting", "law", "support"), CONTINUOUS)
def test_continuous_draws_follow_their_law(
    setting: dict[str, Any], law: Any, support: tuple[float, float]
) -> None:
    xs = _draws(setting)
    assert all(type(x) is float and support[0] <= x <= support[1] for x in xs)
    for q in (0.05, 0.25, 0.5, 0.75, 0.95):
        assert _quantile(xs, q) == pytest.approx(law.ppf(q), rel=0.05, abs=0.02 * law.std())
    assert stats.kstest(xs, law.cdf).pvalue > 0.001
    param = _param(setting)
    for u in (0.01, 0.3, 0.5, 0.77, 0.99):
        assert cdf(param, ppf(param, u)) == pytest.approx(u, abs=1e-9)
        assert cdf(param, ppf(param, u)) == pytest.approx(law.cdf(ppf(param, u)), abs=1e-9)


def test_log_uniform_values_has_its_median_at_the_geometric_mean() -> None:
    xs = _draws({"distribution": "log_uniform_values", "min": 1e-4, "max": 0.1})
    assert statistics.median(xs) == pytest.approx(math.sqrt(1e-4 * 0.1), rel=0.05)
    # A decade holds a third of the mass each.
    assert sum(x < 1e-3 for x in xs) / N == pytest.approx(1 / 3, abs=0.015)


def test_inv_log_uniform_values_is_the_mirror_of_log_uniform_values_not_a_copy() -> None:
    lo, hi = 1e-4, 0.1
    xs = _draws({"distribution": "inv_log_uniform_values", "min": lo, "max": hi})
    assert all(lo <= x <= hi for x in xs)
    # W&B's is log_uniform_values (median ~0.00316); ours piles mass near max: min + max - sqrt(min max)
    assert statistics.median(xs) == pytest.approx(lo + hi - math.sqrt(lo * hi), rel=0.01)
    mirrored = [lo + hi - x for x in xs]
    assert stats.kstest(mirrored, stats.loguniform(lo, hi).cdf).pvalue > 0.001
    param = _param({"distribution": "inv_log_uniform_values", "min": lo, "max": hi})
    assert ppf(param, 0.0) == pytest.approx(lo) and ppf(param, 1.0) == pytest.approx(hi)
    for u in (0.1, 0.5, 0.9):
        assert cdf(param, ppf(param, u)) == pytest.approx(u, abs=1e-9)


def test_unbounded_ppfs_are_finite_at_zero_and_one() -> None:
    for setting in ({"distribution": "normal"}, {"distribution": "log_normal"}, {"distribution": "q_normal"}):
        param = _param(setting)
        assert all(math.isfinite(ppf(param, u)) for u in (0.0, 1.0))


def test_int_uniform_is_every_integer_inclusive_and_uniform() -> None:
    xs = _draws({"min": -2, "max": 7})
    assert all(type(x) is int for x in xs)
    counts = Counter(xs)
    assert sorted(counts) == list(range(-2, 8))
    assert all(c / N == pytest.approx(0.1, abs=0.01) for c in counts.values())
    param = _param({"min": -2, "max": 7})
    assert (ppf(param, 0.0), ppf(param, 0.999999), ppf(param, 1.0)) == (-2, 7, 7)
    assert cdf(param, -2) == pytest.approx(0.1) and cdf(param, 7) == 1.0


def test_categorical_is_uniform_and_ppf_zero_is_the_first_value() -> None:
    param = _param({"values": ["a", "b", "c", {"d": 1}]})
    assert ppf(param, 0.0) == "a"  # W&B's ceil(U n) - 1 gives the last value at U = 0
    assert [ppf(param, u) for u in (0.24, 0.25, 0.74, 0.99, 1.0)] == ["a", "b", "c", {"d": 1}, {"d": 1}]
    counts = Counter(str(x) for x in _draws({"values": ["a", "b", "c"]}))
    assert all(c / N == pytest.approx(1 / 3, abs=0.015) for c in counts.values())
    assert [cdf(param, v) for v in ("a", "b", "c", {"d": 1.0})] == [0.25, 0.5, 0.75, 1.0]
    with pytest.raises(ValueError, match="not one of the values"):
        cdf(param, "z")
    # A drawn dict is a copy: changing it does not change the spec.
    drawn = ppf(param, 0.9)
    drawn["d"] = 2
    assert param.values[3] == {"d": 1}


def test_weighted_categoricals_follow_their_probabilities_everywhere() -> None:
    setting = {"values": ["rare", "never", "common", 3], "probabilities": [0.1, 0.0, 0.6, 0.3]}
    counts = Counter(_draws(setting))
    assert "never" not in counts
    assert counts["rare"] / N == pytest.approx(0.1, abs=0.01)
    assert counts["common"] / N == pytest.approx(0.6, abs=0.015)
    assert counts[3] / N == pytest.approx(0.3, abs=0.015)
    param = _param(setting)
    assert [ppf(param, u) for u in (0.0, 0.0999, 0.1, 0.6999, 0.7, 1.0)] == [
        "rare",
        "rare",
        "common",
        "common",
        3,
        3,
    ]
    # The cdf a bayes encoding needs (W&B's crashes here), by value, integral floats as ints.
    assert [cdf(param, v) for v in ("rare", "never", "common", 3.0)] == pytest.approx([0.1, 0.1, 0.7, 1.0])
    # A trailing zero-probability value is never drawn, even at U = 1.
    tail = _param({"values": ["a", "b"], "probabilities": [1.0, 0.0]})
    assert ppf(tail, 1.0) == "a"


def test_constants_are_the_value() -> None:
    param = _param({"value": [1, {"a": 2}]})
    assert ppf(param, 0.3) == [1, {"a": 2}] and cdf(param, 5) == 1.0
    assert _draws({"value": 3}, n=3) == [3, 3, 3]


def test_q_uniform_stays_in_range_on_multiples_of_q() -> None:
    # min/max off the multiples of q: W&B's qround can return 0.0 and 1.0 here.
    xs = _draws({"distribution": "q_uniform", "min": 0.05, "max": 0.95, "q": 0.1})
    assert set(xs) == {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}
    # With min and max on multiples it is W&B's law: the end points get half weight.
    counts = Counter(_draws({"distribution": "q_uniform", "min": 0, "max": 4}))  # q defaults to 1.0
    assert sorted(counts) == [0.0, 1.0, 2.0, 3.0, 4.0] and all(type(x) is float for x in counts)
    assert counts[0.0] / N == pytest.approx(0.125, abs=0.01) and counts[2.0] / N == pytest.approx(
        0.25, abs=0.015
    )


def test_q_variants_with_an_int_q_return_ints() -> None:
    for setting in (
        {"distribution": "q_uniform", "min": 0, "max": 100, "q": 5},
        {"distribution": "q_log_uniform_values", "min": 1, "max": 1000, "q": 10},
        {"distribution": "q_normal", "mu": 50, "sigma": 20, "q": 2},
        {"distribution": "q_log_normal", "mu": 3, "sigma": 1, "q": 3},
    ):
        xs = _draws(setting, n=2000)
        q = setting["q"]
        assert isinstance(q, int) and all(type(x) is int and x % q == 0 for x in xs), setting


def test_q_log_uniform_values_never_returns_0_or_leaves_its_range() -> None:
    xs = _draws({"distribution": "q_log_uniform_values", "min": 1, "max": 256, "q": 8})
    assert min(xs) == 8 and max(xs) == 256  # W&B returned 0 (below min) for this config
    assert statistics.median(xs) == pytest.approx(16, abs=8)  # log-uniform: median near sqrt(256) = 16


def test_q_log_uniform_deprecated_clips_to_e_to_the_bounds() -> None:
    xs = _draws({"distribution": "q_log_uniform", "min": 0, "max": 3, "q": 2})
    assert set(xs) <= {2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 18.0, 20.0}  # e^3 ~ 20.09
    assert min(xs) == 2.0


def test_q_normal_is_unbounded_and_q_log_normal_stays_positive() -> None:
    xs = _draws({"distribution": "q_normal", "mu": 0, "sigma": 10, "q": 0.5})
    assert min(xs) < -25 and max(xs) > 25 and all(x * 2 == int(x * 2) for x in xs)
    assert statistics.fmean(xs) == pytest.approx(0, abs=0.3)
    small = _draws({"distribution": "q_log_normal", "mu": 0, "sigma": 1, "q": 1})
    assert min(small) == 1.0  # W&B's rounds values below 0.5 to 0, outside a log-normal's support
    assert Counter(small)[1.0] / N == pytest.approx(stats.lognorm(1).cdf(1.5), abs=0.015)


def test_q_beta_stays_in_0_1() -> None:
    xs = _draws({"distribution": "q_beta", "a": 0.5, "b": 0.5, "q": 0.6})
    assert set(xs) == {0.0, 0.6}  # W&B's qround(0.95) with q = 0.6 is 1.2
    assert set(_draws({"distribution": "q_beta", "q": 0.25}, n=2000)) == {0.0, 0.25, 0.5, 0.75, 1.0}


def test_the_q_cdf_is_the_unquantised_one() -> None:
    param = _param({"distribution": "q_uniform", "min": 0, "max": 10, "q": 2})
    assert cdf(param, 5) == pytest.approx(0.5)
    normal = _param({"distribution": "q_normal", "mu": 1, "sigma": 2})
    assert cdf(normal, 1) == pytest.approx(0.5)


def test_same_seed_same_draws() -> None:
    setting = {"distribution": "beta", "a": 2, "b": 2}
    assert _draws(setting, n=50, seed=1) == _draws(setting, n=50, seed=1)
    assert _draws(setting, n=50, seed=1) != _draws(setting, n=50, seed=2)
