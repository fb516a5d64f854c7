"""What an exported report's panel grids draw, read through the services the live report uses,
by the live grid's rules (web/src/reports/panels/runsets.ts ``gridRuns``).

A run set is a project plus a filter (JSON or the runs table's short form) and a grouping. The
export reads the runs that match, newest first (at most ``MAX_RUNS``); per-run charts, bars,
scatter points, scalars and the comparer draw the newest ``MAX_DRAWN_RUNS`` of each run set (the
workspace's default "Runs in charts"), parallel coordinates every run; grouping applies when a
grid has one run set, and line charts then draw each group's mean with its min-max band. Runs
take the colours the UI gives them (by creation order in their project, ``run_palette``), and a
line chart's series are read in one request with the UI's point budget (``samples_for``), so a run
set of 1,000 runs costs what the live chart costs.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from trackwell.schema.errors import TrackwellError
from trackwell.schema.layout import LinePanel
from trackwell.schema.quick_filter import parse_quick_filter
from trackwell.schema.reports import Runset
from trackwell.schema.runs import RunOut
from trackwell.schema.ui import (
    GroupSeriesRequest,
    GroupSeriesResponse,
    GroupSummaryRequest,
    RunRef,
    SeriesQueryRequest,
)
from trackwell.service.group_series import field_value
from trackwell.service.history import flatten_values
from trackwell.service.project_access import ProjectAccess
from trackwell.service.run_palette import group_color, run_colors
from trackwell.service.runs import RunService, parse_filters
from trackwell.service.workspace import WorkspaceService
from trackwell.store.base import User

MAX_RUNS = 1000  # runs read per run set (tables, scatter and parallel coordinates use them all)
MAX_DRAWN_RUNS = 20  # lines and bars per chart: the workspace's default "Runs in charts"
GROUP_SAMPLES = 500
XAxis = Literal["step", "wall", "relative", "metric"]


def samples_for(runs: int) -> int:
    """Points per line, the UI's rule (web/src/lib/seriesQuery.ts ``samplesFor``): ~60k points a
    chart, at least 64 and at most 1,000 per line."""
    return max(64, min(1000, 60_000 // max(1, runs)))


@dataclass
class RunsetData:
    """The runs of one run set, or why there are none (``problem``: shown in place of its panels)."""

    runset: Runset
    runs: list[RunOut] = field(default_factory=list)
    total: int = 0
    colors: dict[str, str] = field(default_factory=dict)
    problem: str | None = None
    filters: dict[str, Any] | None = None  # the run set's filter as an object (JSON or short form)

    @property
    def label(self) -> str:
        return f"{self.runset.name} ({self.runset.entity}/{self.runset.project})"


@dataclass(frozen=True)
class GridRuns:
    """What a grid's panels draw: ``drawn`` (the newest runs of each run set, sorted by run key as
    the live grid sorts them), ``every`` run the run sets select, their ``colors``, ``grouped``
    (the one run set of a grid, when it groups), and ``home``: the first readable run set, whose
    project importance uses. ``home`` is None when no run set could be read."""

    drawn: list[RunOut]
    every: list[RunOut]
    colors: dict[str, str]
    grouped: RunsetData | None
    home: RunsetData | None


def grid_runs(sets: list[RunsetData]) -> GridRuns:
    ok = [d for d in sets if d.problem is None]
    drawn = sorted(
        (r for d in ok for r in d.runs[:MAX_DRAWN_RUNS]), key=lambda r: f"{r.entity}/{r.project}/{r.id}"
    )
    colors = {run_id: c for d in ok for run_id, c in d.colors.items()}
    grouped = ok[0] if len(sets) == 1 and ok and ok[0].runset.group_by else None
    return GridRuns(drawn, [r for d in ok for r in d.runs], colors, grouped, ok[0] if ok else None)


@dataclass(frozen=True)
class LineSeries:
    """One line of a chart: its label, colour, x and y (NaN where a value is missing), and for a
    group the band (min, max) around its mean."""

    label: str
    color: str
    x: list[float]
    y: list[float]
    band: tuple[list[float], list[float]] | None = None


class ExportData:
    """Reads for one export; run sets named twice (two grids over the same runs) are read once."""

    def __init__(
        self, user: User, runs: RunService, workspace: WorkspaceService, access: ProjectAccess
    ) -> None:
        self._user = user
        self._runs = runs
        self._workspace = workspace
        self._access = access
        self._runsets: dict[str, RunsetData] = {}

    def runset(self, runset: Runset) -> RunsetData:
        cache_key = runset.model_dump_json(exclude={"name"})
        if cache_key not in self._runsets:
            self._runsets[cache_key] = self._read_runset(runset)
        found = self._runsets[cache_key]
        return found if found.runset is runset else _renamed(found, runset)

    def _read_runset(self, runset: Runset) -> RunsetData:
        data = RunsetData(runset)
        try:
            self._access.require_reader(self._user, runset.entity, runset.project)
            # The project's runs: colours go by creation order among them (as the UI's), and the
            # short form's bare names resolve against their keys.
            project_runs = self._runs.query(
                runset.entity, runset.project, limit=MAX_RUNS, metadata=False, order="-created_at"
            ).runs
            data.filters = _filters(runset, project_runs)
            found = self._runs.query(
                runset.entity,
                runset.project,
                json.dumps(data.filters) if data.filters else None,
                order="-created_at",
                limit=MAX_RUNS,
                metadata=False,
            )
        except TrackwellError as e:
            data.problem = e.message
            return data
        data.runs, data.total = found.runs, found.total
        known = {r.id for r in project_runs}  # a filter naming "archived" selects runs beyond them
        data.colors = run_colors([*project_runs, *(r for r in data.runs if r.id not in known)])
        return data

    def line_series(self, grid: GridRuns, panel: LinePanel) -> tuple[list[LineSeries], str]:
        """The lines of a line panel (per run, or per group's mean with its min-max band) and the x
        axis's label."""
        axis, x_key = _x_axis(panel.x_axis)
        if grid.grouped is not None:
            return self._group_lines(grid.grouped, panel, axis, x_key), _axis_label(axis, x_key)
        drawn = grid.drawn
        if not drawn:
            return [], _axis_label(axis, x_key)
        req = SeriesQueryRequest(
            runs=[RunRef(entity=r.entity, project=r.project, run_id=r.id) for r in drawn],
            keys=panel.metrics,
            samples=samples_for(len(drawn)),
            x_key=x_key,
            timestamps=axis in ("wall", "relative"),
        )
        answer = self._workspace.query_series(req)
        lines: list[LineSeries] = []
        for run, got in zip(drawn, answer.runs, strict=True):
            by_key = {s.key: s for s in got.series}
            for metric in panel.metrics:
                series = by_key.get(metric)
                if series is None or not series.steps:
                    continue
                x = _x_values(axis, series.steps, series.timestamps, run, by_key.get(x_key or ""))
                label = run.display_name if len(panel.metrics) == 1 else f"{run.display_name} {metric}"
                lines.append(LineSeries(label, grid.colors[run.id], x, _floats(series.values)))
        return lines, _axis_label(axis, x_key)

    def group_stats(self, grouped: RunsetData, field: str) -> list[GroupStat]:
        """Each drawn group's count, mean, min and max of ``field`` over EVERY run of the group (the
        grouped bar panel's bars), largest groups first."""
        rs = grouped.runset
        req = GroupSummaryRequest(filters=grouped.filters, group_by=rs.group_by, fields=[field])
        answer = self._workspace.group_summary(rs.entity, rs.project, req)
        labels = [group_label(g.values) for g in answer.groups]
        return [
            GroupStat(label, group_color(label, labels), g.runs, st.count, st.mean, st.min, st.max)
            for label, g in zip(labels[:MAX_DRAWN_RUNS], answer.groups, strict=False)
            for st in g.fields[:1]
        ]

    def _group_lines(
        self, data: RunsetData, panel: LinePanel, axis: XAxis, x_key: str | None
    ) -> list[LineSeries]:
        rs = data.runset
        req = GroupSeriesRequest(
            filters=data.filters,
            group_by=rs.group_by,
            keys=panel.metrics,
            x_axis=axis,
            x_key=x_key,
            samples=GROUP_SAMPLES,
        )
        answer: GroupSeriesResponse = self._workspace.group_series(rs.entity, rs.project, req)
        lines = []
        for group in answer.groups[:MAX_DRAWN_RUNS]:
            name = group_label(group.values)
            color = group_color(name, [group_label(g.values) for g in answer.groups])
            for s in group.series:
                label = f"{name} ({group.runs} runs)" + ("" if len(panel.metrics) == 1 else f" {s.key}")
                band = (_floats(s.min), _floats(s.max))
                lines.append(LineSeries(label, color, [float(v) for v in s.x], _floats(s.mean), band))
        return lines


@dataclass(frozen=True)
class GroupStat:
    """One group's statistics of one field (``service/group_summary``), with its label and colour."""

    label: str
    color: str
    runs: int
    count: int
    mean: float | None
    low: float | None
    high: float | None


def _filters(runset: Runset, project_runs: list[RunOut]) -> dict[str, Any] | None:
    """The run set's filter as a filter object: JSON as it is, the short form (``lr>0.01 and
    state=finished``) read as the runs table reads it, bare names resolved against the keys the
    project's runs have."""
    text = (runset.filters or "").strip()
    if not text:
        return None
    if text.startswith("{"):
        return parse_filters(text)
    config_keys = {k for r in project_runs for k in flatten_values(r.config)}
    summary_keys = {k for r in project_runs for k in flatten_values(r.summary)}
    return parse_quick_filter(text, config_keys, summary_keys) or None


def group_label(values: list[Any]) -> str:
    return " / ".join("(none)" if v is None else str(v) for v in values)


def panel_field(key: str) -> str:
    """A panel's key as a run field: ``summary.<k>`` / ``config.<k>``; a bare key is a summary key."""
    return key if key.startswith(("summary.", "config.")) else f"summary.{key}"


def run_field(run: RunOut, key: str) -> Any:
    """A run's value of a panel's key (flattened)."""
    return field_value(run, panel_field(key))


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def flat_fields(run: RunOut) -> dict[str, Any]:
    """Every config and summary value of a run by its panel key (``config.lr``, ``summary.loss``)."""
    out = {f"config.{k}": v for k, v in flatten_values(run.config).items()}
    out.update({f"summary.{k}": v for k, v in flatten_values(run.summary).items() if not k.startswith("_")})
    return out


def _renamed(found: RunsetData, runset: Runset) -> RunsetData:
    return RunsetData(runset, found.runs, found.total, found.colors, found.problem, found.filters)


def _x_axis(x_axis: str | None) -> tuple[XAxis, str | None]:
    if x_axis and x_axis.startswith("m:"):
        return "metric", x_axis[2:]
    if x_axis == "wall":
        return "wall", None
    if x_axis == "relative":
        return "relative", None
    return "step", None


def _axis_label(axis: str, x_key: str | None) -> str:
    return {"step": "Step", "wall": "Wall time (s)", "relative": "Relative time (s)"}.get(axis, x_key or "")


def _x_values(axis: str, steps: list[int], stamps: list[float], run: RunOut, x_series: Any) -> list[float]:
    if axis == "wall":
        return [float(t) for t in stamps]
    if axis == "relative":
        return [float(t) - run.created_at for t in stamps]
    if axis == "metric":
        by_step = dict(zip(x_series.steps, _floats(x_series.values), strict=True)) if x_series else {}
        return [by_step.get(s, math.nan) for s in steps]
    return [float(s) for s in steps]


def _floats(values: list[Any]) -> list[float]:
    return [
        v if isinstance(v, float) and math.isfinite(v) else (float(v) if isinstance(v, int) else math.nan)
        for v in values
    ]
