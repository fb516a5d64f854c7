import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { clearHighlightedRun, highlightedRow, highlightedRun, linesOf, setHighlightedRun, subscribeHighlight } from "./highlight";

const lines = [
  { runKey: "e/p/a", role: "raw" },
  { runKey: "e/p/a", role: "line" },
  { runKey: "e/p/ab", role: "line" },
  { runKey: "e/p/a\u0001val/loss", role: "line" },
  { group: "adam", role: "max" },
  { group: "adam", role: "mean" },
  { group: "sgd", role: "mean" },
];

it("a run's highlight finds its lines in every metric of the chart, and nothing of another run", () => {
  expect(linesOf(lines, "e/p/a")).toEqual([1, 3]); // the smoothed line, not the faint raw one
  expect(linesOf([{ runKey: "e/p/a", role: "raw" }], "e/p/a")).toEqual([0]); // an opened group's run
  expect(linesOf(lines, "e/p/ab")).toEqual([2]);
  expect(linesOf(lines, null)).toEqual([]);
});

it("a group's highlight finds its mean line only", () => {
  expect(linesOf(lines, "group:adam")).toEqual([5]);
  expect(linesOf(lines, "group:none")).toEqual([]);
});

describe("where the mouse points decides who follows", () => {
  // Listeners hear once per animation frame; in Node a frame is a timer turn.
  beforeAll(() => vi.stubGlobal("requestAnimationFrame", (cb: () => void) => setTimeout(cb, 0)));
  afterAll(() => vi.unstubAllGlobals());
  const frame = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

  it("a row pointed at lights every chart's lines, not a row; a line pointed at lights its row, not other charts", async () => {
    let heard = 0;
    const stop = subscribeHighlight(() => (heard += 1));
    setHighlightedRun("e/p/a");
    await frame();
    expect([highlightedRun(), highlightedRow(), heard]).toEqual(["e/p/a", null, 1]);
    setHighlightedRun("e/p/b", "chart");
    await frame();
    expect([highlightedRun(), highlightedRow(), heard]).toEqual([null, "e/p/b", 2]);
    // The same run pointed at from the table instead: charts follow now.
    setHighlightedRun("e/p/b", "table");
    await frame();
    expect([highlightedRun(), highlightedRow(), heard]).toEqual(["e/p/b", null, 3]);
    stop();
    setHighlightedRun(null);
  });

  it("a chart letting go of its line does not undo what the mouse points at since", async () => {
    setHighlightedRun("e/p/a", "chart");
    setHighlightedRun("e/p/c", "table"); // the mouse went on to a row
    clearHighlightedRun("e/p/a", "chart");
    await frame();
    expect(highlightedRun()).toBe("e/p/c");
    setHighlightedRun("e/p/a", "chart");
    clearHighlightedRun("e/p/a", "chart");
    await frame();
    expect([highlightedRun(), highlightedRow()]).toEqual([null, null]);
  });

  it("many moves within one frame reach listeners once, with the last key", async () => {
    let heard = 0;
    const stop = subscribeHighlight(() => (heard += 1));
    for (const k of ["e/p/1", "e/p/2", "e/p/3"]) setHighlightedRun(k, "chart");
    await frame();
    expect([heard, highlightedRow()]).toEqual([1, "e/p/3"]);
    stop();
    setHighlightedRun(null);
    await frame();
  });
});
