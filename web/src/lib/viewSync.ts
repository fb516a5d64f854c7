/**
 * The open saved view (`view=<id>` in the URL) and what the workspace shows for it.
 *
 * With no view open the workspace shows the user's own layout (`useWorkspaceLayout`), saved as they
 * change it. With a view open it shows the view's layout; panel changes are kept on this page only
 * (unsaved changes, as in W&B) until *Update view* saves them, or the view is left. Settings kept in
 * the URL (filter, grouping, ...) are the URL's: opening a view writes its settings into the URL,
 * and a bare `?view=<id>` link gets them once the view arrives.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { navigate, useLocation } from "../router";
import { EMPTY_LAYOUT, fromWire, materialize, type Layout } from "./layout";
import type { WorkspaceLayoutState } from "./layoutSync";
import { hasViewSettings, openViewQuery, sameState, searchWithState, stateFromSearch, VIEW_PARAM, viewKey, viewsKey, type ViewOut, type ViewState } from "./views";

export interface SavedViewState {
  /** The panel layout the workspace draws: the open view's, else the user's own. */
  panelLayout: WorkspaceLayoutState;
  entity: string;
  project: string;
  /** The id in the URL (null: the user's own workspace). */
  viewId: string | null;
  /** The open view as last saved (undefined while it loads or when it cannot be read). */
  view: ViewOut | undefined;
  /** Why the view in the URL cannot be shown (deleted, ...). */
  viewError: string | null;
  /** The URL's settings differ from the view's, or its panels were changed here. */
  modified: boolean;
  current: () => { layout: Layout; state: ViewState };
  /** Show `view` with its settings (pushes a history entry, so Back returns). */
  open: (view: ViewOut) => void;
  /** Back to the user's own workspace, keeping the URL's settings. */
  leave: () => void;
  /** After a save: the view now holds what is on screen. */
  saved: (view: ViewOut) => void;
}

export function useSavedView(entity: string, project: string, metricKeys: readonly string[], personal: WorkspaceLayoutState): SavedViewState {
  const { pathname, search } = useLocation();
  const viewId = search.get(VIEW_PARAM);
  const queryClient = useQueryClient();
  const query = useQuery(openViewQuery(entity, project, viewId));
  const view = viewId !== null ? query.data : undefined;
  // Panel changes made while a view is open, for that view only.
  const [draft, setDraft] = useState<{ id: string; layout: Layout } | null>(null);
  const draftLayout = draft !== null && draft.id === viewId ? draft.layout : null;
  const base = useMemo(() => (view ? fromWire(view.layout) : EMPTY_LAYOUT), [view]);
  const layout = useMemo(() => materialize(draftLayout ?? base, metricKeys), [draftLayout, base, metricKeys]);

  const update = useCallback(
    (change: (l: Layout) => Layout) => {
      const next = change(layout);
      if (next !== layout && viewId !== null) setDraft({ id: viewId, layout: next });
    },
    [layout, viewId],
  );
  const discard = useCallback(() => setDraft(null), []);
  const inView = viewId !== null && !query.isError;
  const panelLayout: WorkspaceLayoutState = useMemo(
    () =>
      inView
        ? { ...personal, layout, loaded: query.isSuccess, saved: draftLayout !== null, saveState: "saved", saveError: null, update, reset: discard }
        : personal,
    [inView, personal, layout, query.isSuccess, draftLayout, update, discard],
  );

  // A bare `?view=<id>` link: the view's settings go into the URL once it arrives (once per view,
  // so settings cleared by hand later are not brought back).
  const linked = useRef<string | null>(null);
  useEffect(() => {
    if (!view || linked.current === view.id) return;
    linked.current = view.id;
    const now = new URLSearchParams(window.location.search);
    if (!hasViewSettings(now)) navigate(pathname + searchWithState(now, view.state, view.id), { replace: true });
  }, [view, pathname]);

  const open = useCallback(
    (next: ViewOut) => {
      queryClient.setQueryData(viewKey(entity, project, next.id), next);
      linked.current = next.id;
      setDraft(null);
      navigate(pathname + searchWithState(new URLSearchParams(window.location.search), next.state, next.id));
    },
    [entity, project, pathname, queryClient],
  );
  const leave = useCallback(() => {
    setDraft(null);
    const now = new URLSearchParams(window.location.search);
    navigate(pathname + searchWithState(now, stateFromSearch(now), null));
  }, [pathname]);
  const saved = useCallback(
    (next: ViewOut) => {
      queryClient.setQueryData(viewKey(entity, project, next.id), next);
      void queryClient.invalidateQueries({ queryKey: viewsKey(entity, project) });
      setDraft(null);
    },
    [entity, project, queryClient],
  );
  const current = useCallback(() => ({ layout: panelLayout.layout, state: stateFromSearch(new URLSearchParams(window.location.search)) }), [panelLayout.layout]);

  const modified = view !== undefined && (draftLayout !== null || !sameState(view.state, stateFromSearch(search)));
  const viewError = viewId !== null && query.isError ? (query.error as Error).message : null;
  return { panelLayout, entity, project, viewId, view, viewError, modified, current, open, leave, saved };
}
