/**
 * The workspace's split between the runs table and the charts, as W&B lays it out: a table beside
 * the charts at a width the user drags, a narrow run list (name, colour, eye) with the charts taking
 * the rest, or the table across the whole width with no charts. Kept per user and project in the
 * browser (lib/storage.ts), so a reload opens the workspace as it was left.
 */

export type SplitMode = "split" | "list" | "table";

export interface SplitState {
  mode: SplitMode;
  /** The table's width in the "split" mode, in CSS pixels; null: the default share of the workspace
   * (DEFAULT_SHARE) until the user moves the divider. */
  width: number | null;
}

export const DEFAULT_SPLIT: SplitState = { mode: "split", width: null };
/** The table's default share of the workspace's width (at least DEFAULT_MIN_PX). */
export const DEFAULT_SHARE = "42%";
export const DEFAULT_MIN_PX = 360;
/** Narrower than this, a table shows hardly two columns beside the name: the run list does that. */
export const MIN_TABLE_PX = 300;
/** The charts keep at least this much room beside the table. */
export const MIN_CHARTS_PX = 320;
/** The run list's width: the checkbox and eye column and the name. */
export const LIST_PX = 280;
/** How far one arrow key press moves the divider (shift: ten times as far). */
export const KEY_STEP_PX = 24;

/** The largest table width that leaves the charts their room in a workspace `total` pixels wide. */
export function maxTableWidth(total: number): number {
  return Math.max(MIN_TABLE_PX, total - MIN_CHARTS_PX);
}

export function clampWidth(width: number, total: number): number {
  return Math.round(Math.min(Math.max(width, MIN_TABLE_PX), maxTableWidth(total)));
}

/** A stored split, checked: anything else (an older or hand-edited value) is the default. */
export function parseSplit(raw: unknown): SplitState {
  if (typeof raw !== "object" || raw === null) return DEFAULT_SPLIT;
  const { mode, width } = raw as { mode?: unknown; width?: unknown };
  const okMode = mode === "split" || mode === "list" || mode === "table";
  const okWidth = width === null || (typeof width === "number" && Number.isFinite(width) && width > 0);
  return { mode: okMode ? mode : DEFAULT_SPLIT.mode, width: okWidth ? (width as number | null) : DEFAULT_SPLIT.width };
}

/** One step narrower: table to split, split to list. */
export function collapse(s: SplitState): SplitState {
  return { ...s, mode: s.mode === "table" ? "split" : "list" };
}

/** One step wider: list to split, split to the full-width table. */
export function expand(s: SplitState): SplitState {
  return { ...s, mode: s.mode === "list" ? "split" : "table" };
}

/**
 * The divider's keyboard (a focusable separator, as WAI-ARIA's window splitter): ← and → move it
 * (shift: ten steps), Home collapses to the run list, End expands to the full table, Enter goes
 * back to the table beside the charts. Null: not a key of the divider. `shown` is the table's width
 * on screen (what a default width stands for).
 */
export function splitKey(split: SplitState, key: string, shift: boolean, total: number, shown: number): SplitState | null {
  const s = { ...split, width: split.width ?? shown };
  const step = shift ? KEY_STEP_PX * 10 : KEY_STEP_PX;
  switch (key) {
    case "ArrowLeft":
      if (s.mode === "table") return { ...s, mode: "split", width: clampWidth(maxTableWidth(total), total) };
      if (s.mode === "list") return s;
      // Past the narrowest table, the run list.
      return s.width - step < MIN_TABLE_PX ? { ...s, mode: "list" } : { ...s, width: clampWidth(s.width - step, total) };
    case "ArrowRight":
      if (s.mode === "list") return { ...s, mode: "split", width: MIN_TABLE_PX };
      if (s.mode === "table") return s;
      return s.width + step > maxTableWidth(total) ? { ...s, mode: "table" } : { ...s, width: clampWidth(s.width + step, total) };
    case "Home":
      return { ...split, mode: "list" };
    case "End":
      return { ...split, mode: "table" };
    case "Enter":
      return { ...split, mode: "split" };
    default:
      return null;
  }
}

/** The table's width for a drag of the divider to `x` pixels from the workspace's left edge. A drag
 * stays in the split mode: collapsing and expanding are the buttons' and keys' (a drag that ended
 * in another mode would lose the width the user was dragging). */
export function dragTo(x: number, total: number): SplitState {
  return { mode: "split", width: clampWidth(x, total) };
}
