import { describe, expect, it } from "vitest";
import {
  addPanel,
  autoPanel,
  EMPTY_LAYOUT,
  fromWire,
  materialize,
  movePanel,
  movePanelBy,
  removePanel,
  resizePanel,
  viewSections,
  type BarPanel,
  type Layout,
} from "./layout";

const bar: BarPanel = { id: "bar-1", type: "bar", section: "Charts", metric: "val/acc", sort: "desc", size: { width: "half", height: "large" } };
const ids = (l: Layout): string[] => l.panels.map((p) => p.id);
const view = (l: Layout, keys: string[], search = ""): [string, string[]][] => viewSections(l, keys, search).map((s) => [s.name, s.panels.map((p) => p.id)]);

describe("merging a saved layout with the auto panels", () => {
  it("with nothing saved, is one auto panel per metric in prefix sections", () => {
    const l = materialize(EMPTY_LAYOUT, ["val/acc", "train/loss", "lr", "system/cpu"]);
    expect(view(l, ["val/acc", "train/loss", "lr", "system/cpu"])).toEqual([
      ["Charts", ["auto:lr"]],
      ["train", ["auto:train/loss"]],
      ["val", ["auto:val/acc"]],
      ["system", ["auto:system/cpu"]],
    ]);
  });

  it("keeps saved panels in their order and appends new metrics at the end of their section", () => {
    const saved: Layout = { version: 1, removed: [], panels: [autoPanel("train/b"), autoPanel("train/a"), bar] };
    const l = materialize(saved, ["train/a", "train/b", "train/c", "val/x"]);
    expect(ids(l)).toEqual(["auto:train/b", "auto:train/a", "auto:train/c", "bar-1", "auto:val/x"]);
    expect(materialize(l, ["train/a", "train/b", "train/c", "val/x"])).toBe(l); // nothing new: same object
  });

  it("does not bring back an auto panel the user removed", () => {
    const l = removePanel(materialize(EMPTY_LAYOUT, ["a", "b"]), "auto:a");
    expect(l.removed).toEqual(["a"]);
    expect(ids(materialize(l, ["a", "b"]))).toEqual(["auto:b"]);
  });

  it("removing an added panel forgets it without touching `removed`", () => {
    const l = removePanel(addPanel(EMPTY_LAYOUT, bar), "bar-1");
    expect(l).toEqual(EMPTY_LAYOUT);
  });

  it("hides auto panels of metrics no run has any more, and filters by search", () => {
    const l = addPanel(materialize(EMPTY_LAYOUT, ["train/loss", "val/acc"]), bar);
    expect(view(l, ["val/acc"])).toEqual([["Charts", ["bar-1"]], ["val", ["auto:val/acc"]]]);
    expect(view(l, ["train/loss", "val/acc"], "loss")).toEqual([["train", ["auto:train/loss"]]]);
  });

  it("fills in sizes missing from a document", () => {
    const l = fromWire({ version: 1, panels: [{ id: "b", type: "bar", section: "s", metric: "m", sort: "desc" }] });
    expect(l.panels[0]?.size).toEqual({ width: "third", height: "medium" });
    expect(l.removed).toEqual([]);
  });
});

describe("editing", () => {
  const base = materialize(EMPTY_LAYOUT, ["train/a", "train/b", "train/c", "val/x"]);

  it("resizes one panel's width or height", () => {
    const l = resizePanel(resizePanel(base, "auto:train/b", { width: "full" }), "auto:train/b", { height: "small" });
    expect(l.panels.find((p) => p.id === "auto:train/b")?.size).toEqual({ width: "full", height: "small" });
    expect(l.panels.find((p) => p.id === "auto:train/a")?.size).toEqual({ width: "third", height: "medium" });
  });

  it("reorders inside a section", () => {
    expect(ids(movePanel(base, "auto:train/c", "train", 0))).toEqual(["auto:train/c", "auto:train/a", "auto:train/b", "auto:val/x"]);
    expect(ids(movePanel(base, "auto:train/a", "train", 2))).toEqual(["auto:train/b", "auto:train/c", "auto:train/a", "auto:val/x"]);
    expect(ids(movePanel(base, "auto:train/a", "train", 99))).toEqual(["auto:train/b", "auto:train/c", "auto:train/a", "auto:val/x"]);
  });

  it("moves across sections, changing the panel's section", () => {
    const l = movePanel(base, "auto:val/x", "train", 1);
    expect(ids(l)).toEqual(["auto:train/a", "auto:val/x", "auto:train/b", "auto:train/c"]);
    expect(l.panels[1]?.section).toBe("train");
    expect(view(l, ["train/a", "train/b", "train/c", "val/x"])).toEqual([["train", ["auto:train/a", "auto:val/x", "auto:train/b", "auto:train/c"]]]);
    const toNew = movePanel(base, "auto:train/a", "mine", 0);
    expect(view(toNew, ["train/a", "train/b", "train/c", "val/x"]).map(([s]) => s)).toEqual(["train", "val", "mine"]);
  });

  it("moves one step earlier or later for the keyboard, staying put at the ends", () => {
    expect(ids(movePanelBy(base, "auto:train/b", -1))).toEqual(["auto:train/b", "auto:train/a", "auto:train/c", "auto:val/x"]);
    expect(ids(movePanelBy(base, "auto:train/b", 1))).toEqual(["auto:train/a", "auto:train/c", "auto:train/b", "auto:val/x"]);
    expect(movePanelBy(base, "auto:train/a", -1)).toBe(base);
    expect(movePanelBy(base, "auto:val/x", 1)).toBe(base);
  });
});
