import { expect, it } from "vitest";
import { linesOf } from "./highlight";

const lines = [
  { runKey: "e/p/a", role: "raw" },
  { runKey: "e/p/a", role: "line" },
  { runKey: "e/p/ab", role: "line" },
  { runKey: "e/p/a\u0001val/loss", role: "line" },
  { group: "adam", role: "max" },
  { group: "adam", role: "mean" },
  { group: "sgd", role: "mean" },
];

it("a run's highlight finds its lines in every metric of the chart, and nothing of another run", () => {
  expect(linesOf(lines, "e/p/a")).toEqual([1, 3]); // the smoothed line, not the faint raw one
  expect(linesOf([{ runKey: "e/p/a", role: "raw" }], "e/p/a")).toEqual([0]); // an opened group's run
  expect(linesOf(lines, "e/p/ab")).toEqual([2]);
  expect(linesOf(lines, null)).toEqual([]);
});

it("a group's highlight finds its mean line only", () => {
  expect(linesOf(lines, "group:adam")).toEqual([5]);
  expect(linesOf(lines, "group:none")).toEqual([]);
});
