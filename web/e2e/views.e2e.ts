// Saved views over runs the real SDK logged (views_seed.py: 6 runs, adam and sgd): save the
// workspace (a filter, a grouping and a removed panel) as a view, reload it, open it from the menu
// and from a link as a second user, update, rename and delete it. Screenshots go to
// .test-artifacts/e2e/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSeeded, shot, signedIn } from "./browser";

let browser: Browser;
let page: Page;
let alice: BrowserContext;

beforeAll(async () => {
  ({ browser, page } = await openSeeded("views", "views_seed.py"));
  alice = await signedIn(browser, inject("serverUrl"), readFileSync(join(inject("dataDir"), "views-alice-key"), "utf8").trim());
  // A reused server (E2E_SERVER_DIR) may hold views of an earlier, interrupted run: start with none.
  const request = page.context().request;
  const { views } = (await (await request.get("/api/v1/views/root/views")).json()) as { views: { id: string }[] };
  const session = (await (await request.get("/api/v1/session")).json()) as { csrf_token: string };
  for (const v of views) await request.delete(`/api/v1/views/root/views/${v.id}`, { headers: { "X-CSRF-Token": session.csrf_token } });
});
afterAll(async () => {
  await browser.close();
});

const panel = (p: Page, metric: string) => p.locator(`[data-testid=panel][data-metric="${metric}"]`);
const param = (p: Page, name: string): string | null => new URL(p.url()).searchParams.get(name);
const runCount = (p: Page) => p.getByTestId("run-count").innerText();

async function openMenu(p: Page): Promise<void> {
  if (!(await p.getByTestId("views-menu").isVisible())) await p.getByTestId("views-button").click();
  await p.getByTestId("views-menu").waitFor();
}

/** Removes a chart through its panel menu (the change a view must remember). */
async function removePanel(p: Page, metric: string): Promise<void> {
  await panel(p, metric).getByTestId("panel-menu").click();
  await p.getByRole("menuitem", { name: "Remove panel" }).click();
  await expect.poll(() => panel(p, metric).count()).toBe(0);
}

let viewId = "";

