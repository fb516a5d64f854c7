"""Panel grids of a report: run sets and panels, as wandb_workspaces.reports.v2 names them
(``PanelGrid``, ``Runset``, ``LinePlot``, ``BarPlot``, ``ScatterPlot``, ``ParallelCoordinatesPlot``,
``ScalarChart``, ``RunComparer``, ``ParameterImportancePlot``, ``MarkdownPanel``, ``MediaBrowser``),
plus ``ArtifactLineage``, which wandb_workspaces lacks (W&B shows lineage only on the artifact page).

Each panel maps to a workspace panel of ``schema/layout.py`` and back. Field values are kept in one
canonical form (``x="_step"`` is ``"Step"``, a scatter axis without a prefix is a summary key), so a
report saved and loaded again is equal to the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The x axes a line plot names the way W&B's UI does, and the wire's names for them.
_X_AXES = {"Step": "step", "Wall Time": "wall", "Relative Time (Wall)": "relative"}
_X_ALIASES = {"_step": "Step", "step": "Step", "_timestamp": "Wall Time", "_runtime": "Relative Time (Wall)"}
SECTION = "Report"  # the wire's panels sit in a section; a report's grid has just the one


def run_field(name: str) -> str:
    """``config.<key>`` / ``summary.<key>``; wandb's ``c::key`` / ``s::key`` and a bare key (a
    summary metric) are read as such."""
    if name.startswith(("config.", "summary.")):
        return name
    if name.startswith("c::"):
        return "config." + name[3:]
    if name.startswith("s::"):
        return "summary." + name[3:]
    return "summary." + name


@dataclass
class Layout:
    """A panel's size, as wandb_workspaces writes it (``layout=wr.Layout(w=12, h=8)`` on a 24-column
    grid). Trackwell's grids size panels in steps, so ``w`` is read as a third (up to 8), a half (up
    to 12) or the full width, and ``h`` as small (under 6), medium (up to 9) or large; ``x`` and
    ``y`` are not used: panels sit in the order of the grid's list, as the editor places them. A
    layout read back from a report holds the step's canonical numbers (8/12/24 wide, 4/6/10 high)."""

    x: int = 0
    y: int = 0
    w: int = 8
    h: int = 6

    def size(self) -> dict[str, str]:
        width = "third" if self.w <= 8 else "half" if self.w <= 12 else "full"
        height = "small" if self.h < 6 else "medium" if self.h <= 9 else "large"
        return {"width": width, "height": height}


_WIDTHS = {"third": 8, "half": 12, "full": 24}
_HEIGHTS = {"small": 4, "medium": 6, "large": 10}
_DEFAULT_SIZE = {"width": "third", "height": "medium"}


def _base(panel: Any, kind: str, index: int) -> dict[str, Any]:
    wire: dict[str, Any] = {"type": kind, "id": f"panel-{index}", "section": SECTION}
    if panel.title is not None:
        wire["title"] = panel.title
    if panel.layout is not None and panel.layout.size() != _DEFAULT_SIZE:
        wire["size"] = panel.layout.size()  # the default size is left out, as the editor leaves it
    return wire


def _layout_from_wire(wire: dict[str, Any]) -> Layout | None:
    size = {**_DEFAULT_SIZE, **(wire.get("size") or {})}
    if size == _DEFAULT_SIZE:
        return None
    return Layout(w=_WIDTHS[size["width"]], h=_HEIGHTS[size["height"]])


@dataclass
class LinePlot:
    x: str | None = None
    y: list[str] = field(default_factory=list)
    title: str | None = None
    layout: Layout | None = field(default=None, kw_only=True)
    log_y: bool = False
    range_y: tuple[float | None, float | None] = (None, None)

    def __post_init__(self) -> None:
        self.y = [self.y] if isinstance(self.y, str) else list(self.y)
        self.x = _X_ALIASES.get(self.x, self.x) if self.x is not None else None
        self.range_y = (self.range_y[0], self.range_y[1])

    def to_wire(self, index: int) -> dict[str, Any]:
        x_axis = None if self.x is None else _X_AXES.get(self.x, f"m:{self.x}")
        return _base(self, "line", index) | {
            "metrics": self.y,
            "x_axis": x_axis,
            "log_scale": self.log_y,
            "y_min": self.range_y[0],
            "y_max": self.range_y[1],
        }


