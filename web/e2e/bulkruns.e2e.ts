// The runs table's bulk actions over runs the real SDK logged (bulkruns_seed.py: r1..r5, named
// run-1..run-5): tick three runs and tag them, archive two (they leave the table), show archived
// runs (greyed, with a badge), unarchive one, move one to another project, select every run shown,
// the permanent delete's confirmation naming the count, and an archived run's page with its
// Unarchive button. Screenshots go to .test-artifacts/e2e/.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, openSeeded, shot } from "./browser";

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ browser, context, page } = await openSeeded("bulkruns", "bulkruns_seed.py"));
});
afterAll(async () => {
  await browser.close();
});

const rows = () => page.locator("[data-run]");
const shownIds = async () => (await rows().evaluateAll((els) => els.map((e) => e.getAttribute("data-run") ?? ""))).sort();
const tick = (name: string) => page.getByRole("checkbox", { name: `select ${name}` }).check();
const bar = () => page.getByTestId("bulk-bar");
const done = () => page.getByTestId("bulk-done").innerText();
const archivedBadges = () => page.locator("[data-run] [data-testid=archived-badge]").count();

describe("bulk actions on runs", () => {
  it("tags three runs, archives two, shows and unarchives one, and moves one to another project", async () => {
    await page.goto("/root/bulkruns");
    await expect.poll(() => rows().count()).toBe(5);

    await tick("run-1");
    await tick("run-2");
    await tick("run-3");
    await expect.poll(() => page.getByTestId("bulk-count").innerText()).toBe("3 runs selected");
    await bar().getByTestId("bulk-add-tag").click();
    await bar().getByTestId("bulk-input").fill("keep, best");
    await bar().getByTestId("bulk-apply").click();
    await expect.poll(done).toBe("3 runs tagged");
    await expect.poll(() => page.locator('[data-run="r2"] [data-col=tags] .tag').allInnerTexts()).toEqual(["keep", "best"]);
    await shot(page, "bulkruns-tagged");

    // Archive two of them: they leave the table (and the charts); the third stays ticked.
    await page.getByRole("checkbox", { name: "select run-3" }).uncheck();
    await bar().getByTestId("bulk-archive").click();
    await expect.poll(shownIds).toEqual(["r3", "r4", "r5"]);
    await expect.poll(done).toBe("2 runs archived");
    await expect.poll(() => page.getByTestId("run-count").innerText()).toBe("3 of 3 runs");

    // Show archived: all five, the archived two greyed with a badge.
    await page.getByTestId("show-archived").check();
    await expect.poll(() => rows().count()).toBe(5);
    await expect.poll(archivedBadges).toBe(2);
    expect(await page.locator('[data-run="r1"]').getAttribute("class")).toContain("is-archived");
    await shot(page, "bulkruns-show-archived");

    // Unarchive one of them.
    await tick("run-1");
    await bar().getByTestId("bulk-unarchive").click();
    await expect.poll(done).toBe("1 run restored");
    await expect.poll(archivedBadges).toBe(1);

    // Move one run to another project of the entity: it leaves this table; there, it has its history.
    await page.getByTestId("bulk-clear").click();
    await tick("run-4");
    await bar().getByTestId("bulk-move").click();
    await bar().getByTestId("bulk-input").fill("bulkruns-moved");
    await bar().getByTestId("bulk-apply").click();
    await expect.poll(done).toBe("1 run moved");
    await expect.poll(shownIds).toEqual(["r1", "r2", "r3", "r5"]);
    const moved = await getJson<{ runs: { id: string; history_count: number }[] }>(context, "/api/v1/runs/root/bulkruns-moved");
    expect(moved.runs.map((r) => [r.id, r.history_count])).toEqual([["r4", 20]]);

    // Select all (the rows shown), and the permanent delete asks first, naming the count.
    await page.getByTestId("select-all-runs").check();
    await expect.poll(() => page.getByTestId("bulk-count").innerText()).toBe("4 runs selected");
    await bar().getByTestId("bulk-delete").click();
    const confirm = page.getByTestId("bulk-confirm");
    await expect.poll(() => confirm.getByRole("heading").innerText()).toBe("Delete 4 runs permanently?");
    await shot(page, "bulkruns-confirm-delete");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => confirm.count()).toBe(0);
    await expect.poll(() => rows().count()).toBe(4); // nothing deleted
  });

  it("shows an archived run's page greyed with a badge and restores it with Unarchive", async () => {
    await page.goto("/root/bulkruns/runs/r2");
    await expect.poll(() => page.getByTestId("run-archived-badge").count()).toBe(1);
    await shot(page, "bulkruns-archived-run-page");
    await page.getByTestId("run-unarchive").click();
    await expect.poll(() => page.getByTestId("run-archived").count()).toBe(0);
    const runs = await getJson<{ runs: { id: string }[] }>(context, "/api/v1/runs/root/bulkruns");
    expect(runs.runs.map((r) => r.id).sort()).toEqual(["r1", "r2", "r3", "r5"]);
  });
});
