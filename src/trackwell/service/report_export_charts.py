"""Charts of an exported report drawn as PNG images with matplotlib (Agg, no display, no pyplot
state shared between threads): line, bar, scatter and parallel coordinates, in the UI's look (run
colours from ``run_palette``, light grid, no top and right spines).

matplotlib is an optional dependency (the ``media`` extra); ``ExportUnavailable`` (501) names the
extra when it is missing.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trackwell.schema.errors import TrackwellError
from trackwell.schema.layout import SmoothingSpec
from trackwell.service.report_export_data import LineSeries
from trackwell.service.smoothing import smooth

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 5.0, 2.6, 160  # 800 x 416 px: sharp at half a page's width, text readable
MUTED = "#59636e"
GRID = "#e6e8eb"
MAX_LEGEND = 10
LABEL_CHARS = 40


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    color: str
    band: tuple[float, float] | None = None  # a group's (min, max)


class ExportUnavailable(TrackwellError):
    """The server lacks an optional library an export needs (501, naming the extra to install)."""

    code = "export_unavailable"
    http_status = 501


def _figure() -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ExportUnavailable(
            "exporting a report draws its charts with matplotlib, which this server does not have",
            hint="install it on the server: pip install 'trackwell[media]'",
        ) from None
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    return fig


def _axes(fig: Figure) -> Axes:
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#c9ced4")
    ax.tick_params(colors=MUTED, labelsize=8.5)
    ax.grid(True, color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    return ax


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, facecolor="white", metadata={"Software": None})
    return out.getvalue()


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    """A label as matplotlib should show it: cut to ``limit``, and a ``$`` shown as itself (bare,
    it starts matplotlib's math mode: ``lr=$1`` would not draw as written)."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return cut.replace("$", r"\$")


def line_chart(
    lines: Sequence[LineSeries],
    x_label: str,
    smoothing: SmoothingSpec | None,
    *,
    log_y: bool = False,
    y_range: tuple[float | None, float | None] = (None, None),
) -> bytes:
    """Each line in its colour; smoothed lines drawn over their raw points (faint), as the UI does."""
    fig = _figure()
    ax = _axes(fig)
    smoothed = smoothing is not None and smoothing.kind != "none"
    for line in lines:
        xs, ys, band = _sorted_finite_x(line)
        if band is not None:
            ax.fill_between(xs, band[0], band[1], color=line.color, alpha=0.15, linewidth=0)
        if smoothed and smoothing is not None:
            ax.plot(xs, ys, color=line.color, alpha=0.25, linewidth=1)
            ax.plot(xs, smooth(xs, ys, smoothing), color=line.color, linewidth=1.5, label=_short(line.label))
        else:
            ax.plot(xs, ys, color=line.color, linewidth=1.5, label=_short(line.label))
    ax.set_xlabel(_short(x_label, 60), fontsize=9, color=MUTED)
    if log_y:
        ax.set_yscale("log")
    if y_range != (None, None):
        ax.set_ylim(bottom=y_range[0], top=y_range[1])
    if lines and len(lines) <= MAX_LEGEND:
        ax.legend(fontsize=7.5, frameon=False, loc="best")
    elif len(lines) > MAX_LEGEND:
        ax.text(1, 1.02, f"{len(lines)} lines", transform=ax.transAxes, ha="right", fontsize=8, color=MUTED)
    if not lines:
        _no_data(ax)
    return _png(fig)


def _sorted_finite_x(
    line: LineSeries,
) -> tuple[list[float], list[float], tuple[list[float], list[float]] | None]:
    # A metric x axis can lack a value at some steps, and need not rise with the step.
    keep = sorted((x, i) for i, x in enumerate(line.x) if math.isfinite(x))
    xs = [x for x, _ in keep]
    ys = [line.y[i] for _, i in keep]
    band = (
        None
        if line.band is None
        else ([line.band[0][i] for _, i in keep], [line.band[1][i] for _, i in keep])
    )
    return xs, ys, band


def bar_chart(bars: Sequence[Bar]) -> bytes:
    """Horizontal bars, one per run or group, top to bottom in the given order; a group's bar has
    its min-max range as an error bar."""
    fig = _figure()
    ax = _axes(fig)
    if bars:
        ys = range(len(bars) - 1, -1, -1)  # the first bar on top
        ax.barh(ys, [b.value for b in bars], color=[b.color for b in bars], height=0.7)
        for y, bar in zip(ys, bars, strict=True):
            if bar.band is not None:
                low, high = bar.band
                ax.errorbar(
                    bar.value, y, xerr=[[bar.value - low], [high - bar.value]], color=MUTED, capsize=3
                )
            at = bar.value if bar.band is None else bar.band[1]
            ax.annotate(
                f"{bar.value:.4g}",
                (at, y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color=MUTED,
            )
        ax.set_yticks(list(ys), [_short(b.label, 28) for b in bars], fontsize=7 if len(bars) > 10 else 8)
        ax.grid(True, axis="x", color=GRID)
        ax.grid(False, axis="y")
    else:
        _no_data(ax)
    return _png(fig)


def scatter_chart(
    points: Sequence[tuple[float, float, str]],
    x_label: str,
    y_label: str,
    *,
    log_x: bool = False,
    log_y: bool = False,
) -> bytes:
    fig = _figure()
    ax = _axes(fig)
    if points:
        ax.scatter(
            [p[0] for p in points],
            [p[1] for p in points],
            c=[p[2] for p in points],
            s=40,
            alpha=0.85,
            edgecolors="white",
            linewidths=0.6,
        )
    else:
        _no_data(ax)
    ax.set_xlabel(_short(x_label, 60), fontsize=9, color=MUTED)
    ax.set_ylabel(_short(y_label, 60), fontsize=9, color=MUTED)
    if log_x:
        ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    return _png(fig)


def parallel_chart(axes: Sequence[str], rows: Sequence[Sequence[Any]], shades: Sequence[Any]) -> bytes:
    """Parallel coordinates: an axis per field, each scaled to its own range (text values evenly
    spaced, in sorted order), a line per run coloured by its value in ``shades``."""
    from matplotlib import colormaps

    fig = _figure()
    ax = _axes(fig)
    ax.grid(False)
    columns = [_positions([row[i] for row in rows]) for i in range(len(axes))]
    colour_of = colormaps["plasma"]
    shade = _positions(shades)[0]
    alpha = max(0.25, min(0.9, 40 / max(1, len(rows))))
    for r in range(len(rows)):
        ys = [col[0][r] for col in columns]
        # plasma up to 0.85: its last yellows vanish on white paper
        c = colour_of(0.85 * shade[r]) if math.isfinite(shade[r]) else "#bbbbbb"
        ax.plot(range(len(axes)), ys, color=c, alpha=alpha, linewidth=1)
    for i, (_, ticks) in enumerate(columns):
        ax.axvline(i, color="#8c959f", linewidth=1)
        for pos, text in ticks:
            ax.text(i, pos, f" {text}", fontsize=7, color=MUTED, va="center")
    ax.set_xticks(range(len(axes)), [_short(a.split(".", 1)[-1], 18) for a in axes], fontsize=8)
    ax.set_yticks([])
    ax.set_ylim(-0.05, 1.05)
    if not rows:
        _no_data(ax)
    return _png(fig)


def _positions(values: Sequence[Any]) -> tuple[list[float], list[tuple[float, str]]]:
    """Values placed on 0..1 (NaN where missing), and tick labels (position, text) for the axis."""
    numbers = [
        v for v in values if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    ]
    if numbers and len(numbers) == sum(v is not None for v in values):
        lo, hi = min(numbers), max(numbers)
        span = (hi - lo) or 1.0
        placed = [
            (v - lo) / span
            if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            else math.nan
            for v in values
        ]
        return placed, [(0.0, f"{lo:.4g}"), (1.0, f"{hi:.4g}")]
    texts = sorted({str(v) for v in values if v is not None})
    where = {t: (i / (len(texts) - 1) if len(texts) > 1 else 0.5) for i, t in enumerate(texts)}
    ticks = [(where[t], _short(t, 14)) for t in texts[:12]]
    return [where[str(v)] if v is not None else math.nan for v in values], ticks


def _no_data(ax: Axes) -> None:
    ax.text(0.5, 0.5, "No data", transform=ax.transAxes, ha="center", va="center", color=MUTED, fontsize=11)
