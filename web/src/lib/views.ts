/**
 * Saved views (`/api/v1/views/{entity}/{project}`): a named panel layout plus the workspace's URL
 * state, shared with everyone who can see the project.
 *
 * The URL state is the workspace's query parameters; `VIEW_PARAMS` is the one table that maps a
 * `ViewState` field (the wire name) to its URL parameter. A workspace setting kept in the URL is
 * saved with views once it has a line here and a field in `schema/views.py`. `view=<id>` names the
 * open view. The runs table's state kept in the browser travels in `ViewState.table` (viewsTable.ts).
 */
import { request } from "../api/client";
import type { components } from "../api/generated/schema";

type S = components["schemas"];
export type ViewState = S["ViewState"];
export type ViewOut = S["ViewOut"];
export type ViewSummary = S["ViewSummary"];
export type ViewList = S["ViewList"];
export type ViewCreate = S["ViewCreate"];
export type ViewUpdate = S["ViewUpdate"];

/** The URL parameter naming the open view. */
export const VIEW_PARAM = "view";

/** The fields of a view's state kept in the URL (`table` is the browser-kept table: viewsTable.ts). */
type UrlField = Exclude<keyof ViewState, "table">;

export const VIEW_PARAMS: Record<UrlField, string> = {
  filter: "q",
  group_by: "group",
  sort: "sort",
  x_axis: "x",
  smoothing: "smooth",
  band: "band",
  max_runs: "max",
  panel_search: "panels",
  zoom: "zoom",
  legend: "legend",
};

const FIELDS = Object.keys(VIEW_PARAMS) as UrlField[];

/** The view state the URL holds (absent parameters stay out: the workspace's defaults). */
export function stateFromSearch(search: URLSearchParams): ViewState {
  const state: Record<string, string | number> = {};
  for (const field of FIELDS) {
    const value = search.get(VIEW_PARAMS[field]);
    if (value === null || value === "") continue;
    if (field === "max_runs") {
      const n = Number(value);
      if (Number.isInteger(n) && n >= 1) state[field] = n;
    } else if (field === "band") {
      if (value === "std") state[field] = value;
    } else if (field === "legend") {
      if (value === "right" || value === "hidden") state[field] = value;
    } else state[field] = value;
  }
  return state as ViewState;
}

/** The query string (with `?`, or "") of `current` with the workspace settings replaced by
 * `state`'s and `view` naming the open view (null: none). Parameters views do not save (a run's
 * tab, ...) are kept. */
export function searchWithState(current: URLSearchParams, state: ViewState, viewId: string | null): string {
  const next = new URLSearchParams(current);
  for (const field of FIELDS) next.delete(VIEW_PARAMS[field]);
  next.delete(VIEW_PARAM);
  if (viewId !== null) next.set(VIEW_PARAM, viewId);
  for (const field of FIELDS) {
    const value = state[field];
    if (value !== null && value !== undefined && value !== "") next.set(VIEW_PARAMS[field], String(value));
  }
  const text = next.toString();
  return text ? `?${text}` : "";
}

/** Whether the URL holds any setting a view saves (a bare `?view=<id>` link holds none). */
export function hasViewSettings(search: URLSearchParams): boolean {
  return FIELDS.some((f) => (search.get(VIEW_PARAMS[f]) ?? "") !== "");
}

/** Whether two states mean the same workspace (null and absent alike). */
export function sameState(a: ViewState, b: ViewState): boolean {
  return FIELDS.every((f) => (a[f] ?? null) === (b[f] ?? null));
}

const enc = encodeURIComponent;
const projectPath = (entity: string, project: string): string => `/api/v1/views/${enc(entity)}/${enc(project)}`;
const viewPath = (entity: string, project: string, id: string): string => `${projectPath(entity, project)}/${enc(id)}`;

export const viewsApi = {
  list: (entity: string, project: string) => request<ViewList>("GET", projectPath(entity, project)),
  get: (entity: string, project: string, id: string) => request<ViewOut>("GET", viewPath(entity, project, id)),
  create: (entity: string, project: string, body: ViewCreate) => request<ViewOut>("POST", projectPath(entity, project), body),
  update: (entity: string, project: string, id: string, body: ViewUpdate) => request<ViewOut>("PATCH", viewPath(entity, project, id), body),
  remove: (entity: string, project: string, id: string) => request<void>("DELETE", viewPath(entity, project, id)),
};

export const viewsKey = (entity: string, project: string): unknown[] => ["views", entity, project];
export const viewKey = (entity: string, project: string, id: string | null): unknown[] => ["view", entity, project, id];

/** The query of the open view (`view=<id>` in the URL; none while null): one request for every hook
 * that reads it (lib/viewSync.ts, lib/viewsTableState.ts). */
export function openViewQuery(entity: string, project: string, viewId: string | null) {
  return {
    queryKey: viewKey(entity, project, viewId),
    queryFn: () => viewsApi.get(entity, project, viewId ?? ""),
    enabled: viewId !== null,
    staleTime: 30_000,
    retry: false,
  };
}
