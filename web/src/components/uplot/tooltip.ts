/**
 * The tooltip of the chart under the mouse (each line's value at the cursor, largest first) and the
 * line the mouse is on (lib/lineHover), reported once each time it changes.
 */
import type uPlot from "uplot";
import { nearestIndex } from "../../lib/align";
import type { PlotData } from "../../lib/chartdata";
import { formatNumber as fmt, formatRelative, type TimeUnit } from "../../lib/format";
import { lineAtCursor } from "../../lib/lineHover";
import "./tooltip.css";

interface TooltipRow {
  label: string;
  color: string;
  v: number;
  /** The line under the mouse: listed first and in bold, whatever its value. */
  pointed?: boolean;
}

const shown = (l: PlotData["lines"][number]): boolean => l.role !== "raw" && l.role !== "min" && l.role !== "max";

/** Each line's value at the cursor: at the shared index (aligned data), or at each line's own
 * nearest point (faceted), with the x that point has. */
function valuesAtCursor(u: uPlot, data: PlotData, pointed: number | null): { x: number | undefined; rows: TooltipRow[] } {
  const rows: TooltipRow[] = [];
  if (!data.faceted) {
    const idx = u.cursor.idx as number;
    data.lines.forEach((l, i) => {
      const v = u.data[i + 1]?.[idx];
      if (shown(l) && v !== null && v !== undefined) rows.push({ label: l.label, color: l.color, v, pointed: i === pointed });
    });
    return { x: data.x.length ? (u.data[0][idx] as number | undefined) : undefined, rows };
  }
  const at = u.posToVal(u.cursor.left ?? 0, "x");
  // A line answers only near its own points: within 8 px of one.
  const reach = Math.abs(u.posToVal(8, "x") - u.posToVal(0, "x"));
  let best: number | undefined;
  data.lines.forEach((l, i) => {
    const xs = l.x;
    if (!shown(l) || !xs?.length) return;
    const j = nearestIndex(xs, at);
    const x = xs[j] as number;
    const v = l.values[j];
    if (Math.abs(x - at) > reach && (at < (xs[0] as number) || at > (xs[xs.length - 1] as number))) return;
    if (v !== null && v !== undefined) rows.push({ label: l.label, color: l.color, v, pointed: i === pointed });
    if (best === undefined || Math.abs(x - at) < Math.abs(best - at)) best = x;
  });
  return { x: best, rows };
}

function renderTooltip(u: uPlot, tip: HTMLDivElement, data: PlotData, unit: TimeUnit | null, pointed: number | null): void {
  const { x, rows } = valuesAtCursor(u, data, pointed);
  // Largest first; the line under the mouse leads, so a chart of 1,000 lines says which one it is.
  rows.sort((a, b) => Number(Boolean(b.pointed)) - Number(Boolean(a.pointed)) || b.v - a.v);
  const top = rows.slice(0, 12);
  const xText = x === undefined ? "" : u.scales.x?.time ? new Date(x * 1000).toLocaleString() : unit ? formatRelative(x, unit) : fmt(x);
  tip.replaceChildren();
  const head = document.createElement("div");
  head.className = "tt-head";
  head.textContent = xText;
  tip.append(head);
  for (const r of top) {
    const row = document.createElement("div");
    row.className = r.pointed ? "tt-row tt-pointed" : "tt-row";
    const sw = document.createElement("span");
    sw.className = "swatch";
    sw.style.background = r.color;
    sw.dataset.color = r.color;
    const name = document.createElement("span");
    name.className = "tt-name";
    name.textContent = r.label;
    const val = document.createElement("span");
    val.className = "tt-val";
    val.textContent = fmt(r.v);
    row.append(sw, name, val);
    tip.append(row);
  }
  if (rows.length > top.length) {
    const more = document.createElement("div");
    more.className = "tt-more";
    more.textContent = `+${rows.length - top.length} more`;
    tip.append(more);
  }
  tip.style.display = rows.length ? "block" : "none";
  const left = (u.cursor.left ?? 0) + 16;
  const flip = left + 220 > u.over.clientWidth;
  tip.style.left = flip ? "" : `${left}px`;
  tip.style.right = flip ? `${u.over.clientWidth - (u.cursor.left ?? 0) + 16}px` : "";
}

/** The line under the mouse (an index into `data.lines`), hit-tested in the plot's CSS pixels. */
function hoveredLine(u: uPlot, data: PlotData): number | null {
  const left = u.cursor.left ?? -1;
  const top = u.cursor.top ?? -1;
  if (left < 0 || top < 0) return null;
  const xAt = u.posToVal(left, "x");
  return lineAtCursor(data.lines, data.x, xAt, left, top, { left: (x) => u.valToPos(x, "x"), top: (y) => u.valToPos(y, "y") });
}

/** The tooltip and line hover of one chart. `onLine` hears of the line under the mouse (null: none)
 * each time it changes. */
export function tooltipPlugin(tip: HTMLDivElement, dataRef: { current: PlotData }, unit: TimeUnit | null, onLine: (line: number | null) => void): uPlot.Plugin {
  // The tooltip belongs to the chart under the mouse; the others follow with their crosshair only
  // (uPlot's cursor sync), so a screen of charts is not covered in tooltips.
  let hovered = false;
  let line: number | null = null;
  const report = (next: number | null): void => {
    if (next === line) return;
    line = next;
    onLine(next);
  };
  return {
    hooks: {
      init: (u) => {
        // Capturing on the root: set before uPlot's own mousemove handler on `over` moves the cursor.
        u.root.addEventListener("mousemove", () => (hovered = true), true);
        u.over.addEventListener("mouseleave", () => {
          hovered = false;
          tip.style.display = "none";
          report(null);
        });
      },
      setCursor: (u) => {
        const idx = u.cursor.idx;
        const data = dataRef.current;
        if (!hovered || (!data.faceted && (idx === null || idx === undefined)) || u.cursor.left === undefined || u.cursor.left < 0) {
          tip.style.display = "none";
          if (!hovered || (u.cursor.left ?? -1) < 0) report(null);
          return;
        }
        const under = hoveredLine(u, data);
        renderTooltip(u, tip, data, unit, under);
        report(under);
      },
    },
  };
}