describe("saved views", () => {
  it("saves the workspace's filter, grouping and panels as a view that a reload keeps", async () => {
    await page.goto("/root/views");
    await panel(page, "val/acc").waitFor();
    await page.getByTestId("filter").fill("optimizer=adam");
    await page.getByTestId("group-by").selectOption("c:optimizer");
    await expect.poll(() => runCount(page)).toBe("3 of 6 runs");
    await removePanel(page, "val/acc");
    await openMenu(page);
    await expect.poll(() => page.getByTestId("views-menu").innerText()).toContain("No saved views in this project yet.");
    await page.getByTestId("views-save-new").click();
    await page.getByTestId("view-name").fill("adam runs");
    await page.getByTestId("view-description").fill("only the adam runs, grouped");
    await shot(page, "views-save-form");
    await page.getByTestId("views-submit").click();
    await expect.poll(() => page.getByTestId("views-button").innerText()).toContain("View: adam runs");
    viewId = param(page, "view") ?? "";
    expect(viewId).toMatch(/^[a-z0-9]{10}$/);
    expect(await page.getByTestId("views-modified").count()).toBe(0);

    await page.reload();
    await expect.poll(() => page.getByTestId("views-button").innerText()).toContain("adam runs");
    await expect.poll(() => runCount(page)).toBe("3 of 6 runs");
    await panel(page, "train/loss").waitFor();
    expect(await panel(page, "val/acc").count()).toBe(0);
    expect(await page.getByTestId("group-by").inputValue()).toBe("c:optimizer");
  });

  it("leaves the view for the user's own workspace and opens it again from the menu", async () => {
    await openMenu(page);
    await page.getByTestId("views-leave").click();
    await expect.poll(() => param(page, "view")).toBe(null);
    // The user's own layout: reset brings the automatic panels back; the view keeps its own.
    await page.getByTestId("reset-layout").click();
    await page.getByTestId("filter").fill("");
    await page.getByTestId("group-by").selectOption("");
    await panel(page, "val/acc").waitFor();
    await expect.poll(() => runCount(page)).toBe("6 of 6 runs");

    await openMenu(page);
    const item = page.getByTestId("view-item").filter({ hasText: "adam runs" });
    await expect.poll(() => item.innerText()).toMatch(/root · (just now|\d+ min ago)/);
    await shot(page, "views-menu-list");
    await item.click();
    await expect.poll(() => param(page, "view")).toBe(viewId);
    await expect.poll(() => runCount(page)).toBe("3 of 6 runs");
    expect(param(page, "q")).toBe("optimizer=adam");
    expect(param(page, "group")).toBe("c:optimizer");
    await panel(page, "train/loss").waitFor();
    await expect.poll(() => panel(page, "val/acc").count()).toBe(0);
    expect(await page.getByTestId("views-menu").count()).toBe(0); // opening closes the menu
  });

  it("marks changes, updates the view with them, and Esc closes the menu", async () => {
    await page.getByTestId("x-axis").selectOption("wall");
    await page.getByTestId("views-modified").waitFor();
    await openMenu(page);
    await expect.poll(() => page.getByTestId("views-current").innerText()).toContain("unsaved changes");
    await shot(page, "views-owner-modified");
    await page.getByTestId("views-update").click();
    await expect.poll(() => page.getByTestId("views-modified").count()).toBe(0);
    await openMenu(page);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByTestId("views-menu").count()).toBe(0);
    // A bare link now brings the updated settings.
    await page.goto(`/root/views?view=${viewId}`);
    await expect.poll(() => param(page, "x")).toBe("wall");
    expect(await page.getByTestId("x-axis").inputValue()).toBe("wall");
  });

  it("opens from a link for another user of the project, who may not change it", async () => {
    const other = await alice.newPage();
    await other.goto(`/root/views?view=${viewId}`);
    await expect.poll(() => other.getByTestId("views-button").innerText()).toContain("adam runs");
    // The link named only the view: its settings were put into the URL.
    await expect.poll(() => param(other, "q")).toBe("optimizer=adam");
    await expect.poll(() => runCount(other)).toBe("3 of 6 runs");
    await panel(other, "train/loss").waitFor();
    expect(await panel(other, "val/acc").count()).toBe(0);
    await openMenu(other);
    const current = other.getByTestId("views-current");
    await expect.poll(() => current.innerText()).toContain("by root");
    expect(await current.innerText()).toContain("Only root or an admin can change this view");
    expect(await other.getByTestId("views-update").count()).toBe(0);
    await shot(other, "views-second-user");
    await other.close();
  });

  it("renames and deletes the view", async () => {
    await openMenu(page);
    await page.getByTestId("views-rename").click();
    await page.getByTestId("view-name").fill("adam, grouped");
    await page.getByTestId("views-submit").click();
    await expect.poll(() => page.getByTestId("views-button").innerText()).toContain("View: adam, grouped");
    await openMenu(page);
    await expect.poll(() => page.getByTestId("views-list").innerText()).toContain("adam, grouped");
    // A name the project has is refused in place, with the server's words.
    await page.getByTestId("views-save-new").click();
    await page.getByTestId("view-name").fill("adam, grouped");
    await page.getByTestId("views-submit").click();
    await expect.poll(() => page.getByTestId("views-error").innerText()).toContain("already has a view named 'adam, grouped'");
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByTestId("views-delete").click();
    await page.getByTestId("views-confirm-delete").click();
    await expect.poll(() => param(page, "view")).toBe(null);
    expect(param(page, "q")).toBe("optimizer=adam"); // the settings stay in the URL
    await openMenu(page);
    await expect.poll(() => page.getByTestId("views-menu").innerText()).toContain("No saved views in this project yet.");
    const stale = await page.context().request.get(`/api/v1/views/root/views/${viewId}`);
    expect(stale.status()).toBe(404);
  });
});
