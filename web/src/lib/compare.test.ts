import { expect, it } from "vitest";
import { commonMetrics, compareRows } from "./compare";

it("marks the keys whose raw values differ, missing ones included, keys in their case", () => {
  const rows = compareRows([
    { lr: 0.1, Optimizer: "AdamW", "model.Layers": 12, seed: 1, _wandb: { x: 1 } },
    { lr: 0.10001, Optimizer: "AdamW", "model.Layers": 12, seed: null },
    { lr: 0.1, Optimizer: "AdamW", "model.Layers": 12 },
  ]);
  expect(rows.map((r) => [r.key, r.differs])).toEqual([
    ["lr", true], // 0.1 and 0.10001 read alike once formatted, but differ
    ["model.Layers", false],
    ["Optimizer", false],
    ["seed", true], // 1, null and missing
  ]);
  expect(rows.find((r) => r.key === "seed")?.values).toEqual([1, null, undefined]);
  // Each value against the first run's.
  expect(rows.find((r) => r.key === "lr")?.changed).toEqual([false, true, false]);
  expect(rows.find((r) => r.key === "seed")?.changed).toEqual([false, true, true]);
});

it("orders keys naturally", () => {
  expect(compareRows([{ layer10: 1, layer2: 1, Alpha: 1, beta: 1 }]).map((r) => r.key)).toEqual(["Alpha", "beta", "layer2", "layer10"]);
});

it("overlays the metrics every run logged", () => {
  expect(commonMetrics([["train/Loss", "val/acc", "_step", "lr"], ["val/acc", "train/Loss", "_step"], ["train/Loss", "val/acc", "extra"]])).toEqual(["train/Loss", "val/acc"]);
  expect(commonMetrics([])).toEqual([]);
  expect(commonMetrics([["a"], []])).toEqual([]);
});
