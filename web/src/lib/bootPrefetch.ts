/**
 * What a page link asks for as the app starts, alongside the session check rather than after it:
 * the same queries (keys and fetchers) the page makes, so the page finds them in flight. Without a
 * session they fail with 401 and the page, which signs in first, never reads them.
 */
import type { QueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Route } from "../router";

export function prefetchForRoute(client: QueryClient, route: Route): void {
  if (route.page === "workspace") {
    const { entity, project } = route;
    void client.prefetchQuery({ queryKey: ["runs", entity, project], queryFn: () => api.allRuns(entity, project) });
    for (const stream of ["history", "system"])
      void client.prefetchQuery({ queryKey: ["projectKeys", entity, project, stream], queryFn: () => api.projectHistoryKeys(entity, project, stream) });
  } else if (route.page === "run") {
    const { entity, project, runId, tab } = route;
    void client.prefetchQuery({ queryKey: ["run", entity, project, runId], queryFn: () => api.run(entity, project, runId) });
    // The charts tabs list the run's keys before they ask for any series.
    const stream = tab === "charts" ? "history" : tab === "system" ? "system" : null;
    if (stream) void client.prefetchQuery({ queryKey: ["keys", entity, project, runId, stream], queryFn: () => api.historyKeys(entity, project, runId, stream) });
  }
}
