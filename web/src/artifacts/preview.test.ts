import { describe, expect, it } from "vitest";
import { cellText, looksBinary, openableRef, previewKind, tableFromJson, upscale } from "./preview";
import { usageSnippet } from "./snippet";

describe("file preview", () => {
  it("picks the preview by name, mimetype and reference", () => {
    const kind = (path: string, extra: { ref?: string; mimetype?: string } = {}) => previewKind(path, extra);
    expect(kind("a/b.PNG")).toBe("image");
    expect(kind("x.bin", { mimetype: "image/png" })).toBe("image");
    expect(kind("data.csv")).toBe("csv");
    expect(kind("data.tsv")).toBe("tsv");
    expect(kind("preds.table.json")).toBe("table");
    expect(kind("meta.json")).toBe("json");
    expect(kind("README")).toBe("text");
    expect(kind("train.py")).toBe("text");
    expect(kind("model.pt")).toBe("other");
    expect(kind("data.csv", { ref: "s3://b/data.csv" })).toBe("reference");
  });

  it("binary bytes are recognised by a NUL", () => {
    expect(looksBinary(new Uint8Array([104, 105, 0, 1]))).toBe(true);
    expect(looksBinary(new TextEncoder().encode("héllo\n"))).toBe(false);
  });

  it("a logged table's JSON, media cells by type", () => {
    expect(tableFromJson({ _type: "table", columns: ["id", "img"], data: [[1, { _type: "image-file", path: "media/a.png" }]] })).toEqual({
      header: ["id", "img"],
      rows: [[1, { _type: "image-file", path: "media/a.png" }]],
    });
    expect(tableFromJson({ columns: "x" })).toBeNull();
    expect(cellText({ _type: "image-file", path: "media/a.png" })).toBe("[image-file] media/a.png");
    expect(cellText([1, 2])).toBe("[1,2]");
    expect(cellText(null)).toBe("");
  });

  it("only http(s) references become links", () => {
    expect(openableRef("https://example.com/a b")).toBe("https://example.com/a%20b");
    expect(openableRef("javascript:alert(1)")).toBeNull();
    expect(openableRef("s3://bucket/key")).toBeNull();
    expect(openableRef("file:///etc/passwd")).toBeNull();
  });

  it("small images are enlarged by a whole factor, large ones not", () => {
    expect(upscale(28, 28)).toBe(7);
    expect(upscale(8, 4)).toBe(16);
    expect(upscale(192, 10)).toBe(1);
    expect(upscale(1024, 768)).toBe(1);
    expect(upscale(0, 0)).toBe(1);
  });

  it("the usage snippet names the exact version", () => {
    const s = usageSnippet({ entity: "me", project: "proj x", name: "mnist", version: "v3", type: "dataset" });
    expect(s).toContain('run.use_artifact("me/proj x/mnist:v3", type="dataset")');
    expect(s).toContain("artifact.download()");
    expect(usageSnippet({ entity: "me", project: 'a"b', name: "n", version: "v0", type: "model" })).toContain('project="a\\"b"');
  });
});
