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

:func:`batch_histograms` gives the same histograms for many tensors at once; a logging pass of
``run.watch`` bins its tensors with it. A small model's histograms cost more in per-call overhead (a
few torch calls and two host copies per tensor) than in binning, so the small tensors (up to
:data:`SMALL` values each) are joined into one, copied to the host in one transfer (one device sync
for all of them) and binned together by numpy with ``torch.histc``'s own float arithmetic, which gives
histc's counts exactly; larger ones are binned one by one on their device, as above.

torch is imported by the caller (``watch``) only; this module never imports it at module level.
"""

from __future__ import annotations

import bisect
import functools
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

NUM_BINS = 64
SMALL = 1 << 16  # tensors up to this many values are binned together on the host


@dataclass(frozen=True)
class TensorHistogram:
    counts: list[int]
    lo: float  # the smallest and largest value binned (numpy's edges widen them when equal)
    hi: float
    left_out: int  # NaN and infinite values, not in any bin

    @functools.cached_property
    def edges(self) -> list[float]:
        """``len(counts) + 1`` edges, numpy's: worked out when first read (for ``run.watch``, on the
        SDK's thread that writes the row, not on the training thread)."""
        return _edges(self.lo, self.hi, len(self.counts))


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
    if lo == hi or not flat.numel():
        # No histc here: float32 arithmetic can put the value one bin off numpy's choice.
        counts = [0] * num_bins
        if flat.numel():
            counts[_bin_of(_edges(lo, hi, num_bins), lo)] = int(flat.numel())
    else:
        counts = torch.histc(flat, bins=num_bins, min=lo, max=hi).to(torch.int64).tolist()
    if implicit_zeros:
        counts[_bin_of(_edges(lo, hi, num_bins), 0.0)] += implicit_zeros
    return TensorHistogram(counts, lo, hi, left_out)


def _edges(lo: float, hi: float, num_bins: int) -> list[float]:
    if lo == hi:  # every value is the same one: numpy's range around it
        lo, hi = lo - 0.5, hi + 0.5
    width = hi - lo
    # numpy.linspace(lo, hi, 65) exactly: i / 64 is exact, so width * (i / 64) == width * i / 64.
    return [lo + width * f for f in _fractions(num_bins)] + [hi]


class HostBatch:
    """The dense tensors of ``tensors`` with 1 to :data:`SMALL` values each, copied to the host
    together (per dtype and device: one copy there, one transfer), to be binned when first asked,
    on whichever thread asks: ``run.watch`` leaves that to the SDK's thread that writes the row.
    The copy is the snapshot: the tensors may change (``optimizer.step()``) once this returns."""

    def __init__(self, tensors: Sequence[Any], num_bins: int = NUM_BINS) -> None:
        import torch

        groups: dict[tuple[Any, Any], list[tuple[int, Any]]] = {}
        for position, tensor in enumerate(tensors):
            if tensor.layout != torch.strided or not 0 < tensor.numel() <= SMALL:
                continue
            flat = tensor.detach().ravel()
            if flat.dtype not in (torch.float32, torch.float64):
                flat = flat.float()  # as tensor_histogram: histc bins float32/float64 only
            groups.setdefault((flat.dtype, flat.device), []).append((position, flat))
        self.num_bins = num_bins
        # (positions, values on the host, lengths) per group; torch.cat always makes a new tensor.
        self._groups = [
            (
                [position for position, _ in members],
                torch.cat([flat for _, flat in members]).cpu().numpy(),
                [flat.numel() for _, flat in members],
            )
            for members in groups.values()
        ]
        self.positions = frozenset(p for positions, _, _ in self._groups for p in positions)
        self._found: dict[int, TensorHistogram] | None = None
        self._lock = threading.Lock()

    def all_finite(self) -> bool:
        """Whether every value is finite, from one sum per group (NaN and Inf carry into it): on the
        training thread, so the cheapest check; a sum that overflows says no, and the pass is
        binned at once, by the path that also handles NaN/Inf."""
        return all(math.isfinite(values.sum()) for _, values, _ in self._groups)

    def histograms(self) -> dict[int, TensorHistogram]:
        """By position, what :func:`tensor_histogram` gives each tensor; a tensor holding NaN/Inf is
        left out (bin it with :func:`tensor_histogram`, which leaves those values out)."""
        with self._lock:
            if self._found is None:
                found: dict[int, TensorHistogram] = {}
                for positions, values, lengths in self._groups:
                    for position, hist in zip(
                        positions, _bin_together(values, lengths, self.num_bins), strict=True
                    ):
                        if hist is not None:
                            found[position] = hist
                self._found, self._groups = found, []  # the host copies are no longer needed
            return self._found


def batch_histograms(tensors: Sequence[Any], num_bins: int = NUM_BINS) -> dict[int, TensorHistogram]:
    """:class:`HostBatch`'s histograms, binned now (see the module doc). Tensors not in the result
    (sparse, empty, larger than :data:`SMALL`, or holding NaN/Inf) are binned with
    :func:`tensor_histogram`, one by one."""
    return HostBatch(tensors, num_bins).histograms()


def _bin_together(values: Any, lengths: list[int], num_bins: int) -> list[TensorHistogram | None]:
    """64-bin histograms of consecutive segments of ``values`` (float32 or float64, on the host).

    ``torch.histc`` places ``x`` in bin ``int((x - lo) * bins / (hi - lo))`` (the last bin taking
    ``hi``), each operation rounded in the tensor's own dtype; numpy does the same operations in
    the same dtype here, so the counts are histc's, bit for bit. ``None`` for a segment with NaN
    or Inf (numpy's min/max propagate them): :func:`tensor_histogram` leaves those values out."""
    import numpy as np

    count = len(lengths)
    sizes = np.asarray(lengths)
    starts = np.zeros(count, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    lows, highs = np.minimum.reduceat(values, starts), np.maximum.reduceat(values, starts)
    binned = np.isfinite(lows) & np.isfinite(highs) & (lows < highs)
    spans = highs - lows  # in the values' dtype, as histc's (max - min)
    with np.errstate(all="ignore"):  # segments left out may hold NaN/Inf: their bins are dropped
        bins = values - np.repeat(np.where(binned, lows, 0), sizes)
        bins *= values.dtype.type(num_bins)
        bins /= np.repeat(np.where(binned, spans, 1), sizes)
        index = bins.astype(np.int64)
    np.clip(index, 0, num_bins - 1, out=index)  # histc: the maximum goes in the last bin
    index += np.repeat(np.arange(count, dtype=np.int64) * num_bins, sizes)
    all_counts = np.bincount(index, minlength=count * num_bins).tolist()
    out: list[TensorHistogram | None] = []
    for i, (lo, hi) in enumerate(zip(lows.tolist(), highs.tolist(), strict=True)):
        if not (math.isfinite(lo) and math.isfinite(hi)):
            out.append(None)
            continue
        if lo == hi:  # one value: in numpy's bin for it (as tensor_histogram)
            counts = [0] * num_bins
            counts[_bin_of(_edges(lo, hi, num_bins), lo)] = lengths[i]
        else:
            counts = all_counts[i * num_bins : (i + 1) * num_bins]
        out.append(TensorHistogram(counts, lo, hi, 0))
    return out


@functools.cache
def _fractions(num_bins: int) -> list[float]:
    return [i / num_bins for i in range(num_bins)]


def _bin_of(edges: list[float], value: float) -> int:
    """numpy's bin for ``value``: half-open bins, the last one closed."""
    return min(max(bisect.bisect_right(edges, value) - 1, 0), len(edges) - 2)
