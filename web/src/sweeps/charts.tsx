/**
 * The sweep page's two point charts, drawn as SVG: the metric over run order (each run's value in
 * creation order, with the running best as a step line) and the metric against any one parameter
 * (numeric, log or categorical x). Points take the metric's colour; hover shows the run, click opens it.
 */
import { useState } from "react";
import { value as fmt } from "../lib/format";
import { scaleOf } from "../lib/summaryPlots";
import type { Axis, ColorScale } from "./parcoords";
import type { OrderPoint, Trial } from "./sweepData";
import "../components/panels.css";
import { useWidth } from "../lib/useWidth";

const M = { left: 60, right: 16, top: 12, bottom: 40 };

interface Hover {
  x: number;
  y: number;
  trial: Trial;
  rows: [string, unknown][];
}

function Tip({ hover, width, scale }: { hover: Hover | null; width: number; scale: ColorScale | null }): React.JSX.Element | null {
  if (!hover) return null;
  return (
    <div className="chart-tooltip" data-testid="chart-tooltip" style={hover.x > width / 2 ? { right: width - hover.x + 12, top: Math.max(0, hover.y - 10) } : { left: hover.x + 12, top: Math.max(0, hover.y - 10) }}>
      <div className="tt-row">
        <span className="swatch" style={{ background: scale ? scale.color(hover.trial.value) : "var(--accent)" }} />
        <span className="tt-name">{hover.trial.name}</span>
      </div>
      {hover.rows.map(([k, v]) => (
        <div className="tt-row" key={k}>
          <span className="tt-name muted">{k}</span>
          <span className="tt-val">{fmt(v)}</span>
        </div>
      ))}
    </div>
  );
}

function YTicks({ ticks, y, width, label, height }: { ticks: number[]; y: (v: number) => number; width: number; label: string; height: number }): React.JSX.Element {
  return (
    <g className="axis">
      {ticks.map((t) => (
        <g key={t}>
          <line className="gridline" x1={M.left} x2={width - M.right} y1={y(t)} y2={y(t)} />
          <text x={M.left - 6} y={y(t) + 3} textAnchor="end">
            {fmt(t)}
          </text>
        </g>
      ))}
      <text transform={`translate(12,${(M.top + height - M.bottom) / 2}) rotate(-90)`} textAnchor="middle">
        {label}
      </text>
    </g>
  );
}

export function MetricOverRuns(props: { points: OrderPoint[]; metric: string; scale: ColorScale | null; best: string | null; height: number; onOpen: (id: string) => void }): React.JSX.Element {
  const { points, height } = props;
  const [ref, width] = useWidth();
  const [hover, setHover] = useState<Hover | null>(null);
  const withValue = points.filter((p) => p.value !== null);
  const sy = scaleOf(withValue.map((p) => p.value as number));
  const n = Math.max(1, points.length);
  const plotW = Math.max(0, width - M.left - M.right);
  const x = (order: number): number => M.left + (n === 1 ? plotW / 2 : ((order - 1) / (n - 1)) * plotW);
  const y = (v: number): number => M.top + (height - M.top - M.bottom) * (1 - sy.at(v));
  let line = "";
  let prev: number | null = null;
  for (const p of points) {
    if (p.best === null) continue;
    line += prev === null ? `M${x(p.order)},${y(p.best)}` : `H${x(p.order)}V${y(p.best)}`;
    prev = p.best;
  }
  if (prev !== null && points.length) line += `H${x(points.length)}`;
  const xTicks = scaleOf([1, n]).ticks.filter((t) => Number.isInteger(t) && t >= 1 && t <= n);
  return (
    <div className="svg-chart" ref={ref} data-testid="metric-over-runs" data-points={withValue.length}>
      {width > 0 && (
        <svg width={width} height={height} role="img" aria-label={`${props.metric} of each run in the order the runs started, with the best so far`} onMouseLeave={() => setHover(null)}>
          <YTicks ticks={sy.ticks} y={y} width={width} label={props.metric} height={height} />
          <g className="axis">
            {xTicks.map((t) => (
              <text key={t} x={x(t)} y={height - M.bottom + 14} textAnchor="middle">
                {t}
              </text>
            ))}
            <text x={M.left + plotW / 2} y={height - 6} textAnchor="middle">
              run (in the order started)
            </text>
          </g>
          <path d={line} className="best-line" data-testid="best-line" fill="none" />
          {withValue.map((p) => {
            const best = p.trial.id === props.best;
            return (
              <circle
                key={p.trial.id}
                cx={x(p.order)}
                cy={y(p.value as number)}
                r={best ? 6 : 4}
                className={`pt${best ? " best" : ""}`}
                data-run={p.trial.id}
                fill={props.scale ? props.scale.color(p.value) : "var(--accent)"}
                onMouseEnter={() => setHover({ x: x(p.order), y: y(p.value as number), trial: p.trial, rows: [["run #", p.order], [props.metric, p.value], ["best so far", p.best]] })}
                onClick={() => props.onOpen(p.trial.id)}
                style={{ cursor: "pointer" }}
              />
            );
          })}
        </svg>
      )}
      <Tip hover={hover} width={width} scale={props.scale} />
    </div>
  );
}

