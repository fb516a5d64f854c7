/**
 * Which line of a chart the mouse is on, and which run (or group) that line stands for: what
 * pointing at a line in a chart highlights in the runs table. Pure (pixel positions come from the
 * chart's own scales), so it is tested without a browser.
 */
import { nearestIndex } from "./align";

export interface HoverLine {
  role: string;
  runKey?: string;
  group?: string;
  /** The line's own x (a faceted plot); absent: the plot's shared x. */
  x?: ArrayLike<number>;
  values: ArrayLike<number | null>;
}

/** How the chart turns data into CSS pixels of its plot area. */
export interface PlotScale {
  left: (x: number) => number;
  top: (y: number) => number;
}

/** How near (CSS px) the mouse must be to a line to be on it: about a finger's width of mouse. */
export const LINE_REACH_PX = 8;

/** Faint raw lines under a smoothed one, and a band's edges, are not what one points at. */
const pointable = (l: HoverLine): boolean => l.role === "line" || l.role === "mean";

function distToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The distance (px) from the mouse to one line's drawn path near it: the segments between its
 * points whose x lie within `reach` of the mouse, plus the segments reaching in from outside.
 * Missing values are skipped, as the chart draws across them (spanGaps). */
function lineDistance(xs: ArrayLike<number>, ys: ArrayLike<number | null>, at: { x: number; left: number; top: number }, s: PlotScale, reach: number): number {
  const n = Math.min(xs.length, ys.length);
  if (n === 0) return Infinity;
  let i = nearestIndex(xs, at.x);
  // Walk left to the first point before the reach (or the start), then right past it.
  while (i > 0 && s.left(xs[i] as number) >= at.left - reach) i--;
  let best = Infinity;
  let prev: [number, number] | null = null;
  for (; i < n; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !Number.isFinite(y)) continue;
    const px = s.left(xs[i] as number);
    const py = s.top(y);
    if (prev) best = Math.min(best, distToSegment(at.left, at.top, prev[0], prev[1], px, py));
    else best = Math.min(best, Math.hypot(at.left - px, at.top - py));
    prev = [px, py];
    if (px > at.left + reach) break;
  }
  return best;
}

/** The index of the line nearest the mouse at (`left`, `top`) CSS px of the plot, within `reach`
 * px of its path; null when no line is that near. `xAt` is the mouse's x in data units. */
export function lineAtCursor(lines: readonly HoverLine[], shared: ArrayLike<number>, xAt: number, left: number, top: number, s: PlotScale, reach = LINE_REACH_PX): number | null {
  let best: number | null = null;
  let bestDist = reach;
  const at = { x: xAt, left, top };
  lines.forEach((l, i) => {
    if (!pointable(l)) return;
    const d = lineDistance(l.x ?? shared, l.values, at, s, reach);
    if (d <= bestDist) {
      bestDist = d;
      best = i;
    }
  });
  return best;
}

/** The highlight key (lib/highlight) of a line: its run's `entity/project/id` (a line of a chart
 * of several metrics carries the metric after the run), or `group:<label>` for a group's mean. */
export function highlightKeyOf(line: HoverLine | undefined): string | null {
  if (!line) return null;
  if (line.role === "mean" && line.group !== undefined) return `group:${line.group}`;
  if (line.runKey === undefined) return null;
  return line.runKey.split("\u0001")[0] ?? null;
}
