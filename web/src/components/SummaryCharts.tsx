/**
 * Bar and scatter charts of per-run values (summary metrics, config values), drawn as SVG: one bar
 * or one point per visible run, at most a few thousand elements, in each run's colour. Hovering
 * shows the run and its values; clicking opens the run.
 */
import { useMemo, useState } from "react";
import { value as fmt } from "../lib/format";
import { scaleOf, type Bar, type Point } from "../lib/summaryPlots";
import "./panels.css";
import { useWidth } from "../lib/useWidth";

const M = { left: 56, right: 12, top: 10, bottom: 30 };

interface Hover {
  left: number;
  top: number;
  color: string;
  name: string;
  rows: [string, number][];
}

function Tooltip({ hover, width }: { hover: Hover | null; width: number }): React.JSX.Element | null {
  if (!hover) return null;
  // Right of the point, or left of it when the point is in the right half and the tooltip would
  // run past the chart.
  const flip = hover.left + 200 > width && hover.left > width / 2;
  return (
    <div className="chart-tooltip" data-testid="chart-tooltip" style={flip ? { right: width - hover.left + 12, top: hover.top } : { left: hover.left + 12, top: hover.top }}>
      <div className="tt-row">
        <span className="swatch" style={{ background: hover.color }} />
        <span className="tt-name">{hover.name}</span>
      </div>
      {hover.rows.map(([label, v]) => (
        <div className="tt-row" key={label}>
          <span className="tt-name muted">{label}</span>
          <span className="tt-val">{fmt(v)}</span>
        </div>
      ))}
    </div>
  );
}

function YAxis({ ticks, y, width }: { ticks: number[]; y: (v: number) => number; width: number }): React.JSX.Element {
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
    </g>
  );
}

export function BarChart({ bars, height, label, onOpen }: { bars: Bar[]; height: number; label: string; onOpen: (key: string) => void }): React.JSX.Element {
  const [ref, width] = useWidth();
  const [hover, setHover] = useState<Hover | null>(null);
  const scale = useMemo(() => scaleOf([0, ...bars.map((b) => b.value)]), [bars]);
  const plotW = Math.max(0, width - M.left - M.right);
  const plotH = height - M.top - M.bottom;
  const y = (v: number): number => M.top + plotH * (1 - scale.at(v));
  const slot = bars.length ? plotW / bars.length : 0;
  const barW = Math.max(1, Math.min(64, slot * 0.8));
  const names = slot >= 48;
  return (
    <div className="svg-chart" ref={ref} data-testid="bar-chart" data-bars={bars.map((b) => `${b.name}=${b.value}`).join(";")}>
      {width > 0 && (
        <svg height={height} width={width} role="img" aria-label={`bar chart of ${label}`} onMouseLeave={() => setHover(null)}>
          <YAxis ticks={scale.ticks} y={y} width={width} />
          <line className="axis-zero" x1={M.left} x2={width - M.right} y1={y(0)} y2={y(0)} stroke="var(--muted)" />
          {bars.map((b, i) => {
            const x = M.left + i * slot + (slot - barW) / 2;
            const top = Math.min(y(b.value), y(0));
            return (
              <rect
                key={b.key}
                className={`bar${hover?.name === b.name ? " hot" : ""}`}
                data-run={b.key}
                x={x}
                y={top}
                width={barW}
                height={Math.max(1, Math.abs(y(b.value) - y(0)))}
                fill={b.color}
                onMouseEnter={() => setHover({ left: x + barW / 2, top: Math.max(0, top - 8), color: b.color, name: b.name, rows: [[label, b.value]] })}
                onClick={() => onOpen(b.key)}
                style={{ cursor: "pointer" }}
              />
            );
          })}
          {names && (
            <g className="axis">
              {bars.map((b, i) => (
                <text key={b.key} x={M.left + i * slot + slot / 2} y={height - M.bottom + 14} textAnchor="middle">
                  {b.name.length > Math.floor(slot / 6) ? `${b.name.slice(0, Math.max(1, Math.floor(slot / 6) - 1))}…` : b.name}
                </text>
              ))}
            </g>
          )}
        </svg>
      )}
      <Tooltip hover={hover} width={width} />
    </div>
  );
}

export function ScatterChart(props: {
  points: Point[];
  height: number;
  xLabel: string;
  yLabel: string;
  logX: boolean;
  logY: boolean;
  onOpen: (key: string) => void;
}): React.JSX.Element {
  const { points, height } = props;
  const [ref, width] = useWidth();
  const [hover, setHover] = useState<(Hover & { key: string }) | null>(null);
  const sx = useMemo(() => scaleOf(points.map((p) => p.x), props.logX), [points, props.logX]);
  const sy = useMemo(() => scaleOf(points.map((p) => p.y), props.logY), [points, props.logY]);
  const plotW = Math.max(0, width - M.left - M.right);
  const plotH = height - M.top - M.bottom - 10;
  const x = (v: number): number => M.left + plotW * sx.at(v);
  const y = (v: number): number => M.top + plotH * (1 - sy.at(v));
  const nearest = (e: React.MouseEvent<SVGSVGElement>): Point | null => {
    const box = e.currentTarget.getBoundingClientRect();
    const mx = e.clientX - box.left;
    const my = e.clientY - box.top;
    let best: Point | null = null;
    let bestD = 14 * 14;
    for (const p of points) {
      const d = (x(p.x) - mx) ** 2 + (y(p.y) - my) ** 2;
      if (d <= bestD) [best, bestD] = [p, d];
    }
    return best;
  };
  const xTicks = sx.ticks.filter((_, i) => sx.ticks.length <= 8 || i % 2 === 0);
  return (
    <div className="svg-chart" ref={ref} data-testid="scatter-chart" data-points={points.map((p) => `${p.name}=${p.x},${p.y}`).join(";")}>
      {width > 0 && (
        <svg
          height={height}
          width={width}
          role="img"
          aria-label={`scatter of ${props.yLabel} against ${props.xLabel}`}
          onMouseMove={(e) => {
            const p = nearest(e);
            setHover(p ? { key: p.key, left: x(p.x), top: Math.max(0, y(p.y) - 8), color: p.color, name: p.name, rows: [[props.xLabel, p.x], [props.yLabel, p.y]] } : null);
          }}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            const p = nearest(e);
            if (p) props.onOpen(p.key);
          }}
          style={{ cursor: hover ? "pointer" : "default" }}
        >
          <YAxis ticks={sy.ticks} y={y} width={width} />
          <g className="axis">
            {xTicks.map((t) => (
              <g key={t}>
                <line className="gridline" x1={x(t)} x2={x(t)} y1={M.top} y2={M.top + plotH} />
                <text x={x(t)} y={M.top + plotH + 14} textAnchor="middle">
                  {fmt(t)}
                </text>
              </g>
            ))}
            <text x={M.left + plotW / 2} y={height - 4} textAnchor="middle">
              {props.xLabel}
            </text>
          </g>
          {points.map((p) => (
            <circle key={p.key} className={`pt${hover?.key === p.key ? " hot" : ""}`} data-run={p.key} cx={x(p.x)} cy={y(p.y)} r={5} fill={p.color} />
          ))}
        </svg>
      )}
      <Tooltip hover={hover} width={width} />
    </div>
  );
}
