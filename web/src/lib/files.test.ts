import { describe, expect, it } from "vitest";
import { breadcrumb, bytes, cleanDir, listFolder } from "./files";

const files = [
  { path: "config.yaml", size: 10, updated_at: 1 },
  { path: "requirements.txt", size: 200, updated_at: 2 },
  { path: "media/images/a.png", size: 1000, updated_at: 5 },
  { path: "media/images/b.png", size: 3000, updated_at: 7 },
  { path: "media/audio/x.wav", size: 500, updated_at: 3 },
  { path: "code/train.py", size: 40, updated_at: 4 },
];

describe("listFolder", () => {
  it("shows the root's files and its folders with counts and sizes", () => {
    const root = listFolder(files, "");
    expect(root.files.map((f) => f.name)).toEqual(["config.yaml", "requirements.txt"]);
    expect(root.folders).toEqual([
      { name: "code", path: "code", files: 1, size: 40, updated_at: 4 },
      { name: "media", path: "media", files: 3, size: 4500, updated_at: 7 },
    ]);
    expect([root.totalFiles, root.totalSize]).toEqual([6, 4750]);
  });

  it("goes down into a folder and names files relative to it", () => {
    const media = listFolder(files, "media");
    expect(media.folders.map((f) => [f.path, f.files])).toEqual([
      ["media/audio", 1],
      ["media/images", 2],
    ]);
    expect(listFolder(files, "media/images").files.map((f) => [f.name, f.path])).toEqual([
      ["a.png", "media/images/a.png"],
      ["b.png", "media/images/b.png"],
    ]);
  });

  it("does not mistake a folder name prefix for the folder", () => {
    const more = [...files, { path: "mediafile.txt", size: 1, updated_at: 1 }];
    expect(listFolder(more, "media").totalFiles).toBe(3);
  });

  it("filters by path text, keeping only folders that hold a match", () => {
    const hit = listFolder(files, "", "PNG");
    expect(hit.files).toEqual([]);
    expect(hit.folders.map((f) => [f.name, f.files])).toEqual([["media", 2]]);
  });
});

describe("paths and sizes", () => {
  it("cleans folder paths from the URL so they cannot climb out", () => {
    expect(cleanDir("/media//images/")).toBe("media/images");
    expect(cleanDir("../../etc")).toBe("etc");
    expect(cleanDir(null)).toBe("");
  });

  it("builds a breadcrumb from the root down", () => {
    expect(breadcrumb("media/images")).toEqual([
      { name: "files", path: "" },
      { name: "media", path: "media" },
      { name: "images", path: "media/images" },
    ]);
  });

  it("formats byte counts", () => {
    expect([bytes(0), bytes(1023), bytes(1536), bytes(5 * 1024 * 1024), bytes(300 * 1024 ** 3)]).toEqual(["0 B", "1023 B", "1.5 KiB", "5.0 MiB", "300 GiB"]);
  });
});
