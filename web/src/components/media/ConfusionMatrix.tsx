/**
 * A confusion matrix as an SVG heat map: actual classes down the side, predicted classes along the
 * bottom, each cell's count written in it (while cells are big enough) and its shade scaled to the
 * largest count. Hovering a cell reads out actual, predicted and count.
 */
import { useState } from "react";
import type { ConfusionLayout } from "../../lib/mediaCharts";
import "./media.css";

/** Light to the accent blue; text turns white on the darker half. */
function shade(t: number): string {
  const a = [239, 243, 255];
  const b = [8, 69, 148];
  const c = a.map((v, i) => Math.round(v + ((b[i] as number) - v) * t));
  return `rgb(${c.join(",")})`;
}

export function ConfusionMatrix({ m, compact }: { m: ConfusionLayout; compact?: boolean | undefined }): React.JSX.Element {
  const [hover, setHover] = useState<[number, number] | null>(null);
  const n = Math.max(m.actual.length, m.predicted.length);
  const longest = Math.max(1, ...m.actual.map((c) => c.length), ...m.predicted.map((c) => c.length));
  const cell = Math.max(12, Math.min(compact ? 36 : 56, Math.floor((compact ? 240 : 480) / Math.max(1, n))));
  const labelW = Math.min(140, 12 + longest * 7);
  const left = labelW + 18;
  const top = 8;
  const W = left + cell * m.predicted.length + 8;
  const H = top + cell * m.actual.length + labelW + 18;
  const showCounts = cell >= 22;
  const h = hover ? { a: m.actual[hover[0]], p: m.predicted[hover[1]], c: m.counts[hover[0]]?.[hover[1]] } : null;
  return (
    <div className="media-confusion" data-testid="chart-confusion">
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label="confusion matrix" onMouseLeave={() => setHover(null)}>
        {m.counts.map((row, i) =>
          row.map((c, j) => {
            const t = m.max > 0 ? c / m.max : 0;
            return (
              <g key={`${i}-${j}`} data-testid="confusion-cell" data-actual={m.actual[i]} data-predicted={m.predicted[j]} data-count={c} onMouseEnter={() => setHover([i, j])}>
                <rect x={left + j * cell} y={top + i * cell} width={cell - 1} height={cell - 1} fill={shade(t)} className={hover && hover[0] === i && hover[1] === j ? "hot" : undefined} />
                {showCounts && (
                  <text x={left + j * cell + cell / 2} y={top + i * cell + cell / 2} dominantBaseline="central" textAnchor="middle" className="cm-count" fill={t > 0.5 ? "#fff" : "#1b2333"}>
                    {c}
                  </text>
                )}
              </g>
            );
          }),
        )}
        {m.actual.map((name, i) => (
          <text key={name} x={left - 6} y={top + i * cell + cell / 2} dominantBaseline="central" textAnchor="end" className="cm-label" data-testid="confusion-actual">
            {name.length > 20 ? `${name.slice(0, 19)}…` : name}
          </text>
        ))}
        {m.predicted.map((name, j) => (
          <text
            key={name}
            transform={`translate(${left + j * cell + cell / 2}, ${top + m.actual.length * cell + 6}) rotate(-50)`}
            textAnchor="end"
            dominantBaseline="central"
            className="cm-label"
            data-testid="confusion-predicted"
          >
            {name.length > 20 ? `${name.slice(0, 19)}…` : name}
          </text>
        ))}
        <text transform={`translate(10, ${top + (m.actual.length * cell) / 2}) rotate(-90)`} textAnchor="middle" className="cm-axis">
          Actual
        </text>
        <text x={left + (m.predicted.length * cell) / 2} y={H - 4} textAnchor="middle" className="cm-axis">
          Predicted
        </text>
      </svg>
      <div className="chart-readout" data-testid="chart-hover">
        {h ? (
          <>
            actual <b>{h.a}</b> · predicted <b>{h.p}</b> · count <b>{h.c}</b>
          </>
        ) : (
          <span className="muted">hover a cell</span>
        )}
      </div>
    </div>
  );
}
