/**
 * One uPlot canvas, managed imperatively: React renders the container once, and data or option
 * changes go to the uPlot instance directly (setData / rebuild), never through React renders.
 * The cursor is synchronized across every chart with the same `syncKey`, and the hover legend
 * shows each run's value at the cursor. Options and data: uplot/options.ts; tooltip and the line
 * under the mouse: uplot/tooltip.ts; highlighted lines: uplot/highlight.ts.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { xLabel as axisTitle, type PlotData } from "../lib/chartdata";
import { timeUnit } from "../lib/format";
import { clearHighlightedRun, highlightedRun, linesOf, setHighlightedRun, subscribeHighlight } from "../lib/highlight";
import { highlightKeyOf } from "../lib/lineHover";
import { applyHighlight } from "./uplot/highlight";
import { buildOpts, density, MANY_LINES, toUData, xSpan, type ChartOptions } from "./uplot/options";

export type { ChartOptions } from "./uplot/options";

// Axis and grid colours are read from CSS variables when a chart is built: rebuild on theme change.
function subscribeTheme(cb: () => void): () => void {
  const mo = new MutationObserver(cb);
  mo.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  return () => mo.disconnect();
}
const themeSnapshot = (): string => document.documentElement.dataset.theme ?? "light";

export function UPlotChart(props: {
  data: PlotData;
  options: ChartOptions;
  xRange: [number, number] | null;
  /** A line (index into `data.lines`) to draw on top of the others, which dim (legend hover). */
  highlight?: number | null;
}): React.JSX.Element {
  const { data, options, xRange } = props;
  const box = useRef<HTMLDivElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = useRef<string>("");
  const dataRef = useRef<PlotData>(data);
  // The lines drawn highlighted now (indices into data.lines), read by the draw hook.
  const lit = useRef<number[]>([]);
  // The line under the mouse in this chart (lib/lineHover), as the tooltip plugin reports it.
  const [pointed, setPointed] = useState<number | null>(null);
  const optsRef = useRef<ChartOptions>(options);
  optsRef.current = options;
  dataRef.current = data;
  const theme = useSyncExternalStore(subscribeTheme, themeSnapshot);
  const unit = options.xRelative ? timeUnit(xSpan(data)) : null;
  const unitName = unit?.unit;
  // The legend entry under the mouse wins over the line under it.
  const local = props.highlight ?? pointed;

  useEffect(() => {
    const el = box.current;
    const tip = tipRef.current;
    if (!el || !tip) return;
    // Rebuild only when the series set or the axis kind changes; otherwise just swap the data.
    // (A live line that grows past SPARSE_POINTS or DENSE_POINTS changes shape too: it stops
    // drawing its points, or thins to a hairline.)
    const densities = data.lines.map((l) => {
      const d = density(l);
      return d === "normal" && data.lines.length > MANY_LINES ? "dense" : d;
    });
    const key = JSON.stringify([data.faceted, data.lines.map((l, i) => [l.label, l.color, l.role, densities[i]]), data.bands, options.logScale, options.xIsTime, options.xLabel, options.yLabel, unit?.unit, options.height, theme, options.yMin, options.yMax]);
    const stable: ChartOptions = { ...options, onZoom: (r) => optsRef.current.onZoom?.(r) };
    if (!plot.current || shape.current !== key) {
      plot.current?.destroy();
      lit.current = []; // indices of the old lines; the highlight effect sets the new ones
      setPointed(null);
      plot.current = new uPlot(buildOpts(data, densities, stable, el.clientWidth || 400, unit, { tip, data: dataRef, lit, onLine: setPointed }), toUData(data, options.logScale), el);
      shape.current = key;
    } else {
      plot.current.setData(toUData(data, options.logScale), xRange === null);
    }
    if (xRange) plot.current.setScale("x", { min: xRange[0], max: xRange[1] });
  }, [data, options, xRange, theme, unitName]);

  // The highlighted lines: the legend entry or line under the mouse (this chart), else the run or
  // group under the mouse in the runs table (every chart, lib/highlight). They are drawn on top and
  // thicker, every other line fades: a redraw of the paths uPlot has, no React render.
  useEffect(() => {
    const apply = (): void => {
      const lines = dataRef.current.lines;
      const next = local !== null && local < lines.length ? [local] : linesOf(lines, highlightedRun());
      const el = box.current?.parentElement;
      if (el) el.dataset.highlight = [...new Set(next.map((i) => lines[i]?.label ?? ""))].join(", ");
      applyHighlight(plot.current, lit, next);
    };
    apply();
    return subscribeHighlight(apply);
  }, [local, data]);

  // What this chart points at lights up its run's (or group's) row in the runs table.
  useEffect(() => {
    const key = local === null ? null : highlightKeyOf(dataRef.current.lines[local]);
    if (key === null) return;
    setHighlightedRun(key, "chart");
    return () => clearHighlightedRun(key, "chart");
  }, [local, data]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      if (plot.current && el.clientWidth > 0) plot.current.setSize({ width: el.clientWidth, height: optsRef.current.height });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  return (
    // The axis titles are drawn on the canvas; the attributes say them to tests and tools.
    <div className="uplot-box" onDoubleClick={() => optsRef.current.onZoom?.(null)} data-x-title={unit ? axisTitle("relative", unit.unit) : options.xLabel} data-y-title={options.yLabel ?? ""} data-pointed={local === null ? "" : (data.lines[local]?.label ?? "")}>
      <div ref={box} />
      <div ref={tipRef} className="chart-tooltip" />
    </div>
  );
}