export function ParamScatter(props: { trials: Trial[]; axis: Axis; metric: string; scale: ColorScale | null; best: string | null; height: number; onOpen: (id: string) => void }): React.JSX.Element {
  const { trials, axis, height } = props;
  const [ref, width] = useWidth();
  const [hover, setHover] = useState<Hover | null>(null);
  const pts = trials.filter((t) => t.value !== null && axis.pos(t.params[axis.key]) !== null);
  const sy = scaleOf(pts.map((t) => t.value as number));
  const plotW = Math.max(0, width - M.left - M.right);
  const x = (t: number): number => M.left + 8 + t * (plotW - 16);
  const y = (v: number): number => M.top + (height - M.top - M.bottom) * (1 - sy.at(v));
  // Points of one category spread a little sideways (by run id, so they stay put between renders).
  const jitter = (id: string): number => {
    if (axis.kind !== "category") return 0;
    let h = 0;
    for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
    return ((Math.abs(h) % 1000) / 1000 - 0.5) * Math.min(40, plotW / Math.max(1, axis.categories.length) / 3);
  };
  return (
    <div className="svg-chart" ref={ref} data-testid="param-scatter" data-param={axis.key} data-points={pts.length}>
      {width > 0 && (
        <svg width={width} height={height} role="img" aria-label={`${props.metric} against ${axis.label}`} onMouseLeave={() => setHover(null)}>
          <YTicks ticks={sy.ticks} y={y} width={width} label={props.metric} height={height} />
          <g className="axis">
            {axis.ticks.map((t) => (
              <g key={`${t.label}:${t.at}`}>
                <line className="gridline" x1={x(t.at)} x2={x(t.at)} y1={M.top} y2={height - M.bottom} />
                <text x={x(t.at)} y={height - M.bottom + 14} textAnchor="middle">
                  {t.label.length > 16 ? `${t.label.slice(0, 15)}…` : t.label}
                </text>
              </g>
            ))}
            <text x={M.left + plotW / 2} y={height - 6} textAnchor="middle">
              {axis.label}
              {axis.kind === "log" ? " (log scale)" : ""}
            </text>
          </g>
          {pts.map((t) => {
            const px = x(axis.pos(t.params[axis.key]) as number) + jitter(t.id);
            const py = y(t.value as number);
            const best = t.id === props.best;
            return (
              <circle
                key={t.id}
                cx={px}
                cy={py}
                r={best ? 6 : 4}
                className={`pt${best ? " best" : ""}`}
                data-run={t.id}
                fill={props.scale ? props.scale.color(t.value) : "var(--accent)"}
                onMouseEnter={() => setHover({ x: px, y: py, trial: t, rows: [[axis.label, t.params[axis.key]], [props.metric, t.value]] })}
                onClick={() => props.onOpen(t.id)}
                style={{ cursor: "pointer" }}
              />
            );
          })}
        </svg>
      )}
      <Tip hover={hover} width={width} scale={props.scale} />
    </div>
  );
}
