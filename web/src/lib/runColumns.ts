/**
 * The runs table's columns as a user names and sizes them: summary columns that `define_metric`
 * shaped (`summary="min"` stores `{"loss": {"min": 0.1}}`, flattened to `loss.min`) are headed
 * `loss (min)`, as W&B shows the summary it was asked for; the column picker's search; and the
 * widths a user dragged, kept in the browser.
 */
import { searchMatcher } from "./panels";
import { resolveDefinition, type MetricDefinition } from "./stepMetric";

/** The `define_metric(summary=...)` ops the SDK writes as a key of their own (sdk/summary_state.py). */
export const SUMMARY_OPS: ReadonlySet<string> = new Set(["min", "max", "mean", "first", "last", "best"]);

interface SummaryDefinition extends MetricDefinition {
  summary: string[];
}

/** A run's definitions with their summary ops (the server's loosely typed list, checked). */
function summaryDefinitions(raw: readonly Record<string, unknown>[] | null | undefined): SummaryDefinition[] {
  const out: SummaryDefinition[] = [];
  for (const d of raw ?? []) {
    if (typeof d.name !== "string" || d.name === "" || !Array.isArray(d.summary)) continue;
    const ops = d.summary.filter((op): op is string => typeof op === "string");
    if (ops.length) out.push({ name: d.name, summary: ops });
  }
  return out;
}

/** The metric and op of a flattened summary key that a definition shaped (`loss.min` of a run that
 * defined `loss` with `summary="min"`), or null (a dict the user logged, `{"a": {"min": 1}}`, stays
 * `a.min`). */
export function definedSummary(key: string, defs: readonly SummaryDefinition[]): { metric: string; op: string } | null {
  const dot = key.lastIndexOf(".");
  if (dot <= 0 || defs.length === 0) return null;
  const op = key.slice(dot + 1);
  if (!SUMMARY_OPS.has(op)) return null;
  const metric = key.slice(0, dot);
  const def = resolveDefinition(defs, metric) as SummaryDefinition | null;
  return def?.summary.includes(op) ? { metric, op } : null;
}

/** What one op means, for a header's tooltip. */
const OP_WORDS: Record<string, string> = {
  min: "the minimum",
  max: "the maximum",
  mean: "the mean",
  first: "the first value",
  last: "the last value",
  best: "the best value",
};

export interface SummaryLabel {
  /** The header: `loss (min)`. */
  label: string;
  /** Its tooltip: where the value comes from. */
  title: string;
}

/**
 * Labels of the summary columns that some run's `define_metric` shaped, by column id (`s:loss.min`
 * → `loss (min)`). A key counts once any run holding it defined it so: runs of one project usually
 * share their training script.
 */
export function summaryColumnLabels(runs: readonly { summary: Record<string, unknown>; definitions: readonly Record<string, unknown>[] | null | undefined }[]): Map<string, SummaryLabel> {
  const out = new Map<string, SummaryLabel>();
  for (const r of runs) {
    const defs = summaryDefinitions(r.definitions);
    if (defs.length === 0) continue;
    for (const key of Object.keys(r.summary)) {
      if (out.has(`s:${key}`)) continue;
      const found = definedSummary(key, defs);
      if (found)
        out.set(`s:${key}`, {
          label: `${found.metric} (${found.op})`,
          title: `summary.${key}: ${OP_WORDS[found.op] ?? found.op} of ${found.metric} over the run (define_metric summary="${found.op}")`,
        });
    }
  }
  return out;
}

/** The column picker's text for a column id: `config.lr`, `summary.loss (min)`, `Name`. */
export function pickerText(id: string, label: string): string {
  if (id.startsWith("c:")) return `config.${label}`;
  if (id.startsWith("s:")) return `summary.${label}`;
  return label;
}

/**
 * The columns the picker's search matches: a regular expression when it is one (`^val/`, `loss|acc`),
 * otherwise a substring, case-insensitive either way (the panel search's rule), over the column's
 * key (`summary.loss.min`) and its header (`summary.loss (min)`).
 */
export function matchColumns(ids: readonly string[], labelOf: (id: string) => string, search: string): string[] {
  const matches = searchMatcher(search);
  return ids.filter((id) => matches(pickerText(id, labelOf(id))) || matches(pickerText(id, id.replace(/^[cs]:/, ""))));
}

/** Hidden columns after "select all matching" (`show`) or "none" over `matching`; `keep` (the name)
 * is never hidden. */
export function setShown(hidden: readonly string[], matching: readonly string[], show: boolean, keep: readonly string[] = ["name"]): string[] {
  const set = new Set(hidden);
  for (const id of matching) {
    if (show || keep.includes(id)) set.delete(id);
    else set.add(id);
  }
  return [...set];
}

export const MIN_COLUMN_PX = 60;
export const MAX_COLUMN_PX = 1200;

export function clampColumnWidth(w: number): number {
  return Math.round(Math.min(Math.max(w, MIN_COLUMN_PX), MAX_COLUMN_PX));
}

/** Stored column widths, checked: entries that are not a finite positive width are dropped. */
export function parseWidths(raw: unknown): Record<string, number> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "number" && Number.isFinite(v) && v > 0) out[k] = clampColumnWidth(v);
  return out;
}
