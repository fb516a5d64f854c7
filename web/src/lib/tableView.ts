/**
 * The runs table's view state that a user arranges and the browser keeps per user and project
 * (lib/viewsTable.ts, where an open saved view's take their place): the split between table and
 * charts (lib/split.ts), the dragged column widths, and the headers of define_metric summaries
 * (lib/runColumns.ts). One hook, so the workspace only hands its pieces to the table, the picker
 * and the split.
 */
import { useCallback, useMemo, useRef } from "react";
import type { VisibilityState } from "@tanstack/react-table";
import { summaryColumnLabels, type SummaryLabel } from "./runColumns";
import type { SplitState } from "./split";
import type { WorkspaceTable } from "./viewsTableState";

interface LabelRun {
  summary: Record<string, unknown>;
  run: { metric_definitions?: readonly Record<string, unknown>[] | null };
}

export interface TableView {
  split: SplitState;
  setSplit: (s: SplitState) => void;
  /** The columns to show: the user's choice, or the name alone in the run list. */
  visibility: VisibilityState;
  widths: Readonly<Record<string, number>>;
  onColumnWidth: (id: string, width: number | null) => void;
  /** `s:loss.min` → `loss (min)`, the same Map while its content is (the runs are fetched again every
   * few seconds while one is running; the table's columns must not be rebuilt for that). */
  labels: ReadonlyMap<string, SummaryLabel>;
}

/** `table` holds the split and widths (the user's own or the open view's: lib/viewsTable.ts);
 * `visibility` is what the column picker chose. */
export function useTableView(table: WorkspaceTable, columnIds: readonly string[], rows: readonly LabelRun[], visibility: VisibilityState): TableView {
  const { split, widths, set } = table;
  const setSplit = useCallback((s: SplitState) => set("split", s), [set]);
  const listVisibility = useMemo(() => Object.fromEntries(columnIds.filter((c) => c !== "name").map((c) => [c, false])), [columnIds]);
  const onColumnWidth = useCallback(
    (id: string, w: number | null) => set("widths", Object.fromEntries([...Object.entries(widths).filter(([k]) => k !== id), ...(w === null ? [] : [[id, w]])])),
    [widths, set],
  );
  const fresh = useMemo(() => summaryColumnLabels(rows.map((r) => ({ summary: r.summary, definitions: r.run.metric_definitions }))), [rows]);
  const stable = useRef(fresh);
  if (JSON.stringify([...stable.current]) !== JSON.stringify([...fresh])) stable.current = fresh;
  return { split, setSplit, visibility: split.mode === "list" ? listVisibility : visibility, widths, onColumnWidth, labels: stable.current };
}
