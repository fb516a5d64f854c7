// Links and routes for names as wandb allows them (spaces, any script, commas in run ids).
import { beforeAll, describe, expect, it, vi } from "vitest";

type Router = typeof import("./router");
let router: Router;

beforeAll(async () => {
  // router.tsx listens to the window's history at import; node has no window.
  vi.stubGlobal("window", { addEventListener: () => undefined, location: { pathname: "/", search: "" } });
  router = await import("./router");
});

describe("paths and parseRoute", () => {
  const names: [string, string, string][] = [
    ["me", "wandb tutorial", "abc123"],
    ["team ü", "模型 über", "exp 1 ü"],
    ["me", "it's \"quoted\" v1.2 (draft) & more", "run.with.dots"],
  ];

  it.each(names)("a run link round-trips: %s / %s / %s", (entity, project, runId) => {
    const link = router.paths.run(entity, project, runId, "charts");
    expect(link).not.toMatch(/ /); // every segment percent-encoded
    const url = new URL(link, "http://ui.test");
    expect(router.parseRoute(url.pathname, url.searchParams)).toEqual({ page: "run", entity, project, runId, tab: "charts" });
    const ws = new URL(router.paths.workspace(entity, project), "http://ui.test");
    expect(router.parseRoute(ws.pathname, ws.searchParams)).toEqual({ page: "workspace", entity, project });
  });

  it("a malformed address is not found rather than an exception", () => {
    expect(router.parseRoute("/me/100%zz", new URLSearchParams())).toEqual({ page: "notfound" });
  });

  it("compare links keep run ids that hold commas, spaces and plus signs", () => {
    const ids = ["a,b", "c d", "e+f", "ü"];
    const link = router.paths.compare("me", "wandb tutorial", ids);
    expect(router.compareRunIds(new URL(link, "http://ui.test").search)).toEqual(ids);
    expect(router.compareRunIds("?runs=x,y&other=1")).toEqual(["x", "y"]);
    expect(router.compareRunIds("")).toEqual([]);
  });
});

describe("admin and settings routes", () => {
  it("an admin link round-trips its tab and a team name with any characters", () => {
    const url = new URL(router.paths.admin("teams", "vision & nlp ü"), "http://ui.test");
    expect(router.parseRoute(url.pathname, url.searchParams)).toEqual({ page: "admin", tab: "teams", team: "vision & nlp ü" });
    const settings = new URL(router.paths.settings(), "http://ui.test");
    expect(router.parseRoute(settings.pathname, settings.searchParams)).toEqual({ page: "settings" });
  });

  it("an entity's project named settings or admin is still a workspace", () => {
    const url = new URL(router.paths.workspace("admin", "settings"), "http://ui.test");
    expect(router.parseRoute(url.pathname, url.searchParams)).toEqual({ page: "workspace", entity: "admin", project: "settings" });
  });
});
