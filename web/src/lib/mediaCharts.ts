/**
 * Charts logged with `trackwell.plot.*` (wandb's `wandb.plot.*`): the SDK stores the chart's table at
 * history key `K_table` and its panel spec in the run's metadata, `metadata.visualize[K] =
 * {panel_type: "Vega2", panel_config: {panelDefId, fieldSettings, stringSettings}}`. This module reads
 * those specs and turns spec + table rows into a chart model the components draw (uPlot for x/y
 * charts, SVG for bars, histograms and the confusion matrix). No Vega runtime: each preset the plot
 * module emits has its own mapping here.
 */
import type { Bar } from "./media";
import type { TableData } from "./media";

export interface ChartSpec {
  /** The chart's key K (the table is at `K_table`). */
  key: string;
  panelDefId: string;
  fields: Record<string, string>;
  strings: Record<string, string>;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, s] of Object.entries(v)) if (typeof s === "string") out[k] = s;
  return out;
}

/** The chart specs of a run's metadata, keyed by the history key of their table (`K_table`). */
export function chartSpecs(metadata: unknown): Map<string, ChartSpec> {
  const out = new Map<string, ChartSpec>();
  const vis = isObj(metadata) ? metadata.visualize : undefined;
  if (!isObj(vis)) return out;
  for (const [key, v] of Object.entries(vis)) {
    if (!isObj(v) || !isObj(v.panel_config)) continue;
    const cfg = v.panel_config;
    if (typeof cfg.panelDefId !== "string") continue;
    // The table key is named in the spec's query (summaryTable's tableKey); K_table when absent.
    out.set(tableKeyOf(cfg) ?? `${key}_table`, { key, panelDefId: cfg.panelDefId, fields: stringMap(cfg.fieldSettings), strings: stringMap(cfg.stringSettings) });
  }
  return out;
}

function tableKeyOf(cfg: Record<string, unknown>): string | null {
  const found = JSON.stringify(cfg.userQuery ?? null).match(/"name":"tableKey","value":"((?:[^"\\]|\\.)*)"/);
  return found?.[1] ? (JSON.parse(`"${found[1]}"`) as string) : null;
}

/** JSON as the SDK writes it, where a number may be a bare NaN or ±Infinity (Python's json does
 * that: an ROC curve of a class with no negatives has NaN rates). NaN reads as null (a missing
 * value), ±Infinity as ±Infinity; text inside strings is left alone. */
export function parseJsonLoose(text: string): unknown {
  return JSON.parse(text.replace(/"(?:[^"\\]|\\.)*"|(-?)Infinity|NaN/g, (m: string, sign: string | undefined) => (m.startsWith('"') ? m : m === "NaN" ? "null" : `${sign ?? ""}1e999`)));
}

export interface XYSeries {
  name: string;
  x: number[];
  y: number[];
}

export type ChartModel =
  /** `unit`: both axes are rates in 0..1 (ROC and PR curves); `diagonal`: draw the chance line. */
  | { type: "xy"; title: string; xLabel: string; yLabel: string; lines: boolean; unit: boolean; diagonal: boolean; series: XYSeries[] }
  /** `group`: bars of one label drawn side by side, coloured by group (class proportions: train/test). */
  | { type: "bar"; title: string; valueLabel: string; bars: { label: string; value: number; group?: string }[]; groups?: string[] }
  | { type: "histogram"; title: string; valueLabel: string; bars: Bar[] }
  | { type: "confusion"; title: string; actual: string[]; predicted: string[]; counts: number[][]; max: number }
  | { type: "unsupported"; title: string; panelDefId: string };

const num = (v: unknown): number | null => {
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};
const label = (v: unknown): string => (v === null || v === undefined ? "null" : typeof v === "string" ? v : JSON.stringify(v));

/** Groups (x, y) rows into series by the `by` column (one series when there is none), in the order
 * each group first appears; rows whose x or y is not a finite number are left out. */
