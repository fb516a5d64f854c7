/**
 * The panel editor's pure parts: which runs a panel's selection keeps, the y range a chart draws,
 * and what is wrong with a draft before it is saved (the server refuses the same things, but the
 * editor says so while the user types).
 */
import type { components } from "../api/generated/schema";
import type { ChartSettings } from "../components/MetricPanel";
import type { PanelSpec } from "./layout";
import { lineageProblem } from "./lineagePanel";

export type RunSelection = components["schemas"]["RunSelection"];

/** What a selection looks at: a workspace run (PanelRun) or anything with its key and name. */
export interface SelectableRun {
  key: string;
  name: string;
  /** The run's group label under the workspace's grouping; null or absent when not grouped. */
  group?: string | null;
}

/** The run id (the last part of `entity/project/id`). */
export const runIdOf = (key: string): string => key.slice(key.lastIndexOf("/") + 1);

/** A run key's entity, project and id (names hold no `/`): a report's run sets span projects. */
export function runRefOf(key: string): [entity: string, project: string, runId: string] {
  const [entity = "", project = "", id = ""] = key.split("/");
  return [entity, project, id];
}

/** A regular expression as the editor and the charts read a name pattern, or null if it is not one. */
export function nameRegex(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern);
  } catch {
    return null;
  }
}

/** A selection's test for one run (every set part applies), or null when it keeps every run. A
 * pattern the browser cannot read keeps no run, so a broken selection shows nothing rather than
 * everything. Groups apply while the runs are grouped (a run without a group label passes). */
export function runMatcher(sel: RunSelection | null | undefined): ((r: SelectableRun) => boolean) | null {
  if (!sel) return null;
  const ids = sel.ids ? new Set(sel.ids) : null;
  const re = sel.name_regex ? nameRegex(sel.name_regex) : undefined;
  const groups = sel.groups ? new Set(sel.groups) : null;
  if (!ids && re === undefined && !groups) return null;
  return (r) => {
    if (ids && !ids.has(runIdOf(r.key))) return false;
    if (re === null) return false;
    if (re && !re.test(r.name)) return false;
    if (groups && r.group !== null && r.group !== undefined && !groups.has(r.group)) return false;
    return true;
  };
}

/** The runs a selection keeps; the same array when it keeps all of them (charts keep their data). */
export function selectRuns<T extends SelectableRun>(runs: T[], sel: RunSelection | null | undefined): T[] {
  const keep = runMatcher(sel);
  if (!keep) return runs;
  const out = runs.filter(keep);
  return out.length === runs.length ? runs : out;
}

/** Summary rows (bar and scatter panels) of the runs that `runs` (with their group labels) keep. */
export function selectByKey<T extends { key: string }>(rows: T[], runs: readonly SelectableRun[], sel: RunSelection | null | undefined): T[] {
  const keep = runMatcher(sel);
  if (!keep) return rows;
  const kept = new Set(runs.filter(keep).map((r) => r.key));
  const out = rows.filter((r) => kept.has(r.key));
  return out.length === rows.length ? rows : out;
}

/** The y range a line chart draws: the saved ends, each null where it comes from the data. On a
 * log scale an end at or below zero cannot be drawn, so it is left to the data too. */
export function yBounds(yMin: number | null | undefined, yMax: number | null | undefined, log: boolean): [number | null, number | null] {
  const ok = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) || (log && v <= 0) ? null : v);
  return [ok(yMin), ok(yMax)];
}

/** An axis end as typed: empty is "from the data" (null); anything else must be a number. */
export function parseBound(text: string): number | null | "bad" {
  const t = text.trim();
  if (t === "") return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : "bad";
}

/** The panel types that choose their runs (a panel made in the browser may lack the field yet). */
export function hasRunSelection(p: PanelSpec): p is Extract<PanelSpec, { type: "line" | "bar" | "scatter" | "comparer" | "scalar" | "media" }> {
  return p.type === "line" || p.type === "bar" || p.type === "scatter" || p.type === "comparer" || p.type === "scalar" || p.type === "media";
}

/** What stops a draft from being saved, in words that say the fix; null when it can be saved. */
export function draftProblem(p: PanelSpec): string | null {
  if (p.title && p.title.length > 200) return "The title is longer than 200 characters.";
  if (p.type === "line") {
    if (p.metrics.length === 0) return "Pick at least one metric.";
    if (p.metrics.length > 10) return "Pick at most 10 metrics.";
    if (p.y_min !== null && p.y_min !== undefined && p.y_max !== null && p.y_max !== undefined && p.y_min >= p.y_max) return "Y min must be below Y max (leave one empty to take it from the data).";
    if (p.log_scale && p.y_min !== null && p.y_min !== undefined && p.y_min <= 0) return "A log scale starts above 0: make Y min positive or leave it empty.";
  }
  if (p.type === "parallel" && (p.axes.length < 2 || p.axes.length > 20)) return "Pick between 2 and 20 axes.";
  if (p.type === "lineage") return lineageProblem(p.artifact);
  if (hasRunSelection(p) && p.runs) {
    const { ids, name_regex: re, groups } = p.runs;
    if (ids && ids.length === 0) return "Pick at least one run, or show all visible runs.";
    if (groups && groups.length === 0) return "Pick at least one group, or show all visible runs.";
    if (re !== null && re !== undefined && (re === "" || nameRegex(re) === null)) return `"${re}" is not a regular expression: escape special characters with \\.`;
  }
  return null;
}

/** "Select all matching" in a multi-select: the picked values plus every match not picked yet, in
 * the options' order, up to `max`; `dropped` says how many matches did not fit. */
export function pickMatching(value: readonly string[], matching: readonly string[], max?: number): { next: string[]; dropped: number } {
  const have = new Set(value);
  const fresh = matching.filter((m) => !have.has(m));
  const room = max === undefined ? fresh.length : Math.max(0, max - value.length);
  return { next: [...value, ...fresh.slice(0, room)], dropped: Math.max(0, fresh.length - room) };
}

/** A grouped line chart's settings with only the groups a panel chose (the workspace draws groups
 * from the server over every run of each group: lib/groupSeries); the same object without a choice. */
export function withGroupChoice(settings: ChartSettings, groups: readonly string[] | null | undefined): ChartSettings {
  const spec = settings.groups;
  if (!groups || !spec) return settings;
  const keep = new Set(groups);
  return { ...settings, groups: { ...spec, groups: spec.groups.filter((g) => keep.has(g.label)) } };
}
