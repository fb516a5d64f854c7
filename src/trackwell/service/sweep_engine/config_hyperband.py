"""``early_terminate``: hyperband's config checked and its milestone ladder computed (W&B's, section 5).

The ladder ("bands") is computed once, at parse time:

- ``max_iter`` and ``s``: b = max_iter, then s times b = b / eta, stopping when b < 1, recording
  int(b); ascending. max_iter itself is not a band: (27, s=2, eta=3) gives [3, 9], (100, 5, 3) gives
  [1, 3, 11, 33].
- ``min_iter``: int(min_iter * eta^k) for k = 0..99 (3, 9, 27, ...), duplicates dropped (with eta close
  to 1 the int() repeats a band, which changes no decision).

``max_iter`` wins over ``min_iter`` when both are given, as in W&B (with a warning here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trackwell.service.sweep_engine.config_text import Problems, did_you_mean, is_int, is_number, listed, show
from trackwell.service.sweep_engine.spec import HyperbandSpec

KEYS = ("type", "min_iter", "max_iter", "s", "eta", "strict")
_LADDER = 100  # W&B's min_iter ladder length


def bands_from_max_iter(max_iter: int, s: int, eta: float) -> tuple[int, ...]:
    bands = []
    b = float(max_iter)
    for _ in range(s):
        b = b / eta
        if b < 1:
            break
        bands.append(int(b))
    return tuple(sorted(set(bands)))


def bands_from_min_iter(min_iter: int, eta: float) -> tuple[int, ...]:
    bands: list[int] = []
    for k in range(_LADDER):
        try:
            band = int(min_iter * eta**k)
        except OverflowError:  # eta^k past a float: the ladder is long enough already
            break
        if not bands or band != bands[-1]:
            bands.append(band)
    return tuple(bands)


def parse_early_terminate(raw: Any, out: Problems) -> HyperbandSpec | None:
    path = "early_terminate"
    if not isinstance(raw, Mapping):
        out.add(path, f"must be a mapping such as {{type: hyperband, min_iter: 3}}, not {show(raw)}")
        return None
    before = len(out.problems)
    _check(raw, path, out)
    if len(out.problems) > before:
        return None
    eta, strict = raw.get("eta", 3), raw.get("strict", True)
    if "max_iter" in raw:
        if "min_iter" in raw:
            out.warn(path, "min_iter is ignored when max_iter is given (W&B's rule)")
        bands = bands_from_max_iter(raw["max_iter"], raw["s"], float(eta))
    else:
        bands = bands_from_min_iter(raw["min_iter"], float(eta))
    if not bands:
        out.add(
            path, f"max_iter {raw['max_iter']} with eta {eta} gives no band", "raise max_iter or lower eta"
        )
        return None
    return HyperbandSpec(bands=bands, eta=float(eta), strict=strict)


def _check(raw: Mapping[str, Any], path: str, out: Problems) -> None:
    for key in raw:
        if key not in KEYS:
            out.add(
                path, f"has unknown key {key!r}", f"hyperband takes {listed(KEYS)}{did_you_mean(key, KEYS)}"
            )
    kind = raw.get("type")
    if kind != "hyperband":
        out.add(f"{path}.type", f"must be hyperband, not {show(kind)}", "the one early termination there is")
    eta = raw.get("eta", 3)
    if not is_number(eta) or eta <= 1:
        out.add(f"{path}.eta", f"must be a number greater than 1, not {show(eta)}", "e.g. eta: 3")
    strict = raw.get("strict", True)
    if not isinstance(strict, bool):
        out.add(f"{path}.strict", f"must be true or false, not {show(strict)}")
    for key in ("min_iter", "max_iter", "s"):
        if key in raw and (not is_int(raw[key]) or raw[key] < 1):
            out.add(f"{path}.{key}", f"must be an integer of at least 1, not {show(raw[key])}")
    if "max_iter" in raw and "s" not in raw:
        out.add(path, "has max_iter without s", "give s, the number of bands below max_iter, or use min_iter")
    elif "max_iter" not in raw and "min_iter" not in raw:
        out.add(
            path,
            "needs min_iter, or max_iter and s",
            "e.g. min_iter: 3, the first milestone in logged values",
        )
