/**
 * A run's `define_metric` definitions, read as W&B's UI reads them: a chart of metric M is drawn
 * against M's step metric (`define_metric("*", step_metric="train/global_step")` in the HF
 * Trainer's callback, `trainer/global_step` in Lightning's logger) unless the user chose another x
 * axis, and a `hidden` metric gets no automatic panel. One resolution rule for the workspace and the
 * run page, the same the SDK applies to summaries (sdk/summary_state.py): an exact name first, then
 * the most specific glob.
 */
import type { XAxis } from "./chartdata";

/** One entry of `RunOut.metric_definitions` (the fields the UI reads). */
export interface MetricDefinition {
  name: string;
  step_metric?: string | null;
  hidden?: boolean | null;
}

/** Reads the server's loosely typed list, skipping entries without a name. */
export function asDefinitions(raw: readonly Record<string, unknown>[] | null | undefined): MetricDefinition[] {
  const out: MetricDefinition[] = [];
  for (const d of raw ?? []) {
    if (typeof d.name !== "string" || d.name === "") continue;
    out.push({ name: d.name, step_metric: typeof d.step_metric === "string" && d.step_metric ? d.step_metric : null, hidden: d.hidden === true });
  }
  return out;
}

function globMatches(glob: string, key: string): boolean {
  const parts = glob.split("*");
  if (parts.length === 1) return glob === key;
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (!key.startsWith(first) || key.length < first.length + last.length || !key.endsWith(last)) return false;
  let at = first.length;
  for (const mid of parts.slice(1, -1)) {
    const i = key.indexOf(mid, at);
    if (i < 0 || i + mid.length > key.length - last.length) return false;
    at = i + mid.length;
  }
  return true;
}

/** The definition that applies to `key`: its exact name, else the matching glob with the most
 * literal characters (`train/*` over `*`, as the SDK orders globs longest first); among equally
 * specific ones the later definition, as a later `define_metric` call replaces an earlier one. */
export function resolveDefinition(defs: readonly MetricDefinition[], key: string): MetricDefinition | null {
  let exact: MetricDefinition | null = null;
  let glob: MetricDefinition | null = null;
  let globScore = -1;
  for (const d of defs) {
    if (!d.name.includes("*")) {
      if (d.name === key) exact = d;
    } else if (globMatches(d.name, key)) {
      const score = d.name.replaceAll("*", "").length;
      if (score >= globScore) [glob, globScore] = [d, score];
    }
  }
  return exact ?? glob;
}

/** The step metric `key` is drawn against by default; null: none (or the key itself: HF's `*`
 * glob would otherwise make `train/global_step` its own x axis where no exact definition exists). */
export function stepMetricOf(defs: readonly MetricDefinition[], key: string): string | null {
  const s = resolveDefinition(defs, key)?.step_metric ?? null;
  return s === key ? null : s;
}

/** Hidden from the automatic panels: every run with a definition for `key` hides it. */
export function isHidden(runsDefs: readonly (readonly MetricDefinition[])[], key: string): boolean {
  let seen = false;
  for (const defs of runsDefs) {
    const d = resolveDefinition(defs, key);
    if (!d) continue;
    if (!d.hidden) return false;
    seen = true;
  }
  return seen;
}

export interface DefaultAxis {
  /** The axis to draw: `{ metric }` for a step metric, else "step". */
  xAxis: XAxis;
  /** Set when the runs disagree: what the title's tooltip says. */
  note: string | null;
}

const STEP: DefaultAxis = { xAxis: "step", note: null };

/**
 * The default x axis of a chart of `keys` over runs with these definitions. Each run votes for the
 * step metric of the chart's first key it defines one for, or for Step when it defines none; the
 * most votes win and a tie (with Step or between step metrics) falls back to Step. Why Step counts: a run that does not log the step
 * metric has no points against it, so a minority of `define_metric` runs must not blank the chart
 * for everyone else.
 */
export function defaultAxisFor(runsDefs: readonly (readonly MetricDefinition[] | undefined)[], keys: readonly string[]): DefaultAxis {
  const votes = new Map<string, number>();
  let any = false;
  for (const defs of runsDefs) {
    let choice = "";
    if (defs?.length) {
      for (const k of keys) {
        const s = stepMetricOf(defs, k);
        if (s) {
          choice = s;
          any = true;
          break;
        }
      }
    }
    votes.set(choice, (votes.get(choice) ?? 0) + 1);
  }
  if (!any) return STEP;
  const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1] || (a[0] === "" ? -1 : b[0] === "" ? 1 : a[0].localeCompare(b[0])));
  const [best, n] = ranked[0] as [string, number];
  const total = runsDefs.length;
  const others = ranked
    .slice(1)
    .map(([m, c]) => `${c} ${m || "Step (no step metric)"}`)
    .join(", ");
  const note = ranked.length > 1 ? `Runs disagree on the x axis: ${n} of ${total} use ${best || "Step (no step metric)"}; ${others}. Choose an X axis to draw them all the same way.` : null;
  const tied = ranked.length > 1 && (ranked[1] as [string, number])[1] === n;
  return best && !tied ? { xAxis: { metric: best }, note } : { xAxis: "step", note: note && tied ? `${note} (a tie: drawn against Step)` : note };
}
