/**
 * Picked run and group colours in the workspace: the layout's `run_colors` (the user's own layout,
 * or the open saved view's) go to lib/panels, whose runColor and groupColor every part of the page
 * asks; a colour picked in the runs table is a layout change (saved like any other).
 */
import { useCallback, useLayoutEffect, useRef } from "react";
import type { Layout } from "./layout";
import type { WorkspaceLayoutState } from "./layoutSync";
import { setPickedColors, withPickedColor } from "./panels";

/** `layout` with run or group `key` (`entity/project/id` or `group:<label>`) set to `color` (null:
 * back to the automatic colour). The layout names a run by its id: it is a project's layout. */
export function pickColor(layout: Layout, key: string, color: string | null): Layout {
  const id = key.startsWith("group:") ? key : (key.split("/")[2] ?? key);
  const { run_colors: _old, ...rest } = layout;
  const next = withPickedColor(layout.run_colors, id, color);
  return next ? { ...rest, run_colors: next } : rest;
}

/** Applies the shown layout's colours and returns the table's "colour picked" handler (stable, so
 * the memoized table does not render again for it). */
export function usePickedColors(entity: string, project: string, panelLayout: WorkspaceLayoutState): (key: string, color: string | null) => void {
  const colors = panelLayout.layout.run_colors;
  // Before paint: charts and table render again at once with the colours (lib/panels notifies).
  useLayoutEffect(() => setPickedColors(entity, project, colors), [entity, project, colors]);
  const update = useRef(panelLayout.update);
  update.current = panelLayout.update;
  return useCallback((key: string, color: string | null) => update.current((l) => pickColor(l, key, color)), []);
}

/** Where charts show their legend (`legend=` in the URL; absent: below the chart). */
export type LegendPlace = "bottom" | "right" | "hidden";

export function parseLegend(value: string | null): LegendPlace {
  return value === "right" || value === "hidden" ? value : "bottom";
}
