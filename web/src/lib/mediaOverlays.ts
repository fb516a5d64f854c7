/**
 * Segmentation masks and bounding boxes on logged images (wandb's `masks=` / `boxes=`). The image
 * reference carries `masks: {name: {path, class_labels}}` (an 8-bit PNG of class ids) and
 * `boxes: {name: {path}}` (JSON `{box_data: [...], class_labels}`); this module holds the geometry
 * and colouring the overlay component uses.
 */

export interface OverlayRef {
  _type: string;
  path?: string;
  class_labels?: Record<string, string>;
}

export interface BoxPosition {
  minX?: number;
  maxX?: number;
  minY?: number;
  maxY?: number;
  middle?: [number, number];
  width?: number;
  height?: number;
}

export interface Box {
  position: BoxPosition;
  class_id: number;
  box_caption?: string;
  domain?: "pixel";
  scores?: Record<string, number>;
}

export interface BoxesFile {
  box_data: Box[];
  class_labels: Record<string, string>;
}

/** Distinct colours for class ids (ids beyond the list wrap around). */
const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45", "#fabed4", "#469990", "#dcbeff", "#9a6324", "#fffac8", "#800000", "#aaffc3", "#808000", "#ffd8b1", "#000075", "#a9a9a9", "#ffe119"];

export function classColor(id: number): string {
  return PALETTE[((id % PALETTE.length) + PALETTE.length) % PALETTE.length] as string;
}

export function rgbOf(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** A class's name: its label, else "class <id>". */
export function className(labels: Readonly<Record<string, string>> | undefined, id: number): string {
  return labels?.[String(id)] ?? `class ${id}`;
}

/** A box in image pixels (x, y = top left). Coordinates are relative (0..1) unless `domain` is "pixel". */
export function boxRect(box: Box, width: number, height: number): { x: number; y: number; w: number; h: number } {
  const p = box.position;
  const sx = box.domain === "pixel" ? 1 : width;
  const sy = box.domain === "pixel" ? 1 : height;
  if (p.middle && p.width !== undefined && p.height !== undefined) {
    return { x: (p.middle[0] - p.width / 2) * sx, y: (p.middle[1] - p.height / 2) * sy, w: p.width * sx, h: p.height * sy };
  }
  const x0 = (p.minX ?? 0) * sx;
  const y0 = (p.minY ?? 0) * sy;
  return { x: x0, y: y0, w: (p.maxX ?? 0) * sx - x0, h: (p.maxY ?? 0) * sy - y0 };
}

/** A box's label: its caption (else the class name) and its scores, e.g. "cat (score 0.93)". */
export function boxLabel(box: Box, labels: Readonly<Record<string, string>> | undefined): string {
  const name = box.box_caption ?? className(labels, box.class_id);
  const scores = Object.entries(box.scores ?? {}).map(([k, v]) => `${k} ${Number(v.toPrecision(3))}`);
  return scores.length ? `${name} (${scores.join(", ")})` : name;
}

/** Class ids present in a decoded mask (the red channel of RGBA pixels) with their pixel counts. */
export function maskClasses(rgba: ArrayLike<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < rgba.length; i += 4) {
    const id = rgba[i] as number;
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return new Map([...out.entries()].sort((a, b) => a[0] - b[0]));
}

/** Colours a decoded mask: each pixel of a shown class gets its class colour at `opacity` (0..1),
 * other pixels stay transparent. Input and output are RGBA; the class id is the red channel. */
export function colorMask(rgba: ArrayLike<number>, shown: ReadonlySet<number>, opacity: number): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(rgba.length);
  const alpha = Math.round(Math.min(1, Math.max(0, opacity)) * 255);
  const cache = new Map<number, [number, number, number]>();
  for (let i = 0; i < rgba.length; i += 4) {
    const id = rgba[i] as number;
    if (!shown.has(id)) continue;
    let c = cache.get(id);
    if (!c) cache.set(id, (c = rgbOf(classColor(id))));
    out[i] = c[0];
    out[i + 1] = c[1];
    out[i + 2] = c[2];
    out[i + 3] = alpha;
  }
  return out;
}

/** Validates a boxes file loosely (it was written by the SDK): boxes without a position are dropped. */
export function parseBoxes(json: unknown): BoxesFile {
  const o = json && typeof json === "object" ? (json as { box_data?: unknown; class_labels?: unknown }) : {};
  const data = Array.isArray(o.box_data) ? o.box_data : [];
  const boxes = data.filter((b): b is Box => !!b && typeof b === "object" && typeof (b as Box).position === "object" && typeof (b as Box).class_id === "number");
  const labels = o.class_labels && typeof o.class_labels === "object" ? (o.class_labels as Record<string, string>) : {};
  return { box_data: boxes, class_labels: labels };
}
