import { expect, it } from "vitest";
import { clampWidth, collapse, DEFAULT_SPLIT, dragTo, expand, KEY_STEP_PX, maxTableWidth, MIN_CHARTS_PX, MIN_TABLE_PX, parseSplit, splitKey } from "./split";

const TOTAL = 1600;

it("reads a stored split, falling back to the default for anything else", () => {
  expect(parseSplit({ mode: "list", width: 420 })).toEqual({ mode: "list", width: 420 });
  expect(parseSplit(null)).toEqual(DEFAULT_SPLIT);
  expect(parseSplit("table")).toEqual(DEFAULT_SPLIT);
  expect(parseSplit({ mode: "sideways", width: -3 })).toEqual(DEFAULT_SPLIT);
  expect(parseSplit({ mode: "table", width: Number.NaN })).toEqual({ mode: "table", width: null });
  expect(parseSplit({ mode: "list", width: null })).toEqual({ mode: "list", width: null });
  expect(DEFAULT_SPLIT).toEqual({ mode: "split", width: null });
});

it("keeps the table between its narrowest and the charts' room", () => {
  expect(clampWidth(10, TOTAL)).toBe(MIN_TABLE_PX);
  expect(clampWidth(5000, TOTAL)).toBe(TOTAL - MIN_CHARTS_PX);
  expect(clampWidth(700.4, TOTAL)).toBe(700);
  // A window too narrow for both: the table keeps its narrowest width.
  expect(maxTableWidth(400)).toBe(MIN_TABLE_PX);
  expect(dragTo(20, TOTAL)).toEqual({ mode: "split", width: MIN_TABLE_PX });
});

it("collapses to the run list and expands to the full table one step at a time", () => {
  const s = { mode: "split" as const, width: 500 };
  expect(collapse(s)).toEqual({ mode: "list", width: 500 });
  expect(collapse(collapse(s)).mode).toBe("list");
  expect(expand(s)).toEqual({ mode: "table", width: 500 });
  expect(collapse(expand(s))).toEqual(s);
  expect(expand(collapse(s))).toEqual(s);
});

it("moves with the keyboard: arrows, shift for bigger steps, Home and End to the ends", () => {
  const s = { mode: "split" as const, width: 500 };
  expect(splitKey(s, "ArrowRight", false, TOTAL, 600)).toEqual({ mode: "split", width: 500 + KEY_STEP_PX });
  expect(splitKey(s, "ArrowLeft", true, TOTAL, 600)).toEqual({ mode: "list", width: 500 }); // past the narrowest
  expect(splitKey({ mode: "split", width: 800 }, "ArrowLeft", true, TOTAL, 600)).toEqual({ mode: "split", width: 800 - 10 * KEY_STEP_PX });
  expect(splitKey({ mode: "split", width: TOTAL - MIN_CHARTS_PX }, "ArrowRight", false, TOTAL, 600)?.mode).toBe("table");
  expect(splitKey({ mode: "list", width: 500 }, "ArrowRight", false, TOTAL, 600)).toEqual({ mode: "split", width: MIN_TABLE_PX });
  expect(splitKey({ mode: "table", width: 500 }, "ArrowLeft", false, TOTAL, 600)).toEqual({ mode: "split", width: TOTAL - MIN_CHARTS_PX });
  expect(splitKey(s, "Home", false, TOTAL, 600)?.mode).toBe("list");
  expect(splitKey(s, "End", false, TOTAL, 600)?.mode).toBe("table");
  expect(splitKey({ mode: "table", width: 500 }, "Enter", false, TOTAL, 600)).toEqual(s);
  expect(splitKey(s, "a", false, TOTAL, 600)).toBeNull();
  // From the default width: the width on screen moves; Home and End keep the default for later.
  expect(splitKey(DEFAULT_SPLIT, "ArrowRight", false, TOTAL, 672)).toEqual({ mode: "split", width: 672 + KEY_STEP_PX });
  expect(splitKey(DEFAULT_SPLIT, "End", false, TOTAL, 672)).toEqual({ mode: "table", width: null });
});
