/**
 * One chart panel: fetches its metric for all plotted runs in one bulk request, builds the plot
 * outside React renders (memoized) and hands it to uPlot. Zooming on the step axis re-fetches the
 * zoomed range, so the server's min/max downsampling shows finer detail; live runs refresh.
 */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, num, type Series, type SeriesQueryResponse } from "../api/client";
import { buildPlot, xLabel, type PlotRun, type RawSeries, type XAxis } from "../lib/chartdata";
import { afterSteps, FULL_EVERY, mergeTail } from "../lib/liveSeries";
import { lineKey, linesForMetrics } from "../lib/panelLines";
import { runColor } from "../lib/panels";
import { formatZooms, parseZooms, withZoom } from "../lib/zoom";
import { currentParam, setParams, useParam } from "../router";
import type { Smoothing } from "../lib/smoothing";
import { UPlotChart } from "./UPlotChart";

export interface ChartSettings {
  xAxis: XAxis;
  smoothing: Smoothing;
  logScale: boolean;
  grouped: boolean;
  live: boolean;
  stream: "history" | "system";
}

export interface PanelRun extends PlotRun {
  entity: string;
  project: string;
  id: string;
}

function toRaw(s: Series): RawSeries {
  return { key: s.key, steps: s.steps, values: s.values.map(num), timestamps: s.timestamps };
}

/** Mounts its children only once scrolled near the viewport, so a workspace with 100 charts
 * fetches and draws the visible ones first. */
function useNearViewport(): [React.RefObject<HTMLDivElement | null>, boolean] {
  const ref = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || near) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), { rootMargin: "300px" });
    io.observe(el);
    return () => io.disconnect();
  }, [near]);
  return [ref, near];
}

