/**
 * Grouping runs by one or more keys: the URL form (`group=c:optimizer,c:lr`), a run's group (its
 * values, an id and a label), and the key names the server's group series take. The runs table,
 * the charts' groups and the server agree on membership through `groupValue`: the server
 * normalises values the same way (service/group_series.py `group_value`; both suites run
 * tests/cases/group_values.json), so its groups are matched by id.
 */
import { value as fmtValue } from "./format";

export type GroupValue = string | number | boolean | null;

/** Column ids a run can be grouped by: every column except these. */
export const UNGROUPABLE = new Set(["name", "created", "runtime", "notes"]);

/** `group=c:optimizer,c:lr` (the URL) to column ids; commas inside a key are written `%2C` by the
 * URL encoder, so a key is split on plain commas only. */
export function parseGroupParam(v: string | null | undefined): string[] {
  if (!v) return [];
  return [...new Set(v.split(",").map((s) => s.trim()).filter((s) => s && !UNGROUPABLE.has(s)))];
}

export function formatGroupParam(keys: readonly string[]): string | null {
  return keys.length ? keys.join(",") : null;
}

/** A column id (`c:lr`, `s:acc`, `group`) as the server's group key (`config.lr`, `summary.acc`). */
export function serverGroupKey(column: string): string {
  if (column.startsWith("c:")) return `config.${column.slice(2)}`;
  if (column.startsWith("s:")) return `summary.${column.slice(2)}`;
  return column;
}

/** A server group key (`config.lr`, `summary.acc`, `group`: a report run set's `group_by`) as the
 * workspace's column id (`c:lr`, `s:acc`, `group`): serverGroupKey's inverse. */
export function groupColumn(key: string): string {
  if (key.startsWith("config.")) return `c:${key.slice(7)}`;
  if (key.startsWith("summary.")) return `s:${key.slice(8)}`;
  return key;
}

/** One value per group: empty is missing; lists and objects by their JSON text. */
export function groupValue(v: unknown): GroupValue {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}

export interface RunGroup {
  /** Exact identity (JSON of the values): the server's answer is matched on it. */
  id: string;
  /** What the table's group row, the legend and the tooltip show: `adam`, `adam · 0.001`. */
  label: string;
  values: GroupValue[];
}

export function groupOfValues(values: GroupValue[]): RunGroup {
  return { id: JSON.stringify(values), label: values.map((v) => (v === null ? "(none)" : fmtValue(v))).join(" · "), values };
}

/** A run's group under `keys`; `value` reads a column of the run. */
export function runGroup(keys: readonly string[], value: (column: string) => unknown): RunGroup {
  return groupOfValues(keys.map((k) => groupValue(value(k))));
}

/** The most keys a grouping takes (the server's limit too). */
export const MAX_GROUP_KEYS = 6;

/** A column id as the group-by control names it: `config: lr`, `summary: acc`, `Job type`. */
export function groupChoiceLabel(column: string, plain: (column: string) => string): string {
  if (column.startsWith("c:")) return `config: ${column.slice(2)}`;
  if (column.startsWith("s:")) return `summary: ${column.slice(2)}`;
  return plain(column);
}
