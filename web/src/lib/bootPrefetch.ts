/**
 * What a page link asks for as the app starts, alongside the session check rather than after it:
 * the same queries (lib/queries.ts) the page makes, so the page finds them in flight. Without a
 * session they fail with 401 and the page, which signs in first, never reads them.
 */
import type { QueryClient } from "@tanstack/react-query";
import type { Route } from "../router";
import { projectKeysQuery, runKeysQuery, runQuery, runsQuery } from "./queries";

export function prefetchForRoute(client: QueryClient, route: Route): void {
  if (route.page === "workspace") {
    const { entity, project } = route;
    void client.prefetchQuery(runsQuery(entity, project));
    void client.prefetchQuery(projectKeysQuery(entity, project, "history"));
    void client.prefetchQuery(projectKeysQuery(entity, project, "system"));
  } else if (route.page === "run") {
    const { entity, project, runId, tab } = route;
    void client.prefetchQuery(runQuery(entity, project, runId));
    // The charts tabs list the run's keys before they ask for any series.
    const stream = tab === "charts" ? "history" : tab === "system" ? "system" : null;
    if (stream) void client.prefetchQuery(runKeysQuery(entity, project, runId, stream));
  }
}
