/**
 * Query keys and fetchers that several places share (pages, panels, the start-up prefetch): one
 * definition each, so a prefetched or cached answer is always found under the key a page asks for.
 */
import { api } from "../api/client";

type Stream = "history" | "system";

/** A project's runs; archived ones too with `archived` (the workspace's "Show archived"). */
export const runsQuery = (entity: string, project: string, archived = false) => ({
  queryKey: ["runs", entity, project, archived ? "with-archived" : "active"],
  queryFn: () => api.allRuns(entity, project, archived),
});

/** Every key the project's runs logged on a stream (the workspace's charts are made of these). */
export const projectKeysQuery = (entity: string, project: string, stream: Stream) => ({
  queryKey: ["projectKeys", entity, project, stream],
  queryFn: () => api.projectHistoryKeys(entity, project, stream),
});

export const runQuery = (entity: string, project: string, runId: string) => ({
  queryKey: ["run", entity, project, runId],
  queryFn: () => api.run(entity, project, runId),
});

/** One run's keys on a stream (its charts and media). */
export const runKeysQuery = (entity: string, project: string, runId: string, stream: Stream) => ({
  queryKey: ["keys", entity, project, runId, stream],
  queryFn: () => api.historyKeys(entity, project, runId, stream),
});
