import { expect, it } from "vitest";
import type { GroupSummaryResponse } from "../api/client";
import { groupOfValues } from "./groupKeys";
import type { DrawnGroup } from "./groupSeries";
import { groupBars, groupMeans } from "./groupSummary";

const drawn = (values: (string | number | null)[], color: string): DrawnGroup => ({ ...groupOfValues(values), color });
const groups = [drawn(["adam"], "#111111"), drawn(["sgd"], "#222222"), drawn([null], "#333333")];
const stats = (field: string, count: number, mean: number | null, extra: Partial<{ min: number; max: number; std: number; stderr: number }> = {}) => ({
  field,
  count,
  mean,
  min: extra.min ?? mean,
  max: extra.max ?? mean,
  std: extra.std ?? (mean === null ? null : 0),
  stderr: extra.stderr ?? (mean === null ? null : 0),
});
const answer: GroupSummaryResponse = {
  group_by: ["config.opt"],
  total_runs: 311,
  total_groups: 3,
  groups: [
    { values: ["adam"], runs: 300, fields: [stats("summary.acc", 290, 0.8, { min: 0.5, max: 0.95, std: 0.1, stderr: 0.1 / Math.sqrt(290) }), stats("config.lr", 300, 0.01)] },
    { values: ["sgd"], runs: 10, fields: [stats("summary.acc", 10, 0.9, { min: 0.85, max: 0.92, std: 0.02, stderr: 0.02 / Math.sqrt(10) }), stats("config.lr", 10, 0.1)] },
    { values: [null], runs: 1, fields: [stats("summary.acc", 0, null), stats("config.lr", 1, 1)] },
  ],
};

it("one bar per group: its mean over every run, its real n, the band as the error bar", () => {
  const bars = groupBars(answer, groups, "acc", "minmax", "desc");
  expect(bars.map((b) => [b.name, b.value, b.color])).toEqual([["sgd (10)", 0.9, "#222222"], ["adam (300)", 0.8, "#111111"]]);
  expect(bars[1]?.group).toEqual({ runs: 300, counted: 290, band: [0.5, 0.95], bandLabels: ["min", "max"] });
  const std = groupBars(answer, groups, "acc", "std", "none")[0]?.group?.band ?? [];
  expect(std[0]).toBeCloseTo(0.7);
  expect(std[1]).toBeCloseTo(0.9);
  const se = groupBars(answer, groups, "acc", "stderr", "asc")[0]?.group;
  expect(se?.band?.[1]).toBeCloseTo(0.8 + 0.1 / Math.sqrt(290));
  expect(se?.bandLabels).toEqual(["−1 s.e.", "+1 s.e."]);
});

it("groups without a number, or not drawn, get no bar; no answer yet, no bars", () => {
  expect(groupBars(answer, groups.slice(0, 1), "acc", "minmax", "none").map((b) => b.name)).toEqual(["adam (300)"]);
  expect(groupBars(undefined, groups, "acc", "minmax", "none")).toEqual([]);
});

it("group means on a scatter: mean x and mean y of each drawn group", () => {
  expect(groupMeans(answer, groups, "config.lr", "summary.acc")).toEqual([
    { id: groups[0]?.id, label: "adam", color: "#111111", runs: 300, x: 0.01, y: 0.8 },
    { id: groups[1]?.id, label: "sgd", color: "#222222", runs: 10, x: 0.1, y: 0.9 },
  ]);
});
