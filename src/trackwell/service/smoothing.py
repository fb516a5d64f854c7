"""Line smoothing for charts drawn on the server (exported reports), the UI's rules exactly.

The rules are web/src/lib/smoothing.ts's (time-weighted debiased EMA, Gaussian kernel, trailing
running average); ``tests/unit/test_smoothing.py`` runs both on the same cases
(tests/unit/smoothing_cases.json) so they cannot drift apart. Missing or non-finite values (NaN)
are gaps that never poison the running state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from trackwell.schema.layout import SmoothingSpec

# A weight applies per 1/1000 of the x range, so a setting looks the same on 100 and 1M steps.
EMA_VIEWPORT_SCALE = 1000
DEFAULT_PARAM = {"none": 0.0, "ema": 0.6, "gaussian": 2.0, "average": 10.0}


def ema_time_weighted(xs: Sequence[float], ys: Sequence[float | None], weight: float) -> list[float]:
    w = min(max(weight, 0.0), 0.999)
    out = [math.nan] * len(ys)
    if not ys:
        return out
    span = (xs[-1] - xs[0]) or 1.0
    acc = debias = 0.0
    prev_x: float | None = None
    for i, y in enumerate(ys):
        if y is None or not math.isfinite(y):
            continue
        dx = 0.0 if prev_x is None else (xs[i] - prev_x) / span * EMA_VIEWPORT_SCALE
        decay = w**dx
        acc = acc * decay + y
        debias = debias * decay + 1
        out[i] = acc / debias
        prev_x = xs[i]
    return out


def gaussian(xs: Sequence[float], ys: Sequence[float | None], sigma: float) -> list[float]:
    n = len(ys)
    if not sigma > 0:
        return [y if y is not None and math.isfinite(y) else math.nan for y in ys]
    out = [math.nan] * n
    reach, denom, lo = 3 * sigma, 2 * sigma * sigma, 0
    for i, yi in enumerate(ys):
        if yi is None or not math.isfinite(yi):
            continue
        xi = xs[i]
        while lo < n and xs[lo] < xi - reach:
            lo += 1
        total = weights = 0.0
        j = lo
        while j < n and xs[j] <= xi + reach:
            yj = ys[j]
            if yj is not None and math.isfinite(yj):
                wj = math.exp(-((xs[j] - xi) ** 2) / denom)
                total += wj * yj
                weights += wj
            j += 1
        out[i] = total / weights
    return out


def running_average(ys: Sequence[float | None], window: float) -> list[float]:
    size = max(1, math.floor(window))
    out = [math.nan] * len(ys)
    ring: list[float] = []
    total = 0.0
    for i, y in enumerate(ys):
        if y is None or not math.isfinite(y):
            continue
        ring.append(y)
        total += y
        if len(ring) > size:
            total -= ring.pop(0)
        out[i] = total / len(ring)
    return out


def smooth(xs: Sequence[float], ys: Sequence[float | None], spec: SmoothingSpec) -> list[float]:
    param = DEFAULT_PARAM[spec.kind] if spec.param is None else spec.param
    if spec.kind == "ema":
        return ema_time_weighted(xs, ys, param)
    if spec.kind == "gaussian":
        return gaussian(xs, ys, param)
    if spec.kind == "average":
        return running_average(ys, param)
    return [y if y is not None else math.nan for y in ys]
