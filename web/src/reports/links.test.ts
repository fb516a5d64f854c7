import { beforeAll, describe, expect, it, vi } from "vitest";

let parseRoute: typeof import("../router").parseRoute;
let reportLink: typeof import("./links").reportLink;

beforeAll(async () => {
  // router.tsx listens to the window's history at import; node has no window.
  vi.stubGlobal("window", { addEventListener: () => undefined, location: { pathname: "/", search: "" } });
  ({ parseRoute } = await import("../router"));
  ({ reportLink } = await import("./links"));
});

const route = (href: string): ReturnType<typeof parseRoute> => {
  const url = new URL(href, "http://x");
  return parseRoute(url.pathname, url.searchParams);
};

describe("report addresses", () => {
  it("parses the list, a report and a version, as Report.url names them", () => {
    expect(route("/team/my%20proj/reports")).toEqual({ page: "reports", entity: "team", project: "my proj" });
    expect(route("/team/p/reports/k3j9x2ab0q")).toEqual({ page: "report", entity: "team", project: "p", id: "k3j9x2ab0q", version: null });
    expect(route("/team/p/reports/k3j9x2ab0q?v=3&edit=1")).toMatchObject({ page: "report", version: 3 });
    expect(route("/team/p/reports/k3j9x2ab0q?v=nope")).toMatchObject({ version: null });
    expect(route("/team/p/reports/a/b")).toEqual({ page: "notfound" });
  });
  it("builds links that parse back to the same report", () => {
    const link = reportLink("team", "my proj", "abc", { version: 2, history: true });
    expect(link).toBe("/team/my%20proj/reports/abc?v=2&history=1");
    expect(route(link)).toEqual({ page: "report", entity: "team", project: "my proj", id: "abc", version: 2 });
    expect(reportLink("t", "p", "abc", { edit: true })).toBe("/t/p/reports/abc?edit=1");
  });
});

describe("export addresses", () => {
  it("export the version on screen: an old one by its number, the newest without", async () => {
    const { exportUrl } = await import("./api");
    expect(exportUrl("team", "my proj", "abc", "pdf")).toBe("/api/v1/reports/team/my%20proj/abc/export.pdf");
    expect(exportUrl("team", "p", "abc", "html", 2)).toBe("/api/v1/reports/team/p/abc/export.html?version=2");
  });
});
