import { describe, expect, it } from "vitest";
import { countText, heatColor, histogramGrid, rebinBars, spreadIndices } from "./mediaHistograms";

const h = (step: number, values: number[], bins: number[]) => ({ step, ref: { _type: "histogram", values, bins } });

describe("re-binning", () => {
  it("spreads each bar over the common bins by overlap, keeping the total", () => {
    // [0,2) holds 4, [2,4) holds 2: on bins of width 1, 2+2+1+1; on [0,3),[3,6): 4+1, 1.
    expect(rebinBars([{ x0: 0, x1: 2, count: 4 }, { x0: 2, x1: 4, count: 2 }], [0, 1, 2, 3, 4])).toEqual([2, 2, 1, 1]);
    expect(rebinBars([{ x0: 0, x1: 2, count: 4 }, { x0: 2, x1: 4, count: 2 }], [0, 3, 6])).toEqual([5, 1]);
    // A zero-width bar (all values equal) counts in its bin; the top edge belongs to the last bin.
    expect(rebinBars([{ x0: 1.5, x1: 1.5, count: 3 }], [0, 1, 2])).toEqual([0, 3]);
    expect(rebinBars([{ x0: 2, x1: 2, count: 1 }], [0, 1, 2])).toEqual([0, 1]);
  });

  it("uses shared edges as they are", () => {
    const g = histogramGrid([h(0, [1, 2], [0, 1, 2]), h(5, [3, 0], [0, 1, 2])]);
    expect(g).toEqual({ steps: [0, 5], edges: [0, 1, 2], counts: [[1, 2], [3, 0]], max: 3 });
  });

  it("re-bins steps with their own ranges onto equal bins over all of them", () => {
    const g = histogramGrid([h(0, [4, 4], [0, 1, 2]), h(1, [2, 6], [2, 3, 4])]);
    expect(g.edges).toEqual([0, 2, 4]);
    expect(g.counts).toEqual([[8, 0], [0, 8]]);
    const fine = histogramGrid([h(0, [4, 4], [0, 1, 2]), h(1, [2, 6], [2, 3, 4])], 4);
    expect(fine.counts).toEqual([[4, 4, 0, 0], [0, 0, 2, 6]]);
    expect(fine.max).toBe(6);
  });

  it("reads packed bins and skips empty histograms", () => {
    const g = histogramGrid([{ step: 3, ref: { _type: "histogram", values: [1, 1], packedBins: { min: 0, size: 0.5, count: 2 } } }, h(4, [], [0])]);
    expect(g).toEqual({ steps: [3], edges: [0, 0.5, 1], counts: [[1, 1]], max: 1 });
  });
});

describe("helpers", () => {
  it("colours from dark to yellow, clamped", () => {
    expect(heatColor(0)).toEqual([68, 1, 84]);
    expect(heatColor(1)).toEqual([253, 231, 37]);
    expect(heatColor(2)).toEqual([253, 231, 37]);
    expect(heatColor(0.125)).toEqual([64, 42, 112]);
  });

  it("spreads ridge rows evenly, first and last included", () => {
    expect(spreadIndices(3, 10)).toEqual([0, 1, 2]);
    expect(spreadIndices(10, 4)).toEqual([0, 3, 6, 9]);
    expect(spreadIndices(5, 1)).toEqual([4]);
  });

  it("prints whole counts whole and shares to 3 digits", () => {
    expect(countText(41)).toBe("41");
    expect(countText(2 / 3)).toBe("0.667");
  });
});
