/**
 * Grouped runs: the runs table groups by any column, and charts draw each group as a mean line
 * with a band: min to max, or one standard deviation either side of the mean. Both builders are
 * pure so the table and the charts agree on membership.
 */

/** What a group's band spans: its runs' min to max, the mean ± one std dev, or the mean ± one
 * standard error (std dev / sqrt(n)). The workspace's groups come from the server
 * (lib/groupSeries.ts), which uses the sample std dev; `bandOf` serves charts of given runs. */
export type BandKind = "minmax" | "std" | "stderr";

/** `band=` in the URL to a band; min–max when absent or unknown. */
export function parseBand(v: string | null | undefined): BandKind {
  return v === "std" || v === "stderr" ? v : "minmax";
}

export interface Band {
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

/** Mean and band (min/max, or mean ± std dev as `min`/`max`) across aligned y arrays at each x;
 * null where no run has a value. */
export function bandOf(ys: readonly (readonly (number | null)[])[], length: number, kind: BandKind = "minmax"): Band {
  const mean = new Array<number | null>(length).fill(null);
  const min = new Array<number | null>(length).fill(null);
  const max = new Array<number | null>(length).fill(null);
  for (let i = 0; i < length; i++) {
    let sum = 0;
    let squares = 0;
    let n = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const y of ys) {
      const v = y[i];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      sum += v;
      squares += v * v;
      n++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (n > 0) {
      const m = sum / n;
      mean[i] = m;
      if (kind === "std" || kind === "stderr") {
        const pop = Math.sqrt(Math.max(0, squares / n - m * m));
        const sd = kind === "std" ? pop : n > 1 ? (pop * Math.sqrt(n / (n - 1))) / Math.sqrt(n) : 0;
        min[i] = m - sd;
        max[i] = m + sd;
      } else {
        min[i] = lo;
        max[i] = hi;
      }
    }
  }
  return { mean, min, max };
}

export interface Group<T> {
  key: string;
  label: string;
  items: T[];
}

/** Stable grouping by a column value: groups appear in order of first appearance, and runs
 * missing the value share an "(none)" group, so nothing disappears from the table. */
export function groupBy<T>(items: readonly T[], value: (item: T) => unknown): Group<T>[] {
  const groups = new Map<string, Group<T>>();
  for (const item of items) {
    const v = value(item);
    const key = v === undefined || v === null || v === "" ? "\u0000none" : JSON.stringify(v);
    let g = groups.get(key);
    if (!g) {
      g = { key, label: key === "\u0000none" ? "(none)" : typeof v === "string" ? v : JSON.stringify(v), items: [] };
      groups.set(key, g);
    }
    g.items.push(item);
  }
  return [...groups.values()];
}
