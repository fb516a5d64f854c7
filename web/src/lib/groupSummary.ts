/**
 * Grouped bar and scatter panels: while the workspace groups its runs, a bar panel draws one bar per
 * group (the group's mean of the metric, with the line charts' band as its error bar) and a scatter
 * panel colours each run's point by its group and marks each group's mean. The means and bands
 * come from the server (POST .../group-summary) over EVERY run of the group that the runs table's
 * filter selects, less hidden runs: not over the runs a panel happens to draw.
 */
import { useQuery, type QueryKey } from "@tanstack/react-query";
import { api, type GroupSummaryResponse } from "../api/client";
import type { BandKind } from "./grouping";
import { groupOfValues, serverGroupKey } from "./groupKeys";
import type { DrawnGroup, GroupSpec } from "./groupSeries";
import { serverField, type Bar, type SummaryRun } from "./summaryPlots";

/** What a grouped bar or scatter panel needs of the workspace: its groups and the band setting. */
export interface SummaryGrouping {
  spec: GroupSpec;
  band: BandKind;
  /** A drawn run is running: summaries change, so the groups' statistics are asked for again
   * every 15 s (as grouped line charts are). */
  live?: boolean;
}

type FieldStats = GroupSummaryResponse["groups"][number]["fields"][number];

export function groupSummaryOptions(spec: GroupSpec, fields: readonly string[]): { queryKey: QueryKey; queryFn: () => Promise<GroupSummaryResponse> } {
  const body = {
    filters: spec.filter,
    exclude: [...spec.exclude],
    group_by: spec.by.map(serverGroupKey),
    groups: spec.groups.map((g) => g.values),
    fields: [...fields],
  };
  return {
    queryKey: ["groupSummary", spec.entity, spec.project, JSON.stringify(body)],
    queryFn: () => api.groupSummary(spec.entity, spec.project, body),
  };
}

/** The answer's statistics of `field` for each drawn group, by group id, with the group's n. */
function statsOf(answer: GroupSummaryResponse | undefined, field: string): Map<string, { runs: number; stats: FieldStats }> {
  const out = new Map<string, { runs: number; stats: FieldStats }>();
  for (const g of answer?.groups ?? []) {
    const stats = g.fields.find((f) => f.field === field);
    if (stats) out.set(groupOfValues(g.values).id, { runs: g.runs, stats });
  }
  return out;
}

/** The error bar of a group's mean: its runs' min to max, or the mean ± one std dev or std error. */
export function bandRange(s: FieldStats, band: BandKind): [number, number] | null {
  if (s.mean === null) return null;
  if (band === "minmax") return s.min === null || s.max === null ? null : [s.min, s.max];
  const d = band === "std" ? s.std : s.stderr;
  return d === null ? null : [s.mean - d, s.mean + d];
}

export const BAND_LABELS: Record<BandKind, [string, string]> = { minmax: ["min", "max"], std: ["−1σ", "+1σ"], stderr: ["−1 s.e.", "+1 s.e."] };

/** One bar per drawn group that has a number for `metric` (a summary key): the group's mean, its
 * band as an error bar, and its real size (n) in its name; sorted like the runs' bars. */
export function groupBars(answer: GroupSummaryResponse | undefined, groups: readonly DrawnGroup[], metric: string, band: BandKind, sort: "desc" | "asc" | "none"): Bar[] {
  const found = statsOf(answer, serverField(metric));
  const bars: Bar[] = [];
  for (const g of groups) {
    const f = found.get(g.id);
    if (!f || f.stats.mean === null) continue;
    const range = bandRange(f.stats, band);
    bars.push({ key: `group:${g.id}`, name: `${g.label} (${f.runs})`, color: g.color, value: f.stats.mean, group: { runs: f.runs, counted: f.stats.count, band: range, bandLabels: BAND_LABELS[band] } });
  }
  if (sort !== "none") bars.sort((a, b) => (sort === "desc" ? b.value - a.value : a.value - b.value));
  return bars;
}

/** A group's marker on a scatter: the mean of x and the mean of y over its runs (each over the
 * runs that have that number). */
export interface GroupMean {
  id: string;
  label: string;
  color: string;
  runs: number;
  x: number;
  y: number;
}

export function groupMeans(answer: GroupSummaryResponse | undefined, groups: readonly DrawnGroup[], x: string, y: string): GroupMean[] {
  const xs = statsOf(answer, x);
  const ys = statsOf(answer, y);
  const out: GroupMean[] = [];
  for (const g of groups) {
    const mx = xs.get(g.id);
    const my = ys.get(g.id);
    if (!mx || !my || mx.stats.mean === null || my.stats.mean === null) continue;
    out.push({ id: g.id, label: g.label, color: g.color, runs: mx.runs, x: mx.stats.mean, y: my.stats.mean });
  }
  return out;
}

/** What a grouped bar or scatter panel draws. */
export interface GroupedSummary {
  /** The groups the panel draws: the workspace's drawn groups, or those the panel chose. */
  groups: readonly DrawnGroup[];
  bars: Bar[];
  means: GroupMean[];
  legend: { label: string; color: string; runs: number }[];
  pending: boolean;
  error: string | null;
}

type SummaryPanelSpec = { type: "bar"; metric: string; sort: "desc" | "asc" | "none"; runs?: { groups?: string[] | null } | null } | { type: "scatter"; x: string; y: string; runs?: { groups?: string[] | null } | null };

/** A bar or scatter panel's groups, bars, means and legend while the workspace is grouped; null
 * when it is not (the panel draws runs). */
export function useGroupedSummary(panel: SummaryPanelSpec, grouping: SummaryGrouping | null): GroupedSummary | null {
  const fields = panel.type === "bar" ? [serverField(panel.metric)] : [serverField(panel.x), serverField(panel.y)];
  const query = useQuery({ ...groupSummaryOptions(grouping?.spec ?? EMPTY_SPEC, fields), enabled: grouping !== null, refetchInterval: grouping?.live ? 15_000 : false });
  if (!grouping) return null;
  const chosen = panel.runs?.groups;
  const groups = chosen?.length ? grouping.spec.groups.filter((g) => chosen.includes(g.label)) : grouping.spec.groups;
  const answer = query.data;
  const runsOf = new Map((answer?.groups ?? []).map((g) => [groupOfValues(g.values).id, g.runs]));
  return {
    groups,
    bars: panel.type === "bar" ? groupBars(answer, groups, panel.metric, grouping.band, panel.sort) : [],
    means: panel.type === "scatter" ? groupMeans(answer, groups, fields[0] ?? "", fields[1] ?? "") : [],
    legend: groups.map((g) => ({ label: g.label, color: g.color, runs: runsOf.get(g.id) ?? 0 })),
    pending: query.isPending,
    error: query.error ? String(query.error.message ?? query.error) : null,
  };
}

const EMPTY_SPEC: GroupSpec = { entity: "", project: "", by: [], filter: null, exclude: [], groups: [] };

/** A grouped scatter's points: the summary rows of the groups it draws (each in its group's colour). */
export function rowsOfGroups(rows: readonly SummaryRun[], groups: readonly DrawnGroup[]): SummaryRun[] {
  const labels = new Set(groups.map((g) => g.label));
  return rows.filter((r) => r.group !== undefined && labels.has(r.group));
}
