/**
 * Parallel coordinates as pure functions: an axis per field (linear, log, or categorical with its
 * values as ticks), brushes as ranges on the axes (0 = bottom, 1 = top) that select the runs
 * passing through all of them, axis reordering, and the colour scale that colours runs by a metric.
 * The sweep page and the workspace panel draw with these (ParallelCoordinates.tsx).
 */

export interface PcRow {
  key: string;
  name: string;
  /** Field -> value (a number, string or boolean; missing when the run has none). */
  values: Record<string, unknown>;
}

export interface AxisSpec {
  key: string;
  label?: string;
  /** Draw on a log scale (when every value is positive). */
  log?: boolean;
  /** Treat every value as a category, numbers too. */
  categorical?: boolean;
  /** The values a parameter can take (`values: [32, 64, 128]`): ticks at them, not round numbers. */
  values?: number[];
}

export interface Tick {
  at: number;
  label: string;
}

export interface Axis {
  key: string;
  label: string;
  kind: "linear" | "log" | "category";
  categories: string[];
  lo: number;
  hi: number;
  ticks: Tick[];
  /** Where a value sits, 0 (bottom) .. 1 (top); null when the run has no value on this axis. */
  pos: (v: unknown) => number | null;
}

export type Brush = [number, number];
export type Brushes = Record<string, Brush>;

const collator = new Intl.Collator(undefined, { numeric: true });

export function numeric(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  return null;
}

export function categoryOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

export function formatNumber(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(1).replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= count) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** An axis over the values the rows hold for `spec.key`; null when no row has one. */
export function buildAxis(spec: AxisSpec, rows: readonly PcRow[]): Axis | null {
  const label = spec.label ?? spec.key;
  const present = rows.map((r) => r.values[spec.key]).filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return null;
  const numbers = present.map(numeric);
  if (spec.categorical || numbers.some((n) => n === null)) {
    const categories = [...new Set(present.map(categoryOf).filter((c): c is string => c !== null))].sort(collator.compare);
    const index = new Map(categories.map((c, i) => [c, i]));
    const at = (i: number): number => (i + 0.5) / categories.length;
    return {
      key: spec.key,
      label,
      kind: "category",
      categories,
      lo: 0,
      hi: categories.length,
      ticks: categories.map((c, i) => ({ at: at(i), label: c })),
      pos: (v) => {
        const c = categoryOf(v);
        const i = c === null ? undefined : index.get(c);
        return i === undefined ? null : at(i);
      },
    };
  }
  const values = numbers as number[];
  const log = spec.log === true && values.every((v) => v > 0);
  const f = log ? Math.log10 : (v: number) => v;
  let lo = Math.min(...values.map(f));
  let hi = Math.max(...values.map(f));
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  let ticks: Tick[];
  if (log) {
    const decades: number[] = [];
    for (let e = Math.ceil(lo); e <= Math.floor(hi); e++) decades.push(e);
    const list = decades.length >= 2 ? decades : [lo, (lo + hi) / 2, hi];
    ticks = list.map((e) => ({ at: (e - lo) / (hi - lo), label: formatNumber(10 ** e) }));
  } else ticks = niceTicks(lo, hi).map((t) => ({ at: (t - lo) / (hi - lo), label: formatNumber(t) }));
  const listed = (spec.values ?? []).filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (listed.length > 0 && listed.length <= 12) {
    ticks = listed.map((v) => ({ at: (f(v) - lo) / (hi - lo), label: formatNumber(v) })).filter((t) => t.at >= -1e-9 && t.at <= 1 + 1e-9);
  }
  return {
    key: spec.key,
    label,
    kind: log ? "log" : "linear",
    categories: [],
    lo: log ? 10 ** lo : lo,
    hi: log ? 10 ** hi : hi,
    ticks,
    pos: (v) => {
      const n = numeric(v);
      if (n === null || (log && n <= 0)) return null;
      return (f(n) - lo) / (hi - lo);
    },
  };
}

export function buildAxes(specs: readonly AxisSpec[], rows: readonly PcRow[]): Axis[] {
  return specs.map((s) => buildAxis(s, rows)).filter((a): a is Axis => a !== null);
}

/** Whether a row passes every brush (a row without a value on a brushed axis does not). */
export function inBrushes(row: PcRow, axes: readonly Axis[], brushes: Brushes): boolean {
  for (const axis of axes) {
    const b = brushes[axis.key];
    if (!b) continue;
    const p = axis.pos(row.values[axis.key]);
    if (p === null || p < b[0] - 1e-9 || p > b[1] + 1e-9) return false;
  }
  return true;
}