export function xySeries(table: TableData, x: string, y: string, by?: string): XYSeries[] {
  const groups = new Map<string, XYSeries>();
  for (const row of table.rows) {
    const xv = num(row[x]);
    const yv = num(row[y]);
    if (xv === null || yv === null) continue;
    const name = by ? label(row[by]) : y;
    let s = groups.get(name);
    if (!s) groups.set(name, (s = { name, x: [], y: [] }));
    s.x.push(xv);
    s.y.push(yv);
  }
  return [...groups.values()];
}

/** Sorts one series by x, keeping the logged order among equal x (an ROC curve's vertical steps). */
export function sortedByX(s: XYSeries): XYSeries {
  const order = s.x.map((_, i) => i).sort((a, b) => (s.x[a] as number) - (s.x[b] as number) || a - b);
  return { name: s.name, x: order.map((i) => s.x[i] as number), y: order.map((i) => s.y[i] as number) };
}

/** Equal-width bins over the values (wandb's histogram preset bins the column the same way):
 * `bins` edges, or about sqrt(n) bins between 5 and 40. The last bin includes the maximum. */
export function binValues(values: readonly number[], bins?: number): Bar[] {
  if (values.length === 0) return [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) return [{ x0: lo - 0.5, x1: hi + 0.5, count: values.length }];
  const n = bins ?? Math.min(40, Math.max(5, Math.ceil(Math.sqrt(values.length))));
  const width = (hi - lo) / n;
  const counts = new Array<number>(n).fill(0);
  for (const v of values) {
    const i = Math.min(n - 1, Math.floor((v - lo) / width));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts.map((count, i) => ({ x0: lo + i * width, x1: i === n - 1 ? hi : lo + (i + 1) * width, count }));
}

export interface ConfusionLayout {
  actual: string[];
  predicted: string[];
  counts: number[][];
  max: number;
}

/** The confusion matrix of `(actual, predicted, count)` rows: rows are actual classes, columns
 * predicted ones, both in the order classes first appear (the SDK writes class_names in order);
 * every class appears on both axes so the diagonal is the correct predictions. */
export function confusionLayout(table: TableData, actualCol: string, predictedCol: string, countCol: string): ConfusionLayout {
  const classes: string[] = [];
  const index = new Map<string, number>();
  const at = (name: string): number => {
    let i = index.get(name);
    if (i === undefined) {
      i = classes.length;
      index.set(name, i);
      classes.push(name);
    }
    return i;
  };
  const cells: [number, number, number][] = [];
  for (const row of table.rows) {
    const a = at(label(row[actualCol]));
    const p = at(label(row[predictedCol]));
    cells.push([a, p, num(row[countCol]) ?? 0]);
  }
  const counts = classes.map(() => new Array<number>(classes.length).fill(0));
  let max = 0;
  for (const [a, p, c] of cells) {
    const r = counts[a] as number[];
    r[p] = (r[p] ?? 0) + c;
    max = Math.max(max, r[p] as number);
  }
  return { actual: classes, predicted: [...classes], counts, max };
}

/** The chart a spec draws over its table. Unknown presets (a user's own Vega spec) say so. */
export function buildChart(spec: ChartSpec, table: TableData): ChartModel {
  const f = spec.fields;
  const s = spec.strings;
  const title = s.title || spec.key;
  const need = (...names: string[]): string | null => names.find((n) => !f[n] || !table.columns.includes(f[n] as string)) ?? null;
  const missing = (name: string): ChartModel => ({ type: "unsupported", title, panelDefId: `${spec.panelDefId} (field "${name}" names no column of the table)` });
  switch (spec.panelDefId) {
    case "wandb/line/v0":
    case "wandb/scatter/v0": {
      const bad = need("x", "y");
      if (bad) return missing(bad);
      const stroke = f.stroke && table.columns.includes(f.stroke) ? f.stroke : undefined;
      const lines = spec.panelDefId === "wandb/line/v0";
      const series = xySeries(table, f.x as string, f.y as string, stroke);
      return { type: "xy", title, xLabel: f.x as string, yLabel: f.y as string, lines, unit: false, diagonal: false, series: lines ? series.map(sortedByX) : series };
    }
    case "wandb/lineseries/v0": {
      const bad = need("step", "lineKey", "lineVal");
      if (bad) return missing(bad);
      const series = xySeries(table, f.step as string, f.lineVal as string, f.lineKey).map(sortedByX);
      return { type: "xy", title, xLabel: s.xname || "x", yLabel: "", lines: true, unit: false, diagonal: false, series };
    }
    case "wandb/area-under-curve/v0": {
      const bad = need("x", "y", "class");
      if (bad) return missing(bad);
      const series = xySeries(table, f.x as string, f.y as string, f.class).map(sortedByX);
      // An ROC curve (x = false positive rate) gets the chance line.
      const roc = /false positive/i.test(s["x-axis-title"] ?? "") || f.x === "fpr";
      return { type: "xy", title, xLabel: s["x-axis-title"] || (f.x as string), yLabel: s["y-axis-title"] || (f.y as string), lines: true, unit: true, diagonal: roc, series };
    }
    case "wandb/bar/v0": {
      const bad = need("label", "value");
      if (bad) return missing(bad);
      const bars: { label: string; value: number }[] = [];
      for (const row of table.rows) {
        const v = num(row[f.value as string]);
        if (v !== null) bars.push({ label: label(row[f.label as string]), value: v });
      }
      return { type: "bar", title, valueLabel: f.value as string, bars };
    }
    case "wandb/class_proportions/v1": {
      // wandb.sklearn's rows [class, dataset, count]: one bar per class and data set, coloured by set.
      const bad = need("class", "dataset", "count");
      if (bad) return missing(bad);
      const bars: { label: string; value: number; group: string }[] = [];
      for (const row of table.rows) {
        const v = num(row[f.count as string]);
        if (v !== null) bars.push({ label: label(row[f.class as string]), value: v, group: label(row[f.dataset as string]) });
      }
      return { type: "bar", title, valueLabel: f.count as string, bars, groups: [...new Set(bars.map((b) => b.group))] };
    }
    case "wandb/histogram/v0": {
      const bad = need("value");
      if (bad) return missing(bad);
      const values = table.rows.map((r) => num(r[f.value as string])).filter((v): v is number => v !== null);
      return { type: "histogram", title, valueLabel: f.value as string, bars: binValues(values) };
    }
    case "wandb/confusion_matrix/v1": {
      const bad = need("Actual", "Predicted", "nPredictions");
      if (bad) return missing(bad);
      return { type: "confusion", title, ...confusionLayout(table, f.Actual as string, f.Predicted as string, f.nPredictions as string) };
    }
    default:
      return { type: "unsupported", title, panelDefId: spec.panelDefId };
  }
}

/** uPlot's aligned data for series with their own x values: one row per point of any series, sorted
 * by x (stable, so equal x keep their order: an ROC curve's vertical steps), the other series null
 * there. The chart spans the gaps, so each series is still one line. */
export function alignXY(series: readonly XYSeries[]): { x: number[]; ys: (number | null)[][] } {
  const points: [number, number, number, number][] = []; // x, series, y, order
  series.forEach((s, si) => s.x.forEach((x, i) => points.push([x, si, s.y[i] as number, points.length])));
  points.sort((a, b) => a[0] - b[0] || a[3] - b[3]);
  const ys = series.map(() => new Array<number | null>(points.length).fill(null));
  points.forEach(([, si, y], i) => {
    (ys[si] as (number | null)[])[i] = y;
  });
  return { x: points.map((p) => p[0]), ys };
}

/** The index nearest to `idx` where `values` has a point (searching both ways), or null. Hover uses
 * it so each series shows its own nearest value though the aligned rows hold one series each. */
export function nearestPoint(values: ArrayLike<number | null | undefined>, idx: number, xs: ArrayLike<number>): number | null {
  if (values[idx] !== null && values[idx] !== undefined) return idx;
  const x = xs[idx] as number;
  let lo = idx - 1;
  let hi = idx + 1;
  while (lo >= 0 && (values[lo] === null || values[lo] === undefined)) lo--;
  while (hi < values.length && (values[hi] === null || values[hi] === undefined)) hi++;
  if (lo < 0 && hi >= values.length) return null;
  if (lo < 0) return hi;
  if (hi >= values.length) return lo;
  return x - (xs[lo] as number) <= (xs[hi] as number) - x ? lo : hi;
}
