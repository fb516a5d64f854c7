import { describe, expect, it } from "vitest";
import shared from "../../../tests/cases/run_filters.json";
import { compileFilter, FilterError, parseQuickFilter, type Filter, type FilterableRun } from "./filters";

// The rule's cases, shared with the server's suite (tests/contract/test_run_filter_cases.py runs the
// same file against SQLite and PostgreSQL): the same runs selected, the same filters refused.
describe("shared run filter cases (tests/cases/run_filters.json)", () => {
  const docs = shared.runs as unknown as FilterableRun[];
  for (const c of shared.cases as { filter: Filter; ids?: string[]; error?: string[] }[]) {
    it(JSON.stringify(c.filter), () => {
      if (c.error) {
        let message = "";
        try {
          compileFilter(c.filter);
        } catch (e) {
          expect(e).toBeInstanceOf(FilterError);
          message = (e as Error).message;
        }
        for (const words of c.error) expect(message).toContain(words);
      } else {
        expect(docs.filter(compileFilter(c.filter)).map((r) => r.id).sort()).toEqual(c.ids);
      }
    });
  }
});

const runs: FilterableRun[] = [
  { id: "a", display_name: "baseline", state: "finished", tags: ["base"], created_at: 1, config: { lr: 0.1, model: { depth: 2 } }, summary: { acc: 0.9 } },
  { id: "b", display_name: "wide-lr", state: "running", tags: ["sweep", "wide"], created_at: 2, config: { lr: 0.01 }, summary: { acc: 0.7 } },
  { id: "c", display_name: "crashy", state: "crashed", created_at: 3, config: { lr: 0.5 }, summary: {} },
];
const ids = (f: Parameters<typeof compileFilter>[0]) => runs.filter(compileFilter(f)).map((r) => r.id);

describe("mongo filters", () => {
  it("compares config and summary values", () => {
    expect(ids({ "config.lr": { $gt: 0.05 } })).toEqual(["a", "c"]);
    expect(ids({ "summary_metrics.acc": { $gte: 0.8 } })).toEqual(["a"]);
    expect(ids({ "config.model.depth": 2 })).toEqual(["a"]);
  });
  it("supports $or, $in, $regex, $exists and array membership for tags", () => {
    expect(ids({ $or: [{ state: "running" }, { state: "crashed" }] })).toEqual(["b", "c"]);
    expect(ids({ state: { $in: ["finished"] } })).toEqual(["a"]);
    expect(ids({ displayName: { $regex: "^wi" } })).toEqual(["b"]);
    expect(ids({ tags: "sweep" })).toEqual(["b"]);
    expect(ids({ "summary_metrics.acc": { $exists: false } })).toEqual(["c"]);
  });
  it("names the field and the fix for unknown fields and operators", () => {
    expect(() => compileFilter({ lr: 1 })).toThrow(/unknown filter field 'lr'.*config\.<path>/);
    expect(() => compileFilter({ state: { $like: "x" } })).toThrow(FilterError);
  });
});

describe("quick filter text", () => {
  const known = { config: new Set(["lr"]), summary: new Set(["acc"]) };
  it("compiles terms to the same filter objects", () => {
    expect(parseQuickFilter("lr>0.05", known)).toEqual({ "config.lr": { $gt: 0.05 } });
    expect(parseQuickFilter("state=running acc<0.8", known)).toEqual({
      $and: [{ state: { $eq: "running" } }, { "summary_metrics.acc": { $lt: 0.8 } }],
    });
    expect(parseQuickFilter("summary.acc>=0.9")).toEqual({ "summary_metrics.acc": { $gte: 0.9 } });
  });
  it("treats bare words as a name search, escaped", () => {
    expect(ids(parseQuickFilter("wide-"))).toEqual(["b"]);
    expect(parseQuickFilter("a.b")).toEqual({ display_name: { $regex: "a\\.b" } });
  });
  it("accepts raw JSON filters", () => {
    expect(parseQuickFilter('{"state": "crashed"}')).toEqual({ state: "crashed" });
  });
  it("explains unknown bare fields", () => {
    expect(() => parseQuickFilter("foo=1", known)).toThrow(/write config\.foo or summary\.foo/);
  });
});
