/**
 * One uPlot canvas, managed imperatively: React renders the container once, and data or option
 * changes go to the uPlot instance directly (setData / rebuild), never through React renders.
 * The cursor is synchronized across every chart with the same `syncKey`, and the hover legend
 * shows each run's value at the cursor.
 */
import { useEffect, useRef, useSyncExternalStore } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { nearestIndex } from "../lib/align";
import { xLabel as axisTitle, type PlotData } from "../lib/chartdata";
import { formatNumber, formatRelative, timeUnit, type TimeUnit } from "../lib/format";
import { highlightedRun, linesOf, subscribeHighlight } from "../lib/highlight";

export interface ChartOptions {
  logScale: boolean;
  xIsTime: boolean;
  /** x is seconds since the run started: ticks and the title in s, min or h as the range needs. */
  xRelative?: boolean;
  xLabel: string;
  /** The y axis's title (a unit such as `%` or `MB`); none when the panel's title says it all. */
  yLabel?: string | null;
  syncKey: string;
  height: number;
  /** Fixed ends of the y axis (the panel editor's Y min/max); null or absent: from the data. */
  yMin?: number | null;
  yMax?: number | null;
  onZoom?: (range: [number, number] | null) => void;
  onHover?: (runKey: string | null) => void;
}

const fmt = formatNumber;

/** The largest |x| of a plot: what a relative-time axis's unit is chosen by. */
function xSpan(data: PlotData): number {
  let span = 0;
  const last = (xs: readonly number[] | undefined): void => {
    if (xs?.length) span = Math.max(span, Math.abs(xs[xs.length - 1] as number), Math.abs(xs[0] as number));
  };
  if (data.faceted) for (const l of data.lines) last(l.x);
  else last(data.x);
  return span;
}

// Tick steps of a relative-time axis, in seconds: round seconds, minutes and hours.
const TIME_INCRS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400, 7 * 86400];

