"""The histogram of one tensor for ``run.watch``, computed where the tensor lives.

wandb's ``log_tensor_stats`` copies each tensor to the CPU before binning it. Here the range, the
64 counts and the check for NaN/Inf run on the tensor's own device (``torch.aminmax`` and
``torch.histc``); only two small results cross to the host: the range (two numbers) and the 64
counts. A model on a GPU is never copied whole to host memory.

Bins follow ``numpy.histogram(values, bins=64)``: 64 equal bins from the smallest to the largest
finite value, the last bin closed. A tensor whose values are all equal gets numpy's range
``(v - 0.5, v + 0.5)`` (wandb logs one zero-width bin there; 64 bins keep every step of a key
alike for the UI's histogram-over-steps view). NaN and infinite values cannot be placed in a bin:
they are left out and counted (:attr:`TensorHistogram.left_out`), as ``trackwell.Histogram`` does;
a tensor with no finite value at all gives ``None`` (wandb skips it too).

torch is imported by the caller (``watch``) only; this module never imports it at module level.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import dataclass
from typing import Any

NUM_BINS = 64


@dataclass(frozen=True)
class TensorHistogram:
    counts: list[int]
    edges: list[float]  # len(counts) + 1
    left_out: int  # NaN and infinite values, not in any bin


def tensor_histogram(tensor: Any, num_bins: int = NUM_BINS) -> TensorHistogram | None:
    """The histogram of ``tensor``'s finite values, or ``None`` when it has none."""
    import torch

    values = tensor.detach()
    implicit_zeros = 0
    if values.is_sparse:
        # A sparse gradient (nn.Embedding(sparse=True)) stores only its non-zero entries; the rest
        # are zeros that belong in the histogram too, as in wandb.
        values = values.coalesce()
        implicit_zeros = values.numel() - values.values().numel()
        values = values.values()
    flat = values.reshape(-1)
    if flat.dtype not in (torch.float32, torch.float64):
        flat = flat.float()  # histc takes float32/float64 only (half, bfloat16 and ints convert)
    left_out = 0
    if flat.numel():
        # NaN propagates to both ends and an infinity shows as an end: finite ends mean every value
        # is finite, so the common case needs this one small host copy and no mask.
        lo, hi = torch.stack(torch.aminmax(flat)).tolist()
        if not (math.isfinite(lo) and math.isfinite(hi)):
            finite = torch.isfinite(flat)
            flat = flat[finite]
            left_out = int(finite.numel() - flat.numel())
            if flat.numel():
                lo, hi = torch.stack(torch.aminmax(flat)).tolist()
    if not flat.numel():
        if not implicit_zeros:
            return None
        lo = hi = 0.0
    if implicit_zeros:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    single = lo == hi  # every value is the same one: numpy's range around it
    value = lo
    if single:
        lo, hi = lo - 0.5, hi + 0.5
    width = hi - lo
    # numpy.linspace(lo, hi, 65) exactly: i / 64 is exact, so width * (i / 64) == width * i / 64.
    edges = [lo + width * f for f in _fractions(num_bins)] + [hi]
    if single or not flat.numel():
        # No histc here: float32 arithmetic can put the value one bin off numpy's choice.
        counts = [0] * num_bins
        if flat.numel():
            counts[_bin_of(edges, value)] = int(flat.numel())
    else:
        counts = torch.histc(flat, bins=num_bins, min=lo, max=hi).to(torch.int64).tolist()
    if implicit_zeros:
        counts[_bin_of(edges, 0.0)] += implicit_zeros
    return TensorHistogram(counts, edges, left_out)


@functools.cache
def _fractions(num_bins: int) -> list[float]:
    return [i / num_bins for i in range(num_bins)]


def _bin_of(edges: list[float], value: float) -> int:
    """numpy's bin for ``value``: half-open bins, the last one closed."""
    return min(max(bisect.bisect_right(edges, value) - 1, 0), len(edges) - 2)
