/** Entry point: one QueryClient for the app; data is cached per query key and refreshed on focus. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { prefetchForRoute } from "./lib/bootPrefetch";
import { parseRoute } from "./router";
import "./styles.css";

const client = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, retry: (n, e) => n < 2 && !(e && "status" in e && (e as { status: number }).status < 500) } },
});

prefetchForRoute(client, parseRoute(window.location.pathname, new URLSearchParams(window.location.search)));

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
