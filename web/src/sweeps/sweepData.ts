/**
 * What the sweep page derives from a sweep and its trials, as pure functions (tested without a
 * browser): the swept parameters and how to draw them (log axes for log distributions, categories
 * for values that are not numbers), trials joined with their runs, sorted best first, and the
 * running best in creation order.
 */
import type { SweepRunOut } from "../api/sweeps";

export type Goal = "minimize" | "maximize";

export interface ParamInfo {
  /** The flat name ("opt.lr" for a nested parameter), as trials and run configs name it. */
  name: string;
  log: boolean;
  categorical: boolean;
  /** The numbers of a `values:` list (axis ticks at them). */
  values?: number[];
}

/** What the sweep page needs of a searched parameter, as the server parsed it (`SweepOut.parameters`:
 * the config's inference rules live in the server's parse_config only). */
export interface ParsedParam {
  name: string;
  distribution: string;
  log_scale?: boolean;
  values?: unknown[] | null;
}

/** The swept parameters' axes: log for log-scale distributions; a categorical axis when a
 * categorical's values are not all numbers (numbers keep a numeric axis with ticks at them). */
export function sweptParams(parameters: readonly ParsedParam[]): ParamInfo[] {
  return parameters.map((p) => {
    const values = Array.isArray(p.values) ? p.values : null;
    const numeric = values !== null && values.every((v) => typeof v === "number");
    const info: ParamInfo = { name: p.name, log: p.log_scale === true, categorical: values !== null && !numeric };
    if (values && numeric) info.values = values as number[];
    return info;
  });
}

export interface Trial {
  id: string;
  name: string;
  state: string;
  params: Record<string, unknown>;
  value: number | null;
  created_at: number;
  stopReason: string | null;
  /** Whether a run exists for it (a leased proposal has none yet). */
  started: boolean;
}

export interface RunInfo {
  id: string;
  display_name: string;
  state: string;
}

/** Trials with their runs' names and current states (the sweep's answer may lag a run's end). */
export function joinTrials(trials: readonly SweepRunOut[], runs: readonly RunInfo[]): Trial[] {
  const byId = new Map(runs.map((r) => [r.id, r]));
  return trials.map((t) => {
    const run = byId.get(t.run_id);
    const value = typeof t.value === "number" && Number.isFinite(t.value) ? t.value : null;
    return {
      id: t.run_id,
      name: run?.display_name ?? t.run_id,
      state: t.state === "leased" ? "leased" : (run?.state ?? t.state),
      params: t.params,
      value,
      created_at: t.created_at,
      stopReason: t.stop_reason ?? null,
      started: run !== undefined || t.state !== "leased",
    };
  });
}

const better = (goal: Goal | null | undefined) => (a: number, b: number): number => (goal === "maximize" ? b - a : a - b);

export interface OrderPoint {
  /** 1-based position in creation order. */
  order: number;
  trial: Trial;
  value: number | null;
  /** The best value among this trial and every one before it. */
  best: number | null;
}

/** Trials in creation order with the running best (the sweep's progress). */
export function runningBest(trials: readonly Trial[], goal: Goal | null | undefined): OrderPoint[] {
  const cmp = better(goal);
  let best: number | null = null;
  return [...trials]
    .sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1))
    .map((trial, i) => {
      if (trial.value !== null && (best === null || cmp(trial.value, best) < 0)) best = trial.value;
      return { order: i + 1, trial, value: trial.value, best };
    });
}

/** The agent command for a sweep, with the path quoted for a shell when it holds anything unusual. */
export function agentCommand(entity: string, project: string, id: string): string {
  const path = `${entity}/${project}/${id}`;
  return /^[A-Za-z0-9._\/-]+$/.test(path) ? `trackwell agent ${path}` : `trackwell agent '${path.replace(/'/g, "'\\''")}'`;
}
