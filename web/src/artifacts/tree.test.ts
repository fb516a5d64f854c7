import { describe, expect, it } from "vitest";
import { ancestors, buildTree, visibleRows } from "./tree";

const entry = (size: number) => ({ digest: "d".repeat(64), size });

describe("manifest tree", () => {
  const root = buildTree({
    "b.txt": entry(1),
    "data/train/10.png": entry(10),
    "data/train/2.png": entry(20),
    "data/test.csv": entry(5),
    "a.txt": entry(2),
  });

  it("folders before files, natural order, counts and sizes summed upwards", () => {
    expect(root.files).toBe(5);
    expect(root.size).toBe(38);
    expect(root.children.map((c) => c.name)).toEqual(["data", "a.txt", "b.txt"]);
    const data = root.children[0];
    if (data?.kind !== "folder") throw new Error("data is a folder");
    expect([data.files, data.size]).toEqual([3, 35]);
    const train = data.children[0];
    if (train?.kind !== "folder") throw new Error("train is a folder");
    expect(train.children.map((c) => c.name)).toEqual(["2.png", "10.png"]);
  });

  it("shows only the rows of open folders", () => {
    expect(visibleRows(root, new Set()).map((r) => r.node.path)).toEqual(["data", "a.txt", "b.txt"]);
    const open = visibleRows(root, new Set(["data"]));
    expect(open.map((r) => [r.node.path, r.depth])).toEqual([
      ["data", 0],
      ["data/train", 1],
      ["data/test.csv", 1],
      ["a.txt", 0],
      ["b.txt", 0],
    ]);
  });

  it("a filter shows matching files with their folders open", () => {
    expect(visibleRows(root, new Set(), "PNG").map((r) => r.node.path)).toEqual(["data", "data/train", "data/train/2.png", "data/train/10.png"]);
    expect(visibleRows(root, new Set(), "nothing")).toEqual([]);
  });

  it("names are kept as stored, however hostile", () => {
    const t = buildTree({ "<img src=x onerror=alert(1)>.txt": entry(1), "a b/ü %2F.txt": entry(1) });
    expect(visibleRows(t, new Set(["a b"])).map((r) => r.node.name)).toEqual(["a b", "ü %2F.txt", "<img src=x onerror=alert(1)>.txt"]);
  });

  it("ancestors of a path", () => {
    expect(ancestors("a/b/c.txt")).toEqual(["a", "a/b"]);
    expect(ancestors("c.txt")).toEqual([]);
  });
});
