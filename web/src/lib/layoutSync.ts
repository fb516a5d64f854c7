/**
 * The signed-in user's workspace layout, kept on the server (`/api/v1/layouts/{entity}/{project}`).
 *
 * Changes apply at once (optimistic) and are saved as the whole document, debounced: a burst of
 * resizes or moves makes one request. A failed save keeps the change on screen and says so; the next
 * change retries. Leaving the workspace saves a pending change straight away.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { request } from "../api/client";
import type { components } from "../api/generated/schema";
import { EMPTY_LAYOUT, fromWire, materialize, type Layout } from "./layout";

type LayoutOut = components["schemas"]["WorkspaceLayoutOut"];

export const SAVE_DELAY_MS = 500;

const layoutPath = (entity: string, project: string): string => `/api/v1/layouts/${encodeURIComponent(entity)}/${encodeURIComponent(project)}`;

/** The signed-in user's saved layout of a project (the workspace's; the compare page reads its
 * run colours). */
export function layoutQuery(user: string, entity: string, project: string): { queryKey: unknown[]; queryFn: () => Promise<LayoutOut>; staleTime: number } {
  return { queryKey: ["layout", user, entity, project], queryFn: () => request<LayoutOut>("GET", layoutPath(entity, project)), staleTime: Infinity };
}

export type SaveState = "saved" | "pending" | "saving" | "error";

export interface WorkspaceLayoutState {
  /** The saved layout merged with the auto panels of `metricKeys`. */
  layout: Layout;
  /** True once the server answered (until then `layout` is the automatic one). */
  loaded: boolean;
  /** Whether this user saved a layout for the project (false: the automatic layout). */
  saved: boolean;
  saveState: SaveState;
  saveError: string | null;
  update: (change: (layout: Layout) => Layout) => void;
  reset: () => void;
}

export function useWorkspaceLayout(user: string, entity: string, project: string, metricKeys: readonly string[]): WorkspaceLayoutState {
  const queryClient = useQueryClient();
  const options = useMemo(() => layoutQuery(user, entity, project), [user, entity, project]);
  const queryKey = options.queryKey;
  const query = useQuery(options);
  const [draft, setDraft] = useState<Layout | null>(null);
  const [saveState, setSaveState] = useState<SaveState>("saved");
  const [saveError, setSaveError] = useState<string | null>(null);
  const pending = useRef<Layout | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const edits = useRef(0);

  const base = useMemo(() => (query.data ? fromWire(query.data.layout) : EMPTY_LAYOUT), [query.data]);
  const current = draft ?? base;
  const layout = useMemo(() => materialize(current, metricKeys), [current, metricKeys]);

  const save = useCallback(async () => {
    timer.current = null;
    const doc = pending.current;
    if (!doc) return;
    pending.current = null;
    const edit = edits.current;
    setSaveState("saving");
    try {
      const out = await request<LayoutOut>("PUT", layoutPath(entity, project), doc);
      queryClient.setQueryData(queryKey, out);
      if (edit === edits.current) {
        setDraft(null); // the server's copy is what the user sees now
        setSaveState("saved");
      }
      setSaveError(null);
    } catch (e) {
      setSaveState("error");
      setSaveError((e as Error).message);
    }
  }, [entity, project, queryClient, queryKey]);

  const flush = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    if (pending.current) void save();
  }, [save]);
  // Leaving the workspace (or switching project) saves what is pending; closing or reloading the tab
  // tries to (the browser may cancel a request made while the page unloads).
  useEffect(() => {
    window.addEventListener("pagehide", flush);
    return () => {
      window.removeEventListener("pagehide", flush);
      flush();
    };
  }, [flush]);

  const update = useCallback(
    (change: (l: Layout) => Layout) => {
      const next = change(layout);
      if (next === layout) return;
      edits.current += 1;
      setDraft(next);
      pending.current = next;
      setSaveState("pending");
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void save(), SAVE_DELAY_MS);
    },
    [layout, save],
  );

  const reset = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    pending.current = null;
    edits.current += 1;
    setDraft(EMPTY_LAYOUT);
    setSaveState("saving");
    request<void>("DELETE", layoutPath(entity, project))
      .then(() => {
        queryClient.setQueryData(queryKey, { entity, project, saved: false, updated_at: null, layout: EMPTY_LAYOUT } satisfies LayoutOut);
        setDraft(null);
        setSaveState("saved");
        setSaveError(null);
      })
      .catch((e: unknown) => {
        setSaveState("error");
        setSaveError((e as Error).message);
      });
  }, [entity, project, queryClient, queryKey]);

  return {
    layout,
    loaded: query.isSuccess || query.isError,
    saved: draft !== null || Boolean(query.data?.saved),
    saveState,
    saveError: saveError ?? (query.isError ? `Could not load your layout: ${(query.error as Error).message}` : null),
    update,
    reset,
  };
}
