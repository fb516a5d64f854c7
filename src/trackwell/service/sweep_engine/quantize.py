"""Multiples of ``q``: the one rule for every q-distribution and for grid ``q_uniform``.

Why a module of its own: sampling (``distributions``), grids (``grid``) and validation (``config_params``)
must agree on which values a quantised parameter can take, or a grid would propose a point random
search can never draw (and dedup would miss it). The rule:

- A quantised value is ``k * q`` for an integer ``k`` (W&B's ``round(x / q) * q``, half to even).
- ``k * q`` is computed in decimal from ``q``'s shortest repr, so ``3 * 0.1`` is ``0.3``, not
  ``0.30000000000000004`` (W&B's grid picks up that float error through ``numpy.arange``).
- When ``q`` is a Python ``int`` the value is an ``int`` (W&B's rule); otherwise a ``float``.
- Bounds ``[lo, hi]`` become the integer range ``[k_lo, k_hi]`` of the multiples that lie inside
  them, so a clipped value never leaves the range (W&B's values can: q_log_uniform_values with
  min=1, max=256, q=8 returns 0).
"""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation


def _dec(x: float | int) -> Decimal:
    # repr(): the shortest text that round-trips, the number the user wrote (0.1, not 0.1000...0555).
    return Decimal(x) if isinstance(x, int) else Decimal(repr(float(x)))


def multiple(k: int, q: float | int) -> float | int:
    """``k * q`` without binary float error: an ``int`` when ``q`` is an ``int``."""
    if isinstance(q, int):
        return k * q
    return float(_dec(k) * _dec(q))


def k_range(lo: float | None, hi: float | None, q: float | int) -> tuple[int | None, int | None]:
    """The integers ``k`` whose ``k * q`` lies in ``[lo, hi]`` (None: that side is unbounded).

    ``k_lo > k_hi`` means no multiple of ``q`` lies in the range (a config problem)."""
    k_lo = k_hi = None
    try:
        if lo is not None:
            k_lo = int((_dec(lo) / _dec(q)).to_integral_value(rounding=ROUND_CEILING))
        if hi is not None:
            k_hi = int((_dec(hi) / _dec(q)).to_integral_value(rounding=ROUND_FLOOR))
    except (InvalidOperation, OverflowError, ValueError):
        # Non-finite bounds: config validation refuses them; treat as unbounded here.
        pass
    return k_lo, k_hi


def quantize(x: float, q: float | int, k_lo: int | None = None, k_hi: int | None = None) -> float | int:
    """The multiple of ``q`` nearest ``x`` (ties to even, as numpy's round), clipped to ``[k_lo, k_hi]``."""
    ratio = x / float(q)
    if not math.isfinite(ratio):
        k = k_hi if ratio > 0 and k_hi is not None else k_lo if ratio < 0 and k_lo is not None else 0
    else:
        k = round(ratio)
    if k_lo is not None and k < k_lo:
        k = k_lo
    if k_hi is not None and k > k_hi:
        k = k_hi
    return multiple(k, q)


def index_of_multiple(x: float, q: float | int) -> int | None:
    """``k`` when ``x`` is (within float noise) ``k * q``, else None: how grid dedup recognises a value."""
    if not math.isfinite(x):
        return None
    k = round(x / float(q))
    if abs(x - k * float(q)) <= 1e-9 * max(1.0, abs(x)):
        return k
    return None
