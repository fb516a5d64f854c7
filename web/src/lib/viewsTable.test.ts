import { describe, expect, it } from "vitest";
import { DEFAULT_TABLE, sameTable, shownTable, tableFromView, tableToView, type TableState } from "./viewsTable";

const mine: TableState = {
  hiddenRuns: ["root/mnist/a1", "root/mnist/b2", "root/other/c3"],
  pinned: ["name", "c:lr"],
  hiddenCols: ["notes", "s:val/acc"],
  widths: { name: 300, "c:lr": 10, "s:loss": 99.6 },
  split: { mode: "split", width: 512.4 },
};

describe("a saved view's runs table", () => {
  it("saves runs by id, only this project's, and widths as the table draws them", () => {
    expect(tableToView(mine, "root", "mnist")).toEqual({
      hidden_runs: ["a1", "b2"],
      pinned_columns: ["name", "c:lr"],
      hidden_columns: ["notes", "s:val/acc"],
      column_widths: { name: 300, "c:lr": 60, "s:loss": 100 },
      split: { mode: "split", width: 512 },
    });
    expect(tableToView({ ...mine, split: { mode: "list", width: 40 } }, "root", "mnist").split).toEqual({ mode: "list", width: 300 });
    expect(tableToView(DEFAULT_TABLE, "root", "mnist").split).toEqual({ mode: "split", width: null });
  });

  it("reads a view back into the workspace's keys, leaving out what the view did not save", () => {
    const back = tableFromView(tableToView(mine, "root", "mnist"), "root", "mnist");
    expect(back).toEqual({ ...mine, hiddenRuns: ["root/mnist/a1", "root/mnist/b2"], widths: { name: 300, "c:lr": 60, "s:loss": 100 }, split: { mode: "split", width: 512 } });
    // A view saved before views carried the table, and one that saved only its pins.
    expect(tableFromView(null, "root", "mnist")).toEqual({});
    expect(tableFromView({ pinned_columns: ["c:lr"], hidden_runs: null }, "root", "mnist")).toEqual({ pinned: ["c:lr"] });
  });

  it("shows this page's changes over the view's items over the user's own", () => {
    const view = tableFromView({ pinned_columns: ["c:opt"], hidden_runs: ["x"] }, "e", "p");
    const shown = shownTable(mine, view, { hiddenRuns: [] });
    expect(shown).toEqual({ ...mine, pinned: ["c:opt"], hiddenRuns: [] });
    expect(shownTable(mine, {}, null)).toEqual(mine);
  });

  it("knows when the table differs from the view (hidden things as sets, pins in order)", () => {
    const saved = tableToView(mine, "root", "mnist");
    const same: TableState = { ...mine, hiddenRuns: ["root/mnist/b2", "root/mnist/a1"], hiddenCols: ["s:val/acc", "notes"] };
    expect(sameTable(same, saved, "root", "mnist")).toBe(true);
    expect(sameTable({ ...mine, pinned: ["c:lr", "name"] }, saved, "root", "mnist")).toBe(false);
    expect(sameTable({ ...mine, hiddenRuns: ["root/mnist/a1"] }, saved, "root", "mnist")).toBe(false);
    expect(sameTable({ ...mine, widths: { ...mine.widths, name: 301 } }, saved, "root", "mnist")).toBe(false);
    expect(sameTable({ ...mine, split: { mode: "table", width: 512 } }, saved, "root", "mnist")).toBe(false);
    // Items a view did not save never count as changes to it.
    expect(sameTable(DEFAULT_TABLE, { pinned_columns: ["name"] }, "root", "mnist")).toBe(true);
    expect(sameTable(mine, null, "root", "mnist")).toBe(true);
  });
});
