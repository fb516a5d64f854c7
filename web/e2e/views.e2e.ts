// Saved views over runs the real SDK logged (views_seed.py: 6 runs, adam and sgd): save the
// workspace (a filter, a grouping and a removed panel) as a view, reload it, open it from the menu
// and from a link as a second user, update, rename and delete it; a view keeps the runs table as the
// browser keeps it (hidden runs, pinned columns, widths, the split). Screenshots go to
// .test-artifacts/e2e/.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getJson, layoutSaved, openSeeded, resetLayout, shot, signedIn } from "./browser";

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

/** Opens the Views menu. Every action that closes it is followed by `menuClosed`, so the button is
 * never clicked while a closing menu is still on screen (the click would toggle it shut). */
async function openMenu(p: Page): Promise<void> {
  await expect.poll(() => p.getByTestId("views-button").getAttribute("aria-expanded")).toBe("false");
  await p.getByTestId("views-button").click();
  await p.getByTestId("views-menu").waitFor();
}

/** The menu closed itself once its action (save, open, update, ...) had its answer. */
async function menuClosed(p: Page): Promise<void> {
  await expect.poll(() => p.getByTestId("views-menu").count()).toBe(0);
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
    // The user's own layout is saved a moment after a change: it must be on the server before the
    // reload below, or the next test finds no change of theirs to reset.
    await layoutSaved(page);
    await openMenu(page);
    await expect.poll(() => page.getByTestId("views-menu").innerText()).toContain("No saved views in this project yet.");
    await page.getByTestId("views-save-new").click();
    await page.getByTestId("view-name").fill("adam runs");
    await page.getByTestId("view-description").fill("only the adam runs, grouped");
    await shot(page, "views-save-form");
    await page.getByTestId("views-submit").click();
    await menuClosed(page);
    await expect.poll(() => page.getByTestId("views-button").innerText()).toContain("View: adam runs");
    viewId = param(page, "view") ?? "";
    expect(viewId).toMatch(/^[a-z0-9]{10}$/);
    await expect.poll(() => page.getByTestId("views-modified").count()).toBe(0);

    await page.reload();
    await expect.poll(() => page.getByTestId("views-button").innerText()).toContain("adam runs");
    await expect.poll(() => runCount(page)).toBe("3 of 6 runs");
    await panel(page, "train/loss").waitFor();
    await expect.poll(() => panel(page, "val/acc").count()).toBe(0);
    await expect.poll(() => page.getByTestId("group-by").inputValue()).toBe("c:optimizer");
  });

  it("leaves the view for the user's own workspace and opens it again from the menu", async () => {
    await openMenu(page);
    await page.getByTestId("views-leave").click();
    await menuClosed(page);
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
    await menuClosed(page); // opening closes the menu
    await expect.poll(() => param(page, "view")).toBe(viewId);
    await expect.poll(() => runCount(page)).toBe("3 of 6 runs");
    expect(param(page, "q")).toBe("optimizer=adam");
    expect(param(page, "group")).toBe("c:optimizer");
    await panel(page, "train/loss").waitFor();
    await expect.poll(() => panel(page, "val/acc").count()).toBe(0);
  });

  it("marks changes, updates the view with them, and Esc closes the menu", async () => {
    await page.getByTestId("x-axis").selectOption("wall");
    await page.getByTestId("views-modified").waitFor();
    await openMenu(page);
    await expect.poll(() => page.getByTestId("views-current").innerText()).toContain("unsaved changes");
    await shot(page, "views-owner-modified");
    await page.getByTestId("views-update").click();
    await menuClosed(page);
    await expect.poll(() => page.getByTestId("views-modified").count()).toBe(0);
    await openMenu(page);
    await page.keyboard.press("Escape");
    await menuClosed(page);
    // A bare link now brings the updated settings.
    await page.goto(`/root/views?view=${viewId}`);
    await expect.poll(() => param(page, "x")).toBe("wall");
    await expect.poll(() => page.getByTestId("x-axis").inputValue()).toBe("wall");
  });

  it("opens from a link for another user of the project, who may not change it", async () => {
    const other = await alice.newPage();
    await other.goto(`/root/views?view=${viewId}`);
    await expect.poll(() => other.getByTestId("views-button").innerText()).toContain("adam runs");
    // The link named only the view: its settings were put into the URL.
    await expect.poll(() => param(other, "q")).toBe("optimizer=adam");
    await expect.poll(() => runCount(other)).toBe("3 of 6 runs");
    await panel(other, "train/loss").waitFor();
    await expect.poll(() => panel(other, "val/acc").count()).toBe(0);
    await openMenu(other);
    const current = other.getByTestId("views-current");
    await expect.poll(() => current.innerText()).toContain("by root");
    await expect.poll(() => current.innerText()).toContain("Only root or an admin can change this view");
    expect(await other.getByTestId("views-update").count()).toBe(0);
    await shot(other, "views-second-user");
    await other.close();
  });

  it("renames and deletes the view", async () => {
    await openMenu(page);
    await page.getByTestId("views-rename").click();
    await page.getByTestId("view-name").fill("adam, grouped");
    await page.getByTestId("views-submit").click();
    await menuClosed(page);
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
    await menuClosed(page);
    await expect.poll(() => param(page, "view")).toBe(null);
    expect(param(page, "q")).toBe("optimizer=adam"); // the settings stay in the URL
    await openMenu(page);
    await expect.poll(() => page.getByTestId("views-menu").innerText()).toContain("No saved views in this project yet.");
    const stale = await page.context().request.get(`/api/v1/views/root/views/${viewId}`);
    expect(stale.status()).toBe(404);
  });
});

