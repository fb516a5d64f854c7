import { describe, expect, it } from "vitest";
import { graphRows, parseGraph, shapeText, visibleRows } from "./modelGraph";

// What run.watch(log_graph=True) records for Sequential(Linear(4, 8), ReLU(), Sequential(Linear(8, 2))).
const doc = {
  format: "torch",
  nodes: [
    { id: 0, name: "", class_name: "Sequential", output_shape: [3, 2], parameters: [], num_parameters: [] },
    { id: 1, name: "0", class_name: "Linear(in_features=4, out_features=8, bias=True)", output_shape: [3, 8], parameters: [["weight", [8, 4]], ["bias", [8]]], num_parameters: [32, 8] },
    { id: 2, name: "1", class_name: "ReLU()", output_shape: [3, 8], parameters: [], num_parameters: [] },
    { id: 3, name: "2", class_name: "Sequential", output_shape: null, parameters: [], num_parameters: [] },
    { id: 4, name: "2.0", class_name: "Linear(in_features=8, out_features=2, bias=True)", output_shape: [3, 2], parameters: [["weight", [2, 8]], ["bias", [2]]], num_parameters: [16, 2] },
  ],
  edges: [
    [0, 1],
    [0, 2],
    [0, 3],
    [3, 4],
  ],
};

describe("model graph", () => {
  it("lists modules depth first with parameters summed over each subtree", () => {
    const rows = graphRows(parseGraph(doc));
    expect(rows.map((r) => [r.path, r.depth, r.params])).toEqual([
      ["", 0, 58],
      ["0", 1, 40],
      ["1", 1, 0],
      ["2", 1, 18],
      ["2.0", 2, 18],
    ]);
    expect(rows[4]?.label).toBe("0");
    expect(rows[1]?.ownParams).toEqual(["weight [8, 4]", "bias [8]"]);
    expect(rows[3]?.outputShape).toBe("");
  });

  it("shows only the children of expanded modules", () => {
    const rows = graphRows(parseGraph(doc));
    expect(visibleRows(rows, new Set()).map((r) => r.path)).toEqual([""]);
    expect(visibleRows(rows, new Set([0])).map((r) => r.path)).toEqual(["", "0", "1", "2"]);
    expect(visibleRows(rows, new Set([0, 3])).map((r) => r.path)).toEqual(["", "0", "1", "2", "2.0"]);
    // A child of a collapsed module stays hidden even when it is itself expanded.
    expect(visibleRows(rows, new Set([3])).map((r) => r.path)).toEqual([""]);
  });

  it("writes shapes as lists, nested outputs as JSON", () => {
    expect(shapeText([32, 10])).toBe("[32, 10]");
    expect(shapeText([[2, 3], { h: [1] }])).toBe('[[2,3],{"h":[1]}]');
    expect(shapeText(null)).toBe("");
  });

  it("refuses a file without nodes and survives a cycle", () => {
    expect(() => parseGraph({ edges: [] })).toThrow(/no nodes/);
    const cyclic = { nodes: [{ id: 0, name: "a", class_name: "A", num_parameters: [1] }, { id: 1, name: "b", class_name: "B", num_parameters: [2] }], edges: [[0, 1], [1, 0]] };
    expect(graphRows(parseGraph(cyclic)).length).toBeLessThanOrEqual(2);
  });
});
