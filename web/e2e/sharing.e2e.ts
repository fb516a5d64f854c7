// Sharing a report (issue 16): a signed-in writer makes a public link in the share dialog; a fresh
// browser context with no cookies opens it and reads the report and its live panels, with no sign-in
// and no edit or share controls; after the writer revokes the link, the same address shows a
// not-found page. Runs from sharing_seed.py.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSeeded, shot, type Session } from "./browser";

const P = "sharing-e2e";
let s: Session;
let page: Page;
let reportId = "";

const REPORT = {
  title: "Learning-rate study",
  blocks: [
    { type: "heading", level: 1, text: [{ text: "Findings" }] },
    { type: "paragraph", text: [{ text: "The smallest learning rate ends lowest." }] },
    { type: "image", run_file: { entity: "root", project: P, run_id: "sh0", path: "diagram.png" }, caption: "The setup" },
    {
      type: "panel_grid",
      runsets: [{ name: "All runs", entity: "root", project: P }],
      panels: [{ id: "loss", type: "line", section: "Charts", metrics: ["loss"] }],
    },
  ],
};

// A 1x1 PNG: an image block's <img> cannot send the link's header (it rides in the URL's query).
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

beforeAll(async () => {
  s = await openSeeded(P, "sharing_seed.py");
  page = s.page;
  const auth = { Authorization: `Bearer ${inject("apiKey")}` };
  const saved = await s.context.request.put(`/api/v1/runs/root/${P}/sh0/files/diagram.png`, { data: PNG, headers: auth });
  if (!saved.ok()) throw new Error(`saving the image: HTTP ${saved.status()} ${await saved.text()}`);
  const made = await s.context.request.post(`/api/v1/reports/root/${P}`, {
    data: REPORT,
    headers: auth,
  });
  if (made.status() !== 201) throw new Error(`creating the report: HTTP ${made.status()} ${await made.text()}`);
  reportId = ((await made.json()) as { id: string }).id;
});
afterAll(() => s?.browser.close());

/** A context like a stranger's browser: no cookies, no key. */
async function anonymous(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await s.browser.newContext({ baseURL: inject("serverUrl"), viewport: { width: 1400, height: 1000 } });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  const stranger = await context.newPage();
  stranger.on("pageerror", (e) => {
    throw e;
  });
  return { context, page: stranger };
}

describe("sharing a report", () => {
  let address = "";

  it("makes a public link that a browser with no session opens read-only", async () => {
    await page.goto(`/root/${P}/reports/${reportId}`);
    await page.getByTestId("share-report").click();
    const dialog = page.getByTestId("share-dialog");
    await expect.poll(() => dialog.getByTestId("member-link").inputValue()).toBe(`${inject("serverUrl")}/root/${P}/reports/${reportId}`);
    await expect.poll(() => dialog.getByTestId("no-public-links").count()).toBe(1);
    await dialog.getByTestId("create-public-link").click();
    address = await dialog.getByTestId("secret").innerText();
    expect(address).toMatch(new RegExp(`^${inject("serverUrl")}/public/reports/[A-Za-z0-9_-]{43}$`));
    await expect.poll(() => dialog.getByTestId("public-link").count()).toBe(1);
    await shot(page, "sharing-dialog");
    const token = address.split("/").pop() ?? "";
    expect(await dialog.getByTestId("public-links").innerText()).not.toContain(token);

    const stranger = await anonymous();
    expect(await stranger.context.cookies()).toEqual([]);
    await stranger.page.goto(address);
    await expect.poll(() => stranger.page.getByTestId("report-title").innerText()).toBe("Learning-rate study");
    await expect.poll(() => stranger.page.getByTestId("public-banner").innerText()).toBe("Shared read-only by root");
    const grid = stranger.page.getByTestId("report-panel-grid");
    await expect.poll(() => grid.getAttribute("data-runs")).toBe("3");
    await expect.poll(() => grid.locator(".u-over").count()).toBe(1); // the loss chart, drawn
    await expect.poll(() => grid.innerText()).toMatch(/sh-0[\s\S]*sh-1[\s\S]*sh-2/);
    const image = stranger.page.locator(".report-image img");
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    for (const control of ["edit-report", "share-report", "report-add-panel", "sign-out", "admin-link"])
      expect(await stranger.page.getByTestId(control).count(), control).toBe(0);
    expect(stranger.page.url()).toBe(address); // no sign-in redirect
    await shot(stranger.page, "sharing-public-report");
    await stranger.context.close();
  });

  it("shows a not-found page at the same address once the link is revoked", async () => {
    const dialog = page.getByTestId("share-dialog");
    await dialog.getByTestId("shown-once-done").click();
    await dialog.getByTestId("revoke-link").click();
    await expect.poll(() => dialog.getByTestId("no-public-links").count()).toBe(1);

    const stranger = await anonymous();
    await stranger.page.goto(address);
    await expect.poll(() => stranger.page.getByTestId("public-not-found").innerText()).toContain("does not exist or was revoked");
    expect(await stranger.page.getByTestId("report-view").count()).toBe(0);
    await shot(stranger.page, "sharing-revoked");
    await stranger.context.close();
  });
});
