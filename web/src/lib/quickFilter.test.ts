import { describe, expect, it } from "vitest";
import { compileFilter, FilterError, parseQuickFilter, type Filter, type FilterableRun } from "./filters";

const known = { config: new Set(["lr", "opt"]), summary: new Set(["acc"]) };
const parse = (text: string): Filter => parseQuickFilter(text, known);

const lr = (op: string, v: number): Filter => ({ "config.lr": { [op]: v } });
const running: Filter = { state: { $eq: "running" } };
const finished: Filter = { state: { $eq: "finished" } };

// [text, filter]: what the short form means, `and` binding tighter than `or`.
const VALID: [string, Filter][] = [
  ["", {}],
  ["lr>0.01", lr("$gt", 0.01)],
  ["lr>=1e-3 lr<=0.5", { $and: [lr("$gte", 0.001), lr("$lte", 0.5)] }],
  ["lr>0.01 state=running", { $and: [lr("$gt", 0.01), running] }],
  ["lr>0.01 and state=running", { $and: [lr("$gt", 0.01), running] }],
  ["lr>0.01 AND state=running", { $and: [lr("$gt", 0.01), running] }],
  ["state=running or state=finished", { $or: [running, finished] }],
  ["state=running OR state=finished or state=crashed", { $or: [running, finished, { state: { $eq: "crashed" } }] }],
  ["lr>0.01 state=running or state=finished", { $or: [{ $and: [lr("$gt", 0.01), running] }, finished] }],
  ["state=finished or lr>0.01 and state=running", { $or: [finished, { $and: [lr("$gt", 0.01), running] }] }],
  ["lr>0.01 and (state=running or state=finished)", { $and: [lr("$gt", 0.01), { $or: [running, finished] }] }],
  ["(state=running or state=finished) lr>0.01", { $and: [{ $or: [running, finished] }, lr("$gt", 0.01)] }],
  ["((lr>0.01))", lr("$gt", 0.01)],
  ["(lr<0.001 or lr>0.1)", { $or: [lr("$lt", 0.001), lr("$gt", 0.1)] }],
  ["name~^a(b|c)", { name: { $regex: "^a(b|c)" } }],
  ["opt=adam acc!=0.5", { $and: [{ "config.opt": { $eq: "adam" } }, { "summary_metrics.acc": { $ne: 0.5 } }] }],
  ['opt="sgd momentum"', { "config.opt": { $eq: "sgd momentum" } }],
  ['opt="1"', { "config.opt": { $eq: "1" } }],
  ['"my run"', { display_name: { $regex: "my run" } }],
  ["wide-", { display_name: { $regex: "wide-" } }],
  ["orange", { display_name: { $regex: "orange" } }],
  ['"or"', { display_name: { $regex: "or" } }],
];

// [text, message]: every mistake is named with its 1-based position.
const INVALID: [string, RegExp][] = [
  ["lr>>0.01", /^unexpected '>' at 4; write lr>0\.01$/],
  ["state==running", /^unexpected '=' at 7; write state=running$/],
  ["lr<=<1", /^unexpected '<' at 5; write lr<=1$/],
  [">0.01", /^unexpected '>' at 1; write a field before it/],
  ["lr>", /^lr> needs a value at 4; e\.g\. lr>0\.01$/],
  ["lr>0.01 and", /^the filter ends too early: expected a term such as lr>0\.01 at 12$/],
  ["or state=running", /^'or' needs a term on each side at 1$/],
  ["state=running or or lr>1", /^'or' needs a term on each side at 18$/],
  ["(lr>0.01 or state=running", /^the '\(' at 1 is not closed: expected '\)' at 26$/],
  ["lr>0.01)", /^unexpected '\)', it closes no '\(' at 8$/],
  ["()", /^unexpected '\)', expected a term such as lr>0\.01 at 2$/],
  ['opt="adam', /^the '"' at 5 is not closed: expected '"' at 10$/],
  ["foo=1", /write config\.foo or summary\.foo.*\(at 1\)$/],
  ["lr>1 or foo=1", /unknown field "foo".*\(at 9\)$/],
];

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
