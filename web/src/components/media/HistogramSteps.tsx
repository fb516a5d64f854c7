/**
 * A histogram logged at many steps: a heat map (x = step, y = value bins re-binned to common edges,
 * colour = count) drawn on a canvas, or a ridge plot (one curve per step, the latest in front).
 * Hovering reads out the step, the bin's range and its count; the step chosen on the card's slider
 * is outlined.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { atStep, type MediaStep } from "../../lib/media";
import { countText, heatColor, histogramGrid, spreadIndices, type HistogramGrid } from "../../lib/mediaHistograms";
import { Histogram } from "../MediaView";
import "./media.css";
import { useWidth } from "../../lib/useWidth";

const fmt = (v: number): string => String(Number(v.toPrecision(3)));

interface Hover {
  step: number;
  lo: number;
  hi: number;
  count: number;
}

export function HistogramSteps({ steps, selected, compact }: { steps: readonly MediaStep[]; selected: number | null; compact?: boolean | undefined }): React.JSX.Element {
  const grid = useMemo(() => histogramGrid(steps), [steps]);
  const [mode, setMode] = useState<"heatmap" | "ridge" | "step">("heatmap");
  const [hover, setHover] = useState<Hover | null>(null);
  if (grid.steps.length === 0) return <div className="muted">Empty histograms</div>;
  const at = (si: number, bin: number): Hover => ({ step: grid.steps[si] as number, lo: grid.edges[bin] as number, hi: grid.edges[bin + 1] as number, count: grid.counts[si]?.[bin] ?? 0 });
  return (
    <div className="media-hist-steps" data-testid="histogram-steps" data-mode={mode} data-bins={grid.edges.length - 1} data-steps={grid.steps.length}>
      <div className="hist-modes" role="group" aria-label="histogram view">
        {(["heatmap", "ridge", "step"] as const).map((m) => (
          <button key={m} type="button" className={`chip${m === mode ? " on" : ""}`} aria-pressed={m === mode} onClick={() => setMode(m)} data-testid={`hist-mode-${m}`}>
            {m === "heatmap" ? "heat map" : m === "ridge" ? "ridge" : "this step"}
          </button>
        ))}
      </div>
      {mode === "step" ? (
        <StepBars steps={steps} selected={selected} compact={compact} />
      ) : mode === "heatmap" ? (
        <HeatMap grid={grid} selected={selected} compact={compact} onHover={(si, bin) => setHover(si === null ? null : at(si, bin))} />
      ) : (
        <Ridge grid={grid} compact={compact} onHover={(si, bin) => setHover(si === null ? null : at(si, bin))} />
      )}
      <div className="chart-readout" data-testid="hist-hover">
        {hover ? (
          <>
            step <b>{hover.step}</b> · [{fmt(hover.lo)}, {fmt(hover.hi)}) · count <b>{countText(hover.count)}</b>
          </>
        ) : (
          <span className="muted">
            {grid.steps.length} steps · values {fmt(grid.edges[0] as number)} to {fmt(grid.edges[grid.edges.length - 1] as number)}
          </span>
        )}
      </div>
    </div>
  );
}

/** The histogram at the slider's step, as bars. */
function StepBars({ steps, selected, compact }: { steps: readonly MediaStep[]; selected: number | null; compact?: boolean | undefined }): React.JSX.Element {
  const shown = atStep(steps, selected);
  return shown ? <Histogram value={shown.ref} compact={compact} /> : <div className="muted">Nothing logged</div>;
}

type OnHover = (stepIndex: number | null, bin: number) => void;

