/**
 * What the Files tab can show of an entry, decided from its name and mimetype: images inline (from
 * the server's file route, an <img> never runs script), CSV/TSV and logged tables as tables, anything
 * else that is text as text. Only the first PREVIEW_BYTES are read; binary bytes are not shown.
 */
import type { ManifestEntry } from "./types";

export const PREVIEW_BYTES = 1 << 20;

export type PreviewKind = "image" | "csv" | "tsv" | "table" | "json" | "text" | "reference" | "other";

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|avif|ico|svg)$/i;
const TEXT =
  /\.(txt|md|markdown|rst|log|py|ipynb|js|ts|tsx|jsx|c|h|cc|cpp|hpp|rs|go|java|kt|rb|sh|bash|zsh|toml|ya?ml|ini|cfg|conf|env|xml|html?|css|sql|r|jl|lua|tex|bib|jsonl|ndjson|srt|vtt|gitignore|dockerfile|lock|requirements|in)$/i;

export function previewKind(path: string, entry: Pick<ManifestEntry, "ref" | "mimetype">): PreviewKind {
  const lower = path.toLowerCase();
  const mime = (entry.mimetype ?? "").toLowerCase();
  if (entry.ref) return "reference";
  if (lower.endsWith(".table.json")) return "table";
  if (IMAGE.test(lower) || mime.startsWith("image/")) return "image";
  if (lower.endsWith(".csv") || mime === "text/csv") return "csv";
  if (lower.endsWith(".tsv") || mime === "text/tab-separated-values") return "tsv";
  if (lower.endsWith(".json") || mime === "application/json") return "json";
  if (TEXT.test(lower) || mime.startsWith("text/") || !/\.[^/]+$/.test(lower.slice(lower.lastIndexOf("/") + 1))) return "text";
  return "other";
}

/** Bytes that are not text: a NUL in the first 8 KiB, as git and grep decide. */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

/** A logged wandb.Table's JSON ({"columns": [...], "data": [[...]]}) as header and rows; null when
 * the JSON is not such a table. */
export function tableFromJson(value: unknown): { header: string[]; rows: unknown[][] } | null {
  if (!value || typeof value !== "object") return null;
  const t = value as { columns?: unknown; data?: unknown };
  if (!Array.isArray(t.columns) || !Array.isArray(t.data)) return null;
  return { header: t.columns.map((c) => String(c)), rows: t.data.filter(Array.isArray) as unknown[][] };
}

/** A table cell as text: media cells by their type ("[image-file] a.png"), the rest as JSON. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "object" && !Array.isArray(v) && "_type" in v) {
    const o = v as { _type: unknown; path?: unknown };
    return `[${String(o._type)}]${typeof o.path === "string" ? ` ${o.path}` : ""}`;
  }
  return JSON.stringify(v);
}

/** An http(s) reference can be opened; s3:// and file:// are shown as text only. */
export function openableRef(uri: string): string | null {
  try {
    const u = new URL(uri);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/** The whole factor that brings a small image's longer side to at least 192 px (at most 16x), so a
 * 28 px digit is seen; 1 for images that size or larger. */
export function upscale(w: number, h: number): number {
  const side = Math.max(w, h);
  if (side <= 0 || side >= 192) return 1;
  return Math.min(16, Math.ceil(192 / side));
}
