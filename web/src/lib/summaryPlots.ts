/**
 * Data for the bar and scatter panels: one value (bar) or one point (scatter) per visible run, read
 * from the run's summary or config. Pure, so it is tested without a browser.
 */

export interface SummaryRun {
  key: string;
  name: string;
  color: string;
  /** The run's group label while the workspace is grouped (its colour is then the group's). */
  group?: string;
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
}

export interface Bar {
  key: string;
  name: string;
  color: string;
  value: number;
  /** A grouped panel's bar (lib/groupSummary.ts): the group's mean over its `runs` (n), of which
   * `counted` have a number, and its band (low, high) as an error bar. */
  group?: { runs: number; counted: number; band: [number, number] | null; bandLabels: [string, string] };
}

export interface Point {
  key: string;
  name: string;
  color: string;
  x: number;
  y: number;
}

/** A finite number from a summary/config value (numbers, booleans as 0/1, numeric strings). */
export function numberOf(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A panel's field as the server names it: `summary.<key>` or `config.<key>` (a bare key is a
 * summary key, as fieldValue reads it). */
export function serverField(field: string): string {
  return field.startsWith("summary.") || field.startsWith("config.") ? field : `summary.${field}`;
}

/** `summary.<key>` or `config.<key>` of a run (flattened keys, e.g. `summary.val/acc`). */
export function fieldValue(run: SummaryRun, field: string): unknown {
  if (field.startsWith("summary.")) return run.summary[field.slice(8)];
  if (field.startsWith("config.")) return run.config[field.slice(7)];
  return run.summary[field];
}

/** `summary.<key>` and `config.<key>` fields that hold a number in at least one run: what a scatter
 * can plot. Summary fields first, each group sorted. */
export function numericFields(runs: readonly Pick<SummaryRun, "config" | "summary">[]): string[] {
  const summary = new Set<string>();
  const config = new Set<string>();
  for (const r of runs) {
    for (const [k, v] of Object.entries(r.summary)) if (!k.startsWith("_") && numberOf(v) !== null) summary.add(k);
    for (const [k, v] of Object.entries(r.config)) if (!k.startsWith("_") && numberOf(v) !== null) config.add(k);
  }
  return [...[...summary].sort().map((k) => `summary.${k}`), ...[...config].sort().map((k) => `config.${k}`)];
}

/** Bars for `metric` (a summary key): runs without a numeric value are left out. */
export function barData(runs: readonly SummaryRun[], metric: string, sort: "desc" | "asc" | "none"): Bar[] {
  const bars: Bar[] = [];
  for (const r of runs) {
    const value = numberOf(r.summary[metric]);
    if (value !== null) bars.push({ key: r.key, name: r.name, color: r.color, value });
  }
  if (sort !== "none") bars.sort((a, b) => (sort === "desc" ? b.value - a.value : a.value - b.value));
  return bars;
}

/** Points (x, y) of every run that has both as numbers; with a log axis, non-positive values drop. */
export function scatterData(runs: readonly SummaryRun[], x: string, y: string, logX = false, logY = false): Point[] {
  const points: Point[] = [];
  for (const r of runs) {
    const px = numberOf(fieldValue(r, x));
    const py = numberOf(fieldValue(r, y));
    if (px === null || py === null || (logX && px <= 0) || (logY && py <= 0)) continue;
    points.push({ key: r.key, name: r.name, color: r.color, x: px, y: py });
  }
  return points;
}

export interface Scale {
  min: number;
  max: number;
  /** Where value `v` lands between 0 and 1. */
  at: (v: number) => number;
  ticks: number[];
}

/** A linear (or log10) scale over `values` with a little padding and round ticks. */
export function scaleOf(values: readonly number[], log = false, count = 5): Scale {
  const vs = log ? values.map(Math.log10) : [...values];
  let min = vs.length ? Math.min(...vs) : 0;
  let max = vs.length ? Math.max(...vs) : 1;
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  } else if (!log) {
    const pad = (max - min) * 0.05;
    min -= pad;
    max += pad;
  }
  const span = max - min;
  const at = (v: number): number => ((log ? Math.log10(v) : v) - min) / span;
  let ticks: number[];
  if (log) {
    ticks = [];
    for (let e = Math.ceil(min); e <= Math.floor(max); e++) ticks.push(10 ** e);
    if (ticks.length === 0) ticks = [10 ** ((min + max) / 2)];
  } else {
    const raw = span / count;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= count + 1) ?? raw;
    ticks = [];
    for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  }
  return { min: log ? 10 ** min : min, max: log ? 10 ** max : max, at, ticks };
}
