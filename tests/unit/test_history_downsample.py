"""M4 downsampling: within budget, real points only, extremes always kept."""

from __future__ import annotations

import numpy as np
import pytest

from trackwell.store.history.downsample import m4_indices


def test_small_series_are_returned_whole() -> None:
    steps = np.arange(10, dtype=np.int64)
    assert m4_indices(steps, steps.astype(np.float64), 1000).tolist() == list(range(10))
    assert m4_indices(steps, steps.astype(np.float64), 0).tolist() == list(range(10))


def test_budget_and_extremes_of_a_noisy_series() -> None:
    rng = np.random.default_rng(3)
    n = 200_000
    values = rng.normal(size=n)
    values[123_457], values[5] = 42.0, -42.0
    steps = np.arange(n, dtype=np.int64) * 2
    keep = m4_indices(steps, values, 1000)
    assert len(keep) <= 1000
    assert keep.tolist() == sorted(set(keep.tolist()))
    assert {123_457, 5, 0, n - 1} <= set(keep.tolist())


def test_buckets_follow_steps_not_point_counts() -> None:
    # dense early steps, sparse late ones: the sparse tail must not be thinned away
    steps = np.concatenate([np.arange(10_000), np.arange(10_000, 1_000_000, 10_000)]).astype(np.int64)
    values = np.zeros(len(steps))
    keep = set(m4_indices(steps, values, 400).tolist())
    tail = set(range(10_000, len(steps)))
    assert len(tail & keep) >= 90


def test_nan_is_ignored_for_extremes_but_kept_at_edges() -> None:
    values = np.array([np.nan, 1.0, 9.0, -9.0, np.nan] * 1000)
    steps = np.arange(len(values), dtype=np.int64)
    keep = m4_indices(steps, values, 8)
    assert len(keep) <= 8
    picked = values[keep]
    assert 9.0 in picked and -9.0 in picked and np.isnan(picked[0])


def test_all_equal_steps_and_all_nan() -> None:
    steps = np.zeros(5000, dtype=np.int64)
    keep = m4_indices(steps, np.full(5000, np.nan), 100)
    assert 0 < len(keep) <= 4 and keep[0] == 0 and keep[-1] == 4999


@pytest.mark.parametrize("seed", range(25))
def test_vectorized_and_loop_m4_pick_the_same_points(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from trackwell.store.history import downsample

    rng = np.random.default_rng(seed)
    n = int(rng.integers(50, 5000))
    steps = np.sort(rng.integers(0, n * 3, n)).astype(np.int64)  # uneven, with repeated steps
    values = rng.choice([0.0, 1.0, 2.0], n) if seed % 3 == 0 else rng.normal(size=n)  # ties, or not
    if seed % 2:
        values[rng.integers(0, n, n // 10)] = np.nan
    if seed % 5 == 0:
        values[rng.integers(0, n, 3)] = np.inf
        values[rng.integers(0, n, 3)] = -np.inf
    samples = int(rng.integers(8, 400))
    vectorized = downsample.m4_indices(steps, values, samples)
    monkeypatch.setattr(downsample, "VECTOR_MAX_POINTS", 0)
    looped = downsample.m4_indices(steps, values, samples)
    assert vectorized.tolist() == looped.tolist()


def test_sketch_keeps_each_groups_first_last_min_and_max() -> None:
    from trackwell.store.history.sketch import GROUP, sketch_indices, use_sketches

    values = np.arange(GROUP * 3 + 5, dtype=np.float64)
    values[40] = 1000.0  # the maximum of group 1
    values[70] = -5.0  # the minimum of group 2
    values[10] = np.nan  # ignored when looking for extremes
    keep = sketch_indices(values).tolist()
    assert keep == sorted(set(keep))
    assert {0, 31, 32, 63, 64, 95} <= set(keep)  # first and last of each group
    assert {40, 70} <= set(keep)
    assert set(range(96, 101)) <= set(keep)  # a short last group is kept whole
    assert len(keep) <= 4 * 3 + 5
    # Sketches stand in only when each final bucket spans many groups.
    assert use_sketches(1_000_000, 1000) and not use_sketches(20_000, 1000) and not use_sketches(10**6, None)
