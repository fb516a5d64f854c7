/**
 * A report panel grid's runs: each run set is a project's runs that its filter selects, grouped by
 * its keys; the grid draws the run sets the reader shows. The rules are the workspace's
 * (lib/workspaceRuns.ts: rows, colours, the runs table's filter, groups), over each run set.
 */
import type { RunOut } from "../../api/client";
import type { components } from "../../api/generated/schema";
import type { PanelRun } from "../../components/MetricPanel";
import { groupColumn, runGroup, UNGROUPABLE } from "../../lib/groupKeys";
import type { DrawnGroup } from "../../lib/groupSeries";
import { assignGroupColors, runColor } from "../../lib/panels";
import type { SummaryRun } from "../../lib/summaryPlots";
import { columnValue, type TableRun } from "../../lib/tableRun";
import { drawnGroupsOf, filterRows, groupedSummaryRuns, panelRun, runKeys, serverRunFilter, tableRows, type RunKeys } from "../../lib/workspaceRuns";

type S = components["schemas"];
export type PanelGridBlock = S["PanelGridBlock"];
export type Runset = S["Runset"];

/** Runs (or groups) a grid's charts draw per run set: the newest ones, as the workspace's default
 * "Runs in charts". */
export const RUNS_IN_CHARTS = 20;
export const MAX_RUNSETS = 10;

export interface RunsetView {
  runset: Runset;
  /** Every run of the project (colours and the filter's bare names are taken over all of them). */
  rows: TableRun[];
  keys: RunKeys;
  /** The runs the filter selects, newest first. */
  filtered: TableRun[];
  /** Why the filter does not parse (every run is shown meanwhile); null when it does. */
  filterError: string | null;
  /** The filter as the server takes it (group series, importance). */
  runFilter: Record<string, unknown> | null;
  /** Group columns (`c:optimizer`) or null when not grouped. */
  groupBy: string[] | null;
}

/** One run set over its project's runs (as the runs list answers them: newest first). */
export function runsetView(runset: Runset, runs: readonly RunOut[]): RunsetView {
  const rows = tableRows(runs);
  const keys = runKeys(rows);
  const text = runset.filters ?? "";
  const { filtered, filterError } = filterRows(rows, text, keys);
  const by = (runset.group_by ?? []).map(groupColumn).filter((c) => !UNGROUPABLE.has(c));
  return { runset, rows, keys, filtered, filterError, runFilter: filterError ? null : serverRunFilter(text, keys), groupBy: by.length ? by : null };
}

export interface GridRuns {
  /** The runs line charts draw (sorted by key, so the same runs are the same array's content). */
  plotted: PanelRun[];
  /** Bar, scatter, scalar and comparer rows: the plotted runs, or every run of the drawn groups. */
  summaryRuns: SummaryRun[];
  /** Parallel coordinates' rows: every run the shown run sets select. */
  allRuns: SummaryRun[];
  /** The run set the charts group by (one grouped run set shown alone), and its drawn groups. */
  grouped: { view: RunsetView; groups: DrawnGroup[] } | null;
  /** A drawn run is running: charts refresh. */
  live: boolean;
}

const NONE = new Set<string>();

/** What the grid's panels draw from the run sets the reader shows. Grouping applies while one
 * grouped run set is shown alone: groups of two projects' runs would mix unlike runs. */
export function gridRuns(shown: readonly RunsetView[], max = RUNS_IN_CHARTS): GridRuns {
  const only = shown.length === 1 ? shown[0] : undefined;
  const groupBy = only?.groupBy ?? null;
  const order = shown.flatMap((v) => v.filtered);
  const summary = (r: TableRun, color: string): SummaryRun => ({ key: r.key, name: r.run.display_name, color, config: r.config, summary: r.summary });
  const allRuns = order.map((r) => summary(r, runColor(r.key)));
  if (only && groupBy) {
    // Every label of the run set's runs (not only the filtered ones), as the workspace does.
    assignGroupColors(only.rows.map((r) => runGroup(groupBy, (id) => columnValue(r, id)).label));
    const groups = drawnGroupsOf(only.filtered, groupBy, NONE, max);
    const plotted = only.filtered
      .slice(0, max)
      .map((r) => panelRun(r, groupBy))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    return { plotted, summaryRuns: groupedSummaryRuns(only.filtered, groupBy, groups, NONE), allRuns, grouped: { view: only, groups }, live: isLive(only.filtered) };
  }
  const drawn = shown.flatMap((v) => v.filtered.slice(0, max));
  const plotted = drawn.map((r) => panelRun(r, null)).sort((a, b) => (a.key < b.key ? -1 : 1));
  return { plotted, summaryRuns: drawn.map((r) => summary(r, runColor(r.key))).sort((a, b) => (a.key < b.key ? -1 : 1)), allRuns, grouped: null, live: isLive(drawn) };
}

const isLive = (rows: readonly TableRun[]): boolean => rows.some((r) => r.run.state === "running");

/** A run set's filter checked against its project's runs: the runs table's message, or null. */
export function filterProblem(filter: string, runs: readonly RunOut[]): string | null {
  const rows = tableRows(runs);
  return filterRows(rows, filter, runKeys(rows)).filterError;
}

/** A new run set over `entity/project`, named after the run sets there are. */
export function newRunset(entity: string, project: string, existing: readonly Runset[]): Runset {
  const names = new Set(existing.map((r) => r.name));
  let n = existing.length + 1;
  while (names.has(`Run set ${n}`)) n += 1;
  return { name: `Run set ${n}`, entity, project, filters: null, group_by: [] };
}
