/**
 * The lineage graph laid out left to right (inputs on the left: dataset -> training run -> model ->
 * evaluation run) by dagre's layered layout, which keeps crossings few however many runs used a
 * version. Pure: takes the server's LineageGraph, returns boxes and edge paths in graph coordinates
 * that LineageGraph.tsx draws as SVG and pans/zooms.
 */
import dagre from "@dagrejs/dagre";
import type { LineageGraph, LineageNode } from "./types";

export const NODE_W = 220;
export const NODE_H = 54;

export interface LaidNode {
  id: string;
  node: LineageNode;
  /** Top-left corner. */
  x: number;
  y: number;
  current: boolean;
}

export interface LaidEdge {
  id: string;
  kind: "logged" | "used";
  d: string;
}

export interface LineageLayout {
  nodes: LaidNode[];
  edges: LaidEdge[];
  width: number;
  height: number;
}

export function layoutLineage(graph: Pick<LineageGraph, "nodes" | "edges">, currentId: string | null): LineageLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 20, ranksep: 72, marginx: 24, marginy: 24 });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set<string>();
  for (const n of graph.nodes) {
    if (known.has(n.id)) continue;
    known.add(n.id);
    g.setNode(n.id, { width: NODE_W, height: NODE_H });
  }
  // An edge to a node past the depth limit has nothing to point at: left out.
  const edges = graph.edges.filter((e) => known.has(e.source) && known.has(e.target) && e.source !== e.target);
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const nodes: LaidNode[] = [...known].map((id) => {
    const label = g.node(id) as { x: number; y: number };
    return { id, node: byId.get(id) as LineageNode, x: label.x - NODE_W / 2, y: label.y - NODE_H / 2, current: id === currentId };
  });
  const laidEdges: LaidEdge[] = edges.map((e) => {
    const points = ((g.edge(e.source, e.target) as { points?: { x: number; y: number }[] } | undefined)?.points ?? []).filter(
      (p) => Number.isFinite(p.x) && Number.isFinite(p.y),
    );
    return { id: `${e.source}->${e.target}`, kind: e.kind, d: smoothPath(points) };
  });
  const size = g.graph() as { width?: number; height?: number };
  return { nodes, edges: laidEdges, width: size.width ?? 0, height: size.height ?? 0 };
}

/** A curve through dagre's points (a cubic per segment, horizontal tangents), as an SVG path. */
export function smoothPath(points: { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return "";
  let d = `M${r(first.x)},${r(first.y)}`;
  let prev = first;
  for (const p of rest) {
    const mid = (prev.x + p.x) / 2;
    d += ` C${r(mid)},${r(prev.y)} ${r(mid)},${r(p.y)} ${r(p.x)},${r(p.y)}`;
    prev = p;
  }
  return d;
}

const r = (v: number): string => String(Math.round(v * 10) / 10);

/** The zoom and offset that fit a graph of `w` x `h` into a box of `bw` x `bh` (never enlarged
 * past 1:1, so a two-node graph is not drawn huge). */
export function fitView(w: number, h: number, bw: number, bh: number): { k: number; x: number; y: number } {
  if (w <= 0 || h <= 0 || bw <= 0 || bh <= 0) return { k: 1, x: 0, y: 0 };
  const k = Math.min(1, bw / w, bh / h);
  return { k, x: (bw - w * k) / 2, y: (bh - h * k) / 2 };
}

/** The view after zooming by `factor` around the point (px, py) of the box, within [0.1, 4]. */
export function zoomAt(view: { k: number; x: number; y: number }, factor: number, px: number, py: number): { k: number; x: number; y: number } {
  const k = Math.min(4, Math.max(0.1, view.k * factor));
  const f = k / view.k;
  return { k, x: px - (px - view.x) * f, y: py - (py - view.y) * f };
}
