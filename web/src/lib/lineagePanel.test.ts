import { describe, expect, it } from "vitest";
import { lineageProblem, parseLineageArtifact } from "./lineagePanel";

describe("lineage panel artifact", () => {
  it("splits name and alias or version at the colon", () => {
    expect(parseLineageArtifact("mnist-model:latest")).toEqual({ name: "mnist-model", version: "latest" });
    expect(parseLineageArtifact(" data.v2:v13 ")).toEqual({ name: "data.v2", version: "v13" });
  });
  it("refuses text that names no version, saying how to write it", () => {
    expect(parseLineageArtifact("mnist-model")).toBeNull();
    expect(lineageProblem("mnist-model")).toContain("mnist-model:latest");
    expect(lineageProblem("a:b:c")).toContain("names no version");
    expect(lineageProblem("team/mnist/model:v1")).toContain("without its project");
    expect(lineageProblem("")).toContain("Name an artifact version");
    expect(lineageProblem("model:v1")).toBeNull();
  });
});
