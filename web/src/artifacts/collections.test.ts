import { describe, expect, it } from "vitest";
import { groupByType } from "./collections";
import type { ArtifactCollectionOut } from "./types";

const c = (name: string, type: string): ArtifactCollectionOut => ({
  entity: "e",
  project: "p",
  name,
  type,
  kind: "sequence",
  version_count: 1,
  created_at: 0,
  updated_at: 0,
});

describe("collections by type", () => {
  const all = [c("resnet-10", "model"), c("mnist", "dataset"), c("resnet-2", "model"), c("imagenet", "dataset"), c("report", "eval-results")];

  it("types in name order, names in natural order", () => {
    expect(groupByType(all, "").map(([t, list]) => [t, list.map((x) => x.name)])).toEqual([
      ["dataset", ["imagenet", "mnist"]],
      ["eval-results", ["report"]],
      ["model", ["resnet-2", "resnet-10"]],
    ]);
  });

  it("the search keeps names containing it, any case, and drops emptied types", () => {
    expect(groupByType(all, " RESNET ").map(([t, list]) => [t, list.length])).toEqual([["model", 2]]);
    expect(groupByType(all, "nothing")).toEqual([]);
  });
});