/** The keys of the rows every brush lets through. */
export function selectRows(rows: readonly PcRow[], axes: readonly Axis[], brushes: Brushes): Set<string> {
  return new Set(rows.filter((r) => inBrushes(r, axes, brushes)).map((r) => r.key));
}

/** A brush's range in the axis's own values ("0.001 – 0.01", or the categories it holds). */
export function brushLabel(axis: Axis, b: Brush): string {
  if (axis.kind === "category") return axis.categories.filter((_, i) => { const at = (i + 0.5) / axis.categories.length; return at >= b[0] && at <= b[1]; }).join(", ") || "none";
  const value = (t: number): number => (axis.kind === "log" ? 10 ** (Math.log10(axis.lo) + t * (Math.log10(axis.hi) - Math.log10(axis.lo))) : axis.lo + t * (axis.hi - axis.lo));
  return `${formatNumber(value(b[0]))} – ${formatNumber(value(b[1]))}`;
}

/** `order` with `key` moved to position `to`. */
export function moveAxis(order: readonly string[], key: string, to: number): string[] {
  const rest = order.filter((k) => k !== key);
  if (rest.length === order.length) return [...order];
  rest.splice(Math.max(0, Math.min(rest.length, to)), 0, key);
  return rest;
}

/** The axis order to draw: a saved order first (keys that still exist), new keys after it. */
export function orderAxes<T extends { key: string }>(axes: readonly T[], order: readonly string[] | null): T[] {
  if (!order?.length) return [...axes];
  const rank = new Map(order.map((k, i) => [k, i]));
  return [...axes].sort((a, b) => (rank.get(a.key) ?? 1e9) - (rank.get(b.key) ?? 1e9));
}

/** Brushes in a URL parameter: `key~lo~hi` joined by `|`, the key percent-encoded (with its `~`). */
export function encodeBrushes(brushes: Brushes): string | null {
  const parts = Object.entries(brushes).map(([k, [lo, hi]]) => `${encodeURIComponent(k).replace(/~/g, "%7E")}~${lo.toFixed(4)}~${hi.toFixed(4)}`);
  return parts.length ? parts.join("|") : null;
}

export function decodeBrushes(text: string | null): Brushes {
  const out: Brushes = {};
  for (const part of (text ?? "").split("|")) {
    const m = /^([^~]+)~([\d.]+)~([\d.]+)$/.exec(part);
    if (!m?.[1]) continue;
    let key: string;
    try {
      key = decodeURIComponent(m[1]);
    } catch {
      continue;
    }
    const lo = Number(m[2]);
    const hi = Number(m[3]);
    if (Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi) out[key] = [Math.max(0, lo), Math.min(1, hi)];
  }
  return out;
}

// A perceptual ramp (plasma, without its darkest and palest ends so both themes show every run):
// worse runs purple, better runs amber.
const RAMP = ["#5302a3", "#7e03a8", "#a82296", "#cb4679", "#e56b5d", "#f89441", "#fdb42f"];

function mix(a: string, b: string, t: number): string {
  const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
  const pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
  return `#${pa.map((x, i) => Math.round(x + ((pb[i] ?? x) - x) * t).toString(16).padStart(2, "0")).join("")}`;
}

export function rampColor(t: number): string {
  const x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  return mix(RAMP[i] as string, RAMP[i + 1] as string, x - i);
}

export const RAMP_CSS = `linear-gradient(to right, ${RAMP.join(", ")})`;

export interface ColorScale {
  min: number;
  max: number;
  /** The colour of a value; grey for runs without one. */
  color: (v: unknown) => string;
  /** Which end is better: "maximize" puts the amber end at max. */
  goal: "minimize" | "maximize";
}

export const NO_VALUE_COLOR = "#9aa1ad";

/** Colours by `values` so better runs are amber whatever the goal (minimize: low values amber). */
export function colorScale(values: readonly unknown[], goal: "minimize" | "maximize" | null | undefined): ColorScale | null {
  const nums = values.map(numeric).filter((v): v is number => v !== null);
  if (nums.length === 0) return null;
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  const g = goal ?? "maximize";
  return {
    min,
    max,
    goal: g,
    color: (v) => {
      const n = numeric(v);
      if (n === null) return NO_VALUE_COLOR;
      if (max === min) return rampColor(1); // one value: it is the best there is
      const t = (n - min) / (max - min);
      return rampColor(g === "minimize" ? 1 - t : t);
    },
  };
}
