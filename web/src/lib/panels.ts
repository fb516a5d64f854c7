/**
 * Panel layout: one line chart per numeric metric, auto-created and arranged in sections by the
 * key's prefix (`train/loss` goes to "train"), and a stable colour per run so a run keeps its
 * colour across charts, pages and reloads.
 */

export interface Section {
  name: string;
  keys: string[];
}

const SECTION_ORDER = ["Charts", "train", "val", "eval", "test"];

/** Keys that describe the x axis rather than something to plot on its own. */
export const AXIS_KEYS = new Set(["_step", "_runtime", "_timestamp", "epoch", "global_step", "trainer/global_step"]);

export function sectionOf(key: string): string {
  const slash = key.indexOf("/");
  return slash > 0 ? key.slice(0, slash) : "Charts";
}

/** Sections by prefix: ungrouped "Charts" first, then train/val/eval/test, the rest alphabetically
 * and system/ last; keys sorted naturally inside a section. `search` is a case-insensitive regex
 * (falling back to substring when it does not compile). */
export function buildSections(keys: readonly string[], search = ""): Section[] {
  const match = searchMatcher(search);
  const by = new Map<string, string[]>();
  for (const key of keys) {
    if (key.startsWith("_") || !match(key)) continue;
    const s = sectionOf(key);
    let list = by.get(s);
    if (!list) by.set(s, (list = []));
    list.push(key);
  }
  return [...by.entries()]
    .sort(([a], [b]) => compareSections(a, b))
    .map(([name, list]) => ({ name, keys: list.sort(collator.compare) }));
}

const collator = new Intl.Collator(undefined, { numeric: true });

function sectionRank(s: string): number {
  if (s === "system") return 1000;
  const i = SECTION_ORDER.indexOf(s);
  return i >= 0 ? i : 100;
}

/** Section order: ungrouped "Charts" first, then train/val/eval/test, the rest alphabetically and
 * system last. */
export function compareSections(a: string, b: string): number {
  return sectionRank(a) - sectionRank(b) || collator.compare(a, b);
}

export function searchMatcher(search: string): (key: string) => boolean {
  const s = search.trim();
  if (!s) return () => true;
  try {
    const re = new RegExp(s, "i");
    return (k) => re.test(k);
  } catch {
    const lower = s.toLowerCase();
    return (k) => k.toLowerCase().includes(lower);
  }
}

// 20 colours distinguishable on light and dark backgrounds.
export const PALETTE = [
  "#2f6fdb", "#e8590c", "#2b8a3e", "#c2255c", "#7048e8", "#0c8599", "#d9480f", "#5c940d",
  "#a61e4d", "#1864ab", "#e67700", "#087f5b", "#862e9c", "#c92a2a", "#364fc7", "#66a80f",
  "#0b7285", "#9c36b5", "#f08c00", "#495057",
];

/** FNV-1a: a fast, stable hash so a run id always maps to the same colour. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function runColor(runId: string): string {
  return PALETTE[hashString(runId) % PALETTE.length] as string;
}