function alpha(color: string, a: number): string {
  const n = parseInt(color.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

/** Each line's value at the cursor: at the shared index (aligned data), or at each line's own
 * nearest point (faceted), with the x that point has. */
function valuesAtCursor(u: uPlot, data: PlotData): { x: number | undefined; rows: { label: string; color: string; v: number }[] } {
  const rows: { label: string; color: string; v: number }[] = [];
  const shown = (l: PlotData["lines"][number]): boolean => l.role !== "raw" && l.role !== "min" && l.role !== "max";
  if (!data.faceted) {
    const idx = u.cursor.idx as number;
    data.lines.forEach((l, i) => {
      const v = u.data[i + 1]?.[idx];
      if (shown(l) && v !== null && v !== undefined) rows.push({ label: l.label, color: l.color, v });
    });
    return { x: data.x.length ? (u.data[0][idx] as number | undefined) : undefined, rows };
  }
  const at = u.posToVal(u.cursor.left ?? 0, "x");
  // A line answers only near its own points: within 8 px of one.
  const reach = Math.abs(u.posToVal(8, "x") - u.posToVal(0, "x"));
  let best: number | undefined;
  for (const l of data.lines) {
    const xs = l.x;
    if (!shown(l) || !xs?.length) continue;
    const j = nearestIndex(xs, at);
    const x = xs[j] as number;
    const v = l.values[j];
    if (Math.abs(x - at) > reach && (at < (xs[0] as number) || at > (xs[xs.length - 1] as number))) continue;
    if (v !== null && v !== undefined) rows.push({ label: l.label, color: l.color, v });
    if (best === undefined || Math.abs(x - at) < Math.abs(best - at)) best = x;
  }
  return { x: best, rows };
}

function tooltipPlugin(legend: HTMLDivElement, dataRef: { current: PlotData }, unit: TimeUnit | null): uPlot.Plugin {
  // The tooltip belongs to the chart under the mouse; the others follow with their crosshair only
  // (uPlot's cursor sync), so a screen of charts is not covered in tooltips.
  let hovered = false;
  return {
    hooks: {
      init: (u) => {
        // Capturing on the root: set before uPlot's own mousemove handler on `over` moves the cursor.
        u.root.addEventListener("mousemove", () => (hovered = true), true);
        u.over.addEventListener("mouseleave", () => {
          hovered = false;
          legend.style.display = "none";
        });
      },
      setCursor: (u) => {
        const idx = u.cursor.idx;
        const data = dataRef.current;
        if (!hovered || (!data.faceted && (idx === null || idx === undefined)) || u.cursor.left === undefined || u.cursor.left < 0) {
          legend.style.display = "none";
          return;
        }
        const { x, rows } = valuesAtCursor(u, data);
        rows.sort((a, b) => b.v - a.v);
        const shown = rows.slice(0, 12);
        const xText = x === undefined ? "" : u.scales.x?.time ? new Date(x * 1000).toLocaleString() : unit ? formatRelative(x, unit) : fmt(x);
        legend.replaceChildren();
        const head = document.createElement("div");
        head.className = "tt-head";
        head.textContent = xText;
        legend.append(head);
        for (const r of shown) {
          const row = document.createElement("div");
          row.className = "tt-row";
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
          legend.append(row);
        }
        if (rows.length > shown.length) {
          const more = document.createElement("div");
          more.className = "tt-more";
          more.textContent = `+${rows.length - shown.length} more`;
          legend.append(more);
        }
        legend.style.display = rows.length ? "block" : "none";
        const left = u.cursor.left + 16;
        const flip = left + 220 > u.over.clientWidth;
        legend.style.left = flip ? "" : `${left}px`;
        legend.style.right = flip ? `${u.over.clientWidth - u.cursor.left + 16}px` : "";
      },
    },
  };
}

/** The y scale's range with the panel's fixed ends; the open end is uPlot's own choice for the data
 * (linear or log), moved past the fixed one where the data lie entirely beyond it. */
function yRange(o: ChartOptions): uPlot.Range.Function | undefined {
  const lo = o.yMin ?? null;
  const hi = o.yMax ?? null;
  if (lo === null && hi === null) return undefined;
  return (_u, dmin, dmax) => {
    const [amin, amax] = dmin === null || dmax === null ? [lo ?? hi ?? 0, hi ?? lo ?? 1] : o.logScale ? uPlot.rangeLog(dmin, dmax, 10, true) : uPlot.rangeNum(dmin, dmax, 0.1, true);
    let min = lo ?? amin ?? 0;
    let max = hi ?? amax ?? 1;
    if (min >= max) {
      if (hi === null) max = o.logScale ? min * 10 : min + Math.max(Math.abs(min), 1);
      else min = o.logScale ? max / 10 : max - Math.max(Math.abs(max), 1);
    }
    return [min, max];
  };
}

function xRange(time: boolean): uPlot.Range.Function {
  return (_u, min, max) => (min === null || max === null || min !== max ? [min, max] : time ? [min - 60, max + 60] : [min - 1, max + 1]);
}

const SPARSE_POINTS = 30;
// Faceted plots (every line its own x): x sorted ascending, as the line path builder needs.
const FACETS: uPlot.Series.Facet[] = [
  { scale: "x", auto: true, sorted: 1 },
  { scale: "y", auto: true },
];
const LINEAR = uPlot.paths.linear?.();
// A line with more points than this draws 1 px wide. Why: a 1-device-pixel stroke is a hairline,
// which canvas rasterizes ~10x faster than a 1.5 px one (measured in headless Chromium's software
// raster: 5 ms vs 50 ms for 20 lines of 1,000 points), and a dense line is a band of ink anyway.
const DENSE_POINTS = 200;
// So does every line of a chart with this many lines: 1,000 runs of 150 points each spent seconds
// in canvas raster at 1.5 px.
const MANY_LINES = 50;

type Density = "sparse" | "normal" | "dense";

function density(line: PlotData["lines"][number]): Density {
  let n = 0;
  for (const v of line.values) if (v !== null && v !== undefined) n += 1;
  return n <= SPARSE_POINTS ? "sparse" : n > DENSE_POINTS ? "dense" : "normal";
}

// A highlighted line (legend or table hover) is stroked again on top of every line at this width
// (CSS px), while the others fade to DIM_ALPHA.
const HIGHLIGHT_WIDTH = 3;
const DIM_ALPHA = 0.25;

/** Strokes the highlighted lines' paths (uPlot's, already built) once more, on top and thicker:
 * a redraw, no new paths and no new data. */
function drawHighlighted(u: uPlot, lines: readonly number[], data: PlotData): void {
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

function buildOpts(data: PlotData, densities: Density[], o: ChartOptions, width: number, legend: HTMLDivElement, ref: { current: PlotData }, unit: TimeUnit | null, lit: { current: number[] }): uPlot.Options {
  const css = getComputedStyle(document.documentElement);
  const axisColor = css.getPropertyValue("--muted").trim() || "#888";
  const gridColor = css.getPropertyValue("--grid").trim() || "#eee";
  const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 }, labelSize: 16, labelFont: "11px system-ui, sans-serif", font: "11px system-ui, sans-serif" };
  const numbers = (_u: uPlot, splits: number[]): string[] => splits.map((v) => fmt(v));
  // The x ticks are drawn on the canvas too; the box names them (`data-x-ticks`) for tests and tools.
  const xTicks = (u: uPlot, splits: number[]): string[] => {
    const out = numbers(u, splits);
    u.root.closest(".uplot-box")?.setAttribute("data-x-ticks", out.join(" "));
    return out;
  };
  // Axis titles: x always (Step, Relative time (min), Wall time, a metric's name); y when it has a
  // unit to name. Wall-time ticks are uPlot's own dates and times.
  const xAxis: uPlot.Axis = o.xIsTime
    ? { ...axis, label: o.xLabel }
    : unit
      ? { ...axis, label: axisTitle("relative", unit.unit), incrs: TIME_INCRS, values: (_u, splits) => splits.map((v) => fmt(v / unit.seconds)) }
      : { ...axis, label: o.xLabel, values: xTicks };
  const yAxis: uPlot.Axis = { ...axis, size: 56, values: numbers, ...(o.yLabel ? { label: o.yLabel } : {}) };
  const yr = yRange(o);
  return {
    width,
    height: o.height,
    legend: { show: false },
    cursor: {
      sync: { key: o.syncKey, setSeries: false },
      drag: { x: true, y: false, setScale: false },
      points: { size: 6 },
      focus: { prox: 16 },
    },
    focus: { alpha: 0.35 },
    // x as uPlot's own default ([min, max]), except one x value: a faceted plot's scale of zero
    // width made uPlot's time ticks loop until the array overflowed (a run with one system sample).
    scales: { x: { time: o.xIsTime, range: xRange(o.xIsTime) }, y: { distr: o.logScale ? 3 : 1, ...(yr ? { range: yr } : {}) } },
    axes: [xAxis, yAxis],
    ...(data.faceted ? { mode: 2 as const } : {}),
    series: [
      data.faceted ? {} : { label: o.xLabel },
      ...data.lines.map((l, i): uPlot.Series => ({
        ...(data.faceted ? { facets: FACETS, paths: LINEAR } : {}),
        label: l.label,
        stroke: l.role === "raw" ? alpha(l.color, 0.22) : l.role === "min" || l.role === "max" ? alpha(l.color, 0.0) : l.color,
        width: l.role === "raw" ? 1 : l.role === "min" || l.role === "max" ? 0 : densities[i] === "dense" ? 1 : 1.5,
        spanGaps: true,
        // Lines only for dense series; a metric logged a handful of times (a final score) would be
        // invisible as a line of one point, so sparse main lines show their points.
        points: { show: (l.role === "line" || l.role === "mean") && densities[i] === "sparse", size: 5 },
      })),
    ],
    bands: data.bands.map(([hi, lo]) => ({
      series: [hi + 1, lo + 1] as [number, number],
      fill: alpha(data.lines[hi]?.color ?? "#888888", 0.18),
    })),
    hooks: {
      // The drawn scales, for tests and tools (the ticks are on the canvas): "min max" of x and y.
      draw: [
        (u) => {
          const box = u.root.closest(".uplot-box");
          const at = (k: string): string => [u.scales[k]?.min, u.scales[k]?.max].map((v) => (v === undefined || v === null ? "" : String(Number(v.toPrecision(6))))).join(" ");
          box?.setAttribute("data-x-scale", at("x"));
          box?.setAttribute("data-y-scale", at("y"));
          drawHighlighted(u, lit.current, ref.current);
        },
      ],
      setSelect: [
        (u) => {
          if (u.select.width < 4) return;
          const min = u.posToVal(u.select.left, "x");
          const max = u.posToVal(u.select.left + u.select.width, "x");
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          o.onZoom?.([min, max]);
        },
      ],
    },
    plugins: [tooltipPlugin(legend, ref, unit)],
  };
}

function toUData(data: PlotData, logScale: boolean): uPlot.AlignedData {
  // A log axis cannot show values <= 0: they become gaps rather than breaking the scale.
  const fix = (vs: (number | null)[]): (number | null)[] =>
    vs.map((v) => (v === null || !Number.isFinite(v) || (logScale && v <= 0) ? null : v));
  if (data.faceted) return [null, ...data.lines.map((l) => [l.x ?? [], fix(l.values)])] as unknown as uPlot.AlignedData;
  return [data.x, ...data.lines.map((l) => fix(l.values))] as uPlot.AlignedData;
}

// Axis and grid colours are read from CSS variables when a chart is built: rebuild on theme change.
function subscribeTheme(cb: () => void): () => void {
  const mo = new MutationObserver(cb);
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => mo.disconnect();
}
const themeSnapshot = (): string => document.documentElement.dataset.theme ?? "light";

export function UPlotChart(props: {
  data: PlotData;
  options: ChartOptions;
  xRange: [number, number] | null;
  /** A line (index into `data.lines`) to draw on top of the others, which dim (legend hover). */
  highlight?: number | null;
}): React.JSX.Element {
  const { data, options, xRange } = props;
  const highlight = props.highlight ?? null;
  const box = useRef<HTMLDivElement>(null);
  const legendRef = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = useRef<string>("");
  const dataRef = useRef<PlotData>(data);
  // The lines drawn highlighted now (indices into data.lines), read by the draw hook.
  const lit = useRef<number[]>([]);
  const optsRef = useRef<ChartOptions>(options);
  optsRef.current = options;
  dataRef.current = data;
  const theme = useSyncExternalStore(subscribeTheme, themeSnapshot);
  const unit = options.xRelative ? timeUnit(xSpan(data)) : null;
  const unitName = unit?.unit;

  useEffect(() => {
    const el = box.current;
    const legend = legendRef.current;
    if (!el || !legend) return;
    // Rebuild only when the series set or the axis kind changes; otherwise just swap the data.
    // (A live line that grows past SPARSE_POINTS or DENSE_POINTS changes shape too: it stops
    // drawing its points, or thins to a hairline.)
    const densities = data.lines.map((l) => {
      const d = density(l);
      return d === "normal" && data.lines.length > MANY_LINES ? "dense" : d;
    });
    const key = JSON.stringify([data.faceted, data.lines.map((l, i) => [l.label, l.color, l.role, densities[i]]), data.bands, options.logScale, options.xIsTime, options.xLabel, options.yLabel, unit?.unit, options.height, theme, options.yMin, options.yMax]);
    const stable: ChartOptions = { ...options, onZoom: (r) => optsRef.current.onZoom?.(r) };
    if (!plot.current || shape.current !== key) {
      plot.current?.destroy();
      lit.current = []; // indices of the old lines; the highlight effect sets the new ones
      plot.current = new uPlot(buildOpts(data, densities, stable, el.clientWidth || 400, legend, dataRef, unit, lit), toUData(data, options.logScale), el);
      shape.current = key;
    } else {
      plot.current.setData(toUData(data, options.logScale), xRange === null);
    }
    if (xRange) plot.current.setScale("x", { min: xRange[0], max: xRange[1] });
  }, [data, options, xRange, theme, unitName]);

  // The highlighted lines: the legend entry under the mouse (this chart), else the run or group
  // under the mouse in the runs table (every chart, lib/highlight). They are drawn on top and
  // thicker, every other line fades: a redraw of the paths uPlot has, no React render.
  useEffect(() => {
    const apply = (): void => {
      const u = plot.current;
      const lines = dataRef.current.lines;
      const next = highlight !== null && highlight < lines.length ? [highlight] : linesOf(lines, highlightedRun());
      const el = box.current?.parentElement;
      if (el) el.dataset.highlight = [...new Set(next.map((i) => lines[i]?.label ?? ""))].join(", ");
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
    };
    apply();
    return subscribeHighlight(apply);
  }, [highlight, data]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      if (plot.current && el.clientWidth > 0) plot.current.setSize({ width: el.clientWidth, height: optsRef.current.height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  return (
    // The axis titles are drawn on the canvas; the attributes say them to tests and tools.
    <div className="uplot-box" onDoubleClick={() => optsRef.current.onZoom?.(null)} data-x-title={unit ? axisTitle("relative", unit.unit) : options.xLabel} data-y-title={options.yLabel ?? ""}>
      <div ref={box} />
      <div ref={legendRef} className="chart-tooltip" />
    </div>
  );
}
