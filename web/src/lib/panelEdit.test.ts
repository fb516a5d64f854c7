import { describe, expect, it } from "vitest";
import { autoPanel, editPanel, EMPTY_LAYOUT, materialize, removePanel, viewSections, type LinePanel } from "./layout";
import { draftProblem, parseBound, pickMatching, runMatcher, selectByKey, selectRuns, withGroupChoice, yBounds } from "./panelEdit";
import { lineSettingsFor } from "./panelSettings";
import { searchMatcher } from "./panels";

const run = (id: string, name: string, group: string | null = null) => ({ key: `me/p/${id}`, name, group });
const RUNS = [run("a1", "adam-01", "adam"), run("a2", "adam-02", "adam"), run("s1", "sgd-01", "sgd"), run("l1", "lion-01", "lion")];
const names = (rs: { name: string }[]): string[] => rs.map((r) => r.name);

describe("a panel's run selection", () => {
  it("keeps every drawn run without a selection, as the same array", () => {
    expect(selectRuns(RUNS, null)).toBe(RUNS);
    expect(runMatcher(undefined)).toBeNull();
  });

  it("keeps chosen runs by id, names by a regex search, and groups while grouped", () => {
    expect(names(selectRuns(RUNS, { ids: ["a2", "l1"] }))).toEqual(["adam-02", "lion-01"]);
    expect(names(selectRuns(RUNS, { name_regex: "^(adam|lion)-0[1]" }))).toEqual(["adam-01", "lion-01"]);
    expect(names(selectRuns(RUNS, { name_regex: "gd" }))).toEqual(["sgd-01"]); // a search, not a full match
    expect(names(selectRuns(RUNS, { groups: ["sgd", "lion"] }))).toEqual(["sgd-01", "lion-01"]);
    // Every part that is set applies.
    expect(names(selectRuns(RUNS, { groups: ["adam"], name_regex: "02$" }))).toEqual(["adam-02"]);
  });

  it("lets every run through a group selection while the workspace is not grouped", () => {
    const ungrouped = RUNS.map((r) => ({ ...r, group: null }));
    expect(selectRuns(ungrouped, { groups: ["adam"] })).toBe(ungrouped);
  });

  it("shows no run for a pattern the browser cannot read, rather than every run", () => {
    expect(selectRuns(RUNS, { name_regex: "adam-([" })).toEqual([]);
  });

  it("narrows bar and scatter rows through the drawn runs' names and groups", () => {
    const rows = RUNS.map((r) => ({ key: r.key, v: r.name.length }));
    expect(selectByKey(rows, RUNS, { groups: ["adam"] }).map((r) => r.key)).toEqual(["me/p/a1", "me/p/a2"]);
    expect(selectByKey(rows, RUNS, null)).toBe(rows);
  });
});

describe("the y range", () => {
  it("takes the saved ends, leaving an empty end to the data", () => {
    expect(yBounds(0, 1, false)).toEqual([0, 1]);
    expect(yBounds(null, 5, false)).toEqual([null, 5]);
    expect(yBounds(undefined, undefined, false)).toEqual([null, null]);
  });

  it("leaves an end at or below zero to the data on a log scale", () => {
    expect(yBounds(0, 10, true)).toEqual([null, 10]);
    expect(yBounds(-1, -0.5, true)).toEqual([null, null]);
    expect(yBounds(0.01, 10, true)).toEqual([0.01, 10]);
  });

  it("reads a typed end: empty is automatic, text is refused", () => {
    expect(parseBound(" ")).toBeNull();
    expect(parseBound("1e-3")).toBe(0.001);
    expect(parseBound("-2")).toBe(-2);
    expect(parseBound("abc")).toBe("bad");
  });
});

describe("what stops a draft from being saved", () => {
  const line: LinePanel = { ...autoPanel("train/loss"), auto: false };
  it("accepts a plain panel and says the fix for each problem", () => {
    expect(draftProblem(line)).toBeNull();
    expect(draftProblem({ ...line, metrics: [] })).toMatch(/at least one metric/);
    expect(draftProblem({ ...line, metrics: Array.from({ length: 11 }, (_, i) => `m${i}`) })).toMatch(/at most 10/);
    expect(draftProblem({ ...line, y_min: 2, y_max: 1 })).toMatch(/Y min must be below Y max/);
    expect(draftProblem({ ...line, y_min: 0, log_scale: true })).toMatch(/log scale starts above 0/);
    expect(draftProblem({ ...line, runs: { ids: [] } })).toMatch(/at least one run/);
    expect(draftProblem({ ...line, runs: { groups: [] } })).toMatch(/at least one group/);
    expect(draftProblem({ ...line, runs: { name_regex: "a(" } })).toMatch(/not a regular expression/);
    expect(draftProblem({ ...line, title: "t".repeat(201) })).toMatch(/200 characters/);
  });
});

