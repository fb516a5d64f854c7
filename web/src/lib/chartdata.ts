/**
 * Turns a bulk series answer into what one line chart draws: x values for the chosen axis, one
 * line per run (or a mean line and a min-max band per group), smoothing with the raw line kept
 * faint. Pure, so it is tested without a browser and memoized outside React renders.
 */
import { alignSeries, stepsToMetric } from "./align";
import { bandOf, type BandKind } from "./grouping";
import { smooth, type Smoothing } from "./smoothing";

export type XAxis = "step" | "wall" | "relative" | { metric: string };

export interface PlotRun {
  key: string; // entity/project/run_id
  name: string;
  color: string;
  group?: string | null; // group label when the table is grouped
  /** When the run started (unix seconds): relative time counts from here, as W&B's does. */
  start?: number | null;
}

export interface RawSeries {
  key: string;
  steps: number[];
  values: (number | null)[];
  timestamps: number[];
}

export interface PlotLine {
  label: string;
  color: string;
  role: "raw" | "line" | "mean" | "min" | "max";
  runKey?: string;
  /** A group's mean line: the group's label (what a highlight from the table's group row names). */
  group?: string;
  /** The line's own x values (a faceted plot); absent: the plot's shared `x`. */
  x?: number[];
  values: (number | null)[];
}

export interface PlotData {
  /** Shared x of every line (aligned data); empty when `faceted`. */
  x: number[];
  /** Every line carries its own x: runs are drawn from their own points, never aligned to the
   * union of every run's x (20 runs sampled at different steps made each line ~10x longer, and
   * 1,000 runs made a chart of millions of mostly empty slots). Groups still align: their mean
   * and band are taken across runs at shared x. */
  faceted: boolean;
  lines: PlotLine[];
  /** Pairs of line indexes (max, min) to fill between: a group's band. */
  bands: [number, number][];
  /** How many points the densest series has: the "no more than ~2,000 per series" check. */
  maxPoints: number;
}

/** The x axis's title; a relative-time axis names its unit (`Relative time (min)`). */
export function xLabel(x: XAxis, unit = "s"): string {
  if (x === "step") return "Step";
  if (x === "wall") return "Wall time";
  if (x === "relative") return `Relative time (${unit})`;
  return x.metric;
}

/** x values for one run's series under the chosen axis; null drops the point. */
export function xValues(
  s: RawSeries,
  axis: XAxis,
  xMetric?: RawSeries,
  start?: number | null,
): (number | null)[] {
  if (axis === "step") return s.steps;
  if (axis === "wall") return s.timestamps;
  if (axis === "relative") {
    // From the run's start when known (a system metric's first sample comes a second or more
    // after it), else from the series' first point.
    const first = xMetric?.timestamps[0] ?? s.timestamps[0] ?? 0;
    const t0 = start !== null && start !== undefined && start <= first ? start : first;
    return s.timestamps.map((t) => t - t0);
  }
  if (!xMetric) return s.steps.map(() => null);
  return stepsToMetric(s.steps, xMetric.steps, xMetric.values);
}

function sortedXY(xs: (number | null)[], ys: (number | null)[]): { x: number[]; y: (number | null)[] } {
  const idx: number[] = [];
  for (let i = 0; i < xs.length; i++) if (xs[i] !== null && Number.isFinite(xs[i] as number)) idx.push(i);
  let sorted = true;
  for (let i = 1; i < idx.length; i++) if ((xs[idx[i] as number] as number) < (xs[idx[i - 1] as number] as number)) sorted = false;
  if (!sorted) idx.sort((a, b) => (xs[a] as number) - (xs[b] as number));
  return { x: idx.map((i) => xs[i] as number), y: idx.map((i) => ys[i] ?? null) };
}

export function buildPlot(
  runs: readonly PlotRun[],
  byRun: ReadonlyMap<string, { y?: RawSeries; x?: RawSeries }>,
  axis: XAxis,
  smoothing: Smoothing,
  grouped: boolean,
  groupColor?: (label: string) => string,
  band: BandKind = "minmax",
): PlotData {
  const present: { run: PlotRun; xy: { x: number[]; y: (number | null)[] } }[] = [];
  let maxPoints = 0;
  for (const run of runs) {
    const s = byRun.get(run.key);
    if (!s?.y || s.y.steps.length === 0) continue;
    maxPoints = Math.max(maxPoints, s.y.steps.length);
    present.push({ run, xy: sortedXY(xValues(s.y, axis, s.x, run.start), s.y.values) });
  }
  const smoothed = smoothing.kind !== "none";
  if (!grouped) {
    const lines: PlotLine[] = [];
    for (const p of present) {
      const base = { label: p.run.name, color: p.run.color, runKey: p.run.key, x: p.xy.x };
      const ys = p.xy.y;
      if (smoothed) {
        lines.push({ ...base, role: "raw", values: ys });
        lines.push({ ...base, role: "line", values: smoothAligned(p.xy.x, ys, smoothing) });
      } else {
        lines.push({ ...base, role: "line", values: ys });
      }
    }
    return { x: [], lines, bands: [], maxPoints, faceted: true };
  }
  const aligned = alignSeries(present.map((p) => p.xy));
  const lines: PlotLine[] = [];
  const bands: [number, number][] = [];
  const groups = new Map<string, { color: string; ys: (number | null)[][] }>();
  present.forEach((p, i) => {
    const label = p.run.group ?? "(none)";
    let g = groups.get(label);
    if (!g) groups.set(label, (g = { color: groupColor?.(label) ?? p.run.color, ys: [] }));
    g.ys.push(fillForward(aligned.ys[i] ?? []));
  });
  for (const [label, g] of groups) {
    const spread = bandOf(g.ys, aligned.x.length, band);
    const mean = smoothed ? smoothAligned(aligned.x, spread.mean, smoothing) : spread.mean;
    if (g.ys.length > 1) {
      const [hi, lo] = band === "std" ? ["+1σ", "−1σ"] : band === "stderr" ? ["+1 s.e.", "−1 s.e."] : ["max", "min"];
      lines.push({ label: `${label} ${hi}`, color: g.color, role: "max", values: spread.max });
      lines.push({ label: `${label} ${lo}`, color: g.color, role: "min", values: spread.min });
      bands.push([lines.length - 2, lines.length - 1]);
    }
    lines.push({ label: `${label} (${g.ys.length})`, color: g.color, role: "mean", values: mean });
  }
  return { x: aligned.x, lines, bands, maxPoints, faceted: false };
}

function smoothAligned(x: number[], ys: (number | null)[], s: Smoothing): (number | null)[] {
  return smooth(x, ys, s);
}

/** Inside a run's range, carry its last value over x values only other runs have, so a group's
 * mean does not jump when members were sampled at different x. Outside its range stays empty. */
function fillForward(ys: (number | null)[]): (number | null)[] {
  let last: number | null = null;
  let end = ys.length - 1;
  while (end >= 0 && ys[end] === null) end--;
  return ys.map((v, i) => {
    if (v !== null) return (last = v);
    return i <= end ? last : null;
  });
}
