/**
 * The runs table's state that the browser keeps per user and project (lib/storage.ts): hidden runs
 * (the eye), pinned columns, hidden columns, dragged column widths and the table/charts split. A
 * saved view carries it too (`ViewState.table`, checked by the server in schema/views.py), as W&B's
 * views carry their run set's settings, so everyone who opens the view sees the table as saved.
 *
 * With no view open the workspace shows the user's own state, kept as it changes. With a view open,
 * each item the view saved is the view's; changes are kept on this page only (unsaved changes, as
 * with the view's panels: lib/viewSync.ts) until *Update view* saves them or the view is left. An
 * item a view did not save (views saved before it existed) stays the user's own.
 *
 * This module maps between the two (pure functions); viewsTableState.ts is the workspace's hook.
 */
import type { components } from "../api/generated/schema";
import { parseWidths } from "./runColumns";
import { parseSplit, MIN_TABLE_PX, type SplitState } from "./split";

export type ViewTable = components["schemas"]["ViewTable"];

/** The table's state as the workspace uses it (runs by key, `entity/project/id`). */
export interface TableState {
  hiddenRuns: string[];
  pinned: string[];
  hiddenCols: string[];
  widths: Record<string, number>;
  split: SplitState;
}

export type Item = keyof TableState;
const ITEMS: readonly Item[] = ["hiddenRuns", "pinned", "hiddenCols", "widths", "split"];
/** The largest table width a view keeps (schema/views.py MAX_TABLE_PX). */
const MAX_TABLE_PX = 20_000;

export const DEFAULT_TABLE: TableState = { hiddenRuns: [], pinned: ["name"], hiddenCols: [], widths: {}, split: { mode: "split", width: null } };

const runPrefix = (entity: string, project: string): string => `${entity}/${project}/`;

/** What a view saves of `state` (every item: a view saved now holds the whole table). */
export function tableToView(state: TableState, entity: string, project: string): ViewTable {
  const prefix = runPrefix(entity, project);
  const { width } = state.split;
  return {
    hidden_runs: state.hiddenRuns.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)),
    pinned_columns: [...state.pinned],
    hidden_columns: [...state.hiddenCols],
    column_widths: parseWidths(state.widths),
    split: { mode: state.split.mode, width: width === null ? null : Math.round(Math.min(Math.max(width, MIN_TABLE_PX), MAX_TABLE_PX)) },
  };
}

/** The items `table` (a view's) saved, as the workspace uses them; absent: the view did not save it. */
export function tableFromView(table: ViewTable | null | undefined, entity: string, project: string): Partial<TableState> {
  const out: Partial<TableState> = {};
  if (!table) return out;
  const prefix = runPrefix(entity, project);
  if (table.hidden_runs) out.hiddenRuns = table.hidden_runs.map((id) => prefix + id);
  if (table.pinned_columns) out.pinned = [...table.pinned_columns];
  if (table.hidden_columns) out.hiddenCols = [...table.hidden_columns];
  if (table.column_widths) out.widths = parseWidths(table.column_widths);
  if (table.split) out.split = parseSplit(table.split);
  return out;
}

/** Whether `state` is what `table` (a view's) holds: its saved items only, widths and order of
 * hidden things aside from pins (pins are an order, hidden runs and columns a set). */
export function sameTable(state: TableState, table: ViewTable | null | undefined, entity: string, project: string): boolean {
  const saved = tableFromView(table, entity, project);
  const now = tableFromView(tableToView(state, entity, project), entity, project);
  const asSet = (l: readonly string[] | undefined): string => JSON.stringify([...new Set(l)].sort());
  const asMap = (m: Record<string, number> | undefined): string => JSON.stringify(Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));
  return (
    (saved.hiddenRuns === undefined || asSet(saved.hiddenRuns) === asSet(now.hiddenRuns)) &&
    (saved.pinned === undefined || JSON.stringify(saved.pinned) === JSON.stringify(now.pinned)) &&
    (saved.hiddenCols === undefined || asSet(saved.hiddenCols) === asSet(now.hiddenCols)) &&
    (saved.widths === undefined || asMap(saved.widths) === asMap(now.widths)) &&
    (saved.split === undefined || JSON.stringify(saved.split) === JSON.stringify(now.split))
  );
}

/** The table state the workspace shows: each item from this page's changes to the open view, else
 * the view, else the user's own. */
export function shownTable(own: TableState, view: Partial<TableState>, draft: Partial<TableState> | null): TableState {
  return Object.fromEntries(ITEMS.map((item) => [item, draft?.[item] ?? view[item] ?? own[item]])) as unknown as TableState;
}
