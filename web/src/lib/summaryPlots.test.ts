import { describe, expect, it } from "vitest";
import shared from "../../../tests/cases/summary_numbers.json";
import { barData, numberOf, numericFields, scaleOf, scatterData, type SummaryRun } from "./summaryPlots";

const run = (key: string, summary: Record<string, unknown>, config: Record<string, unknown> = {}): SummaryRun => ({ key, name: key, color: "#000000", summary, config });
const runs = [run("a", { acc: 0.5 }, { lr: 0.1 }), run("b", { acc: 0.9 }, { lr: 0.01 }), run("c", { acc: "NaN" }, { lr: 1 }), run("d", {}, { lr: "0.5" })];

it("bars hold runs with a finite value, sorted as asked", () => {
  expect(barData(runs, "acc", "desc").map((b) => [b.key, b.value])).toEqual([["b", 0.9], ["a", 0.5]]);
  expect(barData(runs, "acc", "asc").map((b) => b.key)).toEqual(["a", "b"]);
  expect(barData(runs, "acc", "none").map((b) => b.key)).toEqual(["a", "b"]);
});

it("scatter reads summary and config values, drops runs missing either and non-positive values on log axes", () => {
  expect(scatterData(runs, "config.lr", "summary.acc").map((p) => [p.key, p.x, p.y])).toEqual([["a", 0.1, 0.5], ["b", 0.01, 0.9]]);
  const withZero = [...runs, run("e", { acc: 0.7 }, { lr: 0 })];
  expect(scatterData(withZero, "config.lr", "summary.acc").map((p) => p.key)).toEqual(["a", "b", "e"]);
  expect(scatterData(withZero, "config.lr", "summary.acc", true).map((p) => p.key)).toEqual(["a", "b"]);
});

it("reads numbers from numbers, booleans and numeric strings only", () => {
  expect([numberOf(2), numberOf(true), numberOf("0.5"), numberOf("x"), numberOf(""), numberOf(null), numberOf(Infinity)]).toEqual([2, 1, 0.5, null, null, null, null]);
});

it("scales pad the range, place values between 0 and 1 and give round ticks", () => {
  const s = scaleOf([0, 10]);
  expect(s.min).toBeCloseTo(-0.5);
  expect(s.max).toBeCloseTo(10.5);
  expect(s.at(0)).toBeCloseTo(0.5 / 11);
  expect(s.ticks).toEqual([0, 2, 4, 6, 8, 10]);
  const log = scaleOf([0.001, 1], true);
  expect(log.ticks).toEqual([0.001, 0.01, 0.1, 1]);
  expect(log.at(0.001)).toBeCloseTo(0);
  expect(log.at(1)).toBeCloseTo(1);
  const flat = scaleOf([3, 3]);
  expect(flat.at(3)).toBeCloseTo(0.5);
});

it("offers as scatter axes only fields some run holds a number in", () => {
  const rs = [run("a", { acc: 0.5, note: "x", _step: 3 }, { lr: 0.1, opt: "adam" }), run("b", { loss: 1 }, { layers: "4" })];
  expect(numericFields(rs)).toEqual(["summary.acc", "summary.loss", "config.layers", "config.lr"]);
});

describe("shared number cases (tests/cases/summary_numbers.json)", () => {
  // The server's service/group_summary.py summary_number runs the same file (tests/contract/test_group_summary.py).
  it.each(shared.cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(numberOf(c.value)).toStrictEqual(c.number);
  });
});
