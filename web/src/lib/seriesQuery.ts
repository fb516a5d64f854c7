/**
 * The one description of a chart's data request: its query key and fetch function. Line panels use
 * it, and the workspace uses it to start the first screen's requests while it is still rendering
 * (the runs table alone takes a few hundred ms to render 1,000 runs); both must build the same key,
 * or a prefetched answer would be fetched a second time.
 */
import type { QueryClient, QueryKey } from "@tanstack/react-query";
import { api, type SeriesQueryResponse } from "../api/client";
import type { XAxis } from "./chartdata";
import { afterSteps, FULL_EVERY, mergeTail } from "./liveSeries";

export interface SeriesRun {
  key: string;
  entity: string;
  project: string;
  id: string;
}

export interface SeriesParams {
  runs: readonly SeriesRun[];
  keys: readonly string[];
  stream: "history" | "system";
  xAxis: XAxis;
  /** The panel's zoom on the step axis (other axes zoom on the client). */
  zoom: [number, number] | null;
  live: boolean;
}

/** Points per line: a ~400 px chart needs no more than ~1,000; with many runs, fewer per run keeps
 * one chart answer near 60k points so the first charts arrive quickly. The floor, 64 points (16
 * min/max buckets), is reached near 1,000 runs: there the server reads a long run's sketches (a
 * chunk's first, last, min and max of every 32 points) instead of every point, which halves a chart's
 * read, and a chart of 1,000 lines is a band of ink that more points per line would not sharpen.
 * Zooming in asks for the zoomed range again at this many points. */
export const MIN_SAMPLES = 64;

export function samplesFor(runs: number): number {
  return Math.max(MIN_SAMPLES, Math.min(1000, Math.floor(60_000 / Math.max(1, runs))));
}

export function seriesQueryKey(p: SeriesParams): QueryKey {
  const xMetric = typeof p.xAxis === "object" ? p.xAxis.metric : null;
  // Wall times are a second decode on the server: only time axes ask for them.
  const timestamps = p.xAxis === "wall" || p.xAxis === "relative";
  const stepZoom = p.xAxis === "step" ? p.zoom : null;
  // The set of runs, not their table order: re-sorting the table must not refetch every chart.
  const runSet = p.runs.map((r) => r.key).sort();
  return ["series", p.stream, p.keys.join("\n"), xMetric, samplesFor(p.runs.length), timestamps, stepZoom, runSet];
}

export function seriesQueryOptions(client: QueryClient, p: SeriesParams): { queryKey: QueryKey; queryFn: () => Promise<SeriesQueryResponse> } {
  const queryKey = seriesQueryKey(p);
  const xMetric = typeof p.xAxis === "object" ? p.xAxis.metric : null;
  const stepZoom = p.xAxis === "step" ? p.zoom : null;
  const ask = (after: Map<string, number> | null): Promise<SeriesQueryResponse> =>
    api.seriesQuery({
      runs: p.runs.map((r) => ({ entity: r.entity, project: r.project, run_id: r.id, after_step: after?.get(r.key) ?? null })),
      keys: [...p.keys],
      samples: samplesFor(p.runs.length),
      x_key: xMetric,
      stream: p.stream,
      timestamps: p.xAxis === "wall" || p.xAxis === "relative",
      min_step: stepZoom ? Math.floor(stepZoom[0]) : null,
      max_step: stepZoom ? Math.ceil(stepZoom[1]) : null,
    });
  return {
    queryKey,
    queryFn: async () => {
      // Live refreshes read only the points after what this chart holds (lib/liveSeries.ts), and
      // everything again every FULL_EVERY-th time.
      const prev = client.getQueryData<SeriesQueryResponse>(queryKey);
      const updates = client.getQueryState(queryKey)?.dataUpdateCount ?? 0;
      if (!p.live || !prev || (updates + 1) % FULL_EVERY === 0) return ask(null);
      const merged = mergeTail(prev, await ask(afterSteps(prev)), 2 * samplesFor(p.runs.length) + 500);
      return merged ?? ask(null);
    },
  };
}

/** How many charts the workspace asks for before it renders: about one screen's worth. */
export const FIRST_SCREEN_CHARTS = 6;

/** Starts the requests of charts not asked for yet (answers land in the cache the panels read). A
 * render-time call, like TanStack's usePrefetchQuery: calling it again is a no-op per chart. */
export function prefetchCharts(client: QueryClient, charts: readonly SeriesParams[]): void {
  for (const chart of charts) {
    if (chart.runs.length === 0 || chart.keys.length === 0) continue;
    const options = seriesQueryOptions(client, chart);
    if (!client.getQueryState(options.queryKey)) void client.prefetchQuery(options);
  }
}
