"""Grouped bar and scatter panels: per group, statistics of one number per run, over EVERY run.

A bar panel draws one value per run (a summary metric); grouped, it draws one bar per group: the
mean over every run of the group that the filter selects (less hidden runs), with the band the line
charts use as its error bar. The runs are grouped by ``group_series.select_groups`` (the grouping
of grouped line charts) and the statistics are ``group_stats.summarize`` (the same mean, sample std
and stderr as a grouped line at one x), so a bar and a line's last point agree.

A run's number for a field is read as the browser reads it (web/src/lib/summaryPlots.ts numberOf;
both suites run tests/cases/summary_numbers.json): a finite number, a boolean as 0/1, or text that
is a number; anything else is no value and the run is not counted (its group's ``runs`` still is).
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.ui import GroupFieldStats, GroupSummary, GroupSummaryRequest, GroupSummaryResponse
from trackwell.service import group_stats as gs
from trackwell.service.group_series import check_group_keys, field_value, select_groups
from trackwell.store.base import Database

# Text JavaScript's Number() reads as a number (besides Infinity, which is not finite): decimal
# with an optional exponent, or 0x/0o/0b integers.
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_PREFIXED = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def summary_number(v: Any) -> float | None:
    """A run's value as a finite number, or None: the browser's numberOf."""
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, int | float):
        return float(v) if math.isfinite(v) else None
    if isinstance(v, str):
        text = v.strip()
        if _DECIMAL.fullmatch(text):
            n = float(text)
            return n if math.isfinite(n) else None
        if _PREFIXED.fullmatch(text):
            return float(int(text, 0))
    return None


def group_summary(db: Database, entity: str, project: str, req: GroupSummaryRequest) -> GroupSummaryResponse:
    """Each group's size and, per field, count/mean/min/max/std/stderr over its runs' numbers."""
    by = check_group_keys(req.group_by)
    fields = [_check_field(f) for f in dict.fromkeys(req.fields)]
    with db.read() as conn:
        sel = select_groups(db, conn, entity, project, req.filters, req.exclude, by, req.groups)
    out: list[GroupSummary] = []
    at = np.zeros(1)
    for gid in sel.order:
        runs = sel.members[gid]
        stats = []
        for field in fields:
            numbers = [summary_number(field_value(r, field)) for r in runs]
            st = gs.summarize([np.array([math.nan if n is None else n]) for n in numbers], at)
            mean, lo, hi, std, stderr = (gs.wire(a)[0] for a in (st.mean, st.min, st.max, st.std, st.stderr))
            count = int(st.count[0])
            stats.append(
                GroupFieldStats(field=field, count=count, mean=mean, min=lo, max=hi, std=std, stderr=stderr)
            )
        out.append(GroupSummary(values=sel.values[gid], runs=len(runs), fields=stats))
    return GroupSummaryResponse(
        group_by=by, total_runs=len(sel.runs), total_groups=len(sel.members), groups=out
    )


def _check_field(field: str) -> str:
    f = field.strip()
    if f.startswith(("summary.", "config.")) and f.split(".", 1)[1]:
        return f
    raise InvalidArgument(
        f"cannot summarise {field!r}",
        field="fields",
        hint="use 'summary.<key>' (e.g. summary.val/acc) or 'config.<key>' (e.g. config.lr)",
    )