/** The eye of a run's row: pressed while the run is drawn in the charts. */
const eye = (p: Page, runId: string) => p.locator(`.rt-row[data-run="${runId}"] .eye`);
const shownInCharts = (p: Page, runId: string) => eye(p, runId).getAttribute("aria-pressed");
const pinned = (p: Page, col: string) => p.locator(`.rt-th:has(.th-sort[data-col="${col}"]) .th-pin`);
const tableWidth = (p: Page) => p.getByTestId("split-divider").getAttribute("aria-valuenow");

/** The table's state in one value: which runs are hidden, whether the State column is shown
 * (hidden by the column picker), whether c:lr is pinned, the name column's width. Read without
 * waiting for any one element (a column not shown has no header), so it can be polled. */
async function tableState(p: Page, ids: Record<string, string>): Promise<string> {
  const hidden = [];
  for (const [name, id] of Object.entries(ids)) if ((await eye(p, id).count()) && (await shownInCharts(p, id)) === "false") hidden.push(name);
  const lrPinned = (await pinned(p, "c:lr").count()) > 0 && ((await pinned(p, "c:lr").getAttribute("class")) ?? "").includes("on");
  const stateShown = (await p.locator('.th-sort[data-col="state"]').count()) > 0;
  const name = p.locator('.th-resize[data-col="name"]');
  return JSON.stringify({ hidden: hidden.sort(), stateShown, lrPinned, nameWidth: (await name.count()) ? await name.getAttribute("aria-valuenow") : null });
}

