/**
 * The table viewer's server queries (rows, groups, column stats, CSV) and the small pure pieces
 * around them: the sort as it sits in the URL, which pages a virtual window needs, the filter a
 * clicked group stands for. Sorting, filtering and grouping run on the server (DuckDB over a
 * columnar copy), so a 100,000-row table never comes to the browser whole.
 */
import { request, type ApiError } from "../api/client";
import type { components } from "../api/generated/schema";

type S = components["schemas"];
export type TableRows = S["TableRows"];
export type TableColumn = S["TableColumn"];
export type TableGroups = S["TableGroups"];
export type TableGroup = S["TableGroup"];
export type TableStats = S["TableStats"];
export type ColumnStats = S["ColumnStats"];

export interface TableRef {
  entity: string;
  project: string;
  id: string;
}

export interface SortKey {
  col: string;
  desc: boolean;
}

/** What one view of a table asks for; the same for every page, the groups and the export. */
export interface TableAsk {
  path: string;
  filter: string;
  sort: readonly SortKey[];
}

export const PAGE_SIZE = 200;

const base = (r: TableRef): string =>
  `/api/v1/runs/${encodeURIComponent(r.entity)}/${encodeURIComponent(r.project)}/${encodeURIComponent(r.id)}/tables`;

function params(ask: Partial<TableAsk>, extra: Record<string, string | number | string[]> = {}): string {
  const sp = new URLSearchParams();
  if (ask.path) sp.set("path", ask.path);
  if (ask.filter?.trim()) sp.set("filter", ask.filter);
  for (const s of ask.sort ?? []) sp.append("sort", sortSpec(s));
  for (const [k, v] of Object.entries(extra)) {
    if (Array.isArray(v)) for (const x of v) sp.append(k, x);
    else sp.set(k, String(v));
  }
  return sp.toString();
}

/** The server's sort spelling: `col`, `-col` descending; a name starting with - or + gets a +. */
export function sortSpec(s: SortKey): string {
  if (s.desc) return `-${s.col}`;
  return /^[-+]/.test(s.col) ? `+${s.col}` : s.col;
}

export const tableApi = {
  rows: (r: TableRef, ask: TableAsk, offset: number, limit = PAGE_SIZE) =>
    request<TableRows>("GET", `${base(r)}/rows?${params(ask, { offset, limit })}`),
  groups: (r: TableRef, ask: TableAsk, by: string, limit = 200) =>
    request<TableGroups>("GET", `${base(r)}/groups?${params({ path: ask.path, filter: ask.filter }, { by, limit })}`),
  stats: (r: TableRef, ask: TableAsk, columns: string[], bins = 20) =>
    request<TableStats>("GET", `${base(r)}/stats?${params({ path: ask.path, filter: ask.filter }, { columns, bins })}`),
  /** A link that downloads the filtered, sorted rows as CSV (streamed by the server). */
  csvUrl: (r: TableRef, ask: TableAsk) => `${base(r)}/csv?${params(ask)}`,
};

/** The sort in the URL: `col` or `-col` for one key (as links made before multi-sort read),
 * a JSON list of those for several. */
export function parseSortParam(param: string | null): SortKey[] {
  if (!param) return [];
  const one = (s: string): SortKey => (s.startsWith("-") ? { col: s.slice(1), desc: true } : { col: s.replace(/^\+/, ""), desc: false });
  if (param.startsWith("[")) {
    try {
      const list: unknown = JSON.parse(param);
      if (Array.isArray(list)) return list.filter((s): s is string => typeof s === "string" && s !== "").map(one);
    } catch {
      /* not JSON: a column whose name starts with "[" */
    }
  }
  return [one(param)];
}

export function encodeSortParam(keys: readonly SortKey[]): string | null {
  if (keys.length === 0) return null;
  const specs = keys.map(sortSpec);
  return specs.length === 1 && !specs[0]?.startsWith("[") ? (specs[0] ?? null) : JSON.stringify(specs);
}

/** A header click: ascending, then descending, then off. With `add` (shift-click) the column is
 * added to (or cycled within) the keys; otherwise it becomes the only key. */
export function toggleSort(keys: readonly SortKey[], col: string, add: boolean): SortKey[] {
  const at = keys.findIndex((k) => k.col === col);
  const current = at >= 0 ? keys[at] : undefined;
  const next: SortKey | null = !current ? { col, desc: false } : current.desc ? null : { col, desc: true };
  if (!add) return next ? [next] : [];
  const rest = keys.filter((k) => k.col !== col);
  if (!next) return rest;
  return at >= 0 ? keys.map((k) => (k.col === col ? next : k)) : [...rest, next];
}

/** The page numbers a window of row indexes [first, last] falls on. */
export function pagesFor(first: number, last: number, pageSize = PAGE_SIZE): number[] {
  if (last < first || first < 0) return [];
  const out: number[] = [];
  for (let p = Math.floor(first / pageSize); p <= Math.floor(last / pageSize); p++) out.push(p);
  return out;
}

const quote = (s: string): string => JSON.stringify(s);

/** The filter expression that selects one group (a click on a group row drills into its rows),
 * joined with the filter already in force. */
export function groupFilter(current: string, column: string, key: unknown): string {
  const lit = key === null || key === undefined ? "null" : typeof key === "string" ? quote(key) : typeof key === "number" || typeof key === "boolean" ? String(key) : null;
  if (lit === null) return current;
  const cond = `row[${quote(column)}] == ${lit}`;
  return current.trim() ? `(${current.trim()}) and ${cond}` : cond;
}

/** An error for the filter box: the server's message (with its position) when it was about the
 * filter, else null. */
export function filterError(error: unknown): string | null {
  const e = error as Partial<ApiError> | null;
  return e && e.field === "filter" && typeof e.message === "string" ? e.message : null;
}

/** A number from the API (non-finite ones come as strings) for display. */
export function statNumber(v: unknown): string {
  if (v === null || v === undefined) return "–";
  if (typeof v === "string") return v;
  if (typeof v !== "number") return String(v);
  if (Number.isInteger(v)) return v.toLocaleString();
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toPrecision(4).replace(/\.?0+$/, "");
}
