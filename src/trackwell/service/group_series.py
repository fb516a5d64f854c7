"""Grouped chart series: a group's mean and band over EVERY run of the group, on the server.

A grouped workspace used to average the runs a chart happened to draw (the first 20 of the table),
so a group of 300 runs showed the mean of the 7 of its runs that were drawn. Here the runs list's
filter selects the runs (every one that matches, less the ones hidden from charts), they are
grouped by one or more keys (config and summary keys, group, job type, state, tags), their points
are read in one read transaction, and ``group_stats`` aligns them and computes each group's
statistics at each x. On the step axis only the points the grid needs are read, at full
resolution (``history.points_at``: each run's last finite point at or before each bucket end,
from sketches where buckets end on sketch groups); on time and metric axes every point, as arrays
(``group_axes``, ``history.all_points``), and only past its point budget the runs' downsampled
series (``history.series_many``, as the workspace's charts read them).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from trackwell.schema.errors import InvalidArgument
from trackwell.schema.history import Series
from trackwell.schema.runs import RunOut
from trackwell.schema.ui import (
    GroupKeySeries,
    GroupSeries,
    GroupSeriesRequest,
    GroupSeriesResponse,
    GroupValue,
)
from trackwell.service import group_stats as gs
from trackwell.service.group_axes import on_time_or_metric, points_on_axis
from trackwell.store.base import Database, RunKey, SeriesQuery

MAX_RUNS = 10_000
PAGE = 1000
# Points read per request (runs x keys x samples per run), as the per-run series query allows:
# 1,000 runs x 2 keys x 1,000 samples fits.
MAX_POINTS = 4_000_000
MIN_SAMPLES_PER_RUN = 100
PLAIN_KEYS = ("group", "job_type", "state", "tags")
GroupId = tuple[tuple[str, Any], ...]


def group_series(db: Database, entity: str, project: str, req: GroupSeriesRequest) -> GroupSeriesResponse:
    """Each group's size and, per metric, mean/min/max/std/stderr and contributors at each x."""
    by = check_group_keys(req.group_by)
    keys = _check_keys(req)
    if req.min_step is not None and req.max_step is not None and req.min_step > req.max_step:
        raise InvalidArgument(
            f"min_step ({req.min_step}) is greater than max_step ({req.max_step})",
            field="min_step",
            hint="swap them, or leave one out for an open range",
        )
    with db.read() as conn:
        sel = select_groups(db, conn, entity, project, req.filters, req.exclude, by, req.groups)
        runs, members, values, order = sel.runs, sel.members, sel.values, sel.order
        chosen = [r for g in order for r in members[g]]
        handles = db.runs.find_runs(conn, [RunKey(r.entity, r.project, r.id) for r in chosen])
        pk_of = {r.id: h.pk for r in chosen if (h := handles.get(RunKey(r.entity, r.project, r.id)))}
        if req.x_axis == "step":
            pts, grids = _on_steps(db, conn, chosen, pk_of, keys, req)
        else:
            exact = on_time_or_metric(db, conn, chosen, pk_of, keys, req)
            pts, grids = exact if exact is not None else _downsampled(db, conn, chosen, pk_of, keys, req)
    out: list[GroupSeries] = []
    for gid in order:
        group_runs = members[gid]
        per_key = []
        for key in keys:
            st = gs.stats([pts[key][r.id] for r in group_runs], grids[key])
            per_key.append(
                GroupKeySeries(
                    key=key,
                    x=st.x.tolist(),
                    mean=gs.wire(st.mean),
                    min=gs.wire(st.min),
                    max=gs.wire(st.max),
                    std=gs.wire(st.std),
                    stderr=gs.wire(st.stderr),
                    count=st.count.tolist(),
                )
            )
        out.append(GroupSeries(values=values[gid], runs=len(group_runs), series=per_key))
    return GroupSeriesResponse(group_by=by, total_runs=len(runs), total_groups=len(members), groups=out)


@dataclass(frozen=True, slots=True)
class Selection:
    """The runs a filter selects (less excluded ones), grouped: ``order`` lists the groups asked for
    (default: every group, largest first, ties by their values), ``members`` their runs."""

    runs: list[RunOut]
    members: dict[GroupId, list[RunOut]]
    values: dict[GroupId, list[GroupValue]]
    order: list[GroupId]


