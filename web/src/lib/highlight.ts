/**
 * The run (or group) the user points at: at its row in the runs table, at its line in a chart, or
 * at its entry in a chart's legend. A tiny store outside React, so a hover redraws the charts
 * (uPlot) and restyles one table row without rendering anything else again.
 *
 * Where the pointing happens decides who follows: from the table, every chart of the workspace
 * draws the run's lines on top and dims the rest; from a chart (a line or a legend entry), that
 * chart does so by itself, and the run's row in the table lights up as if the mouse were on it.
 */

/** Where the mouse is: the runs table, or a chart (its lines or its legend). */
export type HighlightFrom = "table" | "chart";

/** `entity/project/id` of a run, `group:<label>` of a group, or null. */
let current: string | null = null;
let from: HighlightFrom = "table";
const listeners = new Set<() => void>();

let frame: number | null = null;

/** Highlights `key` (null: none), pointed at `where`. Listeners hear of it once per animation frame:
 * the mouse running down the table redraws the charts for the row it stops on, not for every row
 * it crossed. */
export function setHighlightedRun(key: string | null, where: HighlightFrom = "table"): void {
  if (key === current && (key === null || where === from)) return;
  current = key;
  from = where;
  if (frame !== null) return;
  frame = requestAnimationFrame(() => {
    frame = null;
    for (const l of listeners) l();
  });
}

/** Clears the highlight only when it is still `key` from `where`: a chart leaving a line must not
 * undo a row the mouse has since moved onto. */
export function clearHighlightedRun(key: string, where: HighlightFrom): void {
  if (current === key && from === where) setHighlightedRun(null, where);
}

/** The key the charts follow: pointed at in the runs table (a chart's own pointing it draws itself). */
export const highlightedRun = (): string | null => (from === "table" ? current : null);

/** The key whose table row lights up: pointed at in a chart (the table's own hover is CSS's). */
export const highlightedRow = (): string | null => (from === "chart" ? current : null);

export function subscribeHighlight(cb: () => void): () => void {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

/** The lines (indices) a highlight `key` stands for: a run's lines (one per metric of the chart;
 * the smoothed line rather than the faint raw one, which counts only where it is all the run has:
 * a run of an opened group), or a group's mean lines. */
export function linesOf(lines: readonly { runKey?: string; group?: string; role: string }[], key: string | null): number[] {
  if (key === null) return [];
  const out: number[] = [];
  const group = key.startsWith("group:") ? key.slice(6) : null;
  const many = `${key}\u0001`; // lib/panelLines lineKey: a (run, metric) line of a chart of several metrics
  const raw: number[] = [];
  lines.forEach((l, i) => {
    if (group !== null) {
      if (l.role === "mean" && l.group === group) out.push(i);
    } else if (l.runKey === key || Boolean(l.runKey?.startsWith(many))) {
      if (l.role === "line") out.push(i);
      else if (l.role === "raw") raw.push(i);
    }
  });
  return out.length || group !== null ? out : raw;
}
