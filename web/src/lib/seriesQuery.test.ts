import { expect, it } from "vitest";
import { MIN_SAMPLES, samplesFor } from "./seriesQuery";

it("gives a line fewer points the more runs a chart draws, within 64..1000", () => {
  expect(samplesFor(1)).toBe(1000);
  expect(samplesFor(20)).toBe(1000);
  expect(samplesFor(400)).toBe(150);
  expect(samplesFor(2000)).toBe(MIN_SAMPLES);
  const many = [1, 20, 60, 100, 250, 500, 900, 1000];
  const points = many.map(samplesFor);
  expect(points).toEqual([...points].sort((a, b) => b - a));
  // A chart's whole answer stays near 60k points until the floor.
  for (const runs of many) expect(runs * samplesFor(runs)).toBeLessThanOrEqual(Math.max(60_000, runs * MIN_SAMPLES));
});

it("at 1,000 runs asks few enough points that a 10,000-step run is read from its sketches", () => {
  // The server (store/history/sketch.py use_sketches) reads sketches when every one of the
  // samples / 4 min/max buckets spans at least 512 points.
  const buckets = Math.floor(samplesFor(1000) / 4);
  expect(buckets * 512).toBeLessThanOrEqual(10_000);
});
