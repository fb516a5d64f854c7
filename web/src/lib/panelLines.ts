/**
 * A line chart of several metrics draws each (run, metric) pair as a line of its own: the run's
 * colour for the first metric, a colour of the pair's own for the others, and, when runs are
 * grouped, a group per (group, metric) so a mean never mixes two metrics.
 */
import type { PlotRun } from "./chartdata";
import { runColor } from "./panels";

/** The key a (run, metric) line is stored under; the run's own key when there is one metric. */
export function lineKey(runKey: string, metric: string, many: boolean): string {
  return many ? `${runKey}\u0001${metric}` : runKey;
}

export function linesForMetrics<R extends PlotRun>(runs: readonly R[], metrics: readonly string[]): R[] {
  if (metrics.length <= 1) return [...runs];
  return runs.flatMap((r) =>
    metrics.map((m, i) => ({
      ...r,
      key: lineKey(r.key, m, true),
      name: `${r.name} · ${m}`,
      color: i === 0 ? r.color : runColor(lineKey(r.key, m, true)),
      group: r.group === null || r.group === undefined ? r.group : `${r.group} · ${m}`,
    })),
  );
}
