/**
 * Builds uPlot's aligned data (one shared x array, one y array per series) from per-run series that
 * were downsampled independently, so their x values differ. Missing points become `null`; the chart
 * draws across them (spanGaps) so a run is a continuous line even when other runs have extra x.
 */

export interface XY {
  x: ArrayLike<number>;
  y: ArrayLike<number | null>;
}

export interface Aligned {
  x: number[];
  ys: (number | null)[][];
}

function sameX(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Union of every series' x values, each y placed at its x. x must be sorted ascending per series
 * (the server returns series sorted by step); duplicate x in one series keep the last value. */
export function alignSeries(series: readonly XY[]): Aligned {
  if (series.length === 0) return { x: [], ys: [] };
  const first = series[0] as XY;
  // Fast path: runs logged at the same steps and sampled the same way share one x array.
  if (series.every((s) => sameX(s.x, first.x))) {
    return { x: Array.from(first.x), ys: series.map((s) => Array.from(s.y, (v) => v ?? null)) };
  }
  let total = 0;
  for (const s of series) total += s.x.length;
  const all = new Float64Array(total);
  let k = 0;
  for (const s of series) for (let i = 0; i < s.x.length; i++) all[k++] = s.x[i] as number;
  all.sort();
  const x: number[] = [];
  for (let i = 0; i < all.length; i++) {
    const v = all[i] as number;
    if (Number.isNaN(v)) continue;
    if (x.length === 0 || x[x.length - 1] !== v) x.push(v);
  }
  const ys = series.map((s) => {
    const out = new Array<number | null>(x.length).fill(null);
    let j = 0;
    for (let i = 0; i < s.x.length; i++) {
      const xv = s.x[i] as number;
      while (j < x.length && (x[j] as number) < xv) j++;
      if (j < x.length && x[j] === xv) out[j] = s.y[i] ?? null;
    }
    return out;
  });
  return { x, ys };
}

/**
 * Maps each step to the value of another metric (e.g. `epoch`) logged at that step, by linear
 * interpolation between the nearest points of that metric's series. Exact when the metric was
 * logged on the same rows; a good approximation for monotonic counters sampled more coarsely.
 */
export function stepsToMetric(
  steps: ArrayLike<number>,
  metricSteps: ArrayLike<number>,
  metricValues: ArrayLike<number | null>,
): (number | null)[] {
  const ms: number[] = [];
  const mv: number[] = [];
  for (let i = 0; i < metricSteps.length; i++) {
    const v = metricValues[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      ms.push(metricSteps[i] as number);
      mv.push(v);
    }
  }
  const out: (number | null)[] = [];
  let j = 0;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as number;
    while (j + 1 < ms.length && (ms[j + 1] as number) <= s) j++;
    if (ms.length === 0 || s < (ms[0] as number) || s > (ms[ms.length - 1] as number)) {
      out.push(null);
      continue;
    }
    const s0 = ms[j] as number;
    const v0 = mv[j] as number;
    if (s0 === s || j + 1 >= ms.length) {
      out.push(v0);
      continue;
    }
    const s1 = ms[j + 1] as number;
    const v1 = mv[j + 1] as number;
    out.push(v0 + ((v1 - v0) * (s - s0)) / (s1 - s0));
  }
  return out;
}

/** Index of the point of sorted `xs` nearest to `x`. */
export function nearestIndex(xs: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs((xs[lo - 1] as number) - x) <= Math.abs((xs[lo] as number) - x)) return lo - 1;
  return lo;
}
