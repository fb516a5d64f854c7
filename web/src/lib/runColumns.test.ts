import { expect, it } from "vitest";
import { clampColumnWidth, definedSummary, matchColumns, MAX_COLUMN_PX, MIN_COLUMN_PX, parseWidths, setShown, summaryColumnLabels } from "./runColumns";

// As the server stores them (RunOut.metric_definitions): sdk/summary_state.py MetricDef.record().
const DEFS = [
  { kind: "metric", name: "val/loss", step_metric: null, summary: ["last", "min"], goal: null, hidden: false },
  { kind: "metric", name: "train/*", step_metric: "epoch", summary: ["max"], goal: null, hidden: false },
  { kind: "metric", name: "epoch", step_metric: null, summary: [], goal: null, hidden: false },
];

it("names a summary that define_metric shaped after its metric and op", () => {
  const defs = DEFS.map((d) => ({ name: d.name, summary: d.summary }));
  expect(definedSummary("val/loss.min", defs)).toEqual({ metric: "val/loss", op: "min" });
  expect(definedSummary("val/loss.last", defs)).toEqual({ metric: "val/loss", op: "last" });
  expect(definedSummary("train/acc.max", defs)).toEqual({ metric: "train/acc", op: "max" }); // by glob
  expect(definedSummary("val/loss.max", defs)).toBeNull(); // not an op it asked for
  expect(definedSummary("epoch", defs)).toBeNull();
  expect(definedSummary("opt.min", defs)).toBeNull(); // a dict the user logged
});

it("labels summary columns over the project's runs, keys in their case", () => {
  const labels = summaryColumnLabels([
    { summary: { "val/loss.min": 0.1, "val/loss.last": 0.2, "Opt.Min": 3, "train/Acc.max": 0.9 }, definitions: DEFS },
    { summary: { "val/loss.min": 0.3 }, definitions: [] },
    { summary: { "other.mean": 1 }, definitions: null },
  ]);
  expect(labels.get("s:val/loss.min")?.label).toBe("val/loss (min)");
  expect(labels.get("s:val/loss.min")?.title).toContain('the minimum of val/loss over the run (define_metric summary="min")');
  expect(labels.get("s:val/loss.last")?.label).toBe("val/loss (last)");
  expect(labels.get("s:train/Acc.max")?.label).toBe("train/Acc (max)");
  expect(labels.has("s:Opt.Min")).toBe(false);
  expect(labels.has("s:other.mean")).toBe(false);
});

const IDS = ["name", "state", "c:lr", "c:LR_warmup", "c:optimizer.beta1", "s:val/loss.min", "s:train/acc", "s:val/acc"];
const label = (id: string) => (id === "s:val/loss.min" ? "val/loss (min)" : id.replace(/^[cs]:/, ""));

it("finds columns by substring or regular expression, over keys and headers", () => {
  expect(matchColumns(IDS, label, "lr")).toEqual(["c:lr", "c:LR_warmup"]); // case-insensitive
  expect(matchColumns(IDS, label, "^summary\\.val/")).toEqual(["s:val/loss.min", "s:val/acc"]);
  expect(matchColumns(IDS, label, "(min)")).toEqual(["s:val/loss.min"]); // a regex group, matches "min"
  expect(matchColumns(IDS, label, "loss (min")).toEqual(["s:val/loss.min"]); // not a regex: a substring
  expect(matchColumns(IDS, label, "config.")).toEqual(["c:lr", "c:LR_warmup", "c:optimizer.beta1"]);
  expect(matchColumns(IDS, label, "")).toEqual(IDS);
  expect(matchColumns(IDS, label, "nothing-like-it")).toEqual([]);
});

it("shows or hides every matching column at once, never the name", () => {
  expect(setShown(["c:lr", "s:val/acc"], ["c:lr", "c:LR_warmup"], true)).toEqual(["s:val/acc"]);
  expect(setShown(["s:val/acc"], ["name", "c:lr"], false).sort()).toEqual(["c:lr", "s:val/acc"]);
});

it("keeps dragged widths within limits and drops stored junk", () => {
  expect(clampColumnWidth(3)).toBe(MIN_COLUMN_PX);
  expect(clampColumnWidth(1e6)).toBe(MAX_COLUMN_PX);
  expect(parseWidths({ "c:lr": 180.6, name: "wide", "s:x": -1, "s:y": 20 })).toEqual({ "c:lr": 181, "s:y": MIN_COLUMN_PX });
  expect(parseWidths([1, 2])).toEqual({});
  expect(parseWidths(null)).toEqual({});
});
