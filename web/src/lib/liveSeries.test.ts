import { describe, expect, it } from "vitest";
import type { SeriesQueryResponse } from "../api/client";
import { afterSteps, mergeTail } from "./liveSeries";

const series = (key: string, steps: number[], sampled = false) => ({
  key,
  steps,
  values: steps.map((s) => s / 10),
  timestamps: [],
  total_points: steps.length,
  sampled,
});
const run = (id: string, last: number | null, ...s: ReturnType<typeof series>[]) => ({ entity: "e", project: "p", run_id: id, last_step: last, series: s, error: null });

describe("live series", () => {
  const prev: SeriesQueryResponse = { runs: [run("a", 4, series("loss", [0, 2, 4], true)), run("b", 9, series("loss", [8, 9]))] };

  it("asks each run for the points after the step it already has", () => {
    expect([...afterSteps(prev)]).toEqual([
      ["e/p/a", 4],
      ["e/p/b", 9],
    ]);
    expect(afterSteps({ runs: [run("new", null)] }).size).toBe(0);
  });

  it("appends a growing run's tail and keeps a run with nothing newer as it was", () => {
    const tail: SeriesQueryResponse = { runs: [run("a", 6, series("loss", [5, 6])), run("b", 9)] };
    const merged = mergeTail(prev, tail, 100);
    const a = merged?.runs.find((r) => r.run_id === "a");
    expect(a?.series?.[0]?.steps).toEqual([0, 2, 4, 5, 6]);
    expect(a?.series?.[0]?.values).toEqual([0, 0.2, 0.4, 0.5, 0.6]);
    expect(a?.series?.[0]?.total_points).toBe(5);
    expect(a?.series?.[0]?.sampled).toBe(true);
    expect(a?.last_step).toBe(6);
    expect(merged?.runs.find((r) => r.run_id === "b")).toEqual(prev.runs[1]);
  });

  it("never duplicates a step it already holds, and adds keys that appear later", () => {
    const tail: SeriesQueryResponse = { runs: [run("a", 5, series("loss", [4, 5]), series("acc", [5])), run("b", 9)] };
    const a = mergeTail(prev, tail, 100)?.runs.find((r) => r.run_id === "a");
    expect(a?.series?.find((s) => s.key === "loss")?.steps).toEqual([0, 2, 4, 5]);
    expect(a?.series?.find((s) => s.key === "acc")?.steps).toEqual([5]);
  });

  it("asks for everything again when a series outgrows the budget or a run is unknown", () => {
    const long = { runs: [run("a", 200, series("loss", Array.from({ length: 200 }, (_, i) => i + 5))), run("b", 9)] };
    expect(mergeTail(prev, long, 100)).toBeNull();
    expect(mergeTail(prev, { runs: [run("z", 1, series("loss", [1]))] }, 100)).toBeNull();
  });
});
