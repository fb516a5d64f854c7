import { describe, expect, it } from "vitest";
import { diffManifests, diffMetadata, flattenMetadata } from "./diff";

const e = (digest: string, size: number, ref?: string) => ({ digest: digest.repeat(64), size, ref: ref ?? null });

describe("version diff", () => {
  it("added, removed and changed files with both sizes", () => {
    const d = diffManifests({ "same.txt": e("a", 1), "gone.txt": e("b", 2), "data.csv": e("c", 3) }, { "same.txt": e("a", 1), "data.csv": e("d", 30), "new.txt": e("e", 4) });
    expect(d).toEqual({
      added: [{ path: "new.txt", after: 4 }],
      removed: [{ path: "gone.txt", before: 2 }],
      changed: [{ path: "data.csv", before: 3, after: 30 }],
      unchanged: 1,
    });
  });

  it("a reference pointing elsewhere is a change even with the same digest", () => {
    expect(diffManifests({ r: e("a", 1, "s3://b/x") }, { r: e("a", 1, "s3://b/y") }).changed).toHaveLength(1);
  });

  it("metadata keys, nested ones dotted", () => {
    expect(flattenMetadata({ a: { b: 1, c: [1, 2] }, d: {} })).toEqual({ "a.b": 1, "a.c": [1, 2], d: {} });
    const d = diffMetadata({ rows: 100, split: { train: 0.8 }, gone: true, same: [1, { x: 1 }] }, { rows: 120, split: { train: 0.8, val: 0.1 }, same: [1, { x: 1 }] });
    expect(d).toEqual({
      added: [{ key: "split.val", after: 0.1 }],
      removed: [{ key: "gone", before: true }],
      changed: [{ key: "rows", before: 100, after: 120 }],
    });
  });

  it("nothing changed", () => {
    expect(diffMetadata(null, {})).toEqual({ added: [], removed: [], changed: [] });
  });
});
