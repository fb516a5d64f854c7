/**
 * The sweep routes of the server (docs/sweeps.md, "HTTP routes") and parameter importance, with the
 * query keys the sweep pages and panels share. Shapes are schema/sweeps.py's wire models.
 */
import { request, type RunOut } from "./client";

export type SweepState = "running" | "paused" | "finished" | "cancelled";

export interface SweepOut {
  id: string;
  entity: string;
  project: string;
  name?: string | null;
  description?: string | null;
  method: string;
  state: SweepState;
  config: Record<string, unknown>;
  metric_name?: string | null;
  metric_goal?: "minimize" | "maximize" | null;
  run_count: number;
  expected_run_count?: number | null;
  best_run_id?: string | null;
  best_value?: number | null;
  created_at: number;
  updated_at: number;
  state_reason?: string | null;
  warnings?: string[];
}

export interface SweepRunOut {
  run_id: string;
  /** The run's state, or "leased" for a proposal not yet started. */
  state: string;
  /** The proposed values, flat names ("opt.lr"). */
  params: Record<string, unknown>;
  /** The run's best logged value of the metric. */
  value?: number | null;
  created_at: number;
  stop_reason?: string | null;
}

export interface AgentOut {
  id: string;
  sweep_id: string;
  host?: string | null;
  name?: string | null;
  state: "running" | "finished" | "gone";
  created_at: number;
  heartbeat_at: number;
  runs_started: number;
}

export interface ParamImportance {
  name: string;
  /** For a categorical key with a few values: the value this row is about. */
  value?: string | null;
  importance?: number | null;
  correlation?: number | null;
}

export interface ImportanceOut {
  metric: string;
  run_count: number;
  params: ParamImportance[];
}

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
