/**
 * Histograms over steps: a key logged as a histogram at many steps becomes one grid (x = step,
 * y = value bins, cell = count) for the heat map and ridge plot. The SDK bins each step over that
 * step's own range, so the histograms are re-binned to common edges first.
 */
import { histogramBars, type Bar, type MediaStep } from "./media";

export interface HistogramGrid {
  steps: number[];
  /** Common bin edges, ascending: `edges.length === bins + 1`. */
  edges: number[];
  /** counts[stepIndex][bin] */
  counts: number[][];
  max: number;
}

function sameEdges(a: readonly Bar[], b: readonly Bar[]): boolean {
  return a.length === b.length && a.every((x, i) => x.x0 === b[i]?.x0 && x.x1 === b[i]?.x1);
}

/** Redistributes bars over the bins `edges` in proportion to their overlap (a bar spreads its count
 * evenly over its width); a zero-width bar counts in the bin holding it. Totals are kept. */
export function rebinBars(bars: readonly Bar[], edges: readonly number[]): number[] {
  const n = edges.length - 1;
  const out = new Array<number>(Math.max(0, n)).fill(0);
  if (n <= 0) return out;
  const lo = edges[0] as number;
  const hi = edges[n] as number;
  const binOf = (v: number): number => {
    // Edges are sorted: binary search for the last edge <= v.
    let a = 0;
    let b = n - 1;
    while (a < b) {
      const m = (a + b + 1) >> 1;
      if ((edges[m] as number) <= v) a = m;
      else b = m - 1;
    }
    return a;
  };
  for (const bar of bars) {
    if (!bar.count) continue;
    const x0 = Math.max(lo, Math.min(bar.x0, bar.x1));
    const x1 = Math.min(hi, Math.max(bar.x0, bar.x1));
    const width = bar.x1 - bar.x0;
    if (width <= 0 || x1 <= x0) {
      const i = binOf(Math.min(hi, Math.max(lo, bar.x0)));
      out[i] = (out[i] ?? 0) + bar.count;
      continue;
    }
    for (let i = binOf(x0); i < n && (edges[i] as number) < x1; i++) {
      const overlap = Math.min(x1, edges[i + 1] as number) - Math.max(x0, edges[i] as number);
      if (overlap > 0) out[i] = (out[i] ?? 0) + (bar.count * overlap) / width;
    }
  }
  return out;
}

/** One grid over every step's histogram: the steps' own edges when they all share them, else `bins`
 * equal bins (default: the most bins any step has, at most 64) over the range of all steps. */
export function histogramGrid(items: readonly MediaStep[], bins?: number): HistogramGrid {
  const hists = items.map((it) => ({ step: it.step, bars: histogramBars(it.ref) })).filter((h) => h.bars.length > 0);
  const steps = hists.map((h) => h.step);
  const first = hists[0]?.bars;
  if (!first) return { steps, edges: [], counts: [], max: 0 };
  let edges: number[];
  let counts: number[][];
  if (bins === undefined && hists.every((h) => sameEdges(h.bars, first))) {
    edges = [...first.map((b) => b.x0), (first[first.length - 1] as Bar).x1];
    counts = hists.map((h) => h.bars.map((b) => b.count));
  } else {
    let lo = Infinity;
    let hi = -Infinity;
    for (const h of hists)
      for (const b of h.bars) {
        lo = Math.min(lo, b.x0, b.x1);
        hi = Math.max(hi, b.x0, b.x1);
      }
    if (lo === hi) hi = lo + 1;
    const n = bins ?? Math.min(64, Math.max(...hists.map((h) => h.bars.length)));
    edges = Array.from({ length: n + 1 }, (_, i) => (i === n ? hi : lo + ((hi - lo) * i) / n));
    counts = hists.map((h) => rebinBars(h.bars, edges));
  }
  let max = 0;
  for (const row of counts) for (const c of row) if (c > max) max = c;
  return { steps, edges, counts, max };
}

/** A colour for a share `t` in [0, 1] of the largest count: a viridis-like ramp, dark to yellow. */
export function heatColor(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const c = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(c));
  const f = c - i;
  const a = stops[i] as [number, number, number];
  const b = stops[i + 1] as [number, number, number];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** At most `n` of the step indices, evenly spread, always the first and the last (ridge plots). */
export function spreadIndices(length: number, n: number): number[] {
  if (length <= n) return Array.from({ length }, (_, i) => i);
  if (n <= 1) return [length - 1];
  return [...new Set(Array.from({ length: n }, (_, i) => Math.round((i * (length - 1)) / (n - 1))))];
}

/** A count for hover text: whole counts as they are, re-binned shares to 3 significant digits. */
export function countText(c: number): string {
  return Number.isInteger(c) ? String(c) : String(Number(c.toPrecision(3)));
}
