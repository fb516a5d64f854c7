/**
 * The workspace's Media section: one panel per media key, showing each plotted run's value side by
 * side (images, audio players, table summaries, ...) at a step chosen with a slider the panel
 * shares across its runs; each run shows its last value at or before that step.
 */
import { useQueries } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { api, type HistoryKeys } from "../api/client";
import { atStep, mediaKeys, mediaSteps, type MediaKind, type MediaStep } from "../lib/media";
import { chartSpecs } from "../lib/mediaCharts";
import { searchMatcher } from "../lib/panels";
import { Link, paths, useParamState } from "../router";
import { StepSlider } from "./MediaTab";
import { ChartView } from "./media/ChartView";
import { HistogramSteps } from "./media/HistogramSteps";
import { MediaView } from "./MediaView";
import type { PanelRun } from "./MetricPanel";
import { runKeysQuery, runQuery } from "../lib/queries";

/** Drawn runs whose history keys the media section reads (one small request each, made after the
 * charts on screen have their data). Every drawn run that logged a media key shows in its panel: with
 * the default 20 runs in charts that is all of them; only a larger "Runs in charts" reaches this cap. */
export const MAX_MEDIA_RUNS = 100;

export interface WorkspaceMediaKey {
  key: string;
  kind: MediaKind;
  runs: PanelRun[];
  /** Per run: the first step holding this key, where the scan starts. */
  first: Map<string, number>;
}

/** Media keys over the plotted runs (history keys per run, shared with the run page's cache). */
export function useWorkspaceMediaKeys(runs: readonly PanelRun[], live: boolean): WorkspaceMediaKey[] {
  const shown = runs.slice(0, MAX_MEDIA_RUNS);
  return useQueries({
    queries: shown.map((r) => ({
      ...runKeysQuery(r.entity, r.project, r.id, "history"),
      refetchInterval: live ? 10_000 : (false as const),
    })),
    combine: (results) => {
      const by = new Map<string, WorkspaceMediaKey>();
      results.forEach((res, i) => {
        const run = shown[i];
        const data: HistoryKeys | undefined = res.data;
        if (!run || !data) return;
        for (const m of mediaKeys(data.keys)) {
          let entry = by.get(m.key);
          if (!entry) by.set(m.key, (entry = { key: m.key, kind: m.kind, runs: [], first: new Map() }));
          entry.runs.push(run);
          const first = data.keys.find((k) => k.key === m.key)?.first_step;
          if (typeof first === "number") entry.first.set(run.key, first);
        }
      });
      return [...by.values()];
    },
  });
}

export function MediaSection(props: { keys: WorkspaceMediaKey[]; search: string; totalRuns: number; live: boolean }): React.JSX.Element | null {
  const [open, setOpen] = useState(true);
  const match = searchMatcher(props.search);
  const keys = props.keys.filter((k) => match(k.key));
  if (keys.length === 0) return null;
  return (
    <section className="section" data-testid="media-section" data-section="media">
      <h2 onClick={() => setOpen(!open)}>
        <span className="caret">{open ? "▾" : "▸"}</span> media <span className="muted">{keys.length}</span>
        {props.totalRuns > MAX_MEDIA_RUNS && <span className="muted"> · media of the first {MAX_MEDIA_RUNS} drawn runs</span>}
      </h2>
      {open && (
        <div className="panel-grid media-panels">
          {keys.map((k) => (
            <MediaPanel key={k.key} mkey={k} live={props.live} />
          ))}
        </div>
      )}
    </section>
  );
}

/** One media key's panel; the workspace layout's media panel (components/panelTypes) draws the
 * same with its own title and the panel's drag handle and menu as `tools`. */
export function MediaPanel({ mkey, live, title, tools }: { mkey: WorkspaceMediaKey; live: boolean; title?: string; tools?: React.ReactNode }): React.JSX.Element {
  const [stepParam, setStepParam] = useParamState(`mstep:${mkey.key}`);
  const step = stepParam !== null && stepParam !== "" && Number.isFinite(Number(stepParam)) ? Number(stepParam) : null;
  const results = useQueries({
    queries: mkey.runs.map((r) => ({
      queryKey: ["mediaKeyRows", r.entity, r.project, r.id, mkey.key],
      queryFn: () => api.historyRows(r.entity, r.project, r.id, [mkey.key], 2000, { min: mkey.first.get(r.key) ?? null }),
      staleTime: 30_000,
      refetchInterval: live ? 10_000 : (false as const),
    })),
  });
  // A table may be a trackwell.plot chart: its spec is in the run's metadata (the run page's query).
  const runQs = useQueries({
    queries: mkey.runs.map((r) => ({ ...runQuery(r.entity, r.project, r.id), enabled: mkey.kind === "table", staleTime: 30_000 })),
  });
  const specs = runQs.map((q) => (q.data ? chartSpecs(q.data.metadata).get(mkey.key) : undefined));
  const chartKey = specs.find((s) => s)?.key;
  // Steps per fetched page set, kept across renders (a slider move re-renders the panel).
  const stepsCache = useRef(new WeakMap<object, MediaStep[]>());
  const perRun: (MediaStep[] | null)[] = results.map((res) => {
    if (!res.data) return null;
    let steps = stepsCache.current.get(res.data);
    if (!steps) stepsCache.current.set(res.data, (steps = mediaSteps(res.data, mkey.key)));
    return steps;
  });
  const allSteps = [...new Set(perRun.flatMap((s) => (s ?? []).map((x) => x.step)))].sort((a, b) => a - b);
  const overSteps = mkey.kind === "histogram" && perRun.some((s) => s && s.length > 1);
  const wide = mkey.kind === "html" || chartKey !== undefined || overSteps;
  return (
    <div className={`panel media-panel${wide ? " wide" : ""}`} data-testid="media-panel" data-key={mkey.key} data-kind={chartKey ? "chart" : mkey.kind}>
      <div className="panel-head">
        <span className="panel-title" title={mkey.key}>
          {title || (chartKey ?? mkey.key)}
        </span>
        <span className="muted">{chartKey ? "chart" : mkey.kind}</span>
        {tools && <span className="panel-tools">{tools}</span>}
      </div>
      <StepSlider steps={allSteps} value={step === null ? null : (atStep(allSteps.map((s) => ({ step: s })), step)?.step ?? null)} onChange={(s) => setStepParam(s === allSteps[allSteps.length - 1] ? null : String(s))} />
      <div className="media-panel-runs">
        {mkey.runs.map((r, i) => {
          const res = results[i];
          const steps = perRun[i];
          const shown = steps ? atStep(steps, step) : undefined;
          const spec = specs[i];
          return (
            <div key={r.key} className="media-panel-run" data-testid="media-panel-run" data-run={r.name}>
              <div className="run-name">
                <span className="swatch" style={{ background: r.color }} />
                <Link to={paths.run(r.entity, r.project, r.id, "media")}>{r.name}</Link>
                {shown && <span className="muted">@{shown.step}</span>}
              </div>
              {res?.isError ? (
                <div className="filter-error">{(res.error as Error).message}</div>
              ) : !steps ? (
                <div className="muted">Loading…</div>
              ) : shown && spec ? (
                <ChartView run={r} spec={spec} value={shown.ref} compact />
              ) : shown && overSteps && steps.length > 1 ? (
                <HistogramSteps steps={steps} selected={shown.step} compact />
              ) : shown ? (
                <MediaView run={r} value={shown.ref} compact={mkey.kind !== "image" && mkey.kind !== "audio"} imageTarget={180} tableLink={paths.run(r.entity, r.project, r.id, "media")} />
              ) : (
                <div className="muted">Nothing logged</div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
