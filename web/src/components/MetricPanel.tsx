/**
 * One chart panel: fetches its metric for all plotted runs in one bulk request, builds the plot
 * outside React renders (memoized) and hands it to uPlot. Zooming on the step axis re-fetches the
 * zoomed range, so the server's min/max downsampling shows finer detail; live runs refresh.
 */
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from "react";
import { num, type Series } from "../api/client";
import { buildPlot, xLabel, type PlotRun, type RawSeries, type XAxis } from "../lib/chartdata";
import type { BandKind } from "../lib/grouping";
import { buildGroupPlot, groupSeriesOptions, openRunsOf, withRunLines, type GroupSpec } from "../lib/groupSeries";
import { lineKey, linesForMetrics } from "../lib/panelLines";
import { metricUnit } from "../lib/format";
import { groupColor } from "../lib/panels";
import type { LegendPlace } from "../lib/runColors";
import { seriesQueryOptions } from "../lib/seriesQuery";
import { chartAxis } from "../lib/panelSettings";
import { yBounds } from "../lib/panelEdit";
import type { MetricDefinition } from "../lib/stepMetric";
import { formatZooms, parseZooms, withZoom } from "../lib/zoom";
import { currentParam, setParams, useParam } from "../router";
import type { Smoothing } from "../lib/smoothing";
import { ChartLegend, LEGEND_CLOSED_PX, LEGEND_OPEN_PX } from "./ChartLegend";
import { UPlotChart } from "./UPlotChart";
import "./runColors.css";

export interface ChartSettings {
  xAxis: XAxis;
  smoothing: Smoothing;
  logScale: boolean;
  grouped: boolean;
  /** A group's band: min to max (default) or ± one standard deviation. */
  band?: BandKind;
  /** Grouped in the workspace: groups come from the server over every run of each group
   * (lib/groupSeries.ts), not from the runs this chart draws. */
  groups?: GroupSpec | null;
  live: boolean;
  stream: "history" | "system";
  /** The x axis is the default Step: a metric's `define_metric` step metric replaces it
   * (lib/panelSettings chartAxis). */
  autoStep?: boolean;
  /** Fixed y axis ends (the panel editor's); null or absent: from the data. */
  yMin?: number | null;
  yMax?: number | null;
  /** Where the legend sits (the workspace's `legend=` setting); absent: below the chart. */
  legend?: LegendPlace;
}

export interface PanelRun extends PlotRun {
  entity: string;
  project: string;
  id: string;
  /** The run's `define_metric` definitions (step metrics, hidden). */
  definitions?: MetricDefinition[];
}

function toRaw(s: Series): RawSeries {
  return { key: s.key, steps: s.steps, values: s.values.map(num), timestamps: s.timestamps };
}

/** True once the panel is on or near the screen, so a workspace with 100 charts fetches and draws
 * the visible ones first. Checked once as the panel mounts (before the browser paints: waiting for
 * the observer's first callback cost the first screen a frame), then by an IntersectionObserver. */
function useNearViewport(): [React.RefObject<HTMLDivElement | null>, boolean] {
  const ref = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || near) return;
    const box = el.getBoundingClientRect();
    if (box.top < window.innerHeight + MARGIN_PX && box.bottom > -MARGIN_PX) {
      setNear(true);
      return;
    }
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setNear(true), { rootMargin: `${MARGIN_PX}px` });
    io.observe(el);
    return () => io.disconnect();
  }, [near]);
  return [ref, near];
}

