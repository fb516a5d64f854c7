/**
 * A grouped chart's data: the server computes each group's mean and band over EVERY run of the
 * group that the runs table's filter selects (not over the runs the chart happens to draw), and this
 * turns its answer into the lines one chart draws: per group (and metric) a mean line, and the band
 * the toolbar chose (min–max, ± one std dev, or ± one standard error) as two lines to fill between.
 */
import type { QueryKey } from "@tanstack/react-query";
import { api, type GroupSeriesResponse } from "../api/client";
import { alignSeries } from "./align";
import type { PlotData, PlotLine, PlotRun, XAxis } from "./chartdata";
import type { BandKind } from "./grouping";
import { serverGroupKey, groupOfValues, type GroupValue } from "./groupKeys";
import type { SeriesRun } from "./seriesQuery";
import { smooth, type Smoothing } from "./smoothing";

/** A group the charts draw: its identity and label (lib/groupKeys) and colour. */
export interface DrawnGroup {
  id: string;
  label: string;
  values: GroupValue[];
  color: string;
}

/** What a grouped chart asks the server, besides its metrics and axis: the same for every chart. */
export interface GroupSpec {
  entity: string;
  project: string;
  /** Column ids (`c:optimizer`, `group`), in order. */
  by: readonly string[];
  /** The runs table's filter as the runs list takes it; null: every run. */
  filter: Record<string, unknown> | null;
  /** Runs hidden from charts (their ids). */
  exclude: readonly string[];
  /** The groups drawn, in the table's order (the "Runs in charts" limit counts groups). */
  groups: readonly DrawnGroup[];
  /** Runs of the groups opened in the table: drawn faintly behind their group's mean. */
  runs?: readonly (SeriesRun & PlotRun)[];
}

/** x positions per group line: a ~400 px chart needs no more. */
export const GROUP_SAMPLES = 600;

export interface GroupQuery {
  spec: GroupSpec;
  keys: readonly string[];
  stream: "history" | "system";
  xAxis: XAxis;
  /** The panel's zoom on the step axis (other axes zoom on the client). */
  zoom: [number, number] | null;
}

export function groupSeriesOptions(q: GroupQuery): { queryKey: QueryKey; queryFn: () => Promise<GroupSeriesResponse> } {
  const x = q.xAxis;
  const stepZoom = x === "step" ? q.zoom : null;
  const body = {
    filters: q.spec.filter,
    exclude: [...q.spec.exclude],
    group_by: q.spec.by.map(serverGroupKey),
    groups: q.spec.groups.map((g) => g.values),
    keys: [...q.keys],
    x_axis: typeof x === "object" ? ("metric" as const) : x,
    x_key: typeof x === "object" ? x.metric : null,
    stream: q.stream,
    samples: GROUP_SAMPLES,
    min_step: stepZoom ? Math.floor(stepZoom[0]) : null,
    max_step: stepZoom ? Math.ceil(stepZoom[1]) : null,
  };
  return {
    queryKey: ["groupSeries", q.spec.entity, q.spec.project, JSON.stringify(body)],
    queryFn: () => api.groupSeries(q.spec.entity, q.spec.project, body),
  };
}

const BAND_NAMES: Record<BandKind, [string, string]> = { minmax: ["max", "min"], std: ["+1σ", "−1σ"], stderr: ["+1 s.e.", "−1 s.e."] };

/** The lines of a grouped chart from the server's answer: per drawn group and metric a band (when
 * the group has more than one run) and a mean line labelled with the group's real size `(n)`. */
