import { expect, it } from "vitest";
import { asDefinitions, defaultAxisFor, isHidden, resolveDefinition, stepMetricOf, type MetricDefinition } from "./stepMetric";

// What the integrations record (RunOut.metric_definitions as the demo's runs hold them).
const HF: MetricDefinition[] = [
  { name: "train/global_step", step_metric: null, hidden: false },
  { name: "*", step_metric: "train/global_step", hidden: false },
];
const LIGHTNING: MetricDefinition[] = [
  { name: "trainer/global_step", step_metric: null },
  { name: "*", step_metric: "trainer/global_step" },
];
const KERAS: MetricDefinition[] = [
  { name: "epoch/epoch" },
  { name: "epoch/*", step_metric: "epoch/epoch" },
  { name: "batch/batch_step" },
  { name: "batch/*", step_metric: "batch/batch_step" },
];

it("reads the server's list, dropping entries without a name", () => {
  expect(asDefinitions([{ name: "*", step_metric: "s", summary: [], goal: null, hidden: false }, { step_metric: "x" }, { name: "" }])).toEqual([{ name: "*", step_metric: "s", hidden: false }]);
  expect(asDefinitions(undefined)).toEqual([]);
});

it("an exact name wins over any glob, then the most specific glob", () => {
  expect(stepMetricOf(HF, "train/loss")).toBe("train/global_step");
  expect(stepMetricOf(HF, "eval/loss")).toBe("train/global_step");
  // The step metric's own exact definition has none: it is drawn against Step, not itself.
  expect(stepMetricOf(HF, "train/global_step")).toBeNull();
  expect(stepMetricOf(LIGHTNING, "epoch")).toBe("trainer/global_step");
  expect(stepMetricOf(KERAS, "epoch/loss")).toBe("epoch/epoch");
  expect(stepMetricOf(KERAS, "batch/loss")).toBe("batch/batch_step");
  expect(stepMetricOf(KERAS, "loss")).toBeNull();
  const mixed: MetricDefinition[] = [{ name: "train/*", step_metric: "t" }, { name: "*", step_metric: "all" }, { name: "train/acc", step_metric: "own" }];
  expect(stepMetricOf(mixed, "train/loss")).toBe("t"); // train/* over *, whatever the order
  expect(stepMetricOf(mixed, "train/acc")).toBe("own");
  expect(stepMetricOf(mixed, "val/loss")).toBe("all");
  // A glob with a middle wildcard, and a later definition of the same pattern replacing an earlier one.
  expect(resolveDefinition([{ name: "a*/x*" }], "ab/xy")?.name).toBe("a*/x*");
  expect(resolveDefinition([{ name: "a*/x*" }], "ab/y")).toBeNull();
  expect(stepMetricOf([{ name: "*", step_metric: "old" }, { name: "*", step_metric: "new" }], "k")).toBe("new");
  // A key with no definition at all.
  expect(stepMetricOf([{ name: "train/*", step_metric: "t" }], "val/loss")).toBeNull();
});

it("hidden metrics: hidden when every run defining them hides them", () => {
  const hides: MetricDefinition[] = [{ name: "debug/*", hidden: true }];
  expect(isHidden([hides], "debug/norm")).toBe(true);
  expect(isHidden([hides, []], "debug/norm")).toBe(true); // a run without a definition does not vote
  expect(isHidden([hides, [{ name: "debug/norm" }]], "debug/norm")).toBe(false);
  expect(isHidden([hides], "train/loss")).toBe(false);
  expect(isHidden([LIGHTNING], "epoch")).toBe(false); // step metrics get their chart as in W&B
});

it("a chart's default axis: the step metric most runs define, Step on a tie or when none does", () => {
  expect(defaultAxisFor([HF], ["train/loss"])).toEqual({ xAxis: { metric: "train/global_step" }, note: null });
  expect(defaultAxisFor([HF, HF], ["eval/loss"]).xAxis).toEqual({ metric: "train/global_step" });
  expect(defaultAxisFor([HF], ["train/global_step"])).toEqual({ xAxis: "step", note: null });
  expect(defaultAxisFor([[], undefined], ["loss"])).toEqual({ xAxis: "step", note: null });
  // Two of three runs define it: drawn against it, and the title says the runs disagree.
  const most = defaultAxisFor([HF, HF, []], ["train/loss"]);
  expect(most.xAxis).toEqual({ metric: "train/global_step" });
  expect(most.note).toContain("2 of 3 use train/global_step");
  // A tie (HF against Lightning, or against a run without definitions) falls back to Step.
  expect(defaultAxisFor([HF, LIGHTNING], ["val/loss"]).xAxis).toBe("step");
  const tie = defaultAxisFor([HF, []], ["train/loss"]);
  expect(tie.xAxis).toBe("step");
  expect(tie.note).toContain("1 train/global_step");
  // Several metrics in one panel: a run votes with the first one it defines a step metric for.
  expect(defaultAxisFor([KERAS], ["loss", "epoch/loss"]).xAxis).toEqual({ metric: "epoch/epoch" });
});
