/**
 * A project's runs as the charts take them, the one implementation the workspace and a report's
 * panel grid share: table rows (config and summary flattened, colours by creation order), the keys
 * they hold, the runs table's filter applied, a row as a chart's run, and the groups the charts draw.
 */
import type { RunOut } from "../api/client";
import type { PanelRun } from "../components/MetricPanel";
import { compileFilter, FilterError, parseQuickFilter } from "./filters";
import { flatten } from "./format";
import { runGroup } from "./groupKeys";
import type { DrawnGroup } from "./groupSeries";
import { assignRunColors, groupColor, runColor } from "./panels";
import { asDefinitions } from "./stepMetric";
import type { SummaryRun } from "./summaryPlots";
import { columnValue, type TableRun } from "./tableRun";

/** The project's runs as table rows; hands out their colours by creation order (lib/panels.ts)
 * before anything asks for one. */
export function tableRows(runs: readonly RunOut[]): TableRun[] {
  const out = runs.map((run) => ({
    run,
    key: `${run.entity}/${run.project}/${run.id}`,
    config: flatten(run.config as Record<string, unknown>),
    summary: flatten(run.summary as Record<string, unknown>),
  }));
  assignRunColors(out.map((r) => ({ key: r.key, created: r.run.created_at })));
  return out;
}

export interface RunKeys {
  configKeys: string[];
  summaryKeys: string[];
  /** Summary keys holding a number (non-finite ones included). */
  numericKeys: string[];
}

/** The keys a filter's bare names resolve against (`lr>0.1` means `config.lr`). */
export interface FilterKeys {
  configKeys: readonly string[];
  summaryKeys: readonly string[];
}

/** The config and summary keys the rows hold (keys starting with `_` left out). */
export function runKeys(rows: readonly TableRun[]): RunKeys {
  const c = new Set<string>();
  const s = new Set<string>();
  const n = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r.config)) if (!k.startsWith("_")) c.add(k);
    for (const [k, v] of Object.entries(r.summary)) {
      if (k.startsWith("_")) continue;
      s.add(k);
      if (typeof v === "number" || v === "NaN" || v === "Infinity" || v === "-Infinity") n.add(k);
    }
  }
  return { configKeys: [...c].sort(), summaryKeys: [...s].sort(), numericKeys: [...n] };
}

/** The rows the runs table's filter (the short form or JSON) selects; a filter that does not
 * parse selects every row and says why. */
export function filterRows(rows: readonly TableRun[], filterText: string, keys: FilterKeys): { filtered: TableRun[]; filterError: string | null } {
  try {
    const f = compileFilter(parseQuickFilter(filterText, { config: new Set(keys.configKeys), summary: new Set(keys.summaryKeys) }));
    return { filtered: rows.filter((r) => f({ ...r.run, config: r.run.config as Record<string, unknown>, summary: r.run.summary as Record<string, unknown> })), filterError: null };
  } catch (e) {
    if (e instanceof FilterError || e instanceof SyntaxError) return { filtered: [...rows], filterError: e.message };
    throw e;
  }
}

/** The filter as the server's runs filter (group series, importance); null: every run, or a
 * filter that does not parse (the page shows its error). */
export function serverRunFilter(filterText: string, keys: FilterKeys): Record<string, unknown> | null {
  try {
    const f = parseQuickFilter(filterText, { config: new Set(keys.configKeys), summary: new Set(keys.summaryKeys) });
    return Object.keys(f).length ? (f as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A table row as the charts take it (its group's label when grouped). */
export function panelRun(r: TableRun, groupBy: readonly string[] | null): PanelRun {
  return { key: r.key, entity: r.run.entity, project: r.run.project, id: r.run.id, name: r.run.display_name, color: runColor(r.key), group: groupBy ? runGroup(groupBy, (id) => columnValue(r, id)).label : null, start: r.run.created_at, definitions: asDefinitions(r.run.metric_definitions) };
}

/** The groups the charts draw: the first `max` groups in the rows' order (hidden runs skipped),
 * each in its colour. */
export function drawnGroupsOf(order: readonly TableRun[], groupBy: readonly string[], hidden: ReadonlySet<string>, max: number): DrawnGroup[] {
  const seen = new Map<string, DrawnGroup>();
  for (const r of order) {
    if (hidden.has(r.key)) continue;
    const g = runGroup(groupBy, (id) => columnValue(r, id));
    if (!seen.has(g.id)) seen.set(g.id, { ...g, color: groupColor(g.label) });
    if (seen.size >= max) break;
  }
  return [...seen.values()];
}

/** Grouped bar and scatter panels' rows: every visible run of the drawn groups, in its group's colour. */
export function groupedSummaryRuns(order: readonly TableRun[], groupBy: readonly string[], groups: readonly DrawnGroup[], hidden: ReadonlySet<string>): SummaryRun[] {
  const colors = new Map(groups.map((g) => [g.label, g.color]));
  return order.flatMap((r) => {
    const group = hidden.has(r.key) ? undefined : runGroup(groupBy, (id) => columnValue(r, id)).label;
    const color = group === undefined ? undefined : colors.get(group);
    return group !== undefined && color ? [{ key: r.key, name: r.run.display_name, color, group, config: r.config, summary: r.summary }] : [];
  });
}
