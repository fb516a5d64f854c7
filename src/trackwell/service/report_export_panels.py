"""A report's panel grids as static HTML: charts as embedded PNGs, tables as HTML tables.

Every panel becomes something: a chart, a number, a table, a note, or a placeholder that says the
panel is shown in the live report (with a link), never nothing. The export's time is bounded: at
most ``MAX_CHARTS`` charts are drawn and none after ``deadline``; later panels are placeholders
that say so.
"""

from __future__ import annotations

import json
import logging
import math
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

import numpy as np

from trackwell.schema.artifacts import LineageGraph
from trackwell.schema.errors import TrackwellError
from trackwell.schema.layout import (
    BarPanel,
    ComparerPanel,
    ImportancePanel,
    LineagePanel,
    LinePanel,
    MarkdownPanel,
    MediaPanel,
    ParallelPanel,
    ScalarPanel,
    ScatterPanel,
)
from trackwell.schema.reports import PanelGridBlock, RunFileRef
from trackwell.service import report_export_charts as charts
from trackwell.service.importance import ImportanceService
from trackwell.service.report_export_blocks import FileReader, attr, data_uri, markdown_html
from trackwell.service.report_export_data import (
    ExportData,
    GridRuns,
    GroupStat,
    RunsetData,
    flat_fields,
    grid_runs,
    number,
    panel_field,
    run_field,
)
from trackwell.service.report_export_lineage import lineage_table

log = logging.getLogger(__name__)
MAX_CHARTS = 200
MAX_TABLE_ROWS = 200
MAX_MEDIA_RUNS = 8
MAX_COMPARED_RUNS = 10  # columns that fit a printed page's width
AGGREGATES = {"min": min, "max": max}


@dataclass
class PanelContext:
    """What drawing the panels of one export shares: the reads, the live report's address, and
    the budget (charts left, a time after which nothing more is drawn)."""

    data: ExportData
    importance: ImportanceService
    # (entity, project, name, ref, depth) -> the version's lineage, less what the reader may not read
    lineage: Callable[[str, str, str, str, int], LineageGraph]
    read_file: FileReader
    live_url: str
    deadline: float
    charts_left: int = MAX_CHARTS
    clock: Callable[[], float] = time.monotonic

    def may_draw(self) -> str | None:
        """None, or why no more charts are drawn in this export."""
        if self.charts_left <= 0:
            return f"this export draws at most {MAX_CHARTS} charts"
        if self.clock() > self.deadline:
            return "this export ran out of its time to draw charts"
        self.charts_left -= 1
        return None


def grid_html(block: PanelGridBlock, ctx: PanelContext) -> str:
    sets = [ctx.data.runset(rs) for rs in block.runsets]
    head = "".join(_runset_line(d) for d in sets)
    grid = grid_runs(sets)
    cells = []
    for panel in block.panels:
        # A comparer of many runs needs the page's width, whatever its size in the live grid.
        wide = " wide" if panel.size.width == "full" or isinstance(panel, ComparerPanel) else ""
        cells.append(f'<div class="panel{wide}">{_panel_html(panel, grid, ctx)}</div>')
    panels = f'<div class="panels">{"".join(cells)}</div>'
    return f'<section class="grid"><div class="runsets">{head}</div>{panels}</section>'


def _runset_line(d: RunsetData) -> str:
    if d.problem is not None:
        return f'<div class="runset problem">{escape(d.label)}: not drawn, {escape(d.problem)}</div>'
    shown = f"{len(d.runs)} of {d.total} runs" if d.total > len(d.runs) else f"{d.total} runs"
    group = f", grouped by {escape(', '.join(d.runset.group_by))}" if d.runset.group_by else ""
    filt = f" · filter <code>{escape(d.runset.filters)}</code>" if d.runset.filters else ""
    return f'<div class="runset">{escape(d.label)}: {shown}{group}{filt}</div>'


def _panel_html(panel: Any, grid: GridRuns, ctx: PanelContext) -> str:
    title = panel.title or _default_title(panel)
    if grid.home is None:
        return placeholder(title, panel.type, ctx.live_url, "none of its run sets could be read")
    try:
        return _draw(panel, title, grid, ctx)
    except TrackwellError as e:  # a panel that asks for something impossible (an unknown metric ...)
        return placeholder(title, panel.type, ctx.live_url, e.message)