export function buildGroupPlot(answer: GroupSeriesResponse | undefined, groups: readonly DrawnGroup[], keys: readonly string[], band: BandKind, smoothing: Smoothing): PlotData {
  const byId = new Map((answer?.groups ?? []).map((g) => [groupOfValues(g.values).id, g]));
  const many = keys.length > 1;
  const parts: { group: DrawnGroup; key: string; n: number; x: number[]; mean: (number | null)[]; lo: (number | null)[]; hi: (number | null)[] }[] = [];
  let maxPoints = 0;
  for (const group of groups) {
    const g = byId.get(group.id);
    if (!g) continue;
    for (const key of keys) {
      const s = g.series.find((k) => k.key === key);
      if (!s || s.count.every((c) => c === 0)) continue;
      maxPoints = Math.max(maxPoints, s.x.length);
      const [lo, hi] = bandOf(s, band);
      parts.push({ group, key, n: g.runs, x: s.x, mean: s.mean, lo, hi });
    }
  }
  // Metrics of one chart may sit on different grids: align them (one shared grid is the fast path).
  const aligned = alignSeries(parts.flatMap((p) => [p.mean, p.lo, p.hi].map((y) => ({ x: p.x, y }))));
  const lines: PlotLine[] = [];
  const bands: [number, number][] = [];
  parts.forEach((p, i) => {
    const [mean, lo, hi] = [0, 1, 2].map((j) => aligned.ys[3 * i + j] ?? []) as [(number | null)[], (number | null)[], (number | null)[]];
    const name = many ? `${p.group.label} · ${p.key}` : p.group.label;
    if (p.n > 1) {
      const [up, down] = BAND_NAMES[band];
      lines.push({ label: `${name} ${up}`, color: p.group.color, role: "max", values: hi });
      lines.push({ label: `${name} ${down}`, color: p.group.color, role: "min", values: lo });
      bands.push([lines.length - 2, lines.length - 1]);
    }
    const drawn = smoothing.kind !== "none" ? smooth(aligned.x, mean, smoothing) : mean;
    lines.push({ label: `${name} (${p.n})`, color: p.group.color, role: "mean", group: p.group.label, values: drawn });
  });
  return { x: aligned.x, lines, bands, maxPoints, faceted: false };
}

type KeySeries = GroupSeriesResponse["groups"][number]["series"][number];

function bandOf(s: KeySeries, band: BandKind): [(number | null)[], (number | null)[]] {
  if (band === "minmax") return [s.min, s.max];
  const spread = band === "std" ? s.std : s.stderr;
  const at = (i: number, sign: number): number | null => {
    const m = s.mean[i];
    const d = spread[i];
    return m === null || m === undefined || d === null || d === undefined ? null : m + sign * d;
  };
  return [s.mean.map((_, i) => at(i, -1)), s.mean.map((_, i) => at(i, 1))];
}

/** A grouped plot with single runs' lines added behind the groups (an opened group's runs): all
 * on one x (the groups' grid and the runs' own points), each run faint in its group's colour. */
export function withRunLines(groups: PlotData, runs: PlotData, colorOf: (runKey: string) => string): PlotData {
  const single = runs.lines.filter((l) => l.role === "line");
  if (single.length === 0) return groups;
  const aligned = alignSeries([...single.map((l) => ({ x: l.x ?? [], y: l.values })), ...groups.lines.map((l) => ({ x: groups.x, y: l.values }))]);
  const lines: PlotLine[] = [
    ...single.map((l, i) => ({ label: l.label, color: colorOf(l.runKey ?? ""), role: "raw" as const, ...(l.runKey ? { runKey: l.runKey } : {}), values: aligned.ys[i] ?? [] })),
    ...groups.lines.map((l, i) => ({ ...l, values: aligned.ys[single.length + i] ?? [] })),
  ];
  const bands = groups.bands.map(([hi, lo]): [number, number] => [hi + single.length, lo + single.length]);
  return { x: aligned.x, lines, bands, maxPoints: Math.max(groups.maxPoints, runs.maxPoints), faceted: false };
}

/** The opened groups' runs a grouped chart draws: those of the groups it draws (a panel may keep
 * only some groups). */
export function openRunsOf<R extends PlotRun>(spec: { groups: readonly DrawnGroup[]; runs?: readonly R[] } | null): readonly R[] {
  if (!spec?.runs?.length) return [];
  const labels = new Set(spec.groups.map((g) => g.label));
  return spec.runs.filter((r) => labels.has(r.group ?? ""));
}
