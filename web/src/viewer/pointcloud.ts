/**
 * Reads a `.pts.json` point file as the SDK (and wandb) writes it into flat arrays for three.js:
 * a list of points, or a `{"type": "lidar/beta", "points", "boxes", "vectors"}` scene.
 *
 * Points: [x, y, z] are coloured by height; [x, y, z, c] by category c (1..14, a fixed palette);
 * [x, y, z, r, g, b] by their colour (0..255, or 0..1 when no component is above 1). Points with a
 * missing or non-finite coordinate (the SDK writes NaN as null) are skipped.
 */

export type Vec3 = [number, number, number];

export interface Box {
  corners: Vec3[];
  color: Vec3;
  label: string | null;
}

export interface Vector {
  start: Vec3;
  end: Vec3;
}

export interface Scene {
  points: number[][];
  positions: Float32Array;
  colors: Float32Array;
  boxes: Box[];
  vectors: Vector[];
}

/** wandb's 14 point categories, in order (1-based in the data). */
export const CATEGORY_COLORS: Vec3[] = [
  [0.9, 0.1, 0.1], [0.1, 0.6, 0.9], [0.2, 0.75, 0.2], [0.95, 0.6, 0.1], [0.6, 0.3, 0.85], [0.95, 0.85, 0.1], [0.1, 0.8, 0.75],
  [0.9, 0.3, 0.6], [0.5, 0.5, 0.5], [0.55, 0.35, 0.15], [0.15, 0.25, 0.6], [0.6, 0.8, 0.2], [0.85, 0.5, 0.45], [0.3, 0.3, 0.3],
];

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function vec3(v: unknown): Vec3 | null {
  return Array.isArray(v) && v.length >= 3 && finite(v[0]) && finite(v[1]) && finite(v[2]) ? [v[0], v[1], v[2]] : null;
}

/** A colour as 0..1 components: 0..255 values are scaled unless none is above 1. */
export function toUnitColor(rgb: readonly number[]): Vec3 {
  const [r = 0, g = 0, b = 0] = rgb;
  const scale = r > 1 || g > 1 || b > 1 ? 255 : 1;
  const c = (v: number): number => Math.min(1, Math.max(0, v / scale));
  return [c(r), c(g), c(b)];
}

/** Height (z) from blue to red, for points without colour. */
function heightColor(t: number): Vec3 {
  const x = Math.min(1, Math.max(0, t));
  return [x, 0.35 + 0.4 * (1 - Math.abs(x - 0.5) * 2), 1 - x];
}

export function parsePointFile(json: unknown): Scene {
  let rawPoints: unknown = json;
  let rawBoxes: unknown = [];
  let rawVectors: unknown = [];
  if (json && typeof json === "object" && !Array.isArray(json)) {
    const scene = json as { type?: unknown; points?: unknown; boxes?: unknown; vectors?: unknown };
    if (scene.type !== "lidar/beta") throw new Error(`unknown point cloud type ${JSON.stringify(scene.type)}`);
    rawPoints = scene.points ?? [];
    rawBoxes = scene.boxes ?? [];
    rawVectors = scene.vectors ?? [];
  }
  if (!Array.isArray(rawPoints)) throw new Error("the point file holds no list of points");
  const points = rawPoints.filter((p): p is number[] => vec3(p) !== null);
  const positions = new Float32Array(points.length * 3);
  const colors = new Float32Array(points.length * 3);
  let zMin = Infinity;
  let zMax = -Infinity;
  for (const p of points) {
    zMin = Math.min(zMin, p[2]!);
    zMax = Math.max(zMax, p[2]!);
  }
  points.forEach((p, i) => {
    positions.set([p[0]!, p[1]!, p[2]!], i * 3);
    let color: Vec3;
    if (p.length >= 6 && finite(p[3]) && finite(p[4]) && finite(p[5])) color = toUnitColor([p[3], p[4], p[5]]);
    else if (p.length === 4 && finite(p[3])) color = CATEGORY_COLORS[(Math.max(1, Math.round(p[3])) - 1) % CATEGORY_COLORS.length]!;
    else color = heightColor(zMax > zMin ? (p[2]! - zMin) / (zMax - zMin) : 0.5);
    colors.set(color, i * 3);
  });
  const boxes: Box[] = [];
  for (const b of Array.isArray(rawBoxes) ? rawBoxes : []) {
    const box = b as { corners?: unknown; color?: unknown; label?: unknown; score?: unknown };
    const corners = Array.isArray(box.corners) ? box.corners.map(vec3) : [];
    if (corners.length !== 8 || corners.some((c) => c === null)) continue;
    const rgb = Array.isArray(box.color) && box.color.every(finite) ? toUnitColor(box.color as number[]) : ([0.1, 0.8, 0.2] as Vec3);
    const label = typeof box.label === "string" && box.label ? box.label : null;
    const score = finite(box.score) ? box.score : null;
    boxes.push({ corners: corners as Vec3[], color: rgb, label: label && score !== null ? `${label} ${Number(score.toPrecision(3))}` : label });
  }
  const vectors: Vector[] = [];
  for (const v of Array.isArray(rawVectors) ? rawVectors : []) {
    const start = vec3((v as { start?: unknown }).start);
    const end = vec3((v as { end?: unknown }).end);
    if (start && end) vectors.push({ start, end });
  }
  return { points, positions, colors, boxes, vectors };
}

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const near = (a: Vec3, b: Vec3, tol: number): boolean => Math.abs(a[0] - b[0]) <= tol && Math.abs(a[1] - b[1]) <= tol && Math.abs(a[2] - b[2]) <= tol;

/**
 * The 12 edges of a box given as 8 corners in any order (wandb's `box3d` and its documentation's
 * examples list them in different orders): the three edge vectors from corner 0 are the ones whose
 * sums give all the other corners; two corners share an edge when they differ by one of them.
 * Corners that form no box get all 28 connecting lines.
 */
export function boxEdges(corners: readonly Vec3[]): [number, number][] {
  const origin = corners[0]!;
  const d = corners.slice(1).map((c) => sub(c, origin));
  const span = Math.max(1e-9, ...d.map((v) => Math.hypot(...v)));
  const tol = span * 1e-4;
  for (let i = 0; i < 7; i++)
    for (let j = i + 1; j < 7; j++)
      for (let k = j + 1; k < 7; k++) {
        const [u, v, w] = [d[i]!, d[j]!, d[k]!];
        const sums = [u, v, w, add(u, v), add(u, w), add(v, w), add(add(u, v), w)];
        if (!d.every((x) => sums.some((s) => near(s, x, tol)))) continue;
        const edges: [number, number][] = [];
        for (let a = 0; a < 8; a++)
          for (let b = a + 1; b < 8; b++) {
            const diff = sub(corners[b]!, corners[a]!);
            if ([u, v, w].some((e) => near(diff, e, tol) || near(diff, [-e[0], -e[1], -e[2]], tol))) edges.push([a, b]);
          }
        if (edges.length === 12) return edges;
      }
  const all: [number, number][] = [];
  for (let a = 0; a < 8; a++) for (let b = a + 1; b < 8; b++) all.push([a, b]);
  return all;
}