def _draw(panel: Any, title: str, grid: GridRuns, ctx: PanelContext) -> str:
    if isinstance(panel, MarkdownPanel):
        return titled(title, markdown_html(panel.text))
    if isinstance(panel, ScalarPanel):
        return _scalar(panel, title, grid, ctx)
    if isinstance(panel, ComparerPanel):
        return _comparer(panel, title, grid)
    if isinstance(panel, MediaPanel):
        return _media(panel, title, grid, ctx.read_file)
    if isinstance(panel, ImportancePanel):
        return _importance(panel, title, grid, ctx)
    if isinstance(panel, LineagePanel) and grid.home is not None:
        name, ref = panel.artifact.split(":", 1)
        graph = ctx.lineage(grid.home.runset.entity, grid.home.runset.project, name, ref, panel.depth)
        return titled(title, lineage_table(panel, graph))
    if not isinstance(panel, LinePanel | BarPanel | ScatterPanel | ParallelPanel):
        return placeholder(title, getattr(panel, "type", "?"), ctx.live_url, None)
    why_not = ctx.may_draw()
    if why_not is not None:
        return placeholder(title, panel.type, ctx.live_url, why_not)
    try:
        # Overflow and "no positive values for a log axis" are the data's, not the server's: the
        # chart is drawn as well as it can be, or refused below.
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            png = _chart(panel, grid, ctx)
    except (ValueError, OverflowError) as e:
        # matplotlib refusing the data (e.g. a log axis and a y range it cannot place): the panel
        # says so and the rest of the report is still exported; the server log keeps the trace.
        log.warning("report export: %s panel %r not drawn", panel.type, panel.id, exc_info=True)
        return placeholder(title, panel.type, ctx.live_url, f"its chart could not be drawn: {str(e)[:200]}")
    return _chart_img(png, title)


def _chart(
    panel: LinePanel | BarPanel | ScatterPanel | ParallelPanel,
    grid: GridRuns,
    ctx: PanelContext,
) -> bytes:
    if isinstance(panel, LinePanel):
        lines, x_label = ctx.data.line_series(grid, panel)
        return charts.line_chart(
            lines, x_label, panel.smoothing, log_y=panel.log_scale, y_range=(panel.y_min, panel.y_max)
        )
    if isinstance(panel, BarPanel):
        if grid.grouped is not None:  # a bar per group: its mean over every run, min-max as error bar
            stats = ctx.data.group_stats(grid.grouped, panel_field(panel.metric))
            bars = [
                charts.Bar(f"{g.label} ({g.runs})", g.mean, g.color, (g.low, g.high))
                for g in stats
                if g.mean is not None and g.low is not None and g.high is not None
            ]
        else:
            bars = [
                charts.Bar(r.display_name, v, grid.colors[r.id])
                for r in grid.drawn
                if (v := number(run_field(r, panel.metric))) is not None
            ]
        if panel.sort != "none":
            bars.sort(key=lambda b: b.value, reverse=panel.sort == "desc")
        return charts.bar_chart(bars)
    if isinstance(panel, ScatterPanel):
        points = [
            (x, y, grid.colors[r.id])
            for r in grid.drawn
            if (x := number(run_field(r, panel.x))) is not None
            and (y := number(run_field(r, panel.y))) is not None
        ]
        return charts.scatter_chart(points, panel.x, panel.y, log_x=panel.log_x, log_y=panel.log_y)
    color = panel.color or panel.axes[-1]
    rows = [[run_field(r, f) for f in panel.axes] for r in grid.every]
    return charts.parallel_chart(panel.axes, rows, [run_field(r, color) for r in grid.every])


def _chart_img(png: bytes, title: str) -> str:
    # The title is text above the image (found by search, in the PDF's text), not drawn in it.
    img = f'<img class="chart" src="{data_uri(png, "image/png")}" alt="{attr(title)}">'
    return titled(title, img)


def placeholder(title: str, kind: str, live_url: str, reason: str | None) -> str:
    why = f" ({escape(reason)})" if reason else ""
    link = f'<a href="{attr(live_url)}">open the live report</a>'
    body = f"Panel type <strong>{escape(kind)}</strong> is shown in the live report{why}: {link}"
    return titled(title, f'<div class="placeholder">{body}</div>')


def titled(title: str, body: str) -> str:
    return f'<div class="panel-title">{escape(title)}</div>{body}'


def table(head: str, body: str) -> str:
    """A table (``head``: the header row's cells, or empty) that scrolls sideways when wide."""
    thead = f"<thead><tr>{head}</tr></thead>" if head else ""
    return f'<div class="table-wrap"><table>{thead}<tbody>{body}</tbody></table></div>'


def _default_title(panel: Any) -> str:
    if isinstance(panel, LinePanel):
        return ", ".join(panel.metrics)
    if isinstance(panel, BarPanel | ScalarPanel | ImportancePanel):
        return (
            panel.metric
            if not isinstance(panel, ImportancePanel)
            else f"Parameter importance: {panel.metric}"
        )
    if isinstance(panel, ScatterPanel):
        return f"{panel.y} vs {panel.x}"
    if isinstance(panel, ParallelPanel):
        return "Parallel coordinates"
    if isinstance(panel, ComparerPanel):
        return "Run comparer"
    if isinstance(panel, LineagePanel):
        return f"Lineage of {panel.artifact}"
    if isinstance(panel, MediaPanel):
        return panel.key
    return "Note" if isinstance(panel, MarkdownPanel) else str(getattr(panel, "type", "panel"))