@dataclass
class BarPlot:
    metrics: list[str] = field(default_factory=list)
    title: str | None = None
    layout: Layout | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        self.metrics = [self.metrics] if isinstance(self.metrics, str) else list(self.metrics)
        if len(self.metrics) != 1:
            raise ValueError(f"BarPlot.metrics: a bar plot shows one summary metric, got {self.metrics!r}")

    def to_wire(self, index: int) -> dict[str, Any]:
        return _base(self, "bar", index) | {"metric": self.metrics[0]}


@dataclass
class ScatterPlot:
    x: str = ""
    y: str = ""
    title: str | None = None
    layout: Layout | None = field(default=None, kw_only=True)
    log_x: bool = False
    log_y: bool = False

    def __post_init__(self) -> None:
        self.x, self.y = run_field(self.x), run_field(self.y)

    def to_wire(self, index: int) -> dict[str, Any]:
        return _base(self, "scatter", index) | {
            "x": self.x,
            "y": self.y,
            "log_x": self.log_x,
            "log_y": self.log_y,
        }


@dataclass
class ParallelCoordinatesPlotColumn:
    metric: str
    log_scale: bool = False

    def __post_init__(self) -> None:
        self.metric = run_field(self.metric)


@dataclass
class ParallelCoordinatesPlot:
    columns: list[ParallelCoordinatesPlotColumn | str] = field(default_factory=list)
    title: str | None = None
    layout: Layout | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        self.columns = [
            c if isinstance(c, ParallelCoordinatesPlotColumn) else ParallelCoordinatesPlotColumn(c)
            for c in self.columns
        ]

    def to_wire(self, index: int) -> dict[str, Any]:
        columns = [c for c in self.columns if isinstance(c, ParallelCoordinatesPlotColumn)]
        return _base(self, "parallel", index) | {
            "axes": [c.metric for c in columns],
            "log_axes": [c.metric for c in columns if c.log_scale],
        }


@dataclass
class ScalarChart:
    metric: str = ""
    groupby_aggfunc: str = "mean"
    title: str | None = None
    layout: Layout | None = field(default=None, kw_only=True)

    def to_wire(self, index: int) -> dict[str, Any]:
        return _base(self, "scalar", index) | {"metric": self.metric, "aggregate": self.groupby_aggfunc}


@dataclass
class RunComparer:
    diff_only: bool = True
    title: str | None = None
    layout: Layout | None = field(default=None, kw_only=True)

    def to_wire(self, index: int) -> dict[str, Any]:
        return _base(self, "comparer", index) | {"diff_only": self.diff_only}


@dataclass
class ParameterImportancePlot:
    with_respect_to: str = ""
    title: str | None = None
    layout: Layout | None = field(default=None, kw_only=True)

    def to_wire(self, index: int) -> dict[str, Any]:
        return _base(self, "importance", index) | {"metric": self.with_respect_to}


@dataclass
class MarkdownPanel:
    markdown: str = ""
    title: str | None = None
    layout: Layout | None = field(default=None, kw_only=True)

    def to_wire(self, index: int) -> dict[str, Any]:
        return _base(self, "markdown", index) | {"text": self.markdown}


@dataclass
class MediaBrowser:
    media_keys: str = ""
    title: str | None = None
    layout: Layout | None = field(default=None, kw_only=True)

    def to_wire(self, index: int) -> dict[str, Any]:
        return _base(self, "media", index) | {"key": self.media_keys}


@dataclass
class ArtifactLineage:
    """An artifact version's lineage graph, ``depth`` hops either way. ``artifact``: ``"name:alias"``
    or ``"name:vN"`` in the grid's first run set's project."""

    artifact: str = ""
    artifact_type: str | None = None
    depth: int = 2
    title: str | None = None
    layout: Layout | None = field(default=None, kw_only=True)

    def to_wire(self, index: int) -> dict[str, Any]:
        return _base(self, "lineage", index) | {
            "artifact": self.artifact,
            "artifact_type": self.artifact_type,
            "depth": self.depth,
        }


