/** A project's collections as the Artifacts page lists them (pure, for the page and its test). */
import type { ArtifactCollectionOut } from "./types";

/** Collections by type, types in name order (what W&B's sidebar shows), names in natural order. */
export function groupByType(collections: ArtifactCollectionOut[], search: string): [string, ArtifactCollectionOut[]][] {
  const needle = search.trim().toLowerCase();
  const groups = new Map<string, ArtifactCollectionOut[]>();
  for (const c of collections) {
    if (needle && !c.name.toLowerCase().includes(needle)) continue;
    const list = groups.get(c.type) ?? [];
    list.push(c);
    groups.set(c.type, list);
  }
  const collator = new Intl.Collator(undefined, { numeric: true });
  for (const list of groups.values()) list.sort((a, b) => collator.compare(a.name, b.name));
  return [...groups.entries()].sort(([a], [b]) => collator.compare(a, b));
}
