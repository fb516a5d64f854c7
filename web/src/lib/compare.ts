/**
 * The compare page's rows: one per config or summary key, a value per run, marked where the runs
 * differ. Keys keep their case and are compared by their raw values (a formatted `0.1` may stand for
 * 0.1 and 0.10001, which differ).
 */

export interface CompareRow {
  key: string;
  /** Each run's value, in the order of the runs; undefined where a run lacks the key. */
  values: unknown[];
  differs: boolean;
  /** Per run: its value differs from the first run's (the reference the others are read against). */
  changed: boolean[];
}

const NAMES = new Intl.Collator(undefined, { numeric: true });

/** A value's identity for the comparison: a missing key differs from any value, null included. */
function identity(v: unknown): string {
  return v === undefined ? "\u0000missing" : JSON.stringify(v);
}

/** Rows over every key any run has (keys starting with `_` are the SDK's own: `_runtime`, `_step`,
 * `_wandb`), in natural order (`layer2` before `layer10`). */
export function compareRows(flats: readonly Record<string, unknown>[]): CompareRow[] {
  const keys = [...new Set(flats.flatMap((f) => Object.keys(f)))].filter((k) => !k.startsWith("_")).sort(NAMES.compare);
  return keys.map((key) => {
    const values = flats.map((f) => f[key]);
    const ids = values.map(identity);
    return { key, values, differs: new Set(ids).size > 1, changed: ids.map((id) => id !== ids[0]) };
  });
}

/** The metrics every one of the runs logged as numbers (their charts can be overlaid), in natural
 * order; the SDK's own keys (`_step`, `_runtime`) aside. */
export function commonMetrics(keysPerRun: readonly (readonly string[])[]): string[] {
  const [first, ...rest] = keysPerRun;
  if (!first) return [];
  const sets = rest.map((k) => new Set(k));
  return [...new Set(first)].filter((k) => !k.startsWith("_") && sets.every((s) => s.has(k))).sort(NAMES.compare);
}
