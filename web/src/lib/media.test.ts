import { describe, expect, it } from "vitest";
import type { HistoryKey } from "../api/client";
import { atStep, compareCells, isSafeFilePath, sortRows, histogramBars, mediaKeys, mediaKind, mediaSteps, parseTable, valueAt } from "./media";

const key = (k: string, kind: "number" | "other", last: unknown): HistoryKey => ({ key: k, kind, count: 1, last });

describe("media detection", () => {
  it("recognises wandb's media references and nothing else", () => {
    expect(mediaKind({ _type: "image-file", path: "media/images/a.png" })).toBe("image");
    expect(mediaKind({ _type: "images/separated", filenames: [] })).toBe("gallery");
    expect(mediaKind({ _type: "audio-file", path: "a.wav" })).toBe("audio");
    expect(mediaKind({ _type: "table-file", path: "t.table.json" })).toBe("table");
    expect(mediaKind({ _type: "histogram", values: [1], bins: [0, 1] })).toBe("histogram");
    expect(mediaKind({ _type: "html-file", path: "x.html" })).toBe("html");
    expect(mediaKind({ _type: "video-file", path: "x.mp4" })).toBe("video");
    expect(mediaKind({ _type: "something-else" })).toBeNull();
    expect(mediaKind({ _type: "object3D-file", path: "media/object3D/a.glb" })).toBe("object3d");
    expect(mediaKind({ _type: "object3D", filenames: ["media/object3D/a.pts.json"] })).toBe("object3d");
    expect(mediaKind({ _type: "molecule-file", path: "media/molecule/m.pdb" })).toBe("molecule");
    expect(mediaKind({ _type: "graph-file", path: "media/graph/g.graph.json" })).toBe("file");
    expect(mediaKind({ _type: "plotly-file", path: "media/plotly/c.plotly.json" })).toBe("plotly");
    expect(mediaKind("image-file")).toBeNull();
    expect(mediaKind([{ _type: "image-file" }])).toBeNull();
    expect(mediaKind(null)).toBeNull();
    expect(mediaKind(3)).toBeNull();
  });

  it("lists media keys from history keys, images first, skipping numbers and plain values", () => {
    const keys = [
      key("epoch", "number", 20),
      key("validation/prediction_table", "other", { _type: "table-file", path: "t" }),
      key("audio/sample_output", "other", { _type: "audio-file", path: "a" }),
      key("note", "other", "hello"),
      key("examples/prediction_image", "other", { _type: "image-file", path: "i" }),
      key("charts/confidence_curve", "other", { _type: "image-file", path: "c" }),
      key("weights", "other", { _type: "histogram", values: [], bins: [0] }),
    ];
    expect(mediaKeys(keys)).toEqual([
      { key: "charts/confidence_curve", kind: "image" },
      { key: "examples/prediction_image", kind: "image" },
      { key: "audio/sample_output", kind: "audio" },
      { key: "validation/prediction_table", kind: "table" },
      { key: "weights", kind: "histogram" },
    ]);
  });

  it("reads a key's steps from rows, including re-nested dotted keys, and picks a step", () => {
    const rows = [
      { _step: 2, a: { b: { _type: "image-file", path: "2.png" } } },
      { _step: 0, a: { b: { _type: "image-file", path: "0.png" } } },
      { _step: 1, x: 1 },
    ];
    expect(valueAt(rows[0] ?? {}, "a.b")).toEqual({ _type: "image-file", path: "2.png" });
    const steps = mediaSteps(rows, "a.b");
    expect(steps.map((s) => s.step)).toEqual([0, 2]);
    expect(atStep(steps, 1)?.ref.path).toBe("0.png");
    expect(atStep(steps, null)?.ref.path).toBe("2.png");
    expect(atStep(steps, -5)?.ref.path).toBe("0.png");
    expect(atStep([], 1)).toBeUndefined();
  });
});

describe("tables", () => {
  it("parses a table file and sorts cells", () => {
    const t = parseTable({ columns: ["text", "confidence", "img"], data: [["a, \"b\"", 0.5, { _type: "image-file", path: "media/images/x.png" }], ["c", null, null]] });
    expect(t.columns).toEqual(["text", "confidence", "img"]);
    expect(t.rows[0]?.confidence).toBe(0.5);
    expect([null, 3, "b", 1, "a"].sort(compareCells)).toEqual([1, 3, "a", "b", null]);
    expect(() => parseTable({ rows: [] })).toThrow(/no columns/);
    const rows = [{ c: 0.5 }, { c: null }, { c: 0.9 }, { c: 0.1 }];
    expect(sortRows(rows, "c", false).map((r) => r.c)).toEqual([0.1, 0.5, 0.9, null]);
    expect(sortRows(rows, "c", true).map((r) => r.c)).toEqual([0.9, 0.5, 0.1, null]);
  });

  it("refuses file paths that would resolve elsewhere", () => {
    expect(isSafeFilePath("media/images/a_0_abc.png")).toBe(true);
    expect(isSafeFilePath("media/table/t.table.json")).toBe(true);
    for (const bad of ["../session", "media/../../x", "media/%2e%2e/x", "media/%2E./x", "/etc/passwd", "media//x", "a\\b", "", "./x", null, 3])
      expect(isSafeFilePath(bad)).toBe(false);
  });

  it("turns histograms into bars from edges or packed bins", () => {
    expect(histogramBars({ _type: "histogram", values: [1, 2], bins: [0, 1, 2] })).toEqual([
      { x0: 0, x1: 1, count: 1 },
      { x0: 1, x1: 2, count: 2 },
    ]);
    expect(histogramBars({ _type: "histogram", values: [4], packedBins: { min: -1, size: 0.5, count: 1 } })).toEqual([{ x0: -1, x1: -0.5, count: 4 }]);
  });
});
