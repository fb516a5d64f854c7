/**
 * Panel layout: one line chart per numeric metric, auto-created and arranged in sections by the
 * key's prefix (`train/loss` goes to "train"), and a stable colour per run so a run keeps its
 * colour across charts, pages and reloads.
 */
import { useSyncExternalStore } from "react";

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

/**
 * 20 colours, ordered so that neighbours differ most: the first ten are ten hue families (blue,
 * orange, green, red, purple, cyan, pink, brown, olive, grey), the next ten other hues again (indigo,
 * amber, teal, raspberry, lime, coral, sky, violet, bright green, magenta). All are mid-light, readable as
 * lines on the light and the dark theme. Runs take them in the order they were created, so 20 runs
 * have 20 different colours and runs next to each other never look alike.
 */
export const PALETTE = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#17becf", "#e377c2", "#8c564b", "#bcbd22", "#7f7f7f",
  "#3f51b5", "#ffb300", "#00897b", "#ad1457", "#7cb342", "#ff7043", "#29b6f6", "#8e24aa", "#00c853", "#d500f9",
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

// Colours handed out by place: runs of the open project by creation order, groups by label.
const runSlots = new Map<string, number>();
const groupSlots = new Map<string, number>();

/**
 * Gives the project's runs their colours: the oldest run the palette's first colour, the next one
 * the second, and so on (a new run takes the next colour, and no existing run changes colour).
 * `runs` in any order; ties in `created` are broken by key so every browser agrees.
 */
export function assignRunColors(runs: readonly { key: string; created: number }[]): void {
  const ordered = [...runs].sort((a, b) => a.created - b.created || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  ordered.forEach((r, i) => runSlots.set(r.key, i));
}

/** Gives groups their colours: one palette colour each, by label order, so no two groups of up to
 * 20 share a colour (a hash put two of three groups on the same orange). */
export function assignGroupColors(labels: Iterable<string>): void {
  groupSlots.clear();
  [...new Set(labels)].sort(collator.compare).forEach((l, i) => groupSlots.set(l, i));
}

/** A run's colour: the one the user picked (setPickedColors), else by its place in its project
 * (assignRunColors), else by a hash of its key (a run page opened on its own). The same everywhere:
 * table swatch, chart line, legend, tooltip, compare page. */
export function runColor(runKey: string): string {
  const picked = picks.get(runKey);
  if (picked) return picked;
  const slot = runSlots.get(runKey);
  return PALETTE[(slot ?? hashString(runKey)) % PALETTE.length] as string;
}

/** A group's colour (its mean line, band and table row): the picked one, else by its label's place. */
export function groupColor(label: string): string {
  const picked = picks.get(groupColorKey(label));
  if (picked) return picked;
  const slot = groupSlots.get(label);
  return PALETTE[(slot ?? hashString(`group:${label}`)) % PALETTE.length] as string;
}

// Colours the user picked (the layout's `run_colors`), by run key (`entity/project/id`) and by
// `group:<label>`. Kept here so runColor and groupColor stay the one answer to "which colour".
const picks = new Map<string, string>();
let picksVersion = 0;
const listeners = new Set<() => void>();

/** The `run_colors` key of a group (a run's key is its id). */
export const groupColorKey = (label: string): string => `group:${label}`;

/** A `#rrggbb` colour, the only form the layout takes. */
export const isHexColor = (c: string): boolean => /^#[0-9a-fA-F]{6}$/.test(c);

/** Takes the picked colours of project `entity/project` (the layout's `run_colors`: run id or
 * `group:<label>` to `#rrggbb`); components that read colours re-render (useColorVersion) when they
 * changed. Entries that are not hex colours are ignored. */
export function setPickedColors(entity: string, project: string, colors: Readonly<Record<string, string>> | null | undefined): void {
  const next = new Map<string, string>();
  for (const [k, c] of Object.entries(colors ?? {})) {
    if (isHexColor(c)) next.set(k.startsWith("group:") ? k : `${entity}/${project}/${k}`, c.toLowerCase());
  }
  if (next.size === picks.size && [...next].every(([k, c]) => picks.get(k) === c)) return;
  picks.clear();
  for (const [k, c] of next) picks.set(k, c);
  picksVersion += 1;
  for (const l of listeners) l();
}

/** Whether the user picked this run's (key `entity/project/id`) or group's (`group:<label>`) colour. */
export const hasPickedColor = (key: string): boolean => picks.has(key);

/** Changes each time the picked colours change: a dependency for memos that call runColor. */
export function useColorVersion(): number {
  return useSyncExternalStore(subscribePicks, () => picksVersion);
}

function subscribePicks(cb: () => void): () => void {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

/** `run_colors` with `key` (a run id or `group:<label>`) set to `color`, or removed (null: back
 * to the automatic colour); undefined when nothing is left. */
export function withPickedColor(colors: Readonly<Record<string, string>> | null | undefined, key: string, color: string | null): Record<string, string> | undefined {
  const next: Record<string, string> = { ...(colors ?? {}) };
  if (color === null) delete next[key];
  else if (isHexColor(color)) next[key] = color.toLowerCase();
  else throw new Error(`${color} is not a #rrggbb colour`);
  return Object.keys(next).length ? next : undefined;
}
