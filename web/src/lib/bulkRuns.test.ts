import { describe, expect, it } from "vitest";
import { actionable, describeResult, parseTags, runIdOf, selectionState, toggleAll, withArchived } from "./bulkRuns";

const keys = ["e/p/a", "e/p/b", "e/p/c"];

describe("selection", () => {
  it("the header checkbox shows none, some or all of the visible rows", () => {
    expect(selectionState(new Set(), keys)).toBe("none");
    expect(selectionState(new Set(["e/p/a"]), keys)).toBe("some");
    expect(selectionState(new Set(keys), keys)).toBe("all");
    expect(selectionState(new Set(["e/p/x"]), keys)).toBe("none"); // ticked, but filtered out
  });

  it("select all ticks every visible (filtered) row and keeps runs ticked before", () => {
    const next = toggleAll(new Set(["e/p/x"]), ["e/p/a", "e/p/b"]);
    expect([...next].sort()).toEqual(["e/p/a", "e/p/b", "e/p/x"]);
  });

  it("select all on a partly ticked table ticks the rest; on a fully ticked one clears the visible rows", () => {
    expect([...toggleAll(new Set(["e/p/a"]), keys)].sort()).toEqual(keys);
    expect([...toggleAll(new Set([...keys, "e/p/x"]), keys)]).toEqual(["e/p/x"]);
  });

  it("acts only on ticked runs still in the table, in the table's order", () => {
    expect(actionable(new Set(["e/p/c", "e/p/gone", "e/p/a"]), keys)).toEqual(["e/p/a", "e/p/c"]);
  });

  it("reads the run id of a key", () => {
    expect(runIdOf("team/proj/run-1")).toBe("run-1");
  });
});

describe("show archived", () => {
  it("leaves the filter alone while archived runs are hidden", () => {
    expect(withArchived(null, false)).toBeNull();
    expect(withArchived({ state: "finished" }, false)).toEqual({ state: "finished" });
  });

  it("asks for archived runs too, with the typed filter kept", () => {
    expect(withArchived(null, true)).toEqual({ archived: { $in: [true, false] } });
    expect(withArchived({ state: "finished" }, true)).toEqual({ $and: [{ state: "finished" }, { archived: { $in: [true, false] } }] });
  });
});

describe("the bar's words", () => {
  it("splits typed tags once each", () => {
    expect(parseTags(" best, v2 ,,best ")).toEqual(["best", "v2"]);
  });

  it("counts what changed and what already was so", () => {
    expect(describeResult({ action: "archive", changed: ["a", "b"], unchanged: ["c"] })).toBe("2 runs archived (1 already so)");
    expect(describeResult({ action: "add_tags", changed: ["a"], unchanged: [] })).toBe("1 run tagged");
  });
});
