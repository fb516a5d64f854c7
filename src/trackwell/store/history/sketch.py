"""Sketches of full history chunks, so that a chart of a long series decodes ~1/8 of its bytes.

A chart shows at most a few thousand points of a series; for a million-point series the server keeps
the first, last, minimum and maximum point of each bucket (M4, ``downsample.py``). A full chunk
(``KEY_CHUNK_POINTS`` points) also stores its sketch: the same four points for every ``GROUP``
consecutive points, encoded like the chunk itself. M4 over sketches keeps every bucket's extremes
exactly (an extreme of a bucket is an extreme of one of its groups) and its first and last points
up to a group's width, which is far below a pixel once a bucket spans many groups: reads use
sketches only then (``use_sketches``). Points are real points, never averages.
"""

from __future__ import annotations

import numpy as np

from trackwell.store.history import chunks
from trackwell.store.history.chunks import FloatArray, IntArray

GROUP = 32
# A bucket of the final M4 must span this many points before sketches stand in for the data.
MIN_POINTS_PER_BUCKET = 64 * GROUP // 4


def sketch_indices(values: IntArray | FloatArray) -> IntArray:
    """Indices of each group's first, last, first minimum and first maximum (NaN ignored), sorted."""
    n = len(values)
    full = n - n % GROUP
    floats = values.astype(np.float64, copy=False)[:full].reshape(-1, GROUP)
    nan = np.isnan(floats)
    lows = np.argmin(np.where(nan, np.inf, floats), axis=1)
    highs = np.argmax(np.where(nan, -np.inf, floats), axis=1)
    starts = np.arange(0, full, GROUP, dtype=np.int64)
    parts = [starts, starts + GROUP - 1, starts + lows, starts + highs]
    if full < n:  # a short last group is kept whole
        parts.append(np.arange(full, n, dtype=np.int64))
    return np.unique(np.concatenate(parts))


def encode_sketch(rows: IntArray, steps: IntArray, values: IntArray | FloatArray) -> bytes:
    keep = sketch_indices(values)
    return chunks.encode_key_chunk(rows[keep], steps[keep], values[keep])


def use_sketches(points_in_range: int, samples: int | None) -> bool:
    """True when an M4 read of ``samples`` points over ``points_in_range`` can use sketches."""
    if not samples:
        return False
    buckets = max(1, samples // 4)
    return points_in_range >= buckets * MIN_POINTS_PER_BUCKET
