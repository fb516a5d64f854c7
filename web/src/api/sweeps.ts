/**
 * The sweep routes of the server (docs/sweeps.md, "HTTP routes") and parameter importance, with the
 * query keys the sweep pages and panels share. Shapes are schema/sweeps.py's wire models (generated).
 */
import { request, type RunOut } from "./client";
import type { components } from "./generated/schema";

type S = components["schemas"];
export type SweepOut = S["SweepOut"];
export type SweepState = SweepOut["state"];
export type SweepRunOut = S["SweepRunOut"];
export type AgentOut = S["AgentOut"];
export type ParamImportance = S["ParamImportance"];
export type ImportanceOut = S["ImportanceOut"];

const enc = encodeURIComponent;
export const sweepsPath = (e: string, p: string): string => `/api/v1/sweeps/${enc(e)}/${enc(p)}`;
export const sweepPath = (e: string, p: string, id: string): string => `${sweepsPath(e, p)}/${enc(id)}`;

/** The runs of a sweep as the runs list has them (names, states), without their context. */
async function sweepRunRecords(e: string, p: string, id: string): Promise<RunOut[]> {
  const out: RunOut[] = [];
  for (let offset = 0; ; offset += 1000) {
    const sp = new URLSearchParams({ filters: JSON.stringify({ sweep: id }), limit: "1000", offset: String(offset), metadata: "false", order: "+created_at" });
    const page = await request<{ runs: RunOut[]; total: number }>("GET", `/api/v1/runs/${enc(e)}/${enc(p)}?${sp.toString()}`);
    out.push(...page.runs);
    if (page.runs.length < 1000 || out.length >= page.total) return out;
  }
}

export const sweepsApi = {
  runRecords: sweepRunRecords,
  list: (e: string, p: string) => request<{ sweeps: SweepOut[] }>("GET", sweepsPath(e, p)),
  get: (e: string, p: string, id: string) => request<SweepOut>("GET", sweepPath(e, p, id)),
  /** pause ("paused"), resume ("running"), stop ("finished": running trials finish), cancel ("cancelled"). */
  setState: (e: string, p: string, id: string, state: SweepState) => request<SweepOut>("PATCH", sweepPath(e, p, id), { state }),
  runs: (e: string, p: string, id: string) => request<{ runs: SweepRunOut[] }>("GET", `${sweepPath(e, p, id)}/runs`),
  agents: (e: string, p: string, id: string) => request<AgentOut[]>("GET", `${sweepPath(e, p, id)}/agents`),
  /** Importance and correlation of config keys with a summary metric over the runs `filters` selects. */
  importance: (e: string, p: string, metric: string, filters?: Record<string, unknown> | null, params?: string[] | null) => {
    const sp = new URLSearchParams({ metric });
    if (filters && Object.keys(filters).length) sp.set("filters", JSON.stringify(filters));
    if (params?.length) sp.set("params", params.join(","));
    return request<ImportanceOut>("GET", `/api/v1/projects/${enc(e)}/${enc(p)}/importance?${sp.toString()}`);
  },
};

/** Query keys: one prefix per sweep, so a state change refreshes every view of it. */
export const sweepKeys = {
  project: (e: string, p: string) => ["sweeps", e, p] as const,
  sweep: (e: string, p: string, id: string) => ["sweeps", e, p, id] as const,
  importance: (e: string, p: string, metric: string, filters: unknown, params: unknown) => ["importance", e, p, metric, JSON.stringify(filters ?? null), JSON.stringify(params ?? null)] as const,
};
