import { describe, expect, it } from "vitest";
import noteCases from "../../../tests/cases/note_lengths.json";
import { comparerBlocks, comparerCell, keyParts, MAX_NOTE_CHARS, noteProblem, scalarCaption, scalarValues, type ScalarRun } from "./panelTypes";

describe("run comparer", () => {
  const runs = [
    { key: "a", config: { lr: 0.1, Optimizer: "AdamW", "model.Layers": 12, _wandb: { x: 1 } }, summary: { "val/Acc": 0.9, _runtime: 3, epoch: 2 } },
    { key: "b", config: { lr: 0.01, Optimizer: "AdamW", "model.Layers": 12 }, summary: { "val/Acc": 0.8, epoch: 2, best: 1 } },
  ];

  it("shows only the differing config and summary keys by default, all of them on request", () => {
    const [config, summary] = comparerBlocks(runs, true);
    expect(config?.rows.map((r) => r.key)).toEqual(["lr"]);
    expect([config?.total, config?.differing]).toEqual([3, 1]); // _wandb is the SDK's own
    // A key one run lacks differs; _runtime is the SDK's own.
    expect(summary?.rows.map((r) => [r.key, r.values])).toEqual([
      ["best", [undefined, 1]],
      ["val/Acc", [0.9, 0.8]],
    ]);
    const [all] = comparerBlocks(runs, false);
    expect(all?.rows.map((r) => [r.key, r.differs])).toEqual([
      ["lr", true],
      ["model.Layers", false],
      ["Optimizer", false],
    ]);
  });

  it("filters keys by a search in any case, keeping the keys' own case", () => {
    expect(comparerBlocks(runs, false, "LAYERS")[0]?.rows.map((r) => r.key)).toEqual(["model.Layers"]);
    expect(comparerBlocks(runs, false, "acc")[1]?.rows.map((r) => r.key)).toEqual(["val/Acc"]);
  });

  it("splits nested keys where they nest", () => {
    expect(keyParts("model.encoder.Layers")).toEqual(["model.encoder.", "Layers"]);
    expect(keyParts("lr")).toEqual(["", "lr"]);
    expect(keyParts("val/acc")).toEqual(["", "val/acc"]);
  });

  it("writes numbers through the one formatter and keeps the full value for the hover", () => {
    expect(comparerCell(0.000312345)).toEqual({ text: "3.123e-4", full: "0.000312345" });
    expect(comparerCell(123456)).toEqual({ text: "123.5k", full: "123456" });
    expect(comparerCell(undefined).text).toBe("–");
    expect(comparerCell("Infinity").text).toBe("∞");
    expect(comparerCell([1, 2])).toEqual({ text: "[1,2]", full: "[\n 1,\n 2\n]" });
    const long = "x".repeat(500);
    expect(comparerCell(long)).toEqual({ text: long, full: long }); // CSS truncates; the title has it all
  });
});

describe("scalar", () => {
  const color = (g: string) => `color-${g}`;
  const run = (name: string, v: unknown, group: string | null = null, start = 0): ScalarRun => ({ key: name, name, color: "c", group, start, summary: { "val/acc": v } });

  it("aggregates over the runs with a number, counting those without", () => {
    const runs = [run("a", 0.5, null, 1), run("b", 0.9, null, 3), run("c", "n/a", null, 9), run("d", 0.7, null, 2)];
    expect(scalarValues(runs, "val/acc", "mean", color)[0]).toMatchObject({ label: null, count: 3, of: 4 });
    expect(scalarValues(runs, "val/acc", "mean", color)[0]?.value).toBeCloseTo(0.7);
    expect(scalarValues(runs, "val/acc", "min", color)[0]?.value).toBe(0.5);
    expect(scalarValues(runs, "val/acc", "max", color)[0]?.value).toBe(0.9);
    // The newest run with a value (c is newer but has none).
    expect(scalarValues(runs, "val/acc", "last", color)[0]?.value).toBe(0.9);
    expect(scalarCaption(scalarValues(runs, "val/acc", "max", color)[0]!, "max")).toBe("max of 3 of 4 runs");
  });

  it("gives one number per group while grouped, and a single run its own value under its name", () => {
    const runs = [run("a", 1, "sgd"), run("b", 3, "sgd"), run("c", 10, "adam")];
    expect(scalarValues(runs, "val/acc", "mean", color)).toEqual([
      { label: "adam", color: "color-adam", value: 10, count: 1, of: 1 },
      { label: "sgd", color: "color-sgd", value: 2, count: 2, of: 2 },
    ]);
    const one = scalarValues([run("only", 0.25)], "val/acc", "mean", color);
    expect(one).toEqual([{ label: "only", color: "c", value: 0.25, count: 1, of: 1 }]);
    expect(scalarCaption(one[0]!, "mean")).toBe("1 run");
  });

  it("says when no run has the metric", () => {
    const v = scalarValues([run("a", undefined), run("b", null)], "val/acc", "mean", color)[0]!;
    expect(v.value).toBeNull();
    expect(scalarCaption(v, "mean")).toBe("no value in 2 runs");
  });
});

it("refuses a note over the server's limit, saying by how much", () => {
  expect(noteProblem("x".repeat(MAX_NOTE_CHARS))).toBeNull();
  expect(noteProblem("🙂".repeat(MAX_NOTE_CHARS))).toBeNull(); // characters, as the server counts them
  expect(noteProblem("x".repeat(MAX_NOTE_CHARS + 5))).toBe("The note is 16,005 characters; the limit is 16,000. Shorten it or split it into two notes.");
});

it("uses the server's note limit (the API schema states it)", async () => {
  const { readFileSync } = await import("node:fs");
  const api = JSON.parse(readFileSync(new URL("../../openapi.json", import.meta.url), "utf8")) as { components: { schemas: Record<string, { properties: Record<string, { maxLength?: number }> }> } };
  expect(api.components.schemas.MarkdownPanel?.properties.text?.maxLength).toBe(MAX_NOTE_CHARS);
});

it("titles the new panels and finds a note by its words in the panel search", async () => {
  const { panelTitle, viewSections, DEFAULT_SIZE } = await import("./layout");
  const base = { section: "Charts", size: DEFAULT_SIZE, title: null };
  const panels = [
    { ...base, id: "c", type: "comparer" as const, runs: null, diff_only: true },
    { ...base, id: "s", type: "scalar" as const, metric: "val/acc", aggregate: "max" as const, runs: null },
    { ...base, id: "n", type: "markdown" as const, text: "Baseline uses AdamW" },
    { ...base, id: "m", type: "media" as const, key: "samples", runs: null },
  ];
  expect(panels.map(panelTitle)).toEqual(["Run comparer", "val/acc", "Note", "samples"]);
  const found = (search: string) => viewSections({ version: 1, panels, removed: [] }, [], search).flatMap((s) => s.panels.map((p) => p.id));
  expect(found("adamw")).toEqual(["n"]);
  expect(found("val/acc")).toEqual(["s"]);
  expect(found("")).toEqual(["c", "s", "n", "m"]);
});

describe("note lengths, the cases the server's test runs too (tests/cases/note_lengths.json)", () => {
  for (const c of noteCases.cases) {
    it(c.name, () => {
      const text = c.repeat.repeat(c.times) + c.tail;
      expect(noteProblem(text) === null).toBe(c.ok);
    });
  }
});
