/**
 * Media logged by the SDK arrive in history as JSON references in wandb's shapes
 * (`{"_type": "image-file", "path": ...}`, tables, galleries, audio, HTML, histograms). This module
 * recognises them, finds which history keys hold them, and reads table files into rows.
 */
import type { HistoryKey } from "../api/client";
import type { OverlayRef } from "./mediaOverlays";

export type MediaKind = "image" | "gallery" | "audio" | "video" | "html" | "table" | "histogram" | "plotly" | "object3d" | "molecule" | "file";

export interface MediaRef {
  _type: string;
  path?: string;
  caption?: string;
  width?: number;
  height?: number;
  sample_rate?: number;
  duration?: number;
  nrows?: number;
  ncols?: number;
  filenames?: string[];
  captions?: (string | null)[];
  count?: number;
  values?: number[];
  bins?: number[];
  packedBins?: { min: number; size: number; count: number };
  /** Images: segmentation masks and bounding-box sets by name (see mediaOverlays.ts). */
  masks?: Record<string, OverlayRef>;
  boxes?: Record<string, OverlayRef>;
}

const KINDS: Record<string, MediaKind> = {
  "image-file": "image",
  "images/separated": "gallery",
  "audio-file": "audio",
  "video-file": "video",
  "html-file": "html",
  "table-file": "table",
  "plotly-file": "plotly",
  "object3D-file": "object3d",
  object3D: "object3d",
  "molecule-file": "molecule",
  molecule: "molecule",
  "partitioned-table": "table",
  "joined-table": "table",
  histogram: "histogram",
};

/** The kind of media a history value references, or null for plain values. */
export function mediaKind(v: unknown): MediaKind | null {
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const t = (v as { _type?: unknown })._type;
  if (typeof t !== "string") return null;
  // Other file-backed media (graph-file, bokeh-file, ...) are offered as files.
  return KINDS[t] ?? (t.endsWith("-file") && typeof (v as { path?: unknown }).path === "string" ? "file" : null);
}

export function isMedia(v: unknown): v is MediaRef {
  return mediaKind(v) !== null;
}

export interface MediaKey {
  key: string;
  kind: MediaKind;
}

const ORDER: MediaKind[] = ["image", "gallery", "video", "audio", "table", "plotly", "object3d", "molecule", "html", "histogram", "file"];

/** History keys that hold media: kind "other" with a media reference as the last value. Sorted by
 * kind (images first), then by name. */
export function mediaKeys(keys: readonly HistoryKey[]): MediaKey[] {
  const out: MediaKey[] = [];
  for (const k of keys) {
    if (k.kind !== "other") continue;
    const kind = mediaKind(k.last);
    if (kind) out.push({ key: k.key, kind });
  }
  return out.sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A key's value in a history row: rows re-nest dotted keys, so "a.b" may be row.a.b. */
export function valueAt(row: Readonly<Record<string, unknown>>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(row, key)) return row[key];
  let cur: unknown = row;
  for (const part of key.split(".")) {
    if (!cur || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export interface MediaStep {
  step: number;
  ref: MediaRef;
}

/** The steps at which `key` holds media, in step order. */
export function mediaSteps(rows: readonly Readonly<Record<string, unknown>>[], key: string): MediaStep[] {
  const out: MediaStep[] = [];
  for (const r of rows) {
    const v = valueAt(r, key);
    const step = r._step;
    if (typeof step === "number" && isMedia(v)) out.push({ step, ref: v });
  }
  return out.sort((a, b) => a.step - b.step);
}

/** The entry shown for a chosen step: the last one at or before it (media are sparse), else the first. */
export function atStep<T extends { step: number }>(items: readonly T[], step: number | null): T | undefined {
  if (items.length === 0) return undefined;
  if (step === null) return items[items.length - 1];
  let best: T | undefined;
  for (const it of items) if (it.step <= step) best = it;
  return best ?? items[0];
}

export interface TableData {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Reads a logged table file (`{"columns": [...], "data": [[...]]}`) into rows keyed by column. */
export function parseTable(json: unknown): TableData {
  if (!json || typeof json !== "object") throw new Error("not a table file");
  const t = json as { columns?: unknown; data?: unknown };
  if (!Array.isArray(t.columns) || !Array.isArray(t.data)) throw new Error("table file has no columns/data");
  const columns = t.columns.map((c) => String(c));
  const rows = t.data.map((r) => {
    const row: Record<string, unknown> = {};
    const cells = Array.isArray(r) ? r : [];
    columns.forEach((c, i) => {
      row[c] = cells[i] ?? null;
    });
    return row;
  });
  return { columns, rows };
}

/** Sort order for table cells: numbers, then strings, then media (by caption/path), nulls last. */
export function compareCells(a: unknown, b: unknown): number {
  const rank = (v: unknown): number => (v === null || v === undefined ? 3 : typeof v === "number" ? 0 : typeof v === "string" || typeof v === "boolean" ? 1 : 2);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 0) return (a as number) - (b as number);
  if (ra === 3) return 0;
  return cellText(a).localeCompare(cellText(b));
}

/** A cell as text: plain values as they are, media as their caption or file path. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (isMedia(v)) return v.path ?? v.caption ?? `[${v._type}]`;
  return JSON.stringify(v);
}

/** Rows sorted by one column (stable); empty cells stay last in either direction. */
export function sortRows<R extends Readonly<Record<string, unknown>>>(rows: readonly R[], col: string, desc: boolean): R[] {
  const empty = (v: unknown): boolean => v === null || v === undefined;
  return [...rows].sort((a, b) => {
    const x = a[col];
    const y = b[col];
    if (empty(x) || empty(y)) return Number(empty(x)) - Number(empty(y));
    const c = compareCells(x, y);
    return desc ? -c : c;
  });
}

/** A logged file path the UI may request: relative, no empty, "." or ".." segments (which a browser
 * would resolve, even percent-encoded, into another API path). */
export function isSafeFilePath(path: unknown): path is string {
  if (typeof path !== "string" || path === "" || path.startsWith("/") || path.includes("\\")) return false;
  return path.split("/").every((seg) => seg !== "" && !/^(\.|%2e){1,2}$/i.test(seg));
}

export interface Bar {
  x0: number;
  x1: number;
  count: number;
}

/** Whether a video file is a GIF (the SDK's format for numpy frames without ffmpeg): browsers
 * play those as images, not in a <video> element. */
export function isGif(path: string | undefined): boolean {
  return typeof path === "string" && /\.gif$/i.test(path);
}

/** Bars of a logged histogram: explicit bin edges, or wandb's packed bins. */
export function histogramBars(h: MediaRef): Bar[] {
  const values = h.values ?? [];
  if (h.bins && h.bins.length === values.length + 1)
    return values.map((count, i) => ({ x0: h.bins?.[i] ?? 0, x1: h.bins?.[i + 1] ?? 0, count }));
  if (h.packedBins) {
    const { min, size } = h.packedBins;
    return values.map((count, i) => ({ x0: min + i * size, x1: min + (i + 1) * size, count }));
  }
  return values.map((count, i) => ({ x0: i, x1: i + 1, count }));
}
