"""The pieces of bayes: the GP (fit, gradients, posterior), log EI, and the parameter encoding."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import scipy.optimize

from trackwell.service.sweep_engine import parse_config
from trackwell.service.sweep_engine.bayes import acquisition, gp
from trackwell.service.sweep_engine.bayes.encoding import Space


def _truth(x: np.ndarray) -> np.ndarray:
    return np.sin(6.0 * x[:, 0]) + (x[:, 1] - 0.3) ** 2


def test_gp_posterior_mean_recovers_a_known_function() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((40, 2))
    y = _truth(x)
    mean, std = y.mean(), y.std()
    model = gp.fit(x, (y - mean) / std, np.zeros(2, dtype=bool), rng)
    test = rng.random((200, 2))
    pred, sd = model.predict(test)
    err = np.abs(pred * std + mean - _truth(test))
    assert np.median(err) < 0.02
    assert err.max() < 0.3
    # Deterministic data: the fitted noise is tiny, and the std at the data near zero.
    assert model.noise < 1e-3
    _, sd_at_data = model.predict(x)
    assert sd_at_data.max() < 0.05 < sd.max()


def test_gp_learns_noise_when_the_data_are_noisy() -> None:
    rng = np.random.default_rng(1)
    x = rng.random((60, 1))
    y = np.sin(4 * x[:, 0]) + rng.normal(0, 0.3, 60)
    model = gp.fit(x, (y - y.mean()) / y.std(), np.zeros(1, dtype=bool), rng)
    assert 0.05 < model.noise * 1.0 < 1.0  # about 0.3**2 / var(y) in standardised units


def test_gp_length_scales_tell_relevant_from_irrelevant_dimensions() -> None:
    rng = np.random.default_rng(2)
    x = rng.random((40, 3))
    y = np.sin(5 * x[:, 0])  # only the first dimension matters
    model = gp.fit(x, (y - y.mean()) / y.std(), np.zeros(3, dtype=bool), rng)
    ls = np.exp(model.hyper.log_ls)
    assert ls[0] < ls[1] and ls[0] < ls[2]


def test_marginal_likelihood_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(3)
    x = rng.random((25, 3))
    x[:, 2] = rng.integers(0, 3, 25)
    is_cat = np.array([False, False, True])
    y = np.sin(5 * x[:, 0]) + (x[:, 2] == 1)
    y = (y - y.mean()) / y.std()
    dists = gp.sq_dists(x, x, is_cat)
    theta = np.array([-0.7, 0.3, 0.1, 0.2, math.log(1e-2)])
    _, grad = gp._neg_log_posterior(theta, dists, y)
    numeric = scipy.optimize.approx_fprime(theta, lambda t: gp._neg_log_posterior(t, dists, y)[0], 1e-6)
    np.testing.assert_allclose(grad, numeric, rtol=1e-3, atol=1e-3)


def test_posterior_gradients_match_finite_differences() -> None:
    rng = np.random.default_rng(4)
    x = rng.random((20, 3))
    x[:, 1] = rng.integers(0, 4, 20)
    is_cat = np.array([False, True, False])
    y = np.cos(4 * x[:, 0]) * (1 + x[:, 1]) + x[:, 2]
    model = gp.fit(x, (y - y.mean()) / y.std(), is_cat, rng)
    xs = rng.random((4, 3))
    xs[:, 1] = rng.integers(0, 4, 4)
    mean, std, dmean, dstd = model.predict_grad(xs)
    assert np.all(dmean[:, 1] == 0) and np.all(dstd[:, 1] == 0)  # categorical columns are held fixed
    for j in (0, 2):
        step = np.zeros(3)
        step[j] = 1e-6
        m2, s2 = model.predict(xs + step)
        np.testing.assert_allclose((m2 - mean) / 1e-6, dmean[:, j], rtol=1e-3, atol=1e-4)
        np.testing.assert_allclose((s2 - std) / 1e-6, dstd[:, j], rtol=1e-3, atol=1e-4)


def test_log_h_is_finite_monotone_and_exact() -> None:
    z = np.concatenate([-np.logspace(7, -3, 300), np.linspace(0, 8, 50)])
    z.sort()
    out, grad = acquisition.log_h(z)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(grad))
    assert np.all(np.diff(out) >= -1e-12)
    moderate = (z > -5) & (z < 8)
    from scipy.stats import norm

    direct = np.log(norm.pdf(z[moderate]) + z[moderate] * norm.cdf(z[moderate]))
    np.testing.assert_allclose(out[moderate], direct, rtol=1e-9)
    # d/dz log h = Phi(z) / h(z), checked numerically where it is not tiny
    zz = np.array([-30.0, -3.0, -0.5, 0.0, 2.0])
    (o1, g), (o2, _) = acquisition.log_h(zz), acquisition.log_h(zz + 1e-6)
    np.testing.assert_allclose((o2 - o1) / 1e-6, g, rtol=1e-4)


def _space(parameters: dict[str, Any]) -> Space:
    return Space(parse_config({"method": "bayes", "metric": {"name": "m"}, "parameters": parameters}))


def test_encoding_round_trips_every_kind_of_parameter() -> None:
    space = _space(
        {
            "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
            "x": {"min": -2.0, "max": 3.0},
            "n": {"min": 1, "max": 8},
            "mu": {"distribution": "normal", "mu": 1.0, "sigma": 2.0},
            "b": {"distribution": "beta", "a": 2.0, "b": 5.0},
            "old": {"distribution": "log_uniform", "min": -3.0, "max": 0.0},
            "opt": {"values": ["sgd", "adam", "rmsprop"]},
            "const": {"value": "fixed"},
        }
    )
    rng = np.random.default_rng(5)
    for row in space.from_unit(rng.random((50, space.d))):
        params = space.decode(row)
        again = space.encode(params)
        assert again is not None
        np.testing.assert_allclose(space.decode(again)["lr"], params["lr"], rtol=1e-9)
        assert space.decode(again) == pytest.approx(params)
        assert params["const"] == "fixed"
    # Log scale: the middle of the lr column is the geometric middle of its range.
    lr_col = [d.param.name for d in space.dims].index("lr")
    mid = np.full(space.d, 0.5)
    mid[space.is_cat] = 0
    assert space.decode(mid)["lr"] == pytest.approx(1e-3, rel=1e-9)
    assert space.encode({**space.decode(mid), "lr": 1e-5})[lr_col] == pytest.approx(1e-6)  # clamped off 0


def test_decoding_keeps_types_ints_q_values_and_exact_categories() -> None:
    choices = [{"depth": 2}, [1, 2], None, True, 1, "1"]
    space = _space(
        {
            "n": {"min": 1, "max": 3},
            "q": {"distribution": "q_uniform", "min": 0, "max": 100, "q": 5},
            "qf": {"distribution": "q_log_uniform_values", "min": 0.1, "max": 10.0, "q": 0.1},
            "c": {"values": choices},
        }
    )
    seen_n, seen_c = set(), []
    for row in space.from_unit(np.random.default_rng(6).random((200, space.d))):
        params = space.decode(row)
        assert type(params["n"]) is int and 1 <= params["n"] <= 3
        assert type(params["q"]) is int and params["q"] % 5 == 0 and 0 <= params["q"] <= 100
        assert type(params["qf"]) is float and 0.1 <= params["qf"] <= 10.0
        assert round(params["qf"] * 10) == pytest.approx(params["qf"] * 10)
        seen_n.add(params["n"])
        seen_c.append(params["c"])
    assert seen_n == {1, 2, 3}
    for value in choices:  # each category decodes to its own value, True and 1 and "1" apart
        assert any(type(c) is type(value) and c == value for c in seen_c)
    c_col = [d.param.name for d in space.dims].index("c")
    dict_value = next(c for c in seen_c if isinstance(c, dict))
    dict_value["depth"] = 99  # a proposal's value is its own copy, not the config's
    assert space.dims[c_col].param.values[0] == {"depth": 2}
    for i, value in enumerate(choices):
        row = space.encode({"n": 1, "q": 0, "qf": 1.0, "c": value})
        assert row is not None and row[c_col] == i


def test_trials_that_cannot_be_placed_are_left_out() -> None:
    space = _space({"opt": {"values": ["a", "b"]}, "x": {"min": 0.0, "max": 1.0}})
    assert space.encode({"opt": "c", "x": 0.5}) is None  # a category no longer in the config
    assert space.encode({"opt": "a"}) is None  # a parameter added since
    assert space.encode({"opt": "a", "x": "high"}) is None
    assert space.encode({"opt": "a", "x": float("nan")}) is None
    assert space.encode({"opt": "a", "x": 7.0}) is not None  # out of range: clamped, still informative


def test_enumerate_lists_every_point_of_a_small_discrete_space() -> None:
    space = _space({"n": {"min": 1, "max": 4}, "opt": {"values": ["a", "b", "c"]}})
    rows = space.enumerate(4096)
    assert rows is not None and rows.shape == (12, 2)
    points = {(p["n"], p["opt"]) for p in (space.decode(r) for r in rows)}
    assert len(points) == 12
    assert _space({"x": {"min": 0.0, "max": 1.0}}).enumerate(4096) is None
