"""Run and group colours of exported charts: the web UI's palette and its rules, so a run has the
same colour in an exported report as in the live one.

The palette and the rules are web/src/lib/panels.ts's (``PALETTE``, ``assignRunColors``,
``assignGroupColors``); ``tests/unit/test_run_palette.py`` reads that file and fails when the two
lists drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from trackwell.schema.runs import RunOut

PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#17becf", "#e377c2", "#8c564b", "#bcbd22", "#7f7f7f",
    "#3f51b5", "#ffb300", "#00897b", "#ad1457", "#7cb342",
    "#ff7043", "#29b6f6", "#8e24aa", "#00c853", "#d500f9",
)  # fmt: skip


def run_colors(runs: Iterable[RunOut]) -> dict[str, str]:
    """Run id -> colour: the oldest run the palette's first colour, the next the second, and so on
    (ties in creation time broken by key), as ``assignRunColors`` hands them out."""
    ordered = sorted(runs, key=lambda r: (r.created_at, f"{r.entity}/{r.project}/{r.id}"))
    return {r.id: PALETTE[i % len(PALETTE)] for i, r in enumerate(ordered)}


def _natural(label: str) -> list[tuple[int, int | str]]:
    # Intl.Collator(undefined, {numeric: true}): digit runs compare as numbers, the rest by text.
    return [(0, int(p)) if p.isdigit() else (1, p.casefold()) for p in re.split(r"(\d+)", label) if p]


def group_color(label: str, labels: Sequence[str]) -> str:
    """A group's colour: one palette colour each by its label's place in sorted order
    (``assignGroupColors``), so no two of up to 20 groups share one."""
    ordered = sorted(set(labels), key=_natural)
    return PALETTE[ordered.index(label) % len(PALETTE)]
