/**
 * The run (or group) the user points at in the runs table: every chart of the workspace draws its
 * lines on top and thicker and dims the others. A tiny store outside React, so a hover redraws the
 * charts (uPlot) without rendering any component again.
 */

/** `entity/project/id` of a run, `group:<label>` of a group, or null. */
let current: string | null = null;
const listeners = new Set<() => void>();

let frame: number | null = null;

/** Highlights `key` (null: none). Charts hear of it once per animation frame: the mouse running down
 * the table redraws them for the row it stops on, not for every row it crossed. */
export function setHighlightedRun(key: string | null): void {
  if (key === current) return;
  current = key;
  if (frame !== null) return;
  frame = requestAnimationFrame(() => {
    frame = null;
    for (const l of listeners) l();
  });
}

export const highlightedRun = (): string | null => current;

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
