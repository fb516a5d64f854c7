import { describe, expect, it } from "vitest";
import { alignSeries, nearestIndex, stepsToMetric } from "./align";
import { bandOf, groupBy } from "./grouping";

describe("alignSeries", () => {
  it("shares x when runs were sampled identically", () => {
    const a = alignSeries([
      { x: [0, 1], y: [1, 2] },
      { x: [0, 1], y: [3, 4] },
    ]);
    expect(a).toEqual({ x: [0, 1], ys: [[1, 2], [3, 4]] });
  });
  it("takes the union of x and leaves gaps", () => {
    const a = alignSeries([
      { x: [0, 2, 4], y: [1, 2, 3] },
      { x: [1, 2], y: [7, 8] },
    ]);
    expect(a.x).toEqual([0, 1, 2, 4]);
    expect(a.ys).toEqual([
      [1, null, 2, 3],
      [null, 7, 8, null],
    ]);
  });
});

describe("stepsToMetric", () => {
  it("interpolates the x metric between its logged points", () => {
    expect(stepsToMetric([0, 5, 10, 11], [0, 10], [0, 1])).toEqual([0, 0.5, 1, null]);
  });
  it("is exact where the metric was logged", () => {
    expect(stepsToMetric([2, 3], [1, 2, 3], [10, 20, 30])).toEqual([20, 30]);
  });
});

describe("bandOf", () => {
  it("computes mean, min and max ignoring gaps", () => {
    const b = bandOf(
      [
        [1, null, 3],
        [3, 5, null],
      ],
      3,
    );
    expect(b).toEqual({ mean: [2, 5, 3], min: [1, 5, 3], max: [3, 5, 3] });
  });

  it("spans one population standard deviation either side of the mean when asked", () => {
    // values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, population std dev 2
    const ys = [2, 4, 4, 4, 5, 5, 7, 9].map((v) => [v, null]);
    const b = bandOf([...ys, [null, 1]], 2, "std");
    expect(b.mean).toEqual([5, 1]);
    expect(b.min).toEqual([3, 1]);
    expect(b.max).toEqual([7, 1]);
  });
});

describe("groupBy", () => {
  it("keeps first-seen order and a (none) group", () => {
    const g = groupBy([{ g: "a" }, { g: null }, { g: "b" }, { g: "a" }], (r) => r.g);
    expect(g.map((x) => [x.label, x.items.length])).toEqual([
      ["a", 2],
      ["(none)", 1],
      ["b", 1],
    ]);
  });
});

describe("nearestIndex", () => {
  it("finds the point nearest to x in sorted x, ties to the left, ends clamped", () => {
    const xs = [0, 10, 20, 40];
    expect(nearestIndex(xs, 11)).toBe(1);
    expect(nearestIndex(xs, 15)).toBe(1);
    expect(nearestIndex(xs, 16)).toBe(2);
    expect(nearestIndex(xs, -5)).toBe(0);
    expect(nearestIndex(xs, 99)).toBe(3);
    expect(nearestIndex([7], 3)).toBe(0);
  });
});
