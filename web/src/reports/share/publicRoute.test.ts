// The public report page's route (router.tsx): /public/reports/<token>, opened without signing in.
import { beforeAll, describe, expect, it, vi } from "vitest";

type Router = typeof import("../../router");
let router: Router;

beforeAll(async () => {
  // router.tsx listens to the window's history at import; node has no window.
  vi.stubGlobal("window", { addEventListener: () => undefined, location: { pathname: "/", search: "" } });
  router = await import("../../router");
});

describe("the public report route", () => {
  it("opens /public/reports/<token> as the public page, whatever the token's characters", () => {
    const token = "AbC-_09xyzAbC-_09xyzAbC-_09xyzAbC-_09xyzabc";
    expect(router.parseRoute(router.paths.publicReport(token), new URLSearchParams())).toEqual({ page: "publicReport", token });
  });

  it("leaves a project named 'reports' of an entity named 'public' to the workspace", () => {
    expect(router.parseRoute("/public/reports", new URLSearchParams())).toEqual({ page: "workspace", entity: "public", project: "reports" });
    expect(router.parseRoute("/public/reports/abc/runs", new URLSearchParams()).page).not.toBe("publicReport");
  });
});
