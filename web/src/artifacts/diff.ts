/**
 * Two versions compared: which files were added, removed or changed (a different digest), and which
 * metadata keys were added, removed or changed (nested keys flattened to dotted paths, as the Overview
 * shows them). Pure functions over the two manifests and metadata dicts.
 */
import type { ManifestEntry } from "./types";

export interface FileChange {
  path: string;
  /** Size in the base version (absent for an added file). */
  before?: number;
  /** Size in the other version (absent for a removed file). */
  after?: number;
}

export interface ManifestDiff {
  added: FileChange[];
  removed: FileChange[];
  changed: FileChange[];
  unchanged: number;
}

const byPath = (a: FileChange, b: FileChange): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** What changed from `base` to `other` (e.g. v0 -> v1). */
export function diffManifests(base: Record<string, ManifestEntry>, other: Record<string, ManifestEntry>): ManifestDiff {
  const out: ManifestDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const [path, b] of Object.entries(base)) {
    const o = other[path];
    if (!o) out.removed.push({ path, before: b.size });
    else if (o.digest !== b.digest || (o.ref ?? null) !== (b.ref ?? null)) out.changed.push({ path, before: b.size, after: o.size });
    else out.unchanged += 1;
  }
  for (const [path, o] of Object.entries(other)) if (!(path in base)) out.added.push({ path, after: o.size });
  out.added.sort(byPath);
  out.removed.sort(byPath);
  out.changed.sort(byPath);
  return out;
}

export interface KeyChange {
  key: string;
  before?: unknown;
  after?: unknown;
}

export interface MetadataDiff {
  added: KeyChange[];
  removed: KeyChange[];
  changed: KeyChange[];
}

/** Nested dicts flattened to dotted keys; lists and other values are leaves. */
export function flattenMetadata(obj: Record<string, unknown> | null | undefined, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj ?? {})) {
    const key = prefix + k;
    if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0) flattenMetadata(v as Record<string, unknown>, `${key}.`, out);
    else out[key] = v;
  }
  return out;
}

/** Equal as JSON values (key order ignored). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => k in b && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function diffMetadata(base: Record<string, unknown> | null | undefined, other: Record<string, unknown> | null | undefined): MetadataDiff {
  const a = flattenMetadata(base);
  const b = flattenMetadata(other);
  const out: MetadataDiff = { added: [], removed: [], changed: [] };
  for (const key of Object.keys(a).sort()) {
    if (!(key in b)) out.removed.push({ key, before: a[key] });
    else if (!sameValue(a[key], b[key])) out.changed.push({ key, before: a[key], after: b[key] });
  }
  for (const key of Object.keys(b).sort()) if (!(key in a)) out.added.push({ key, after: b[key] });
  return out;
}
