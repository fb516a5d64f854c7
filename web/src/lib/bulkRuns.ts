/** The runs table's bulk actions: which runs are ticked (the selection's rules, kept apart from
 * React so they are tested alone), the "Show archived" filter the server and the grouped charts
 * take, and the one request that changes many runs (`POST /api/v1/runs/{e}/{p}/bulk`). */
import { request } from "../api/client";
import type { components } from "../api/generated/schema";

export type BulkRunsRequest = components["schemas"]["BulkRunsRequest"];
export type BulkRunsResult = components["schemas"]["BulkRunsResult"];
export type BulkAction = BulkRunsRequest["action"];

/** The server's bound on one request: a bigger selection is refused before it is sent. */
export const MAX_BULK_RUNS = 1000;

/** A runs filter that selects archived runs as well (without it the server leaves them out). */
export const EVERY_RUN_FILTER = { archived: { $in: [true, false] } } as const;

/** `filter` (the workspace's, as the server takes it) widened to archived runs when they are shown. */
export function withArchived(filter: Record<string, unknown> | null, showArchived: boolean): Record<string, unknown> | null {
  if (!showArchived) return filter;
  return filter && Object.keys(filter).length ? { $and: [filter, EVERY_RUN_FILTER] } : { ...EVERY_RUN_FILTER };
}

/** How the header's checkbox shows `visible` (the filtered rows' keys) against the selection. */
export function selectionState(selected: ReadonlySet<string>, visible: readonly string[]): "none" | "some" | "all" {
  let ticked = 0;
  for (const k of visible) if (selected.has(k)) ticked += 1;
  if (ticked === 0) return "none";
  return ticked === visible.length ? "all" : "some";
}

/** The header's checkbox: every visible row ticked when not all were, else every visible row
 * unticked; runs ticked before and now filtered out stay as they were. */
export function toggleAll(selected: ReadonlySet<string>, visible: readonly string[]): Set<string> {
  const next = new Set(selected);
  if (selectionState(selected, visible) === "all") for (const k of visible) next.delete(k);
  else for (const k of visible) next.add(k);
  return next;
}

/** The selection the bar acts on: the ticked runs still in the table, in the table's order (a
 * ticked run that was deleted, moved or archived out of view is not acted on again). */
export function actionable(selected: ReadonlySet<string>, rowKeys: readonly string[]): string[] {
  return rowKeys.filter((k) => selected.has(k));
}

/** The run id of a table key (`entity/project/id`; an id may hold no `/`, entity and project neither). */
export function runIdOf(key: string): string {
  return key.split("/").slice(2).join("/");
}

/** `1 run` / `3 runs`. */
export function countRuns(n: number): string {
  return n === 1 ? "1 run" : `${n} runs`;
}

/** Tags typed into the bar: comma separated, trimmed, each once. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(",").map((t) => t.trim()).filter(Boolean))];
}

/** What the bar says after an action: how many runs changed and how many already were so. */
export function describeResult(result: BulkRunsResult): string {
  const done = { add_tags: "tagged", remove_tags: "untagged", move: "moved", archive: "archived", unarchive: "restored", delete: "deleted" }[result.action];
  const same = result.unchanged.length ? ` (${result.unchanged.length} already so)` : "";
  return `${countRuns(result.changed.length)} ${done}${same}`;
}

export function bulkRuns(entity: string, project: string, body: BulkRunsRequest): Promise<BulkRunsResult> {
  return request<BulkRunsResult>("POST", `/api/v1/runs/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/bulk`, body);
}