const MARGIN_PX = 300;
const NO_GROUPS: GroupSpec = { entity: "", project: "", by: [], filter: null, exclude: [], groups: [], runs: [] };
const NO_SMOOTHING: Smoothing = { kind: "none", param: 0 };
const SEP = "\u0001"; // lib/panelLines lineKey: a (run, metric) line's key

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
  /** Charts whose cursors move together; default: the workspace's charts of the same x axis. */
  syncGroup?: string;
}): React.JSX.Element {
  const { metric, runs } = props;
  const keysId = (props.metrics?.length ? props.metrics : [metric]).join("\n");
  const keys = useMemo(() => keysId.split("\n"), [keysId]);
  // The default Step becomes the runs' step metric for these keys (define_metric), as in W&B.
  const axis = useMemo(() => chartAxis(props.settings, runs, keys), [props.settings, runs, keys]);
  const xAxisId = JSON.stringify(axis.xAxis);
  const settings = useMemo(() => ({ ...props.settings, xAxis: JSON.parse(xAxisId) as XAxis }), [props.settings, xAxisId]);
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
  const [legendOpen, setLegendOpen] = useState(true);
  const [highlight, setHighlight] = useState<number | null>(null);
  const xMetric = typeof settings.xAxis === "object" ? settings.xAxis.metric : null;
  const queryClient = useQueryClient();
  const groupSpec = settings.grouped ? (settings.groups ?? null) : null;
  // Grouped, single runs are drawn only for the groups opened in the table.
  const openRuns = useMemo(() => openRunsOf(groupSpec), [groupSpec]);
  const seriesRuns = groupSpec ? openRuns : runs;
  const query = useQuery({
    ...seriesQueryOptions(queryClient, { runs: seriesRuns, keys, stream: settings.stream, xAxis: settings.xAxis, zoom: range, live: settings.live }),
    enabled: near && seriesRuns.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: settings.live ? 5000 : false,
  });
  // Grouped: one answer with every group's statistics (a live group refreshes less often: it
  // reads every run of the groups).
  const groupQuery = useQuery({
    ...groupSeriesOptions({ spec: groupSpec ?? NO_GROUPS, keys, stream: settings.stream, xAxis: settings.xAxis, zoom: range }),
    enabled: near && groupSpec !== null && groupSpec.groups.length > 0,
    placeholderData: keepPreviousData,
    refetchInterval: settings.live ? 15_000 : false,
  });
  const active = groupSpec ? groupQuery : query;
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
    if (groupSpec) {
      const groups = buildGroupPlot(groupQuery.data, groupSpec.groups, keys, settings.band ?? "minmax", settings.smoothing);
      if (openRuns.length === 0 || !query.data) return groups;
      return withRunLines(groups, buildPlot(linesForMetrics(openRuns, keys), byRun, settings.xAxis, NO_SMOOTHING, false), (k) => groupColor(openRuns.find((r) => r.key === k.split(SEP)[0])?.group ?? ""));
    }
    const lines = linesForMetrics(runs, keys);
    return buildPlot(lines, byRun, settings.xAxis, settings.smoothing, settings.grouped, groupColor, settings.band);
  }, [query.data, groupQuery.data, groupSpec, openRuns, runs, keys, xMetric, settings.xAxis, settings.smoothing, settings.grouped, settings.band]);
  // A unit on the y axis when every metric of the chart has the same one (system metrics).
  const units = new Set(keys.map(metricUnit));
  const yUnit = units.size === 1 ? ([...units][0] ?? null) : null;
  const effectiveLog = props.onLogScale ? settings.logScale : (logScale ?? settings.logScale);
  const [yMin, yMax] = yBounds(settings.yMin, settings.yMax, effectiveLog);
  const syncGroup = props.syncGroup ?? "workspace";
  const legendPlace = settings.legend ?? "bottom";
  const chartOptions = useMemo(
    () => ({
      logScale: effectiveLog,
      xIsTime: settings.xAxis === "wall",
      xRelative: settings.xAxis === "relative",
      xLabel: xLabel(settings.xAxis),
      yLabel: yUnit,
      // Cursors sync between charts of the same x axis only: a system chart's seconds are not steps.
      syncKey: `${syncGroup}:${typeof settings.xAxis === "object" ? `m:${settings.xAxis.metric}` : settings.xAxis}`,
      // The legend lives inside the panel's height (S, M, L): the chart gives up the legend's room,
      // so panels keep the size the layout gave them.
      height: (props.height ?? 220) - (legendPlace !== "bottom" ? 0 : legendOpen ? LEGEND_OPEN_PX : LEGEND_CLOSED_PX),
      onZoom: setRange,
      yMin,
      yMax,
    }),
    [effectiveLog, settings.xAxis, props.height, yUnit, legendOpen, yMin, yMax, syncGroup, legendPlace],
  );
  return (
    <div className="panel" ref={ref} data-testid="panel" data-metric={metric} data-points={plot.maxPoints} data-lines={plot.lines.length} data-x-axis={xLabel(settings.xAxis)}>
      <div className="panel-head">
        <span className={`panel-title${axis.note ? " x-disagree" : ""}`} title={axis.note ? `${keys.join(", ")}\n${axis.note}` : keys.join(", ")}>
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
      {active.isError ? (
        <div className="panel-empty error">{(active.error as Error).message}</div>
      ) : plot.lines.length === 0 ? (
        // A chart below the fold has not asked yet (its query waits until it nears the screen): that is
        // loading too, not "no data".
        runs.length > 0 && active.isPending ? (
          <div className="panel-empty loading" data-testid="panel-loading">
            Loading…
          </div>
        ) : (
          <div className="panel-empty" data-testid="panel-no-data">
            {runs.length === 0 ? "No runs to draw (see the filter and hidden runs)" : "No data for the visible runs"}
          </div>
        )
      ) : (
        <div className={`chart-body legend-${legendPlace}`}>
          <UPlotChart data={plot} options={chartOptions} xRange={settings.xAxis === "step" ? null : range} highlight={highlight} />
          {legendPlace !== "hidden" && <ChartLegend lines={plot.lines} grouped={settings.grouped} open={legendOpen} onToggle={() => setLegendOpen(!legendOpen)} onHighlight={setHighlight} />}
        </div>
      )}
    </div>
  );
}
