// The artifact pages' addresses (wandb.ai's layout) round-trip through paths and parseRoute, for
// names as users write them.
import { beforeAll, describe, expect, it, vi } from "vitest";

type Router = typeof import("../router");
let router: Router;

beforeAll(async () => {
  vi.stubGlobal("window", { addEventListener: () => undefined, location: { pathname: "/", search: "" } });
  router = await import("../router");
});

const parse = (link: string) => {
  const url = new URL(link, "http://ui.test");
  return router.parseRoute(url.pathname, url.searchParams);
};

describe("artifact routes", () => {
  it.each([
    ["me", "wandb tutorial", "dataset", "mnist.v2"],
    ["team ü", "模型", "model", "resnet-50_final"],
  ])("project, collection and version links round-trip: %s/%s %s %s", (entity, project, type, name) => {
    expect(parse(router.paths.artifacts(entity, project))).toEqual({ page: "artifacts", entity, project });
    expect(parse(router.paths.artifactCollection(entity, project, type, name))).toEqual({ page: "artifactCollection", entity, project, type, name });
    expect(parse(router.paths.artifactVersion(entity, project, type, name, "v3"))).toEqual({ page: "artifactVersion", entity, project, type, name, version: "v3", tab: "overview" });
    expect(parse(router.paths.artifactVersion(entity, project, type, name, "production", "lineage"))).toEqual({
      page: "artifactVersion",
      entity,
      project,
      type,
      name,
      version: "production",
      tab: "lineage",
    });
  });

  it("the overview tab has the short address; other shapes are not found", () => {
    expect(router.paths.artifactVersion("e", "p", "dataset", "d", "v0", "overview")).toBe("/e/p/artifacts/dataset/d/v0");
    expect(parse("/e/p/artifacts/dataset")).toEqual({ page: "notfound" });
    expect(parse("/e/p/artifacts/dataset/d/v0/files/extra")).toEqual({ page: "notfound" });
  });

  it("a run page's Artifacts tab is a run page tab", () => {
    expect(parse(router.paths.run("e", "p", "abc", "artifacts"))).toEqual({ page: "run", entity: "e", project: "p", runId: "abc", tab: "artifacts" });
  });
});
