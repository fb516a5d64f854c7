/**
 * uPlot's options and data for one chart: axes and their titles, scales (fixed y ends, log),
 * line widths by density, bands, zoom by drag, and the draw hook that strokes highlighted lines.
 */
import uPlot from "uplot";
import { xLabel as axisTitle, type PlotData } from "../../lib/chartdata";
import { formatNumber, type TimeUnit } from "../../lib/format";
import { drawHighlighted } from "./highlight";
import { tooltipPlugin } from "./tooltip";

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
}

const fmt = formatNumber;

/** The largest |x| of a plot: what a relative-time axis's unit is chosen by. */
export function xSpan(data: PlotData): number {
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
export const MANY_LINES = 50;

export type Density = "sparse" | "normal" | "dense";

export function density(line: PlotData["lines"][number]): Density {
  let n = 0;
  for (const v of line.values) if (v !== null && v !== undefined) n += 1;
  return n <= SPARSE_POINTS ? "sparse" : n > DENSE_POINTS ? "dense" : "normal";
}

/** What a chart's options are built from besides its data and settings: its tooltip element, the
 * current data and highlighted lines (refs the hooks read), and who hears of the line under the mouse. */
export interface ChartParts {
  tip: HTMLDivElement;
  data: { current: PlotData };
  lit: { current: number[] };
  onLine: (line: number | null) => void;
}

export function buildOpts(data: PlotData, densities: Density[], o: ChartOptions, width: number, unit: TimeUnit | null, parts: ChartParts): uPlot.Options {
  const { data: ref, lit } = parts;
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
      // A faceted chart has no shared index to put a cursor point on each line, so uPlot's points
      // (a DOM node per line, moved on every mouse move of every synced chart) stay unmade.
      points: data.faceted ? { show: false } : { size: 6 },
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
    plugins: [tooltipPlugin(parts.tip, ref, unit, parts.onLine)],
  };
}

export function toUData(data: PlotData, logScale: boolean): uPlot.AlignedData {
  // A log axis cannot show values <= 0: they become gaps rather than breaking the scale.
  const fix = (vs: (number | null)[]): (number | null)[] =>
    vs.map((v) => (v === null || !Number.isFinite(v) || (logScale && v <= 0) ? null : v));
  if (data.faceted) return [null, ...data.lines.map((l) => [l.x ?? [], fix(l.values)])] as unknown as uPlot.AlignedData;
  return [data.x, ...data.lines.map((l) => fix(l.values))] as uPlot.AlignedData;
}

