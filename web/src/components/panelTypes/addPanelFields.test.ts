// What "+ Panel" makes of the new panel types' fields, and what it refuses.
import { expect, it } from "vitest";
import { buildPanelType, initialDraft, panelTypeProblem } from "./AddPanelFields";

const common = { id: "p-1", section: "Charts", title: null };
const draft = { ...initialDraft({ summaryNumeric: ["val/acc"], mediaKeys: ["samples"] }) };

it("starts on the first metric and media key, the mean, no runs chosen", () => {
  expect(draft).toEqual({ compareRuns: [], metric: "val/acc", aggregate: "mean", scalarRun: "", note: "", mediaKey: "samples", artifact: "", depth: 2 });
  expect(initialDraft({ summaryNumeric: [], artifacts: ["model:latest"] }).artifact).toBe("model:latest");
});

it("builds each panel with its own size, runs chosen only when picked", () => {
  expect(buildPanelType("comparer", common, draft)).toEqual({ ...common, type: "comparer", size: { width: "full", height: "large" }, runs: null, diff_only: true });
  expect(buildPanelType("comparer", common, { ...draft, compareRuns: ["a", "b"] })).toMatchObject({ runs: { ids: ["a", "b"] } });
  expect(buildPanelType("scalar", common, { ...draft, aggregate: "max" })).toMatchObject({ type: "scalar", metric: "val/acc", aggregate: "max", runs: null });
  expect(buildPanelType("scalar", common, { ...draft, scalarRun: "r1" })).toMatchObject({ runs: { ids: ["r1"] } });
  expect(buildPanelType("markdown", common, { ...draft, note: "# hi" })).toMatchObject({ type: "markdown", text: "# hi" });
  expect(buildPanelType("media", common, draft)).toMatchObject({ type: "media", key: "samples", runs: null });
  expect(buildPanelType("lineage", common, { ...draft, artifact: " model:v3 ", depth: 4 })).toEqual({ ...common, type: "lineage", size: { width: "full", height: "medium" }, artifact: "model:v3", artifact_type: null, depth: 4 });
});

it("refuses what the panel could not show, saying the fix", () => {
  expect(panelTypeProblem("comparer", { ...draft, compareRuns: ["a"] })).toMatch(/two runs or more/);
  expect(panelTypeProblem("comparer", draft)).toBeNull();
  expect(panelTypeProblem("scalar", { ...draft, metric: "" })).toMatch(/no numeric summary metric/);
  expect(panelTypeProblem("markdown", { ...draft, note: "x".repeat(16_001) })).toMatch(/16,001 characters/);
  expect(panelTypeProblem("media", { ...draft, mediaKey: "" })).toMatch(/logged media/);
  expect(panelTypeProblem("lineage", { ...draft, artifact: "model" })).toMatch(/name:alias/);
  expect(panelTypeProblem("lineage", { ...draft, artifact: "model:latest" })).toBeNull();
});
