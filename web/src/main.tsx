/** Entry point: one QueryClient for the app; data is cached per query key and refreshed on focus. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { api } from "./api/client";
import { parseRoute } from "./router";
import "./styles.css";

const client = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, retry: (n, e) => n < 2 && !(e && "status" in e && (e as { status: number }).status < 500) } },
});

// A workspace link asks for its runs and metric keys now, alongside the session check rather than
// after it: the same queries the page makes, so the page finds them in flight. Without a session
// they fail with 401 and the page (which signs in first) never reads them.
const route = parseRoute(window.location.pathname, new URLSearchParams(window.location.search));
if (route.page === "workspace") {
  const { entity, project } = route;
  void client.prefetchQuery({ queryKey: ["runs", entity, project], queryFn: () => api.allRuns(entity, project) });
  for (const stream of ["history", "system"])
    void client.prefetchQuery({ queryKey: ["projectKeys", entity, project, stream], queryFn: () => api.projectHistoryKeys(entity, project, stream) });
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={client}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}