function HeatMap({ grid, selected, compact, onHover }: { grid: HistogramGrid; selected: number | null; compact?: boolean | undefined; onHover: OnHover }): React.JSX.Element {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [box, boxWidth] = useWidth(compact ? 280 : 520);
  const W = Math.max(120, Math.min(compact ? 420 : 720, boxWidth));
  const H = compact ? 140 : 220;
  const nSteps = grid.steps.length;
  const nBins = grid.edges.length - 1;
  const sel = selected === null ? nSteps - 1 : grid.steps.indexOf(selected);
  // The cells once per grid and size: one pixel per (step, bin) in an image, scaled up without
  // smoothing (thousands of steps draw in one call). The chosen step is an outline over it.
  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext("2d");
    if (!c || !ctx || nSteps === 0 || nBins <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(W * dpr);
    c.height = Math.round(H * dpr);
    const img = new ImageData(nSteps, nBins);
    grid.counts.forEach((row, si) =>
      row.forEach((count, b) => {
        if (count <= 0) return;
        const [r, g, bl] = heatColor(grid.max > 0 ? count / grid.max : 0);
        const i = ((nBins - 1 - b) * nSteps + si) * 4; // bin 0 at the bottom
        img.data[i] = r;
        img.data[i + 1] = g;
        img.data[i + 2] = bl;
        img.data[i + 3] = 255;
      }),
    );
    const cells = document.createElement("canvas");
    cells.width = nSteps;
    cells.height = nBins;
    cells.getContext("2d")?.putImageData(img, 0, 0);
    let source: HTMLCanvasElement = cells;
    if (nSteps > c.width) {
      // More steps than pixels: average the steps down first (nearest would drop whole steps),
      // then stretch the bins without blurring them.
      const narrow = document.createElement("canvas");
      narrow.width = c.width;
      narrow.height = nBins;
      const nctx = narrow.getContext("2d");
      if (nctx) {
        nctx.imageSmoothingQuality = "high";
        nctx.drawImage(cells, 0, 0, c.width, nBins);
        source = narrow;
      }
    }
    ctx.imageSmoothingEnabled = false;
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.drawImage(source, 0, 0, c.width, c.height);
  }, [grid, W, H, nSteps, nBins]);
  const pick = (e: React.MouseEvent<HTMLCanvasElement>): void => {
    const r = e.currentTarget.getBoundingClientRect();
    const si = Math.min(nSteps - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * nSteps)));
    const bin = Math.min(nBins - 1, Math.max(0, Math.floor(((r.bottom - e.clientY) / r.height) * nBins)));
    onHover(si, bin);
  };
  return (
    <div className="hist-heat">
      <div className="hist-yaxis">
        <span>{fmt(grid.edges[nBins] as number)}</span>
        <span>{fmt(grid.edges[0] as number)}</span>
      </div>
      <div ref={box} className="hist-plot">
        <div className="hist-canvas" style={{ width: W, height: H }}>
          <canvas ref={canvas} style={{ width: W, height: H }} onMouseMove={pick} onMouseLeave={() => onHover(null, 0)} data-testid="hist-heatmap" />
          {sel >= 0 && <div className="hist-selected" style={{ left: (sel * W) / nSteps, width: Math.max(3, W / nSteps) }} data-testid="hist-selected" data-step={grid.steps[sel]} />}
        </div>
        <div className="hist-xaxis" style={{ width: W }}>
          <span>step {grid.steps[0]}</span>
          <span>{grid.steps[nSteps - 1]}</span>
        </div>
      </div>
    </div>
  );
}

function Ridge({ grid, compact, onHover }: { grid: HistogramGrid; compact?: boolean | undefined; onHover: OnHover }): React.JSX.Element {
  const W = compact ? 280 : 520;
  const rows = spreadIndices(grid.steps.length, compact ? 12 : 24);
  const gap = compact ? 10 : 14;
  const amp = gap * 3; // a full-height curve overlaps the three rows behind it
  const left = 56;
  const H = amp + gap * (rows.length - 1) + 20;
  const nBins = grid.edges.length - 1;
  const x = (b: number): number => left + (b / nBins) * (W - left - 8);
  // The curve under the cursor is the front-most one whose area holds it (later steps are in front).
  const pick = (e: React.MouseEvent<SVGSVGElement>): void => {
    const box = e.currentTarget.getBoundingClientRect();
    const px = ((e.clientX - box.left) / box.width) * W;
    const py = ((e.clientY - box.top) / box.height) * H;
    const bin = Math.floor(((px - left) / (W - left - 8)) * nBins);
    if (bin < 0 || bin >= nBins) return onHover(null, 0);
    for (let r = rows.length - 1; r >= 0; r--) {
      const si = rows[r] as number;
      const base = amp + gap * r;
      const top = base - (grid.max > 0 ? ((grid.counts[si]?.[bin] ?? 0) / grid.max) * amp : 0);
      if (py <= base && py >= top - 2) return onHover(si, bin);
    }
    onHover(null, 0);
  };
  return (
    <svg className="hist-ridge" viewBox={`0 0 ${W} ${H}`} style={{ maxWidth: W }} data-testid="hist-ridge" onMouseMove={pick} onMouseLeave={() => onHover(null, 0)}>
      {rows.map((si, r) => {
        const base = amp + gap * r;
        const counts = grid.counts[si] ?? [];
        let d = `M${x(0)},${base}`;
        counts.forEach((c, b) => {
          const y = base - (grid.max > 0 ? (c / grid.max) * amp : 0);
          d += ` L${x(b)},${y} L${x(b + 1)},${y}`;
        });
        d += ` L${x(nBins)},${base} Z`;
        const [cr, cg, cb] = heatColor(rows.length > 1 ? r / (rows.length - 1) : 1);
        return (
          <g key={si} data-testid="ridge-row" data-step={grid.steps[si]}>
            <path d={d} fill={`rgba(${cr},${cg},${cb},0.55)`} stroke={`rgb(${cr},${cg},${cb})`} strokeWidth={1} />
            {(r === 0 || r === rows.length - 1 || r % 4 === 0) && (
              <text x={left - 6} y={base} textAnchor="end" className="tick">
                {grid.steps[si]}
              </text>
            )}
          </g>
        );
      })}
      <text x={left} y={H - 4} className="tick">
        {fmt(grid.edges[0] as number)}
      </text>
      <text x={W - 8} y={H - 4} textAnchor="end" className="tick">
        {fmt(grid.edges[nBins] as number)}
      </text>
    </svg>
  );
}
