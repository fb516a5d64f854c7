import { describe, expect, it } from "vitest";
import { peaks, seekTime } from "./waveform";

describe("waveform", () => {
  it("keeps each column's extremes over every channel", () => {
    const left = new Float32Array([0, 0.5, -0.25, 0, 0, 0, 0.9, 0]);
    const right = new Float32Array([0, 0, 0, -1, 0, 0, 0, 0]);
    const p = peaks([left, right], 2);
    expect([...p.min]).toEqual([-1, 0]);
    expect([...p.max]).toEqual([0.5, 0.8999999761581421]);
  });

  it("never asks for more columns than samples, and copes with silence", () => {
    expect(peaks([new Float32Array([0.25, -0.25])], 100).max.length).toBe(2);
    expect(peaks([new Float32Array(0)], 10).max.length).toBe(1);
  });

  it("turns a click into a playback position inside the clip", () => {
    expect(seekTime(50, 200, 8)).toBe(2);
    expect(seekTime(-5, 200, 8)).toBe(0);
    expect(seekTime(500, 200, 8)).toBe(8);
    expect(seekTime(10, 0, 8)).toBe(0);
  });
});
