import { describe, expect, it } from "vitest";
import { highlightKeyOf, lineAtCursor, type PlotScale } from "./lineHover";

// 1 data unit = 10 px on both axes, y pointing down as on a canvas (y=0 at 100 px).
const scale: PlotScale = { left: (x) => x * 10, top: (y) => 100 - y * 10 };
const flat = (y: number, runKey: string): { role: string; runKey: string; x: number[]; values: number[] } => ({ role: "line", runKey, x: [0, 5, 10], values: [y, y, y] });

describe("lineAtCursor", () => {
  it("picks the line whose path passes nearest the mouse, between its points too", () => {
    const lines = [flat(2, "e/p/a"), flat(5, "e/p/b"), flat(8, "e/p/c")];
    // At x=2.5 (25 px), y=5.3 (47 px): on b, 3 px away, between b's points at x=0 and x=5.
    expect(lineAtCursor(lines, [], 2.5, 25, 47, scale)).toBe(1);
    expect(lineAtCursor(lines, [], 2.5, 25, 100 - 7.6 * 10, scale)).toBe(2);
  });

  it("answers nothing when no line is within reach", () => {
    const lines = [flat(2, "e/p/a"), flat(8, "e/p/c")];
    expect(lineAtCursor(lines, [], 5, 50, 50, scale)).toBeNull(); // y=5: 30 px from either line
    expect(lineAtCursor(lines, [], 5, 50, 50, scale, 40)).not.toBeNull(); // a longer reach finds one
    // Past the end of every line: nothing there to point at.
    expect(lineAtCursor([flat(5, "e/p/b")], [], 30, 300, 50, scale)).toBeNull();
  });

  it("measures to the segment, so a steep line is found beside it, not only above or below", () => {
    // A jump from y=0 to y=10 between x=4 and x=5: the mouse at x=4.6, y=1 is 0.4 units beside it.
    const steep = { role: "line", runKey: "e/p/s", x: [0, 4, 5, 10], values: [0, 0, 10, 10] };
    expect(lineAtCursor([steep], [], 4.2, 42, 100 - 5 * 10, scale)).toBe(0);
  });

  it("skips missing values as the chart draws across them, and lines one does not point at", () => {
    const gappy = { role: "line", runKey: "e/p/g", x: [0, 5, 10], values: [4, null, 4] };
    expect(lineAtCursor([gappy], [], 5, 50, 60, scale)).toBe(0);
    const raw = { ...flat(5, "e/p/b"), role: "raw" };
    const band = { role: "max", group: "adam", x: [0, 10], values: [5, 5] };
    expect(lineAtCursor([raw, band], [], 5, 50, 50, scale)).toBeNull();
  });

  it("uses the shared x of aligned lines (a grouped chart's means)", () => {
    const mean = { role: "mean", group: "adam", values: [1, 1, 1] };
    expect(lineAtCursor([mean], [0, 5, 10], 5, 50, 92, scale)).toBe(0);
  });
});

describe("highlightKeyOf", () => {
  it("names a line's run, also on a chart of several metrics, and a mean line's group", () => {
    expect(highlightKeyOf({ role: "line", runKey: "e/p/a", values: [] })).toBe("e/p/a");
    expect(highlightKeyOf({ role: "line", runKey: "e/p/a\u0001val/loss", values: [] })).toBe("e/p/a");
    expect(highlightKeyOf({ role: "mean", group: "adam", values: [] })).toBe("group:adam");
    expect(highlightKeyOf(undefined)).toBeNull();
  });
});
