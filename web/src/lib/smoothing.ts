/**
 * Smoothing for line charts. Pure functions over columnar arrays so they can run on 2,000-point
 * series for hundreds of runs per frame without allocating per point; `null` (missing or
 * non-finite) values are passed through as gaps and never poison the running state.
 */

export type SmoothingKind = "none" | "ema" | "gaussian" | "average";

export interface Smoothing {
  kind: SmoothingKind;
  /** ema: weight in [0, 1); gaussian: sigma in x units; average: window in points. */
  param: number;
}

export type Ys = ArrayLike<number | null>;

/** The x-range the EMA's weight is defined over: a weight applies per 1/1000 of the visible range,
 * so the same setting looks the same on a 100-step and a 1,000,000-step run (as in W&B). */
const EMA_VIEWPORT_SCALE = 1000;

/**
 * Time-weighted exponential moving average, debiased: irregular x spacing decays the old average
 * by `weight ** dx`, and the debias term keeps the first points from being pulled towards zero.
 */
export function emaTimeWeighted(xs: ArrayLike<number>, ys: Ys, weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  const out: (number | null)[] = new Array<number | null>(ys.length).fill(null);
  if (ys.length === 0) return out;
  const range = (xs[xs.length - 1] ?? 0) - (xs[0] ?? 0) || 1;
  let acc = 0;
  let debias = 0;
  let prevX: number | null = null;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    const x = xs[i] ?? 0;
    if (y === null || y === undefined || !Number.isFinite(y)) continue;
    const dx = prevX === null ? 0 : ((x - prevX) / range) * EMA_VIEWPORT_SCALE;
    const decay = Math.pow(w, dx);
    acc = acc * decay + y;
    debias = debias * decay + 1;
    out[i] = acc / debias;
    prevX = x;
  }
  return out;
}

/** Gaussian kernel smoothing with `sigma` in x units, truncated at 3 sigma on each side. */
export function gaussian(xs: ArrayLike<number>, ys: Ys, sigma: number): (number | null)[] {
  const n = ys.length;
  const out: (number | null)[] = new Array<number | null>(n).fill(null);
  if (!(sigma > 0)) return Array.from(ys, (y) => (y !== null && Number.isFinite(y) ? y : null));
  const reach = 3 * sigma;
  const denom = 2 * sigma * sigma;
  let lo = 0;
  for (let i = 0; i < n; i++) {
    const yi = ys[i];
    if (yi === null || yi === undefined || !Number.isFinite(yi)) continue;
    const xi = xs[i] ?? 0;
    while (lo < n && (xs[lo] ?? 0) < xi - reach) lo++;
    let sum = 0;
    let wsum = 0;
    for (let j = lo; j < n && (xs[j] ?? 0) <= xi + reach; j++) {
      const yj = ys[j];
      if (yj === null || yj === undefined || !Number.isFinite(yj)) continue;
      const d = (xs[j] ?? 0) - xi;
      const wj = Math.exp(-(d * d) / denom);
      sum += wj * yj;
      wsum += wj;
    }
    out[i] = sum / wsum;
  }
  return out;
}

/** Trailing running average over the last `window` finite points (the point itself included). */
export function runningAverage(ys: Ys, window: number): (number | null)[] {
  const size = Math.max(1, Math.floor(window));
  const out: (number | null)[] = new Array<number | null>(ys.length).fill(null);
  const ring: number[] = [];
  let sum = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (y === null || y === undefined || !Number.isFinite(y)) continue;
    ring.push(y);
    sum += y;
    if (ring.length > size) sum -= ring.shift() ?? 0;
    out[i] = sum / ring.length;
  }
  return out;
}

export function smooth(xs: ArrayLike<number>, ys: Ys, s: Smoothing): (number | null)[] {
  switch (s.kind) {
    case "ema":
      return emaTimeWeighted(xs, ys, s.param);
    case "gaussian":
      return gaussian(xs, ys, s.param);
    case "average":
      return runningAverage(ys, s.param);
    case "none":
      return Array.from(ys, (y) => (y === undefined ? null : y));
  }
}

export const DEFAULT_SMOOTHING: Record<SmoothingKind, number> = {
  none: 0,
  ema: 0.6,
  gaussian: 2,
  average: 10,
};
