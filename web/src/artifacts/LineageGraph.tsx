/**
 * The lineage graph drawn as SVG: artifact versions as boxes coloured by type, runs as rounded
 * boxes, arrows from what was used to the run and from the run to what it logged; the current version
 * outlined. Drag to pan, wheel or the buttons to zoom, "Fit" to see it all; a click (or Enter) on a
 * box goes to that version or run. Labels are SVG text: names with markup show as typed.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { navigate, paths } from "../router";
import { fitView, layoutLineage, NODE_H, NODE_W, zoomAt, type LaidNode } from "./lineageLayout";
import type { LineageGraph } from "./types";

/** The canvas fits the graph's height at 1:1, within these bounds (a chain of five is one row). */
const MIN_HEIGHT = 220;
const MAX_HEIGHT = 600;
const PALETTE = ["#2f6fdb", "#2b8a3e", "#ae3ec9", "#e67700", "#1098ad", "#c92a2a", "#5c7cfa", "#66a80f"];

/** A steady colour per artifact type (dataset, model, ...). */
export function typeColor(type: string): string {
  let h = 0;
  for (let i = 0; i < type.length; i++) h = (h * 31 + type.charCodeAt(i)) >>> 0;
  if (type === "dataset") return PALETTE[1] as string;
  if (type === "model") return PALETTE[2] as string;
  return PALETTE[h % PALETTE.length] as string;
}

function target(n: LaidNode): string | null {
  const { node } = n;
  if (node.kind === "artifact" && node.artifact) {
    const a = node.artifact;
    return paths.artifactVersion(a.entity, a.project, a.type, a.name, a.version, "lineage");
  }
  if (node.kind === "run" && node.run) return paths.run(node.run.entity, node.run.project, node.run.run_id);
  return null;
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function LineageGraphView({ graph, currentId }: { graph: LineageGraph; currentId: string }): React.JSX.Element {
  const layout = useMemo(() => layoutLineage(graph, currentId), [graph, currentId]);
  const HEIGHT = Math.round(Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, layout.height + 32)));
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ k: 1, x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; vx: number; vy: number; moved: boolean } | null>(null);
  const moved = useRef(false);

  const fit = (): void => {
    const el = box.current;
    if (el) setView(fitView(layout.width, layout.height, el.clientWidth, HEIGHT));
  };
  // A new graph (another depth, another version) is fitted once it is laid out.
  useEffect(fit, [layout, HEIGHT]);

  // The wheel zooms the graph, not the page: a non-passive listener, so the page does not scroll.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      setView((v) => zoomAt(v, Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top));
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, []);

  const zoomBy = (f: number): void => {
    const el = box.current;
    setView((v) => zoomAt(v, f, (el?.clientWidth ?? 0) / 2, HEIGHT / 2));
  };

  return (
    <div className="lineage-graph">
      <div className="lineage-tools">
        <button type="button" onClick={() => zoomBy(1.25)} aria-label="zoom in" data-testid="zoom-in">
          +
        </button>
        <button type="button" onClick={() => zoomBy(0.8)} aria-label="zoom out" data-testid="zoom-out">
          −
        </button>
        <button type="button" onClick={fit} data-testid="zoom-fit">
          Fit
        </button>
        <span className="muted">{Math.round(view.k * 100)}%</span>
        <span className="spacer" />
        <span className="legend">
          <span className="legend-run" /> run <span className="legend-art" /> artifact version <span className="legend-current" /> this version{" "}
          <span className="legend-line logged" /> logged <span className="legend-line used" /> used
        </span>
      </div>
      <div
        ref={box}
        className="lineage-canvas"
        style={{ height: HEIGHT }}
        data-testid="lineage-canvas"
        data-zoom={view.k.toFixed(3)}
        onPointerDown={(e) => {
          drag.current = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
          moved.current = false;
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          const dx = e.clientX - d.x;
          const dy = e.clientY - d.y;
          if (!d.moved && Math.hypot(dx, dy) < 4) return; // a click, not a drag
          if (!d.moved) (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
          d.moved = true;
          moved.current = true;
          setView((v) => ({ ...v, x: d.vx + dx, y: d.vy + dy }));
        }}
        onPointerUp={() => {
          drag.current = null;
        }}
        onPointerCancel={() => {
          drag.current = null;
        }}
      >
        <svg width="100%" height={HEIGHT} role="img" aria-label="lineage graph">
          <defs>
            <marker id="lineage-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="lineage-arrowhead" />
            </marker>
          </defs>
          <g transform={`translate(${view.x},${view.y}) scale(${view.k})`}>
            {layout.edges.map((e) => (
              <path key={e.id} d={e.d} className={`lineage-edge ${e.kind}`} markerEnd="url(#lineage-arrow)" data-testid="lineage-edge" data-id={e.id} />
            ))}
            {layout.nodes.map((n) => (
              <NodeBox
                key={n.id}
                n={n}
                onOpen={() => {
                  if (moved.current) return; // the end of a drag is no click
                  const to = target(n);
                  if (to) navigate(to);
                }}
              />
            ))}
          </g>
        </svg>
      </div>
    </div>
  );
}

function NodeBox({ n, onOpen }: { n: LaidNode; onOpen: () => void }): React.JSX.Element {
  const { node } = n;
  const a = node.artifact;
  const run = node.run;
  const kindLine = node.kind === "artifact" ? (a?.type ?? "artifact") : `run${run?.job_type ? ` · ${run.job_type}` : ""}`;
  const title = node.kind === "artifact" && a ? `${a.qualified_name}` : run ? `${run.name ?? run.run_id} (${run.entity}/${run.project}/${run.run_id})` : node.label;
  const color = node.kind === "artifact" ? typeColor(a?.type ?? "") : "var(--muted)";
  return (
    <g
      className={`lineage-node ${node.kind}${n.current ? " current" : ""}`}
      transform={`translate(${n.x},${n.y})`}
      role="link"
      tabIndex={0}
      aria-label={title}
      onClick={onOpen}
      onKeyDown={(e) => {
        if (e.key === "Enter") onOpen();
      }}
      data-testid="lineage-node"
      data-id={n.id}
      data-kind={node.kind}
      data-current={n.current ? "true" : undefined}
    >
      <title>{title}</title>
      <rect width={NODE_W} height={NODE_H} rx={node.kind === "run" ? 26 : 6} className="node-box" style={{ stroke: n.current ? undefined : color }} />
      {node.kind === "artifact" && <rect width={6} height={NODE_H} rx={3} style={{ fill: color }} />}
      <text x={16} y={20} className="node-kind" style={{ fill: color }}>
        {clip(kindLine, 30)}
      </text>
      <text x={16} y={40} className="node-label">
        {clip(node.label, 26)}
      </text>
    </g>
  );
}