def _scalar(panel: ScalarPanel, title: str, grid: GridRuns, ctx: PanelContext) -> str:
    if grid.grouped is not None and panel.aggregate != "last":  # per group, over every run of it
        rows = "".join(
            f"<tr><th>{swatch(g.color)}{escape(g.label)}</th>"
            f'<td class="number-cell">{escape(fmt(_aggregate_of(g, panel.aggregate)) or "–")}</td>'
            f'<td class="muted">{g.count} runs</td></tr>'
            for g in ctx.data.group_stats(grid.grouped, panel_field(panel.metric))
        )
        return titled(
            title, table("", rows) + f'<div class="muted">{escape(panel.aggregate)} per group</div>'
        )
    values = [(r, v) for r in grid.drawn if (v := number(run_field(r, panel.metric))) is not None]
    if not values:
        shown = "–"
    elif panel.aggregate == "last":
        shown = fmt(max(values, key=lambda rv: rv[0].created_at)[1])
    else:
        numbers = [v for _, v in values]
        shown = fmt(
            statistics.fmean(numbers) if panel.aggregate == "mean" else AGGREGATES[panel.aggregate](numbers)
        )
    note = f"{panel.aggregate} of {len(values)} runs"
    number_div = f'<div class="number">{escape(shown)}</div>'
    return titled(title, f'<div class="scalar">{number_div}<div class="muted">{escape(note)}</div></div>')


def _aggregate_of(group: GroupStat, aggregate: str) -> float | None:
    return {"mean": group.mean, "min": group.low, "max": group.high}[aggregate]


def swatch(color: str) -> str:
    return f'<span class="swatch" style="background:{attr(color)}"></span>'


def fmt(value: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("_type"), str):
        return f"({value['_type']})"  # a media or table reference: its kind, not its JSON
    if isinstance(value, float):
        return f"{value:.6g}" if math.isfinite(value) else str(value)
    if isinstance(value, dict | list):
        text = str(value)
        return text if len(text) <= 80 else text[:79] + "…"
    return "" if value is None else str(value)


def _comparer(panel: ComparerPanel, title: str, grid: GridRuns) -> str:
    runs = grid.drawn[:MAX_COMPARED_RUNS]
    values = [flat_fields(r) for r in runs]
    keys = sorted({k for v in values for k in v})
    if panel.diff_only and len(runs) > 1:
        keys = [k for k in keys if len({repr(v.get(k)) for v in values}) > 1]
    head = "".join(f"<th>{swatch(grid.colors[r.id])}{escape(r.display_name)}</th>" for r in runs)
    body = "".join(
        f"<tr><th>{escape(k)}</th>{''.join(f'<td>{escape(fmt(v.get(k)))}</td>' for v in values)}</tr>"
        for k in keys[:MAX_TABLE_ROWS]
    )
    left_out = [f"{len(keys) - MAX_TABLE_ROWS} more keys"] if len(keys) > MAX_TABLE_ROWS else []
    if len(grid.drawn) > len(runs):
        left_out.append(f"{len(grid.drawn) - len(runs)} more runs")
    more = f'<div class="muted">{" and ".join(left_out)} in the live report</div>' if left_out else ""
    return titled(title, table(f"<th></th>{head}", body) + more)


def _media(panel: MediaPanel, title: str, grid: GridRuns, read_file: FileReader) -> str:
    rows = []
    for run in grid.drawn[:MAX_MEDIA_RUNS]:
        value = run.summary.get(panel.key)
        path = value.get("path") if isinstance(value, dict) else None
        if (
            isinstance(value, dict)
            and isinstance(path, str)
            and str(value.get("_type", "")).startswith("image")
        ):
            got = read_file(RunFileRef(entity=run.entity, project=run.project, run_id=run.id, path=path))
            cell = (
                escape(got)
                if isinstance(got, str)
                else f'<img class="media" src="{data_uri(got)}" alt="{attr(path)}">'
            )
        else:
            cell = escape(fmt(value)) if value is not None else '<span class="muted">nothing logged</span>'
        rows.append(f"<tr><th>{escape(run.display_name)}</th><td>{cell}</td></tr>")
    return titled(f"{title} (latest)", table("", "".join(rows)))


def _importance(panel: ImportancePanel, title: str, grid: GridRuns, ctx: PanelContext) -> str:
    home = grid.home
    assert home is not None  # _panel_html draws nothing without a readable run set
    rs = home.runset
    filters = json.dumps(home.filters) if home.filters else None
    found = ctx.importance.importance(rs.entity, rs.project, panel.metric, filters, panel.params)
    rows = []
    for p in found.params[:30]:
        name = p.name if p.value is None else f"{p.name} = {p.value}"
        imp = p.importance or 0.0
        corr = p.correlation
        bar = f'<span class="bar" style="width:{imp * 100:.0f}%"></span>'
        corr_cell = (
            "" if corr is None else f'<span class="{"pos" if corr >= 0 else "neg"}">{corr:+.3f}</span>'
        )
        rows.append(f"<tr><th>{escape(name)}</th><td>{bar} {imp:.3f}</td><td>{corr_cell}</td></tr>")
    head = "<th>Config parameter</th><th>Importance</th><th>Correlation</th>"
    count = f'<div class="muted">{found.run_count} runs</div>'
    return titled(title, table(head, "".join(rows)) + count)
