/**
 * An interactive parallel coordinates plot (SVG): one vertical axis per field, one line per run
 * coloured by a metric. Drag along an axis to brush a range (runs outside any brush turn grey; a
 * click on the axis clears its brush), drag an axis's title sideways to reorder the axes (or focus
 * it and press ← →), hover a line for the run's values, click it to open the run. Used by the
 * sweep page and the workspace's parallel coordinates panel.
 */
import { useMemo, useState } from "react";
import { value as fmt } from "../lib/format";
import { brushLabel, moveAxis, RAMP_CSS, selectRows, type Axis, type Brushes, type ColorScale, type PcRow } from "./parcoords";
import "../components/panels.css";
import { useWidth } from "../lib/useWidth";

const M = { left: 56, right: 56, top: 38, bottom: 14 };
const BRUSH_HALF = 12;

export interface ParallelProps {
  rows: PcRow[];
  /** In drawing order. */
  axes: Axis[];
  scale: ColorScale | null;
  colorKey: string | null;
  brushes: Brushes;
  onBrushes: (b: Brushes) => void;
  onReorder: (order: string[]) => void;
  onOpen?: (key: string) => void;
  /** A run drawn on top, thicker (the sweep's best). */
  highlight?: string | null;
  height: number;
}

interface Drag {
  kind: "brush" | "move";
  key: string;
  start: number;
  now: number;
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, Math.max(1, n - 1))}…` : s);

export function ParallelCoordinates(props: ParallelProps): React.JSX.Element {
  const { rows, axes, scale, brushes, height } = props;
  const [ref, width] = useWidth();
  const [drag, setDrag] = useState<Drag | null>(null);
  const [hover, setHover] = useState<{ key: string; x: number; y: number } | null>(null);
  const top = M.top;
  const bottom = height - M.bottom;
  const plotW = Math.max(0, width - M.left - M.right);
  const step = axes.length > 1 ? plotW / (axes.length - 1) : 0;
  const xOf = (i: number): number => (axes.length > 1 ? M.left + i * step : M.left + plotW / 2);
  const yOf = (t: number): number => bottom - t * (bottom - top);
  const tOf = (y: number): number => Math.max(0, Math.min(1, (bottom - y) / (bottom - top)));

  // The brush being drawn counts at once, so the lines follow the pointer.
  const live: Brushes = useMemo(() => {
    if (drag?.kind !== "brush" || Math.abs(drag.now - drag.start) < 3) return brushes;
    const [a, b] = [tOf(drag.start), tOf(drag.now)].sort((x, y) => x - y) as [number, number];
    return { ...brushes, [drag.key]: [a, b] };
  }, [brushes, drag, height]);
  const selected = useMemo(() => selectRows(rows, axes, live), [rows, axes, live]);
  const brushed = Object.keys(live).some((k) => axes.some((a) => a.key === k));

  const paths = useMemo(() => {
    const out = new Map<string, string>();
    for (const r of rows) {
      let d = "";
      let pen = false;
      axes.forEach((a, i) => {
        const t = a.pos(r.values[a.key]);
        if (t === null) {
          pen = false;
          return;
        }
        d += `${pen ? "L" : "M"}${xOf(i).toFixed(1)},${yOf(t).toFixed(1)}`;
        pen = true;
      });
      out.set(r.key, d);
    }
    return out;
  }, [rows, axes, width, height]);

  const svgY = (e: React.PointerEvent): number => e.clientY - (e.currentTarget.closest("svg")?.getBoundingClientRect().top ?? 0);
  const svgX = (e: React.PointerEvent): number => e.clientX - (e.currentTarget.closest("svg")?.getBoundingClientRect().left ?? 0);
  const endDrag = (e: React.PointerEvent): void => {
    if (!drag) return;
    if (drag.kind === "brush") {
      const next = { ...brushes };
      if (Math.abs(drag.now - drag.start) < 3) delete next[drag.key];
      else {
        const [a, b] = [tOf(drag.start), tOf(drag.now)].sort((x, y) => x - y) as [number, number];
        next[drag.key] = [a, b];
      }
      props.onBrushes(next);
    } else if (Math.abs(drag.now - drag.start) >= 3) {
      const x = svgX(e);
      const to = axes.filter((a, i) => a.key !== drag.key && xOf(i) < x).length;
      props.onReorder(moveAxis(axes.map((a) => a.key), drag.key, to));
    }
    setDrag(null);
  };

  const hovered = hover ? rows.find((r) => r.key === hover.key) : undefined;
  const order = (key: string): number => (key === props.highlight ? 2 : selected.has(key) ? 1 : 0);
  const drawn = useMemo(() => [...rows].sort((a, b) => order(a.key) - order(b.key)), [rows, selected, props.highlight]);
  // An axis title gets the width between its neighbours' titles: a centred one the whole step, the
  // first and last (anchored at their axis, growing inwards) half of it. 12px semibold is ~7.5px a character.
  const labelChars = (i: number): number => {
    const edge = axes.length > 1 && (i === 0 || i === axes.length - 1);
    return Math.max(6, Math.floor((axes.length > 1 ? (edge ? step / 2 : step) : plotW) / 7.5));
  };

  return (
    <div className="parcoords" ref={ref} data-testid="parcoords" data-selected={selected.size} data-total={rows.length}>
      {width > 0 && (
        <svg width={width} height={height} role="img" aria-label={`parallel coordinates of ${axes.map((a) => a.label).join(", ")}`} onMouseLeave={() => setHover(null)}>
          <g className="pc-lines">
            {drawn.map((r) => {
              const on = selected.has(r.key);
              const best = r.key === props.highlight;
              const color = on ? (scale && props.colorKey ? scale.color(r.values[props.colorKey]) : "var(--accent)") : "var(--border)";
              return (
                <path
                  key={r.key}
                  d={paths.get(r.key)}
                  data-testid="pc-line"
                  data-run={r.key}
                  data-in={on ? 1 : 0}
                  className={`pc-line${hover?.key === r.key ? " hot" : ""}${best ? " best" : ""}`}
                  stroke={color}
                  strokeOpacity={on ? (brushed ? 0.95 : 0.75) : 0.6}
                  strokeWidth={best ? 3 : on && brushed ? 2 : 1.4}
                  fill="none"
                  onMouseMove={(e) => {
                    const box = (e.currentTarget.ownerSVGElement as SVGSVGElement).getBoundingClientRect();
                    setHover({ key: r.key, x: e.clientX - box.left, y: e.clientY - box.top });
                  }}
                  onClick={() => props.onOpen?.(r.key)}
                  style={{ cursor: props.onOpen ? "pointer" : undefined }}
                />
              );
            })}
          </g>
          {axes.map((a, i) => {
            const x = drag?.kind === "move" && drag.key === a.key ? xOf(i) + (drag.now - drag.start) : xOf(i);
            const b = live[a.key];
            return (
              <g key={a.key} className="pc-axis" data-testid="pc-axis" data-axis={a.key} data-kind={a.kind} transform={`translate(${x},0)`}>
                <line x1={0} x2={0} y1={top} y2={bottom} className="pc-axis-line" />
                {a.ticks.map((t) => (
                  <g key={`${t.label}:${t.at}`}>
                    <line x1={-3} x2={0} y1={yOf(t.at)} y2={yOf(t.at)} className="pc-axis-line" />
                    <text x={-5} y={yOf(t.at) + 3} textAnchor="end" className="pc-tick" data-label={t.label}>
                      <title>{t.label}</title>
                      {clip(t.label, 12)}
                    </text>
                  </g>
                ))}
                {b && <rect x={-BRUSH_HALF / 1.5} width={(BRUSH_HALF / 1.5) * 2} y={yOf(b[1])} height={Math.max(2, yOf(b[0]) - yOf(b[1]))} className="pc-brush" data-testid="pc-brush" />}
                <rect
                  x={-BRUSH_HALF}
                  width={BRUSH_HALF * 2}
                  y={top - 4}
                  height={bottom - top + 8}
                  className="pc-brush-area"
                  data-testid="pc-brush-area"
                  onPointerDown={(e) => {
                    e.currentTarget.setPointerCapture(e.pointerId);
                    const y = svgY(e);
                    setDrag({ kind: "brush", key: a.key, start: y, now: y });
                  }}
                  onPointerMove={(e) => drag?.kind === "brush" && drag.key === a.key && setDrag({ ...drag, now: svgY(e) })}
                  onPointerUp={endDrag}
                  onPointerCancel={() => setDrag(null)}
                >
                  <title>Drag to select a range of {a.label}; click to clear</title>
                </rect>
                <text
                  y={16}
                  textAnchor={i === 0 && axes.length > 1 ? "start" : i === axes.length - 1 && axes.length > 1 ? "end" : "middle"}
                  className={`pc-label${drag?.kind === "move" && drag.key === a.key ? " dragging" : ""}`}
                  data-testid="pc-axis-label"
                  tabIndex={0}
                  aria-label={`axis ${a.label}: drag sideways or press arrow keys to move`}
                  onPointerDown={(e) => {
                    e.currentTarget.setPointerCapture(e.pointerId);
                    const x0 = svgX(e);
                    setDrag({ kind: "move", key: a.key, start: x0, now: x0 });
                  }}
                  onPointerMove={(e) => drag?.kind === "move" && drag.key === a.key && setDrag({ ...drag, now: svgX(e) })}
                  onPointerUp={endDrag}
                  onPointerCancel={() => setDrag(null)}
                  onKeyDown={(e) => {
                    const d = e.key === "ArrowLeft" ? -1 : e.key === "ArrowRight" ? 1 : 0;
                    if (!d) return;
                    e.preventDefault();
                    props.onReorder(moveAxis(axes.map((x) => x.key), a.key, i + d));
                  }}
                >
                  <title>{`${a.label}${a.kind === "log" ? " (log scale)" : ""}: drag sideways to move this axis`}</title>
                  {clip(a.label, labelChars(i))}
                  {a.kind === "log" && <tspan className="pc-log"> log</tspan>}
                </text>
              </g>
            );
          })}
        </svg>
      )}
      {hover && hovered && (
        <div className="chart-tooltip" data-testid="pc-tooltip" style={hover.x > width / 2 ? { right: width - hover.x + 12, top: Math.max(0, hover.y - 10) } : { left: hover.x + 12, top: Math.max(0, hover.y - 10) }}>
          <div className="tt-row">
            <span className="swatch" style={{ background: scale && props.colorKey ? scale.color(hovered.values[props.colorKey]) : "var(--accent)" }} />
            <span className="tt-name">{hovered.name}</span>
          </div>
          {axes.map((a) => (
            <div className="tt-row" key={a.key}>
              <span className="tt-name muted">{a.label}</span>
              <span className="tt-val">{fmt(hovered.values[a.key])}</span>
            </div>
          ))}
        </div>
      )}
      <div className="pc-foot">
        {scale && props.colorKey && (
          <span className="pc-legend" data-testid="pc-legend">
            <span className="muted">colour: {props.colorKey}</span>
            <span>{fmt(scale.goal === "minimize" ? scale.max : scale.min)}</span>
            <span className="pc-ramp" style={{ background: RAMP_CSS }} />
            <span>{fmt(scale.goal === "minimize" ? scale.min : scale.max)}</span>
            <span className="muted">(better →)</span>
          </span>
        )}
        {axes
          .filter((a) => brushes[a.key])
          .map((a) => (
            <button key={a.key} className="chip on" data-testid="pc-brush-chip" title="Clear this brush" onClick={() => props.onBrushes(Object.fromEntries(Object.entries(brushes).filter(([k]) => k !== a.key)))}>
              {a.label}: {brushLabel(a, brushes[a.key] as [number, number])} ✕
            </button>
          ))}
        {brushed && (
          <span className="muted" data-testid="pc-count">
            {selected.size} of {rows.length} runs
          </span>
        )}
        {Object.keys(brushes).length > 1 && (
          <button className="link" onClick={() => props.onBrushes({})}>
            clear all
          </button>
        )}
        {!brushed && axes.length > 0 && <span className="muted pc-hint">Drag along an axis to filter runs; drag an axis title to move it.</span>}
      </div>
    </div>
  );
}
