import { describe, expect, it } from "vitest";
import cases from "../../../tests/cases/quick_filters.json";
import { compileFilter, FilterError, parseQuickFilter, TOP_LEVEL_FIELDS, type Filter, type FilterableRun } from "./filters";

// Both parsers (this one and src/trackwell/schema/quick_filter.py) run these cases.
const known = { config: new Set(cases.known.config), summary: new Set(cases.known.summary) };
const parse = (text: string): Filter => parseQuickFilter(text, known);
const VALID = cases.valid as [string, Filter][];
const INVALID = (cases.invalid as [string, string][]).map(([text, pattern]) => [text, new RegExp(pattern)] as const);

describe("short filter form", () => {
  for (const [text, filter] of VALID) {
    it(`parses ${JSON.stringify(text)}`, () => expect(parse(text)).toEqual(filter));
  }
  for (const [text, message] of INVALID) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      let error: unknown;
      try {
        parse(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FilterError);
      expect((error as Error).message).toMatch(message);
    });
  }

  it("names the same run fields directly as the server", () => {
    expect([...TOP_LEVEL_FIELDS].sort()).toEqual(cases.top_level);
  });

  it("selects runs with or, and and parentheses as written", () => {
    const run = (id: string, state: string, lrValue: number): FilterableRun => ({ id, display_name: id, state, created_at: 0, config: { lr: lrValue } });
    const runs = [run("a", "running", 0.1), run("b", "finished", 0.1), run("c", "running", 0.001), run("d", "crashed", 0.001)];
    const ids = (text: string): string[] => runs.filter(compileFilter(parse(text))).map((r) => r.id);
    expect(ids("state=running or state=finished")).toEqual(["a", "b", "c"]);
    expect(ids("state=crashed or state=running lr>0.01")).toEqual(["a", "d"]);
    expect(ids("(state=crashed or state=running) lr<0.01")).toEqual(["c", "d"]);
    expect(ids("lr>0.01 state=crashed")).toEqual([]);
  });
});
