/**
 * The pure parts of the run comparer, scalar and markdown panels: which rows the comparer shows and
 * how a value reads in a cell, the number a scalar panel shows (per group while grouped), and the
 * note's size limit. Kept apart from the components so they are tested without a browser.
 */
import { compareRows, type CompareRow } from "./compare";
import { formatNumber, value as asText } from "./format";
import { numberOf } from "./summaryPlots";

/** The server's limit on a note (schema/layout.py MAX_NOTE_CHARS); the editor says so before saving. */
export const MAX_NOTE_CHARS = 16_000;

/** A note's length as the server counts it: characters (code points), so an emoji counts once. */
export function noteLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

export function noteProblem(text: string): string | null {
  const length = noteLength(text);
  return length > MAX_NOTE_CHARS ? `The note is ${length.toLocaleString("en-US")} characters; the limit is ${MAX_NOTE_CHARS.toLocaleString("en-US")}. Shorten it or split it into two notes.` : null;
}

// ---- Run comparer -------------------------------------------------------------------------------

export interface ComparedRun {
  key: string;
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
}

export interface ComparerBlock {
  name: "Config" | "Summary";
  /** The rows shown: every key, or only those that differ. */
  rows: CompareRow[];
  /** How many keys there are, and how many differ (the block's header says both). */
  total: number;
  differing: number;
}

/** Config and summary rows of the runs, in the runs' order. With `diffOnly`, only keys whose raw
 * values differ (a key one run lacks differs); `search` keeps keys containing it (any case). */
export function comparerBlocks(runs: readonly ComparedRun[], diffOnly: boolean, search = ""): ComparerBlock[] {
  const needle = search.trim().toLowerCase();
  const block = (name: ComparerBlock["name"], flats: Record<string, unknown>[]): ComparerBlock => {
    const all = compareRows(flats).filter((r) => !needle || r.key.toLowerCase().includes(needle));
    const differing = all.filter((r) => r.differs).length;
    return { name, rows: diffOnly ? all.filter((r) => r.differs) : all, total: all.length, differing };
  };
  return [block("Config", runs.map((r) => r.config)), block("Summary", runs.map((r) => r.summary))];
}

/** A flattened key split where it nests: `model.encoder.Layers` reads `model.encoder.` (muted)
 * then `Layers`. Keys keep their case. A key whose dot ends it (`a.`) is not split. */
export function keyParts(key: string): [parent: string, leaf: string] {
  const at = key.lastIndexOf(".", key.length - 2);
  return at < 0 ? ["", key] : [key.slice(0, at + 1), key.slice(at + 1)];
}

/** What a cell shows (numbers through the one formatter, `–` where the run lacks the key) and its
 * full text for the hover (numbers at full precision, objects as JSON). */
export function comparerCell(v: unknown): { text: string; full: string } {
  if (v === undefined) return { text: "–", full: "not set in this run" };
  if (v === null) return { text: "null", full: "null" };
  if (typeof v === "number") return { text: formatNumber(v), full: String(v) };
  if (typeof v === "string" && /^(NaN|-?Infinity)$/.test(v)) return { text: formatNumber(Number(v)), full: v }; // non-finite floats as the SDK writes them
  const text = asText(v);
  const full = typeof v === "object" ? JSON.stringify(v, null, 1) : text;
  return { text, full };
}

// ---- Scalar -------------------------------------------------------------------------------------

export type Aggregate = "mean" | "min" | "max" | "last";

export interface ScalarRun {
  key: string;
  name: string;
  color: string;
  /** Group label while the workspace is grouped. */
  group?: string | null;
  /** When the run started (unix seconds): "last" is the newest run's value. */
  start?: number | null;
  summary: Record<string, unknown>;
}

export interface ScalarValue {
  /** The group's label, the run's name (one run) or null (all visible runs, ungrouped). */
  label: string | null;
  color: string | null;
  value: number | null;
  /** Runs with a numeric value, and runs looked at. */
  count: number;
  of: number;
}

/** A summary value as a number; `{"min": x}`-style summaries (define_metric) are not flattened here,
 * so a caller passes the flattened key (`loss.min`). Non-finite strings as the SDK writes them. */
function metricValue(run: ScalarRun, metric: string): number | null {
  const v = run.summary[metric];
  if (v === "NaN" || v === "Infinity" || v === "-Infinity") return Number(v);
  if (typeof v === "number") return v;
  return numberOf(v);
}

export function aggregate(values: readonly { value: number; start: number }[], how: Aggregate): number | null {
  if (values.length === 0) return null;
  if (how === "mean") return values.reduce((s, v) => s + v.value, 0) / values.length;
  if (how === "min") return Math.min(...values.map((v) => v.value));
  if (how === "max") return Math.max(...values.map((v) => v.value));
  return values.reduce((a, b) => (b.start >= a.start ? b : a)).value;
}

/** The panel's numbers: one for the runs (or one per group when they are grouped). A single run
 * shows its own value under its name. Runs without a numeric value are left out of the aggregate
 * and the count says how many had one. */
export function scalarValues(runs: readonly ScalarRun[], metric: string, how: Aggregate, groupColor: (label: string) => string): ScalarValue[] {
  const of = (rs: readonly ScalarRun[]) => {
    const vals = rs.flatMap((r) => {
      const value = metricValue(r, metric);
      return value === null ? [] : [{ value, start: r.start ?? 0 }];
    });
    return { value: aggregate(vals, how), count: vals.length, of: rs.length };
  };
  if (runs.length === 1 && runs[0]) return [{ label: runs[0].name, color: runs[0].color, ...of(runs) }];
  const grouped = runs.some((r) => r.group !== null && r.group !== undefined);
  if (!grouped) return [{ label: null, color: null, ...of(runs) }];
  const by = new Map<string, ScalarRun[]>();
  for (const r of runs) {
    const label = r.group ?? "";
    let list = by.get(label);
    if (!list) by.set(label, (list = []));
    list.push(r);
  }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true })).map(([label, rs]) => ({ label, color: groupColor(label), ...of(rs) }));
}

export const AGGREGATE_LABEL: Record<Aggregate, string> = { mean: "mean", min: "min", max: "max", last: "newest run" };

/** The caption under a number: `mean of 20 runs`, `max of 3 of 5 runs` (2 lack the metric). */
export function scalarCaption(v: ScalarValue, how: Aggregate): string {
  const runs = (n: number) => `${n} run${n === 1 ? "" : "s"}`;
  if (v.of === 1) return v.count ? "1 run" : "no value in this run";
  if (v.count === 0) return `no value in ${runs(v.of)}`;
  const counted = v.count === v.of ? runs(v.of) : `${v.count} of ${runs(v.of)}`;
  return how === "last" ? `newest of ${counted}` : `${AGGREGATE_LABEL[how]} of ${counted}`;
}
