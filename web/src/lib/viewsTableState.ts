/**
 * The runs table's state the workspace shows: the user's own (kept in the browser per user and
 * project) or, with a saved view open, the view's with this page's unsaved changes (viewsTable.ts
 * says what a view holds and why).
 */
import { useQuery } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useLocation } from "../router";
import { parseWidths } from "./runColumns";
import { parseSplit } from "./split";
import { usePersisted } from "./storage";
import { openViewQuery, VIEW_PARAM, type ViewOut } from "./views";
import { DEFAULT_TABLE, sameTable, shownTable, tableFromView, tableToView, type Item, type TableState } from "./viewsTable";
import type { SavedViewState } from "./viewSync";

export interface WorkspaceTable extends TableState {
  set: <K extends Item>(item: K, value: TableState[K]) => void;
  /** `saved` with the table: saving a view saves it, and its changes count as unsaved changes. */
  withTable: (saved: SavedViewState) => SavedViewState;
}

/** `store` names the user and project (`tw:<user>:<entity>/<project>`): the keys the browser has
 * kept this state under since before views carried it. */
export function useWorkspaceTable(store: string, entity: string, project: string): WorkspaceTable {
  const [hiddenRuns, setHiddenRuns] = usePersisted<string[]>(`${store}:hidden`, DEFAULT_TABLE.hiddenRuns);
  const [pinned, setPinned] = usePersisted<string[]>(`${store}:pinned`, DEFAULT_TABLE.pinned);
  const [hiddenCols, setHiddenCols] = usePersisted<string[]>(`${store}:hiddenCols`, DEFAULT_TABLE.hiddenCols);
  const [rawWidths, setWidths] = usePersisted<unknown>(`${store}:colWidths`, {});
  const [rawSplit, setSplit] = usePersisted<unknown>(`${store}:split`, null);
  const own: TableState = useMemo(
    () => ({ hiddenRuns, pinned, hiddenCols, widths: parseWidths(rawWidths), split: parseSplit(rawSplit) }),
    [hiddenRuns, pinned, hiddenCols, rawWidths, rawSplit],
  );
  // The open view, from the query lib/viewSync.ts makes (the same key: one request).
  const viewId = useLocation().search.get(VIEW_PARAM);
  const query = useQuery(openViewQuery(entity, project, viewId));
  const view: ViewOut | undefined = viewId !== null && !query.isError ? query.data : undefined;
  const fromView = useMemo(() => tableFromView(view?.state.table, entity, project), [view, entity, project]);
  const [draft, setDraft] = useState<{ id: string; table: Partial<TableState> } | null>(null);
  const draftTable = draft !== null && draft.id === viewId ? draft.table : null;
  // Leaving or switching views forgets this page's changes to the one left, as with its panels.
  useEffect(() => {
    if (draft !== null && draft.id !== viewId) setDraft(null);
  }, [draft, viewId]);
  const shown = useMemo(() => (view ? shownTable(own, fromView, draftTable) : own), [view, own, fromView, draftTable]);

  const set = useCallback(
    <K extends Item>(item: K, value: TableState[K]) => {
      if (view) {
        setDraft((d) => ({ id: view.id, table: { ...(d !== null && d.id === view.id ? d.table : {}), [item]: value } }));
        return;
      }
      const setters: { [I in Item]: (v: TableState[I]) => void } = { hiddenRuns: setHiddenRuns, pinned: setPinned, hiddenCols: setHiddenCols, widths: setWidths, split: setSplit };
      setters[item](value);
    },
    [view, setHiddenRuns, setPinned, setHiddenCols, setWidths, setSplit],
  );
  const modified = view !== undefined && !sameTable(shown, view.state.table, entity, project);
  const withTable = useCallback(
    (saved: SavedViewState): SavedViewState => ({
      ...saved,
      modified: saved.modified || modified,
      current: () => {
        const now = saved.current();
        return { ...now, state: { ...now.state, table: tableToView(shown, entity, project) } };
      },
    }),
    [modified, shown, entity, project],
  );
  return { ...shown, set, withTable };
}
