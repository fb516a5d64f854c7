"""The chunk codec must be lossless for every int64/float64 bit pattern and compact for the shapes
metrics really have (regular steps, smooth clocks)."""

from __future__ import annotations

import numpy as np
import pytest

from trackwell.store.history import codec
from trackwell.store.history.codec import CodecError, Transform


def bits(a: np.ndarray) -> list[int]:
    words: list[int] = np.ascontiguousarray(a).view(np.int64).tolist()
    return words


def test_floats_round_trip_bit_for_bit() -> None:
    rng = np.random.default_rng(0)
    special = np.array([np.nan, -np.nan, np.inf, -np.inf, -0.0, 0.0, 5e-324, 1.7976931348623157e308])
    values = np.concatenate(
        [special, rng.normal(size=1000), rng.integers(-(2**63), 2**63 - 1, 64).view(np.float64)]
    )
    for transform in (Transform.FLOAT_RAW, Transform.FLOAT_BITS_DELTA):
        (out,) = codec.decode(codec.encode([(values, transform)]))
        assert out.dtype == np.float64 and bits(out) == bits(values)


def test_ints_round_trip_including_extremes_and_disorder() -> None:
    ints = np.array([0, -1, 2**63 - 1, -(2**63), 5, 5, 3, 10**18], dtype=np.int64)
    (out,) = codec.decode(codec.encode([(ints, Transform.INT_DELTA)]))
    assert out.dtype == np.int64 and out.tolist() == ints.tolist()


def test_regular_steps_cost_almost_nothing() -> None:
    steps = np.arange(100, 100 + 8192, dtype=np.int64)
    blob = codec.encode([(steps, Transform.INT_DELTA), (steps * 10, Transform.INT_DELTA)])
    assert len(blob) < 64
    a, b = codec.decode(blob)
    assert a.tolist() == steps.tolist() and b.tolist() == (steps * 10).tolist()


def test_clock_timestamps_compress_well() -> None:
    rng = np.random.default_rng(1)
    ts = 1.7e9 + np.cumsum(rng.exponential(0.05, 8192))
    blob = codec.encode([(ts, Transform.FLOAT_BITS_DELTA)])
    assert len(blob) < 8192 * 4  # half of raw float64
    assert bits(codec.decode(blob)[0]) == bits(ts)


def test_selected_columns_and_empty_chunks() -> None:
    cols = [(np.arange(3), Transform.INT_DELTA), (np.array([1.5, 2.5, 3.5]), Transform.FLOAT_RAW)]
    (only,) = codec.decode(codec.encode(cols), [1])
    assert only.tolist() == [1.5, 2.5, 3.5]
    empty = codec.encode(
        [(np.array([], dtype=np.int64), Transform.INT_DELTA), (np.array([]), Transform.FLOAT_RAW)]
    )
    assert [len(c) for c in codec.decode(empty)] == [0, 0]


def test_mismatched_lengths_and_corrupt_blobs_are_refused() -> None:
    with pytest.raises(ValueError, match="equal lengths"):
        codec.encode([(np.arange(3), Transform.INT_DELTA), (np.arange(2), Transform.INT_DELTA)])
    blob = codec.encode([(np.array([1.0, 2.0]), Transform.FLOAT_RAW)])
    for broken in (blob[:5], blob[:-3], b"XYZ" + blob[3:]):
        with pytest.raises(CodecError):
            codec.decode(broken)
