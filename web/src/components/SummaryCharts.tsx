/**
 * Bar and scatter charts of per-run values (summary metrics, config values), drawn as SVG: one bar
 * or one point per visible run, at most a few thousand elements, in each run's colour. Hovering
 * shows the run and its values; clicking opens the run. Grouped (lib/groupSummary.ts), a bar is a
 * group's mean with its band as an error bar, and a scatter colours points by group, marks each
 * group's mean and lists the groups in a legend.
 */
import { useMemo, useState } from "react";
import { value as fmt } from "../lib/format";
import type { GroupMean } from "../lib/groupSummary";
import { scaleOf, type Bar, type Point } from "../lib/summaryPlots";
import "./panels.css";
import { useWidth } from "../lib/useWidth";

const M = { left: 56, right: 12, top: 10, bottom: 30 };
// A grouped scatter's one-line legend of groups under the plot (it scrolls sideways when long).
const LEGEND: React.CSSProperties = { display: "flex", gap: "0 12px", fontSize: 11, color: "var(--muted)", padding: `0 ${M.right}px 0 ${M.left}px`, height: 20, alignItems: "center", overflowX: "auto", overflowY: "hidden" };

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

/** A bar's tooltip: the run's value, or a group's mean, band and real size. */
function barRows(b: Bar, label: string): [string, number][] {
  if (!b.group) return [[label, b.value]];
  const rows: [string, number][] = [[`mean ${label}`, b.value]];
  if (b.group.band) rows.push([b.group.bandLabels[1], b.group.band[1]], [b.group.bandLabels[0], b.group.band[0]]);
  rows.push(["runs (n)", b.group.runs]);
  if (b.group.counted < b.group.runs) rows.push([`runs with ${label}`, b.group.counted]);
  return rows;
}

/** A vertical error bar with caps, from screen y `lo` to `hi`. */
function ErrorBar({ x, lo, hi, width }: { x: number; lo: number; hi: number; width: number }): React.JSX.Element {
  return (
    <g className="error-bar" data-testid="error-bar" stroke="var(--fg)" strokeWidth={1.5} pointerEvents="none">
      <line x1={x} x2={x} y1={lo} y2={hi} />
      <line x1={x - width / 2} x2={x + width / 2} y1={lo} y2={lo} />
      <line x1={x - width / 2} x2={x + width / 2} y1={hi} y2={hi} />
    </g>
  );
}

export function BarChart({ bars, height, label, onOpen }: { bars: Bar[]; height: number; label: string; onOpen: (key: string) => void }): React.JSX.Element {
  const [ref, width] = useWidth();
  const [hover, setHover] = useState<Hover | null>(null);
  const scale = useMemo(() => scaleOf([0, ...bars.flatMap((b) => [b.value, ...(b.group?.band ?? [])])]), [bars]);
  const plotW = Math.max(0, width - M.left - M.right);
  const plotH = height - M.top - M.bottom;
  const y = (v: number): number => M.top + plotH * (1 - scale.at(v));
  const slot = bars.length ? plotW / bars.length : 0;
  const barW = Math.max(1, Math.min(64, slot * 0.8));
  const names = slot >= 48;
  return (
    <div className="svg-chart" ref={ref} data-testid="bar-chart" data-bars={bars.map((b) => `${b.name}=${b.value}`).join(";")} data-bands={bars.map((b) => (b.group?.band ? b.group.band.join(",") : "")).join(";")}>
      {width > 0 && (
        <svg height={height} width={width} role="img" aria-label={`bar chart of ${label}`} onMouseLeave={() => setHover(null)}>
          <YAxis ticks={scale.ticks} y={y} width={width} />
          <line className="axis-zero" x1={M.left} x2={width - M.right} y1={y(0)} y2={y(0)} stroke="var(--muted)" />
          {bars.map((b, i) => {
            const x = M.left + i * slot + (slot - barW) / 2;
            const top = Math.min(y(b.value), y(0));
            const band = b.group?.band;
            return (
              <g key={b.key}>
                <rect
                  className={`bar${hover?.name === b.name ? " hot" : ""}`}
                  data-run={b.group ? undefined : b.key}
                  data-group={b.group ? b.name : undefined}
                  x={x}
                  y={top}
                  width={barW}
                  height={Math.max(1, Math.abs(y(b.value) - y(0)))}
                  fill={b.color}
                  fillOpacity={band ? 0.75 : undefined}
                  onMouseEnter={() => setHover({ left: x + barW / 2, top: Math.max(0, top - 8), color: b.color, name: b.name, rows: barRows(b, label) })}
                  onClick={b.group ? undefined : () => onOpen(b.key)}
                  style={{ cursor: b.group ? "default" : "pointer" }}
                />
                {band && <ErrorBar x={x + barW / 2} lo={y(band[0])} hi={y(band[1])} width={Math.min(12, barW / 2)} />}
              </g>
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
  /** Grouped: each group's mean (a larger marker) and the legend of groups with their real n. */
  means?: readonly GroupMean[];
  legend?: readonly { label: string; color: string; runs: number }[];
}): React.JSX.Element {
  const { points, height } = props;
  const means = props.means ?? [];
  const [ref, width] = useWidth();
  const [hover, setHover] = useState<(Hover & { key: string }) | null>(null);
  const sx = useMemo(() => scaleOf([...points, ...means].map((p) => p.x), props.logX), [points, means, props.logX]);
  const sy = useMemo(() => scaleOf([...points, ...means].map((p) => p.y), props.logY), [points, means, props.logY]);
  const plotW = Math.max(0, width - M.left - M.right);
  const legendH = props.legend?.length ? 22 : 0;
  const plotH = height - M.top - M.bottom - 10 - legendH;
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
  // A group's mean marker wins over the runs' points under it.
  const meanAt = (e: React.MouseEvent<SVGSVGElement>): GroupMean | null => {
    const box = e.currentTarget.getBoundingClientRect();
    return means.find((m) => (x(m.x) - (e.clientX - box.left)) ** 2 + (y(m.y) - (e.clientY - box.top)) ** 2 <= 10 * 10) ?? null;
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
            const m = meanAt(e);
            if (m) {
              setHover({ key: `mean:${m.id}`, left: x(m.x), top: Math.max(0, y(m.y) - 8), color: m.color, name: `${m.label} (${m.runs}) mean`, rows: [[props.xLabel, m.x], [props.yLabel, m.y]] });
              return;
            }
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
            <circle key={p.key} className={`pt${hover?.key === p.key ? " hot" : ""}`} data-run={p.key} cx={x(p.x)} cy={y(p.y)} r={5} fill={p.color} fillOpacity={means.length ? 0.55 : undefined} />
          ))}
          {means.map((m) => (
            <rect
              key={m.id}
              data-testid="group-mean"
              data-group={m.label}
              x={x(m.x) - 6}
              y={y(m.y) - 6}
              width={12}
              height={12}
              transform={`rotate(45 ${x(m.x)} ${y(m.y)})`}
              fill={m.color}
              stroke="var(--fg)"
              strokeWidth={hover?.key === `mean:${m.id}` ? 2.5 : 1.5}
            />
          ))}
        </svg>
      )}
      {props.legend?.length ? (
        <div className="scatter-legend" data-testid="scatter-legend" style={LEGEND}>
          {props.legend.map((g) => (
            <span key={g.label} data-group={g.label} style={{ whiteSpace: "nowrap" }}>
              <span className="swatch" style={{ background: g.color, marginRight: 4 }} />
              {g.label} ({g.runs})
            </span>
          ))}
        </div>
      ) : null}
      <Tooltip hover={hover} width={width} />
    </div>
  );
}