def select_groups(
    db: Database,
    conn: Any,
    entity: str,
    project: str,
    filters: dict[str, Any] | None,
    exclude: Sequence[str],
    by: list[str],
    groups: Sequence[Sequence[GroupValue]] | None,
) -> Selection:
    """Every run the filter selects grouped by ``by`` (checked group keys): the one grouping rule
    of grouped charts and grouped bar and scatter panels."""
    excluded = set(exclude)
    runs = [r for r in _runs(db, conn, entity, project, filters) if r.id not in excluded]
    members: dict[GroupId, list[RunOut]] = defaultdict(list)
    values: dict[GroupId, list[GroupValue]] = {}
    for run in runs:
        vals = [_value(run, k) for k in by]
        gid = _identity(vals)
        members[gid].append(run)
        values.setdefault(gid, vals)
    _check_known(runs, by, values)
    order = sorted(members, key=lambda g: (-len(members[g]), json.dumps(values[g], default=str)))
    if groups is not None:
        wanted = [_identity([group_value(v) for v in g]) for g in groups]
        order = [g for g in dict.fromkeys(wanted) if g in members]
    return Selection(runs, members, values, order)


def check_group_keys(keys: Sequence[str]) -> list[str]:
    return [_check_group_key(k) for k in keys]


def _on_steps(
    db: Database,
    conn: Any,
    chosen: list[RunOut],
    pk_of: Mapping[str, int],
    keys: list[str],
    req: GroupSeriesRequest,
) -> tuple[dict[str, dict[str, gs.RunPoints]], dict[str, gs.Grid]]:
    """The step axis at full resolution, reading only the points the grid needs: each run's last
    finite point at or before each bucket end (``history.points_at``; sketch-aligned buckets,
    ``gs.step_positions``), which give the same grid and statistics as every point would."""
    pts: dict[str, dict[str, gs.RunPoints]] = {}
    grids: dict[str, gs.Grid] = {}
    none = gs.RunPoints(np.empty(0), np.empty(0))
    for key in keys:
        got = (
            db.history.points_at(
                conn,
                list(pk_of.values()),
                key,
                lambda lo, hi, total: gs.step_positions(lo, hi, total, req.samples),
                req.min_step,
                req.max_step,
                req.stream,
            )
            if pk_of
            else {}
        )
        pts[key] = {}
        for r in chosen:
            p = got.get(pk_of[r.id]) if r.id in pk_of else None
            pts[key][r.id] = gs.RunPoints(p.steps.astype(np.float64), p.values) if p is not None else none
        total = sum(p.total_points for p in got.values())
        grids[key] = gs.grid(list(pts[key].values()), req.samples, total=total, aligned=True)
    return pts, grids


