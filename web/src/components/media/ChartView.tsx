/**
 * A `trackwell.plot` chart: reads the chart's logged table (the `K_table` value at the shown step)
 * and draws it the way its preset says (see lib/mediaCharts.ts): x/y charts on uPlot, bars and
 * histograms in SVG, the confusion matrix as a heat map.
 */
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api } from "../../api/client";
import { isSafeFilePath, parseTable, type MediaRef } from "../../lib/media";
import { buildChart, parseJsonLoose, type ChartModel, type ChartSpec } from "../../lib/mediaCharts";
import { Histogram, type RunRef } from "../MediaView";
import { ConfusionMatrix } from "./ConfusionMatrix";
import { XYChart } from "./XYChart";
import "./media.css";

export function ChartView({ run, spec, value, compact }: { run: RunRef; spec: ChartSpec; value: MediaRef; compact?: boolean | undefined }): React.JSX.Element {
  const path = value.path;
  const tableQ = useQuery({
    queryKey: ["chartTable", run.entity, run.project, run.id, path],
    queryFn: async () => {
      const res = await fetch(api.fileUrl(run.entity, run.project, run.id, path as string), { credentials: "same-origin" });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return parseTable(parseJsonLoose(await res.text()));
    },
    enabled: isSafeFilePath(path),
    staleTime: Infinity, // content-addressed: a path's table never changes
  });
  const chart = useMemo(() => (tableQ.data === undefined ? null : buildChart(spec, tableQ.data)), [spec, tableQ.data]);
  if (!isSafeFilePath(path)) return <div className="muted">No table file</div>;
  if (tableQ.isError) return <div className="filter-error">Could not load the chart's table: {(tableQ.error as Error).message}</div>;
  if (!chart) return <div className="muted">Loading chart…</div>;
  return (
    <figure className="media-chart" data-testid="media-chart" data-chart={chart.type} data-preset={spec.panelDefId}>
      <figcaption className="chart-title" data-testid="chart-title">
        {chart.title}
      </figcaption>
      <ChartBody chart={chart} compact={compact} />
    </figure>
  );
}

function ChartBody({ chart, compact }: { chart: ChartModel; compact?: boolean | undefined }): React.JSX.Element {
  switch (chart.type) {
    case "xy":
      return chart.series.length === 0 ? (
        <div className="muted">No points to draw (x or y is never a finite number)</div>
      ) : (
        <XYChart series={chart.series} xLabel={chart.xLabel} yLabel={chart.yLabel} lines={chart.lines} unit={chart.unit} diagonal={chart.diagonal} height={compact ? 200 : 280} />
      );
    case "confusion":
      return <ConfusionMatrix m={chart} compact={compact} />;
    case "histogram":
      return <Histogram value={{ _type: "histogram", values: chart.bars.map((b) => b.count), bins: [...chart.bars.map((b) => b.x0), chart.bars[chart.bars.length - 1]?.x1 ?? 0] }} compact={compact} />;
    case "bar":
      return <Bars bars={chart.bars} groups={chart.groups} compact={compact} />;
    case "unsupported":
      return <div className="muted">No viewer for the chart preset {chart.panelDefId}; its table is in the Files tab.</div>;
  }
}

/** Horizontal bars, one per row of the table, labels on the left and values at the bar's end. With
 * `groups`, each bar is coloured by its group and a legend names them. */
function Bars({ bars, groups, compact }: { bars: { label: string; value: number; group?: string }[]; groups?: string[] | undefined; compact?: boolean | undefined }): React.JSX.Element {
  const W = compact ? 300 : 520;
  const row = compact ? 16 : 22;
  const labelW = Math.min(160, 12 + Math.max(1, ...bars.map((b) => b.label.length)) * 7);
  const lo = Math.min(0, ...bars.map((b) => b.value));
  const hi = Math.max(0, ...bars.map((b) => b.value));
  const span = hi - lo || 1;
  const x = (v: number): number => labelW + ((v - lo) / span) * (W - labelW - 60);
  const colourOf = (group: string | undefined): string | undefined => (groups && group !== undefined ? GROUP_COLOURS[groups.indexOf(group) % GROUP_COLOURS.length] : undefined);
  return (
    <>
    {groups && groups.length > 0 && (
      <div className="media-bars-legend" data-testid="chart-bars-legend">
        {groups.map((g) => (
          <span key={g}>
            <i style={{ background: colourOf(g) }} /> {g}
          </span>
        ))}
      </div>
    )}
    <svg className="media-bars" viewBox={`0 0 ${W} ${bars.length * row + 8}`} style={{ maxWidth: W }} data-testid="chart-bars" role="img" aria-label="bar chart">
      {bars.map((b, i) => (
        <g key={i} data-testid="chart-bar" data-label={b.label} data-value={b.value} data-group={b.group}>
          <title>
            {b.label}: {b.value}
          </title>
          <text x={labelW - 6} y={i * row + row / 2 + 4} textAnchor="end" dominantBaseline="central" className="tick">
            {b.label}
          </text>
          <rect x={Math.min(x(0), x(b.value))} y={i * row + 6} width={Math.max(1, Math.abs(x(b.value) - x(0)))} height={row - 4} className="bar" style={colourOf(b.group) ? { fill: colourOf(b.group) } : undefined} />
          <text x={Math.max(x(0), x(b.value)) + 4} y={i * row + row / 2 + 4} dominantBaseline="central" className="tick">
            {Number(b.value.toPrecision(4))}
          </text>
        </g>
      ))}
    </svg>
    </>
  );
}

// Two clearly distinct hues first (train/test), then more for charts with more groups.
const GROUP_COLOURS = ["#3b7dd8", "#e8853d", "#3aa676", "#c2477a", "#8a63d2", "#8c8c8c"];
