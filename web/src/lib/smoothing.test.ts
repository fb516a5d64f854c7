import { describe, expect, it } from "vitest";
import { emaTimeWeighted, gaussian, runningAverage, smooth } from "./smoothing";

describe("time-weighted EMA", () => {
  it("matches hand-computed debiased values on evenly spaced points", () => {
    // xs 0..2 -> range 2, dx per step = 1/2*1000 = 500, decay = 0.5**500 ~ 0: no memory at this scale.
    const out = emaTimeWeighted([0, 1, 2], [1, 2, 3], 0.5);
    expect(out[0]).toBeCloseTo(1);
    expect(out[1]).toBeCloseTo(2);
    expect(out[2]).toBeCloseTo(3);
  });

  it("remembers the past when points are dense relative to the range", () => {
    // 1001 points over range 1000: dx = 1 per point, decay = w = 0.5.
    const xs = Array.from({ length: 1001 }, (_, i) => i);
    const ys = xs.map((x) => (x === 0 ? 0 : 1));
    const out = emaTimeWeighted(xs, ys, 0.5);
    // acc: 0 -> 0*0.5+1 = 1; debias: 1 -> 1.5; 1/1.5
    expect(out[1]).toBeCloseTo(1 / 1.5, 10);
    // acc: 1*0.5+1 = 1.5; debias 1.5*0.5+1 = 1.75
    expect(out[2]).toBeCloseTo(1.5 / 1.75, 10);
  });

  it("keeps gaps as gaps and skips non-finite values", () => {
    const out = emaTimeWeighted([0, 1, 2], [1, null, Number.NaN], 0.9);
    expect(out).toEqual([1, null, null]);
  });
});

describe("gaussian", () => {
  it("weights neighbours by exp(-d^2 / 2 sigma^2)", () => {
    const out = gaussian([0, 1, 2], [0, 3, 0], 1);
    const w1 = Math.exp(-0.5);
    const w2 = Math.exp(-2);
    expect(out[1]).toBeCloseTo((3 + 0 * w1 * 2) / (1 + 2 * w1), 10);
    expect(out[0]).toBeCloseTo((w1 * 3) / (1 + w1 + w2), 10);
  });
});

describe("running average", () => {
  it("averages the trailing window", () => {
    expect(runningAverage([1, 2, 3, 4], 2)).toEqual([1, 1.5, 2.5, 3.5]);
  });
  it("ignores missing points", () => {
    expect(runningAverage([2, null, 4], 3)).toEqual([2, null, 3]);
  });
});

it("none passes values through", () => {
  expect(smooth([0, 1], [5, null], { kind: "none", param: 0 })).toEqual([5, null]);
});
