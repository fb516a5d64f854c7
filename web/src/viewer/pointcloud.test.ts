import { describe, expect, it } from "vitest";
import { boxEdges, CATEGORY_COLORS, parsePointFile, toUnitColor, type Vec3 } from "./pointcloud";

describe("point files", () => {
  it("reads plain, categorised and coloured points, skipping null (NaN) coordinates", () => {
    const plain = parsePointFile([
      [0, 0, 0],
      [1, 1, 1],
      [null, 2, 2],
    ]);
    expect(plain.points.length).toBe(2);
    expect(Array.from(plain.positions)).toEqual([0, 0, 0, 1, 1, 1]);
    const categories = parsePointFile([[0, 0, 0, 2]]);
    expect(Array.from(categories.colors)).toEqual(CATEGORY_COLORS[1]!.map((c) => Math.fround(c)));
    const rgb = parsePointFile([[0, 0, 0, 255, 0, 51]]);
    expect(Array.from(rgb.colors)).toEqual([1, 0, Math.fround(0.2)]);
  });

  it("reads a lidar/beta scene with boxes (label and score) and vectors", () => {
    const corners: Vec3[] = [];
    for (const x of [0, 1]) for (const y of [0, 2]) for (const z of [0, 3]) corners.push([x, y, z]);
    const scene = parsePointFile({ type: "lidar/beta", points: [[0, 0, 0]], boxes: [{ corners, color: [255, 0, 0], label: "car", score: 0.9 }, { corners: [[0, 0, 0]] }], vectors: [{ start: [0, 0, 0], end: [1, 0, 0] }] });
    expect(scene.boxes).toEqual([{ corners, color: [1, 0, 0], label: "car 0.9" }]);
    expect(scene.vectors).toEqual([{ start: [0, 0, 0], end: [1, 0, 0] }]);
    expect(() => parsePointFile({ type: "radar" })).toThrow(/unknown point cloud type/);
  });

  it("colours in 0..1 stay, 0..255 are scaled", () => {
    expect(toUnitColor([1, 0.5, 0])).toEqual([1, 0.5, 0]);
    expect(toUnitColor([255, 0, 510])).toEqual([1, 0, 1]);
  });
});

describe("box edges", () => {
  const edgeLengths = (corners: Vec3[]): number[] =>
    boxEdges(corners)
      .map(([a, b]) => Math.hypot(...corners[a]!.map((v, i) => v - corners[b]![i]!)))
      .sort((x, y) => x - y);

  it("finds the 12 edges of a long thin box in wandb's documented corner order", () => {
    // A 1 x 1 x 10 box: face diagonals are shorter than its long edges, so nearest neighbours would be wrong.
    const corners: Vec3[] = [
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 10],
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 10],
      [1, 0, 10],
      [1, 1, 10],
    ];
    expect(edgeLengths(corners)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 10, 10, 10, 10]);
  });

  it("connects every pair of corners that form no box", () => {
    const corners: Vec3[] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i, i * i, 0]);
    expect(boxEdges(corners).length).toBe(28);
  });
});