def _downsampled(
    db: Database,
    conn: Any,
    chosen: list[RunOut],
    pk_of: Mapping[str, int],
    keys: list[str],
    req: GroupSeriesRequest,
) -> tuple[dict[str, dict[str, gs.RunPoints]], dict[str, gs.Grid]]:
    """Time and metric axes past ``group_axes.FULL_READ_LIMIT`` points: each run's series read
    downsampled (min/max-preserving, as the workspace's charts are), so long runs are aligned from
    those points, not from every point."""
    x_key = req.x_key if req.x_axis == "metric" else None
    read_keys = [*keys, x_key] if x_key and x_key not in keys else list(keys)
    per_run = max(MIN_SAMPLES_PER_RUN, min(req.samples, MAX_POINTS // max(1, len(chosen) * len(read_keys))))
    query = SeriesQuery(
        keys=tuple(read_keys),
        min_step=req.min_step,
        max_step=req.max_step,
        samples=per_run,
        stream=req.stream,
        timestamps=req.x_axis in ("wall", "relative"),
    )
    read = db.history.series_many(conn, list(pk_of.values()), query) if pk_of else {}
    series_of = {run_id: {s.key: s for s in read.get(pk, [])} for run_id, pk in pk_of.items()}
    # Per metric: every chosen run's points on the chosen x axis, one grid for all groups.
    pts: dict[str, dict[str, gs.RunPoints]] = {}
    grids: dict[str, gs.Grid] = {}
    for key in keys:
        pts[key] = {
            r.id: _points(series_of.get(r.id, {}), key, req.x_axis, x_key, r.created_at) for r in chosen
        }
        grids[key] = gs.grid(list(pts[key].values()), req.samples)
    return pts, grids


def _runs(
    db: Database, conn: Any, entity: str, project: str, filters: dict[str, Any] | None
) -> Iterator[RunOut]:
    for offset in range(0, MAX_RUNS, PAGE):
        page, _ = db.runs.query_runs(
            conn, entity, project, filters, "+created_at", PAGE, offset, metadata=False
        )
        yield from page
        if len(page) < PAGE:
            return


def _check_group_key(key: str) -> str:
    k = key.strip()
    if k in PLAIN_KEYS or (k.startswith(("config.", "summary.")) and k.split(".", 1)[1]):
        return k
    raise InvalidArgument(
        f"cannot group by {key!r}",
        field="group_by",
        hint="use 'config.<key>' (e.g. config.optimizer), 'summary.<key>', 'group', 'job_type', "
        "'state' or 'tags'",
    )


def _check_keys(req: GroupSeriesRequest) -> list[str]:
    keys = list(dict.fromkeys(k for k in req.keys))
    if any(not k.strip() for k in keys):
        raise InvalidArgument("a metric key is empty", field="keys", hint="pass logged keys, e.g. train/loss")
    if req.x_axis == "metric" and not (req.x_key or "").strip():
        raise InvalidArgument(
            "x_axis 'metric' needs x_key", field="x_key", hint="pass the x metric, e.g. x_key=epoch"
        )
    if req.x_axis != "metric" and req.x_key:
        raise InvalidArgument(
            f"x_key is set but x_axis is {req.x_axis!r}",
            field="x_axis",
            hint="pass x_axis='metric' to draw against x_key, or leave x_key out",
        )
    return keys


def _check_known(runs: list[RunOut], by: list[str], values: Mapping[GroupId, list[GroupValue]]) -> None:
    """A config or summary key that no selected run has is a typo, not a group of everything."""
    if not runs:
        return
    for i, key in enumerate(by):
        if key in PLAIN_KEYS or any(v[i] is not None for v in values.values()):
            continue
        part, name = key.split(".", 1)
        known = sorted({k for r in runs[:200] for k in _flat(getattr(r, part)) if not k.startswith("_")})
        raise InvalidArgument(
            f"none of the {len(runs)} selected runs has {part} key {name!r}",
            field="group_by",
            hint=f"{part} keys of these runs: {', '.join(known[:20]) or 'none'}",
        )


def _flat(obj: Mapping[str, Any], prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """Nested keys joined with '.', as the runs table names its columns (web/src/lib/format.ts
    flatten): wandb's ``{"value": v, "desc": ...}`` config entries are their value."""
    out = {} if out is None else out
    for k, v in obj.items():
        name = prefix + k
        if isinstance(v, dict) and v and "_type" not in v:
            if "value" in v and set(v) <= {"value", "desc"}:
                out[name] = v["value"]
            else:
                _flat(v, f"{name}.", out)
        else:
            out[name] = v
    return out


def field_value(run: RunOut, field: str) -> Any:
    """A run's ``config.<key>`` or ``summary.<key>`` (nested keys joined with '.'), as stored."""
    part, name = field.split(".", 1)
    return _flat(getattr(run, part)).get(name)


def _value(run: RunOut, key: str) -> GroupValue:
    if key == "tags":
        return group_value(", ".join(run.tags))
    if key in PLAIN_KEYS:
        return group_value(getattr(run, key))
    return group_value(field_value(run, key))


def group_value(v: Any) -> GroupValue:
    """One value per group as the browser sees it: empty is missing; 2.0 is 2 (JSON numbers have
    one type); lists and objects as their JSON text."""
    if v is None or v == "":
        return None
    if isinstance(v, bool | str | int):
        return v
    if isinstance(v, float):
        if not math.isfinite(v):  # as the wire writes it (and the browser reads it)
            return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
        return int(v) if v.is_integer() else v
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False, default=str)


def _identity(values: list[GroupValue]) -> GroupId:
    # Tagged by type: True == 1 in Python, but a bool group is not the number 1's.
    return tuple((type(v).__name__ if isinstance(v, bool | str) or v is None else "n", v) for v in values)


def _points(
    by_key: Mapping[str, Series], key: str, axis: str, x_key: str | None, start: float
) -> gs.RunPoints:
    s = by_key.get(key)
    if s is None or not s.steps:
        return gs.RunPoints(np.empty(0), np.empty(0))
    xs = by_key.get(x_key or "")
    x_metric = None
    if xs is not None:
        ms, mv = gs.floats(xs.steps), gs.floats(xs.values)
        keep = np.isfinite(mv)
        x_metric = (ms[keep], mv[keep])
    return points_on_axis(axis, s.steps, s.values, s.timestamps, x_metric, start)
