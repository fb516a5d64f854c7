import { expect, it } from "vitest";
import { buildPlot, type RawSeries } from "./chartdata";

const s = (steps: number[], values: number[], t0 = 100): RawSeries => ({
  key: "loss",
  steps,
  values,
  timestamps: steps.map((x) => t0 + x * 2),
});
const runs = [
  { key: "e/p/a", name: "a", color: "#111", group: "g1" },
  { key: "e/p/b", name: "b", color: "#222", group: "g1" },
];

it("plots one line per run against step", () => {
  const byRun = new Map([
    ["e/p/a", { y: s([0, 1, 2], [3, 2, 1]) }],
    ["e/p/b", { y: s([0, 1, 2], [5, 4, 3]) }],
  ]);
  const p = buildPlot(runs, byRun, "step", { kind: "none", param: 0 }, false);
  expect(p.faceted).toBe(true);
  expect(p.lines.map((l) => [l.label, l.role, l.x, l.values])).toEqual([
    ["a", "line", [0, 1, 2], [3, 2, 1]],
    ["b", "line", [0, 1, 2], [5, 4, 3]],
  ]);
  expect(p.maxPoints).toBe(3);
});

it("draws each run from its own points: runs sampled at different steps are not aligned", () => {
  const byRun = new Map([
    ["e/p/a", { y: s([0, 10, 20], [3, 2, 1]) }],
    ["e/p/b", { y: s([5, 15], [5, 4]) }],
  ]);
  const p = buildPlot(runs, byRun, "step", { kind: "none", param: 0 }, false);
  expect(p.lines.map((l) => [l.x, l.values])).toEqual([
    [[0, 10, 20], [3, 2, 1]],
    [[5, 15], [5, 4]],
  ]);
});

it("uses relative time and another metric as x", () => {
  const byRun = new Map([["e/p/a", { y: s([0, 1, 2], [3, 2, 1]), x: { ...s([0, 2], [0, 1]), key: "epoch" } }]]);
  expect(buildPlot(runs, byRun, "relative", { kind: "none", param: 0 }, false).lines[0]?.x).toEqual([0, 2, 4]);
  expect(buildPlot(runs, byRun, { metric: "epoch" }, { kind: "none", param: 0 }, false).lines[0]?.x).toEqual([0, 0.5, 1]);
});

it("keeps the raw line when smoothing", () => {
  const byRun = new Map([["e/p/a", { y: s([0, 1], [1, 3]) }]]);
  const p = buildPlot(runs, byRun, "step", { kind: "average", param: 2 }, false);
  expect(p.lines.map((l) => [l.role, l.values])).toEqual([
    ["raw", [1, 3]],
    ["line", [1, 2]],
  ]);
});

it("draws a group as mean with a min-max band", () => {
  const byRun = new Map([
    ["e/p/a", { y: s([0, 1], [1, 3]) }],
    ["e/p/b", { y: s([0, 1], [3, 5]) }],
  ]);
  const p = buildPlot(runs, byRun, "step", { kind: "none", param: 0 }, true);
  expect(p.lines.map((l) => [l.label, l.role, l.values])).toEqual([
    ["g1 max", "max", [3, 5]],
    ["g1 min", "min", [1, 3]],
    ["g1 (2)", "mean", [2, 4]],
  ]);
  expect(p.bands).toEqual([[0, 1]]);
});
