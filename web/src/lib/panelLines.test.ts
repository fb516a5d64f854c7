import { expect, it } from "vitest";
import { lineKey, linesForMetrics } from "./panelLines";

const runs = [
  { key: "e/p/a", name: "a", color: "#111111", group: "g1" },
  { key: "e/p/b", name: "b", color: "#222222", group: null },
];

it("one metric: the runs as they are", () => {
  expect(linesForMetrics(runs, ["loss"])).toEqual(runs);
  expect(lineKey("e/p/a", "loss", false)).toBe("e/p/a");
});

it("several metrics: a line per run and metric, first metric in the run's colour, groups per metric", () => {
  const lines = linesForMetrics(runs, ["loss", "acc"]);
  expect(lines.map((l) => [l.name, l.group])).toEqual([
    ["a · loss", "g1 · loss"],
    ["a · acc", "g1 · acc"],
    ["b · loss", null],
    ["b · acc", null],
  ]);
  expect(lines[0]?.color).toBe("#111111");
  expect(lines[1]?.color).not.toBe("#111111");
  expect(new Set(lines.map((l) => l.key)).size).toBe(4);
  expect(lines[1]?.key).toBe(lineKey("e/p/a", "acc", true));
});