describe("editing an automatic panel", () => {
  const keys = ["train/loss", "val/acc"];
  const start = materialize(EMPTY_LAYOUT, keys);
  const edited = editPanel(start, "auto:train/loss", { ...autoPanel("train/loss"), title: "Loss", metrics: ["train/loss", "val/acc"], y_max: 2, section: "ignored", size: { width: "full", height: "large" } });

  it("turns it into the user's panel in place, keeping its id, section and size", () => {
    const p = edited.panels.find((x) => x.id === "auto:train/loss");
    expect(p).toMatchObject({ type: "line", auto: false, title: "Loss", metrics: ["train/loss", "val/acc"], y_max: 2, section: "train", size: start.panels[0]?.size });
    expect(edited.panels.map((x) => x.id)).toEqual(start.panels.map((x) => x.id));
  });

  it("does not bring the metric's automatic chart back, while a new metric still gets one", () => {
    const again = materialize(edited, [...keys, "train/lr"]);
    expect(again.panels.map((x) => x.id)).toEqual(["auto:train/loss", "auto:train/lr", "auto:val/acc"]);
  });

  it("stays on screen when no run logs its metrics any more, being the user's now", () => {
    const shown = viewSections(edited, ["val/acc"]).flatMap((s) => s.panels.map((p) => p.id));
    expect(shown).toContain("auto:train/loss");
  });

  it("stays away once removed, as an unedited automatic chart does", () => {
    const removed = removePanel(edited, "auto:train/loss");
    expect(removed.removed).toEqual(["train/loss"]);
    expect(materialize(removed, keys).panels.map((x) => x.id)).toEqual(["auto:val/acc"]);
  });
});

describe("select all matching", () => {
  const metrics = ["epoch", "train/acc", "train/loss", "val/acc", "val/loss"];
  const match = (q: string) => metrics.filter(searchMatcher(q));
  it("adds every metric a regex matches to those picked, in order", () => {
    expect(match("train/.*")).toEqual(["train/acc", "train/loss"]);
    expect(pickMatching(["epoch"], match("train/.*"))).toEqual({ next: ["epoch", "train/acc", "train/loss"], dropped: 0 });
    expect(pickMatching(["train/loss"], match("/loss$"))).toEqual({ next: ["train/loss", "val/loss"], dropped: 0 });
  });
  it("stops at the limit and says how many were left out", () => {
    expect(pickMatching(["epoch"], match("acc|loss"), 3)).toEqual({ next: ["epoch", "train/acc", "train/loss"], dropped: 2 });
  });
  it("searches plain text where the search is no regex", () => {
    expect(match("val/(")).toEqual([]);
    expect(match("VAL/")).toEqual(["val/acc", "val/loss"]);
  });
});

describe("a panel's y range in its chart settings", () => {
  it("reaches the chart, only where the panel has one", () => {
    const base = { xAxis: "step" as const, smoothing: { kind: "none" as const, param: 0 }, logScale: false, grouped: false, live: false };
    const settings = lineSettingsFor(base);
    expect(settings({ ...autoPanel("a"), y_min: 0.1, y_max: 5 })).toMatchObject({ yMin: 0.1, yMax: 5 });
    expect(settings({ ...autoPanel("b"), y_max: 5 })).not.toHaveProperty("yMin");
    expect(settings(autoPanel("c"))).not.toHaveProperty("yMax");
  });
});

describe("a grouped chart's groups", () => {
  const group = (label: string) => ({ id: label, label, values: [], color: "#000000" });
  const spec = { entity: "me", project: "p", by: ["group"], filter: null, exclude: [], groups: [group("adam"), group("sgd"), group("lion")] };
  const settings = { xAxis: "step" as const, smoothing: { kind: "none" as const, param: 0 }, logScale: false, grouped: true, live: false, stream: "history" as const, groups: spec };
  it("keeps the groups a panel chose, in the workspace's order", () => {
    expect(withGroupChoice(settings, ["lion", "adam"]).groups?.groups.map((g) => g.label)).toEqual(["adam", "lion"]);
  });
  it("is the same settings without a choice, or ungrouped", () => {
    expect(withGroupChoice(settings, null)).toBe(settings);
    const ungrouped = { ...settings, grouped: false, groups: null };
    expect(withGroupChoice(ungrouped, ["adam"])).toBe(ungrouped);
  });
});
