import { describe, expect, it } from "vitest";
import { fitView, layoutLineage, NODE_W, smoothPath, zoomAt } from "./lineageLayout";
import type { LineageGraph } from "./types";

const run = (id: string) => ({ id: `run:me/p/${id}`, kind: "run" as const, label: id });
const art = (id: string) => ({ id: `artifact:${id}`, kind: "artifact" as const, label: id });

describe("lineage layout", () => {
  const graph: Pick<LineageGraph, "nodes" | "edges"> = {
    nodes: [art("dataset:v1"), run("train"), art("model:v0"), run("eval"), run("eval2")],
    edges: [
      { source: "artifact:dataset:v1", target: "run:me/p/train", kind: "used" },
      { source: "run:me/p/train", target: "artifact:model:v0", kind: "logged" },
      { source: "artifact:model:v0", target: "run:me/p/eval", kind: "used" },
      { source: "artifact:model:v0", target: "run:me/p/eval2", kind: "used" },
      { source: "artifact:model:v0", target: "run:me/p/gone", kind: "used" },
    ],
  };

  it("inputs to the left of what they fed, the current version marked", () => {
    const l = layoutLineage(graph, "artifact:model:v0");
    const x = (id: string) => l.nodes.find((n) => n.id === id)?.x ?? NaN;
    expect(x("artifact:dataset:v1")).toBeLessThan(x("run:me/p/train"));
    expect(x("run:me/p/train")).toBeLessThan(x("artifact:model:v0"));
    expect(x("artifact:model:v0")).toBeLessThan(x("run:me/p/eval"));
    expect(x("run:me/p/eval")).toBe(x("run:me/p/eval2"));
    expect(l.nodes.filter((n) => n.current).map((n) => n.id)).toEqual(["artifact:model:v0"]);
    // the edge to a node past the depth limit is left out; the others are curves
    expect(l.edges).toHaveLength(4);
    for (const e of l.edges) expect(e.d).toMatch(/^M[\d.-]+,[\d.-]+( C[\d., -]+)+$/);
    expect(l.width).toBeGreaterThan(4 * NODE_W);
    // no two boxes overlap
    for (const a of l.nodes) for (const b of l.nodes) if (a !== b) expect(Math.abs(a.x - b.x) >= NODE_W || Math.abs(a.y - b.y) >= 54).toBe(true);
  });

  it("a single node and an empty graph", () => {
    expect(layoutLineage({ nodes: [art("x")], edges: [] }, "artifact:x").nodes).toHaveLength(1);
    expect(layoutLineage({ nodes: [], edges: [] }, null).nodes).toEqual([]);
  });

  it("paths, fitting and zooming", () => {
    expect(smoothPath([{ x: 0, y: 0 }, { x: 10, y: 20 }])).toBe("M0,0 C5,0 5,20 10,20");
    expect(smoothPath([])).toBe("");
    expect(fitView(2000, 500, 1000, 500)).toEqual({ k: 0.5, x: 0, y: 125 });
    expect(fitView(100, 100, 1000, 500).k).toBe(1);
    const z = zoomAt({ k: 1, x: 0, y: 0 }, 2, 100, 100);
    expect(z).toEqual({ k: 2, x: -100, y: -100 });
    expect(zoomAt({ k: 4, x: 0, y: 0 }, 2, 0, 0).k).toBe(4);
  });
});
