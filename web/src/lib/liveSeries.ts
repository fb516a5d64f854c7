/**
 * Live charts read only what is new. A chart holds one bulk series answer; while its runs run, each
 * refresh asks for the points after the `last_step` it already has (`after_step` per run, a run with
 * nothing newer costs the server nothing) and appends them here instead of re-reading every run's
 * whole history. The appended tail is at full resolution, so when a series has grown past a limit,
 * or every `FULL_EVERY` refreshes (resumed runs can rewrite old steps), the chart asks for the whole
 * downsampled series again.
 */
import type { RunSeries, Series, SeriesQueryResponse } from "../api/client";

export const FULL_EVERY = 12;

const runId = (r: { entity: string; project: string; run_id: string }): string => `${r.entity}/${r.project}/${r.run_id}`;

/** `after_step` for each run of a previous answer: its last step then (absent: read it whole). */
export function afterSteps(prev: SeriesQueryResponse): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of prev.runs) if (r.last_step !== null && r.last_step !== undefined && !r.error) out.set(runId(r), r.last_step);
  return out;
}

function appendSeries(old: Series | undefined, tail: Series): Series {
  if (!old) return tail;
  const last = old.steps.length ? (old.steps[old.steps.length - 1] ?? -Infinity) : -Infinity;
  const keep = tail.steps.map((s, i) => (s > last ? i : -1)).filter((i) => i >= 0);
  if (keep.length === 0) return old;
  return {
    ...old,
    steps: [...old.steps, ...keep.map((i) => tail.steps[i] as number)],
    values: [...old.values, ...keep.map((i) => tail.values[i] ?? null)],
    timestamps: old.timestamps.length || tail.timestamps.length ? [...old.timestamps, ...keep.map((i) => tail.timestamps[i] ?? 0)] : [],
    total_points: old.total_points + keep.length,
    sampled: old.sampled || tail.sampled,
  };
}

/** `prev` with `tail` appended run by run; null when the chart should read everything again
 * (a run it does not know, or a series now longer than `maxPoints`). */
export function mergeTail(prev: SeriesQueryResponse, tail: SeriesQueryResponse, maxPoints: number): SeriesQueryResponse | null {
  const byRun = new Map(prev.runs.map((r) => [runId(r), r]));
  const runs: RunSeries[] = [];
  for (const t of tail.runs) {
    const old = byRun.get(runId(t));
    if (!old) return null;
    if (t.error || !t.series?.length) {
      runs.push({ ...old, last_step: t.last_step ?? old.last_step ?? null, error: t.error ?? old.error ?? null });
      continue;
    }
    const series = new Map((old.series ?? []).map((s) => [s.key, s]));
    for (const s of t.series) {
      const merged = appendSeries(series.get(s.key), s);
      if (merged.steps.length > maxPoints) return null;
      series.set(s.key, merged);
    }
    runs.push({ ...old, last_step: t.last_step ?? old.last_step ?? null, series: [...series.values()] });
  }
  return { runs };
}