export function MetricPanel(props: {
  metric: string;
  /** More metrics in the same chart (a line per run and metric); `metric` is the first. */
  metrics?: string[];
  title?: string;
  runs: PanelRun[];
  settings: ChartSettings;
  height?: number;
  onRemove?: () => void;
  /** Set: the log toggle is saved by the caller (the workspace layout) rather than kept here. */
  onLogScale?: (on: boolean) => void;
  /** Extra controls in the head (the layout's drag handle and menu). */
  tools?: React.ReactNode;
  /** Names this panel's zoom in the URL; default: its metric keys. */
  panelId?: string;
}): React.JSX.Element {
  const { metric, runs, settings } = props;
  const keysId = (props.metrics?.length ? props.metrics : [metric]).join("\n");
  const keys = useMemo(() => keysId.split("\n"), [keysId]);
  const [ref, near] = useNearViewport();
  // The zoom lives in the URL (`zoom=`), so a zoomed view is a link; one entry per panel.
  const panelId = props.panelId ?? keysId;
  const zoomParam = useParam("zoom");
  const range = useMemo(() => parseZooms(zoomParam)[panelId] ?? null, [zoomParam, panelId]);
  const setRange = useCallback(
    (r: [number, number] | null) => setParams({ zoom: formatZooms(withZoom(parseZooms(currentParam("zoom")), panelId, r)) }),
    [panelId],
  );
  const [logScale, setLogScale] = useState<boolean | null>(null);
  const xMetric = typeof settings.xAxis === "object" ? settings.xAxis.metric : null;
  const stepZoom = settings.xAxis === "step" && range !== null;
  // A ~400 px chart needs no more than ~1,000 points per line; with many runs, fewer per run keeps
  // one chart answer near 60k points so the first charts arrive quickly.
  const samples = Math.max(150, Math.min(1000, Math.floor(60_000 / Math.max(1, runs.length))));
  // Wall times are a second decode on the server: only time axes ask for them.
  const timestamps = settings.xAxis === "wall" || settings.xAxis === "relative";
  // The set of runs, not their table order: re-sorting the table must not refetch every chart.
  const runSet = useMemo(() => runs.map((r) => r.key).sort(), [runs]);
  const queryClient = useQueryClient();
  const refreshes = useRef(0);
  const queryKey = ["series", settings.stream, keysId, xMetric, samples, timestamps, stepZoom ? range : null, runSet];
  const query = useQuery({
    queryKey,
    enabled: near && runs.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: settings.live ? 5000 : false,
    queryFn: async () => {
      const ask = (after: Map<string, number> | null) =>
        api.seriesQuery({
          runs: runs.map((r) => ({ entity: r.entity, project: r.project, run_id: r.id, after_step: after?.get(r.key) ?? null })),
          keys,
          samples,
          x_key: xMetric,
          stream: settings.stream,
          timestamps,
          min_step: stepZoom ? Math.floor(range[0]) : null,
          max_step: stepZoom ? Math.ceil(range[1]) : null,
        });
      // Live refreshes read only the points after what this chart holds (lib/liveSeries.ts).
      const prev = queryClient.getQueryData<SeriesQueryResponse>(queryKey);
      refreshes.current += 1;
      if (!settings.live || !prev || refreshes.current % FULL_EVERY === 0) return ask(null);
      const merged = mergeTail(prev, await ask(afterSteps(prev)), 2 * samples + 500);
      return merged ?? ask(null);
    },
  });
  const plot = useMemo(() => {
    // With several metrics, each (run, metric) pair is a line of its own (lib/panelLines).
    const many = keys.length > 1;
    const byRun = new Map<string, { y?: RawSeries; x?: RawSeries }>();
    for (const r of query.data?.runs ?? []) {
      const run = `${r.entity}/${r.project}/${r.run_id}`;
      const x = xMetric ? (r.series ?? []).find((s) => s.key === xMetric) : undefined;
      for (const key of keys) {
        const y = (r.series ?? []).find((s) => s.key === key);
        byRun.set(lineKey(run, key, many), { ...(y ? { y: toRaw(y) } : {}), ...(x ? { x: toRaw(x) } : {}) });
      }
    }
    const lines = linesForMetrics(runs, keys);
    return buildPlot(lines, byRun, settings.xAxis, settings.smoothing, settings.grouped, (g) => runColor(`group:${g}`));
  }, [query.data, runs, keys, xMetric, settings.xAxis, settings.smoothing, settings.grouped]);
  const effectiveLog = props.onLogScale ? settings.logScale : (logScale ?? settings.logScale);
  const chartOptions = useMemo(
    () => ({
      logScale: effectiveLog,
      xIsTime: settings.xAxis === "wall",
      xLabel: xLabel(settings.xAxis),
      syncKey: "workspace",
      height: props.height ?? 220,
      onZoom: setRange,
    }),
    [effectiveLog, settings.xAxis, props.height],
  );
  return (
    <div className="panel" ref={ref} data-testid="panel" data-metric={metric} data-points={plot.maxPoints} data-lines={plot.lines.length}>
      <div className="panel-head">
        <span className="panel-title" title={keys.join(", ")}>
          {props.title ?? keys.join(", ")}
        </span>
        <span className="panel-tools">
          {range && (
            <button className="link" onClick={() => setRange(null)} title="Reset zoom (or double-click the chart)">
              reset zoom
            </button>
          )}
          <button className={`chip${effectiveLog ? " on" : ""}`} onClick={() => (props.onLogScale ? props.onLogScale(!effectiveLog) : setLogScale(!effectiveLog))} title="Log scale">
            log
          </button>
          {props.tools}
          {props.onRemove && (
            <button className="icon" onClick={props.onRemove} title="Remove panel" aria-label="remove panel">
              ×
            </button>
          )}
        </span>
      </div>
      {query.isError ? (
        <div className="panel-empty error">{(query.error as Error).message}</div>
      ) : plot.lines.length === 0 ? (
        <div className="panel-empty">{query.isPending && near ? "Loading…" : "No data for the visible runs"}</div>
      ) : (
        <UPlotChart data={plot} options={chartOptions} xRange={settings.xAxis === "step" ? null : range} />
      )}
    </div>
  );
}
