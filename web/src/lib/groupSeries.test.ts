import { describe, expect, it } from "vitest";
import type { GroupSeriesResponse } from "../api/client";
import shared from "../../../tests/cases/group_values.json";
import { formatGroupParam, groupOfValues, groupValue, parseGroupParam, runGroup, serverGroupKey } from "./groupKeys";
import { buildGroupPlot, groupSeriesOptions, withRunLines, type DrawnGroup } from "./groupSeries";
import { parseBand } from "./grouping";

const NONE = { kind: "none" as const, param: 0 };

function answer(): GroupSeriesResponse {
  const series = (mean: number[], n: number) => ({
    key: "loss",
    x: [0, 1],
    mean,
    min: mean.map((m) => m - 1),
    max: mean.map((m) => m + 1),
    std: [2, 2],
    stderr: [1, 1],
    count: [n, n],
  });
  return {
    group_by: ["config.optimizer", "config.lr"],
    total_runs: 301,
    total_groups: 2,
    groups: [
      { values: ["adam", 0.001], runs: 300, series: [series([5, 6], 300)] },
      { values: ["sgd", 0.1], runs: 1, series: [series([9, 8], 1)] },
    ],
  };
}

const drawn = (values: (string | number)[], color: string): DrawnGroup => ({ ...groupOfValues(values), color });

describe("group keys", () => {
  it("keeps several keys in the URL and names them as the server does", () => {
    expect(parseGroupParam("c:optimizer,c:lr,name")).toEqual(["c:optimizer", "c:lr"]);
    expect(formatGroupParam(["c:optimizer", "c:lr"])).toBe("c:optimizer,c:lr");
    expect(formatGroupParam([])).toBeNull();
    expect(["c:lr", "s:acc", "job_type"].map(serverGroupKey)).toEqual(["config.lr", "summary.acc", "job_type"]);
  });

  it("puts runs without a value in a (none) group and labels combinations", () => {
    const values: Record<string, unknown> = { "c:optimizer": "adam", "c:lr": 0.001, group: "" };
    const g = runGroup(["c:optimizer", "c:lr", "group"], (k) => values[k]);
    expect(g.values).toEqual(["adam", 0.001, null]);
    expect(g.label).toBe("adam · 0.001 · (none)");
    expect(g.id).toBe(groupOfValues(["adam", 0.001, null]).id);
  });
});

describe("grouped chart from the server's answer", () => {
  it("labels each mean with the group's real size and draws the chosen band", () => {
    const groups = [drawn(["adam", 0.001], "#111"), drawn(["sgd", 0.1], "#222")];
    const plot = buildGroupPlot(answer(), groups, ["loss"], "std", NONE);
    // A band for the group of 300 (two lines) and a mean per group; a group of one has no band.
    expect(plot.lines.map((l) => [l.label, l.role])).toEqual([
      ["adam · 0.001 +1σ", "max"],
      ["adam · 0.001 −1σ", "min"],
      ["adam · 0.001 (300)", "mean"],
      ["sgd · 0.1 (1)", "mean"],
    ]);
    expect(plot.bands).toEqual([[0, 1]]);
    expect(plot.lines[0]?.values).toEqual([7, 8]);
    expect(plot.lines[1]?.values).toEqual([3, 4]);
    expect(buildGroupPlot(answer(), groups, ["loss"], "stderr", NONE).lines[0]?.values).toEqual([6, 7]);
    expect(buildGroupPlot(answer(), groups, ["loss"], "minmax", NONE).lines[0]?.values).toEqual([6, 7]);
    expect(plot.x).toEqual([0, 1]);
  });

  it("draws only the groups the workspace draws, in its order", () => {
    const plot = buildGroupPlot(answer(), [drawn(["sgd", 0.1], "#222")], ["loss"], "minmax", NONE);
    expect(plot.lines.map((l) => l.label)).toEqual(["sgd · 0.1 (1)"]);
  });

  it("asks the server for the drawn groups over the table's filter, less hidden runs", () => {
    const spec = { entity: "me", project: "p", by: ["c:optimizer"], filter: { "config.lr": { $gt: 0.01 } }, exclude: ["r1"], groups: [drawn(["adam"], "#111")], runs: [] };
    const a = groupSeriesOptions({ spec, keys: ["loss"], stream: "history", xAxis: { metric: "epoch" }, zoom: [1.5, 9.2] });
    const body = JSON.parse(a.queryKey[3] as string) as Record<string, unknown>;
    expect(body).toMatchObject({ group_by: ["config.optimizer"], groups: [["adam"]], exclude: ["r1"], x_axis: "metric", x_key: "epoch", min_step: null });
    const b = groupSeriesOptions({ spec, keys: ["loss"], stream: "history", xAxis: "step", zoom: [1.5, 9.2] });
    expect(JSON.parse(b.queryKey[3] as string)).toMatchObject({ x_axis: "step", min_step: 1, max_step: 10 });
  });

  it("adds an opened group's runs as faint lines behind the groups, on one x", () => {
    const groups = buildGroupPlot(answer(), [drawn(["adam", 0.001], "#111")], ["loss"], "minmax", NONE);
    const runs = { x: [], faceted: true, bands: [], maxPoints: 3, lines: [{ label: "run-1", color: "#999", role: "line" as const, runKey: "e/p/r1", x: [0, 0.5, 1], values: [4, 5, 6] }] };
    const plot = withRunLines(groups, runs, (k) => (k === "e/p/r1" ? "#111" : "#000"));
    expect(plot.x).toEqual([0, 0.5, 1]);
    expect(plot.lines.map((l) => [l.label, l.role, l.color])).toEqual([
      ["run-1", "raw", "#111"],
      ["adam · 0.001 max", "max", "#111"],
      ["adam · 0.001 min", "min", "#111"],
      ["adam · 0.001 (300)", "mean", "#111"],
    ]);
    expect(plot.lines[0]?.values).toEqual([4, 5, 6]);
    expect(plot.lines[3]?.values).toEqual([5, null, 6]);
    expect(plot.bands).toEqual([[1, 2]]);
  });

  it("reads the band from the link", () => {
    expect(["std", "stderr", "x", null].map(parseBand)).toEqual(["std", "stderr", "minmax", "minmax"]);
  });
});

describe("shared group value cases (tests/cases/group_values.json)", () => {
  // The server's service/group_series.py group_value runs the same file (tests/unit/test_group_series.py).
  it.each(shared.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(groupValue(c.value)).toStrictEqual(c.group);
  });
});