describe("a saved view's runs table", () => {
  it("keeps hidden runs, pinned columns, widths and the split, for everyone who opens it", async () => {
    const runs = await getJson<{ runs: { id: string; display_name: string }[] }>(page.context(), "/api/v1/runs/root/views?metadata=false");
    const ids = Object.fromEntries(runs.runs.map((r) => [r.display_name, r.id]));
    // The user's own workspace from scratch: the automatic panels and nothing kept in the browser.
    await resetLayout(page.context(), "views");
    await page.goto("/root/views");
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await panel(page, "val/acc").waitFor();
    const fresh = JSON.stringify({ hidden: [], stateShown: true, lrPinned: false, nameWidth: "220" });
    await expect.poll(() => tableState(page, ids)).toBe(fresh);

    await eye(page, ids["adam-0"] ?? "").click();
    await eye(page, ids["sgd-3"] ?? "").click();
    // The column picker hides the built-in columns but the name, which brings c:lr into view to pin.
    await page.getByTestId("columns-button").click();
    await page.getByTestId("column-search").fill("^(state|created|runtime|group|job type|tags|notes)$");
    await page.getByTestId("columns-hide-matching").click();
    await expect.poll(() => page.getByTestId("columns-count").innerText()).toBe("5 of 12 columns shown");
    await page.getByTestId("columns-button").click();
    await pinned(page, "c:lr").click();
    await page.locator('.th-resize[data-col="name"]').press("Shift+ArrowRight");
    await page.locator('.th-resize[data-col="name"]').press("Shift+ArrowRight");
    const arranged = JSON.stringify({ hidden: ["adam-0", "sgd-3"], stateShown: false, lrPinned: true, nameWidth: "320" });
    await expect.poll(() => tableState(page, ids)).toBe(arranged);
    const before = Number(await tableWidth(page));
    await page.getByTestId("split-divider").press("ArrowLeft");
    await expect.poll(async () => Number(await tableWidth(page))).toBe(before - 24);
    const width = await tableWidth(page);

    await openMenu(page);
    await page.getByTestId("views-save-new").click();
    await page.getByTestId("view-name").fill("Tabelle · Größe runs");
    await page.getByTestId("views-submit").click();
    await menuClosed(page);
    await expect.poll(() => page.getByTestId("views-button").innerText()).toContain("View: Tabelle · Größe runs");
    const id = param(page, "view") ?? "";
    await expect.poll(() => page.getByTestId("views-modified").count()).toBe(0);
    await shot(page, "views-table-saved");
    const saved = await getJson<{ state: { table: Record<string, unknown> } }>(page.context(), `/api/v1/views/root/views/${id}`);
    expect(saved.state.table).toMatchObject({ hidden_runs: [ids["adam-0"], ids["sgd-3"]], pinned_columns: ["name", "c:lr"], column_widths: { name: 320 }, split: { mode: "split", width: Number(width) } });
    expect(saved.state.table.hidden_columns).toHaveLength(7);

    // Reset: back to the user's own workspace, with nothing kept in the browser.
    await openMenu(page);
    await page.getByTestId("views-leave").click();
    await menuClosed(page);
    await expect.poll(() => param(page, "view")).toBe(null);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await panel(page, "val/acc").waitFor();
    await expect.poll(() => tableState(page, ids)).toBe(fresh);
    await expect.poll(async () => Number(await tableWidth(page))).toBe(before);
    await shot(page, "views-table-reset");

    // Loading the view brings its table back.
    await openMenu(page);
    await page.getByTestId("view-item").filter({ hasText: "Tabelle · Größe runs" }).click();
    await menuClosed(page);
    await expect.poll(() => param(page, "view")).toBe(id);
    await expect.poll(() => tableState(page, ids)).toBe(arranged);
    await expect.poll(() => tableWidth(page)).toBe(width);
    await expect.poll(() => page.getByTestId("views-modified").count()).toBe(0);
    await shot(page, "views-table-restored");

    // The view is shared: another user's link shows the same table.
    const other = await alice.newPage();
    await other.goto(`/root/views?view=${id}`);
    await panel(other, "train/loss").waitFor();
    await expect.poll(() => tableState(other, ids)).toBe(arranged);
    await expect.poll(() => tableWidth(other)).toBe(width);
    await shot(other, "views-table-second-user");
    await other.close();

    // A change while the view is open is an unsaved change of the view, not of the user's own table.
    await eye(page, ids["adam-0"] ?? "").click();
    await page.getByTestId("views-modified").waitFor();
    await openMenu(page);
    await page.getByTestId("views-leave").click();
    await menuClosed(page);
    await expect.poll(() => tableState(page, ids)).toBe(fresh);
  });
});
