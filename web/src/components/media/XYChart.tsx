/**
 * A `trackwell.plot` x/y chart (line, scatter, line_series, ROC and PR curves) on uPlot. Each series
 * keeps its own x values (aligned rows with gaps spanned); hovering shows every series' nearest
 * point in the legend, and clicking a legend entry hides or shows that series.
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { alignXY, nearestPoint, type XYSeries } from "../../lib/mediaCharts";
import { classColor } from "../../lib/mediaOverlays";
import "./media.css";

export interface XYChartProps {
  series: XYSeries[];
  xLabel: string;
  yLabel: string;
  lines: boolean;
  /** Rates (ROC and PR curves): both axes 0..1, and the chance line when `diagonal`. */
  unit: boolean;
  diagonal: boolean;
  height: number;
}

function fmt(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  return String(Number(v.toPrecision(4)));
}

function options(p: XYChartProps, width: number): uPlot.Options {
  const css = getComputedStyle(document.documentElement);
  const muted = css.getPropertyValue("--muted").trim() || "#888";
  const grid = css.getPropertyValue("--grid").trim() || "#eee";
  const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const unitRange: uPlot.Scale.Range = (_u, lo, hi) => [Math.min(0, lo), Math.max(1, hi)];
  const padRange: uPlot.Scale.Range = (_u, lo, hi) => {
    const pad = (hi - lo || Math.abs(lo) || 1) * 0.04;
    return [lo - pad, hi + pad];
  };
  return {
    width,
    height: p.height,
    legend: { show: true, live: true },
    cursor: {
      // Each series shows its own nearest point: the aligned rows hold one series' point each.
      dataIdx: (u, si, idx) => nearestPoint(u.data[si] as (number | null)[], idx, u.data[0] as number[]) ?? idx,
      points: { size: 7 },
      drag: { x: true, y: true },
    },
    // Scatter points at the extremes would be cut in half by the plot's edge: pad x by 4%.
    scales: { x: { time: false, ...(p.unit ? { range: unitRange } : p.lines ? {} : { range: padRange }) }, y: p.unit ? { range: unitRange } : {} },
    axes: [
      { ...axis, label: p.xLabel, labelSize: 20 },
      { ...axis, label: p.yLabel, labelSize: 20, size: 48 },
    ],
    series: [
      { label: p.xLabel, value: (_u, v) => fmt(v) },
      ...p.series.map(
        (s, i): uPlot.Series => ({
          label: s.name,
          stroke: classColor(i),
          width: 1.75,
          spanGaps: true,
          value: (_u, v) => fmt(v),
          ...(p.lines ? { points: { show: s.x.length <= 40, size: 4 } } : { paths: () => null, points: { show: true, size: 5, fill: classColor(i) } }),
        }),
      ),
    ],
    hooks: p.diagonal
      ? {
          drawAxes: [
            (u) => {
              // The chance line of an ROC curve, under the series.
              const ctx = u.ctx;
              ctx.save();
              ctx.strokeStyle = muted;
              ctx.setLineDash([4, 4]);
              ctx.lineWidth = 1;
              ctx.beginPath();
              ctx.moveTo(u.valToPos(0, "x", true), u.valToPos(0, "y", true));
              ctx.lineTo(u.valToPos(1, "x", true), u.valToPos(1, "y", true));
              ctx.stroke();
              ctx.restore();
            },
          ],
        }
      : {},
  };
}

export function XYChart(props: XYChartProps): React.JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;
  const { series, xLabel, yLabel, lines, unit, diagonal, height } = props;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const p = { series, xLabel, yLabel, lines, unit, diagonal, height };
    const { x, ys } = alignXY(series);
    plot.current?.destroy();
    plot.current = new uPlot(options(p, el.clientWidth || 480), [x, ...ys] as uPlot.AlignedData, el);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [series, xLabel, yLabel, lines, unit, diagonal, height]);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      if (plot.current && el.clientWidth > 0 && Math.abs(plot.current.width - el.clientWidth) > 1) plot.current.setSize({ width: el.clientWidth, height: propsRef.current.height });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return <div ref={box} className="media-xy" data-testid="chart-xy" />;
}