Panel = (
    LinePlot
    | BarPlot
    | ScatterPlot
    | ParallelCoordinatesPlot
    | ScalarChart
    | RunComparer
    | ParameterImportancePlot
    | MarkdownPanel
    | MediaBrowser
    | ArtifactLineage
)


def panel_from_wire(wire: dict[str, Any]) -> Panel:
    panel = _panel_from_wire(wire)
    panel.layout = _layout_from_wire(wire)
    return panel


def _panel_from_wire(wire: dict[str, Any]) -> Panel:
    kind, title = wire["type"], wire.get("title")
    if kind == "line":
        axis = wire.get("x_axis")
        names = {value: name for name, value in _X_AXES.items()}
        x = None if axis is None else names.get(axis, axis[2:] if axis.startswith("m:") else axis)
        y_range = (wire.get("y_min"), wire.get("y_max"))
        return LinePlot(x, list(wire["metrics"]), title, bool(wire.get("log_scale")), y_range)
    if kind == "bar":
        return BarPlot([wire["metric"]], title)
    if kind == "scatter":
        return ScatterPlot(wire["x"], wire["y"], title, bool(wire.get("log_x")), bool(wire.get("log_y")))
    if kind == "parallel":
        logs = set(wire.get("log_axes", []))
        columns: list[ParallelCoordinatesPlotColumn | str] = [
            ParallelCoordinatesPlotColumn(axis, axis in logs) for axis in wire["axes"]
        ]
        return ParallelCoordinatesPlot(columns, title)
    if kind == "scalar":
        return ScalarChart(wire["metric"], wire.get("aggregate", "mean"), title)
    if kind == "comparer":
        return RunComparer(bool(wire.get("diff_only", True)), title)
    if kind == "importance":
        return ParameterImportancePlot(wire["metric"], title)
    if kind == "markdown":
        return MarkdownPanel(wire.get("text", ""), title)
    if kind == "media":
        return MediaBrowser(wire["key"], title)
    if kind == "lineage":
        return ArtifactLineage(wire["artifact"], wire.get("artifact_type"), wire.get("depth", 2), title)
    raise ValueError(f"unknown panel type {kind!r}")


@dataclass
class Runset:
    """The runs a grid draws. ``entity``/``project`` None: the report's own. ``filters``: the runs
    table's filter (JSON or the short form, e.g. ``"lr>0.01 and state=finished"``)."""

    entity: str | None = None
    project: str | None = None
    name: str = "Run set"
    filters: str | None = None
    groupby: list[str] = field(default_factory=list)

    def to_wire(self, entity: str, project: str) -> dict[str, Any]:
        return {
            "name": self.name,
            "entity": self.entity or entity,
            "project": self.project or project,
            "filters": self.filters,
            "group_by": list(self.groupby),
        }

    @classmethod
    def from_wire(cls, wire: dict[str, Any], entity: str, project: str) -> Runset:
        # A run set over the report's own project is left implicit again, as it is usually written.
        same = (wire["entity"], wire["project"]) == (entity, project)
        return cls(
            entity=None if same else wire["entity"],
            project=None if same else wire["project"],
            name=wire.get("name", "Run set"),
            filters=wire.get("filters"),
            groupby=list(wire.get("group_by", [])),
        )


@dataclass
class PanelGrid:
    runsets: list[Runset] = field(default_factory=lambda: [Runset()])
    panels: list[Panel] = field(default_factory=list)

    def to_wire(self, entity: str, project: str) -> dict[str, Any]:
        return {
            "type": "panel_grid",
            "runsets": [r.to_wire(entity, project) for r in self.runsets],
            "panels": [p.to_wire(i) for i, p in enumerate(self.panels)],
        }

    @classmethod
    def from_wire(cls, wire: dict[str, Any], entity: str, project: str) -> PanelGrid:
        return cls(
            runsets=[Runset.from_wire(r, entity, project) for r in wire["runsets"]],
            panels=[panel_from_wire(p) for p in wire["panels"]],
        )
