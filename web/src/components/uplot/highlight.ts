/**
 * Highlighted lines: stroked once more on top of a chart and thicker, while the others fade. A
 * redraw from the paths uPlot has already built: no new paths, no new data, no React render.
 */
import type uPlot from "uplot";
import type { PlotData } from "../../lib/chartdata";

// A highlighted line (legend or table hover) is stroked again on top of every line at this width
// (CSS px), while the others fade to DIM_ALPHA.
export const HIGHLIGHT_WIDTH = 3;
export const DIM_ALPHA = 0.25;

/** Strokes the highlighted lines' paths (uPlot's, already built) once more, on top and thicker:
 * a redraw, no new paths and no new data. */
export function drawHighlighted(u: uPlot, lines: readonly number[], data: PlotData): void {
  if (lines.length === 0) return;
  const ctx = u.ctx;
  ctx.save();
  ctx.globalAlpha = 1;
  ctx.beginPath();
  ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
  ctx.clip();
  ctx.lineWidth = HIGHLIGHT_WIDTH * devicePixelRatio;
  ctx.lineJoin = "round";
  for (const i of lines) {
    const s = u.series[i + 1] as (uPlot.Series & { _paths?: { stroke?: Path2D | null } | null }) | undefined;
    const path = s?._paths?.stroke;
    if (!s || !path || !s.show) continue;
    ctx.strokeStyle = data.lines[i]?.color ?? "#888888"; // solid, also for a faint raw line
    ctx.stroke(path);
  }
  ctx.restore();
}

/** Draws `next` (indices into the plot's lines) highlighted and dims the rest; none: every line as
 * it was. `lit` holds what the draw hook strokes on top. */
export function applyHighlight(u: uPlot | null, lit: { current: number[] }, next: number[]): void {
  if (!u || (next.length === 0 && lit.current.length === 0)) {
    lit.current = next;
    return;
  }
  lit.current = next;
  const on = new Set(next);
  u.series.forEach((s, i) => {
    if (i > 0) s.alpha = next.length === 0 || on.has(i - 1) ? 1 : DIM_ALPHA;
  });
  u.redraw(false, false);
}
