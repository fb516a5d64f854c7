// Empty states and errors over runs the real SDK logged (emptystates_seed.py: 12 runs, 30 metrics,
// images from 3 runs): the short filter form's mistakes shown in place, `or` and parentheses, an
// empty result that says so, charts below the fold loading (never "no data"), every drawn run's
// media, folder icons in the Files tab, Esc closing popovers. Screenshots go to .test-artifacts/e2e/.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSeeded, shot } from "./browser";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openSeeded("emptystates", "emptystates_seed.py"));
});
afterAll(async () => {
  await browser.close();
});

const panel = (metric: string) => page.locator(`[data-testid=panel][data-metric="${metric}"]`);
const runCount = () => page.getByTestId("run-count").innerText();
const names = async () => (await page.locator("[data-run] .run-link").allInnerTexts()).sort();

describe("empty states and errors", () => {
  it("shows a chart below the fold as loading until it is scrolled to, never as 'no data'", async () => {
    await page.goto("/root/emptystates");
    await panel("m/00").locator("canvas").waitFor();
    // The last chart is far below the screen: it has not asked for its data, and says it is loading.
    const last = panel("m/29");
    await expect.poll(() => last.getByTestId("panel-loading").isVisible()).toBe(true);
    expect(await last.getByTestId("panel-no-data").count()).toBe(0);
    await last.scrollIntoViewIfNeeded();
    await last.locator("canvas").waitFor();
    expect(await last.getByTestId("panel-loading").count()).toBe(0);
  });

  it("points out a mistake in the short filter form where it is, and keeps the runs", async () => {
    const filter = page.getByTestId("filter");
    await page.evaluate(() => window.scrollTo(0, 0));
    await filter.fill("lr>>0.01");
    await expect.poll(() => page.getByTestId("filter-error").innerText()).toBe("unexpected '>' at 4; write lr>0.01");
    expect(await filter.getAttribute("aria-invalid")).toBe("true");
    expect(await runCount()).toBe("12 of 12 runs");
    await shot(page, "emptystates-filter-error");
    await filter.fill("(lr>0.05 or lr<0.005");
    await expect.poll(() => page.getByTestId("filter-error").innerText()).toBe("the '(' at 1 is not closed: expected ')' at 21");
  });

  it("reads or, and and parentheses, and binds and tighter than or", async () => {
    const filter = page.getByTestId("filter");
    await filter.fill("lr>0.05 or lr<0.005");
    await expect.poll(runCount).toBe("8 of 12 runs");
    expect(await page.getByTestId("filter-error").count()).toBe(0);
    // es-0x with lr 0.1 or 0.001 (i % 3 of 0 or 2, i < 10).
    await filter.fill("(lr>0.05 or lr<0.005) and name~^es-0");
    await expect.poll(runCount).toBe("7 of 12 runs");
    expect(await names()).toEqual(["es-00", "es-02", "es-03", "es-05", "es-06", "es-08", "es-09"]);
    // `and` binds tighter: es-1x, or (lr>0.05 and lr<0.005, no run). Read left to right it would be
    // es-11 alone; as the old all-AND form, no run.
    await filter.fill("name~^es-1 or lr>0.05 lr<0.005");
    await expect.poll(runCount).toBe("2 of 12 runs");
    expect(await names()).toEqual(["es-10", "es-11"]);
  });

  it("says when no run matches, and clears the filter on request", async () => {
    const filter = page.getByTestId("filter");
    await filter.fill("lr>1");
    await expect.poll(() => page.getByTestId("filter-empty").innerText()).toContain("No runs match lr>1");
    expect(await runCount()).toBe("0 of 12 runs");
    // The charts follow the table a moment later: they have no run to draw, and say so.
    await expect.poll(() => panel("m/29").getByTestId("panel-no-data").innerText()).toContain("No runs to draw");
    await shot(page, "emptystates-no-match");
    await page.getByTestId("filter-clear").click();
    await expect.poll(runCount).toBe("12 of 12 runs");
    expect(await filter.inputValue()).toBe("");
    expect(await page.getByTestId("filter-empty").count()).toBe(0);
  });

  it("shows every drawn run that logged media, not only the first ones", async () => {
    const media = page.locator('[data-testid=media-panel][data-key="samples"]');
    await media.scrollIntoViewIfNeeded();
    await expect.poll(() => media.getByTestId("media-panel-run").evaluateAll((els) => els.map((e) => e.getAttribute("data-run")).sort())).toEqual(["es-00", "es-06", "es-11"]);
    await expect.poll(() => media.locator("img").count()).toBe(3);
    await shot(page, "emptystates-media");
  });

  it("closes the column picker and the shortcuts help with Esc", async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByTestId("columns-button").click();
    await page.getByTestId("column-picker").waitFor();
    await page.keyboard.press("Escape");
    await page.getByTestId("column-picker").waitFor({ state: "detached" });
    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("?");
    await page.locator(".help").waitFor();
    await page.keyboard.press("Escape");
    await page.locator(".help").waitFor({ state: "detached" });
  });

  it("shows folders with a folder icon in the Files tab", async () => {
    await page.goto("/root/emptystates/runs/es00?tab=files");
    const media = page.getByTestId("folder-row").filter({ hasText: "media/" });
    await media.waitFor();
    const icon = media.getByTestId("folder-icon");
    expect(await icon.isVisible()).toBe(true);
    const box = await icon.boundingBox();
    expect(box && box.width > 8 && box.height > 8).toBe(true);
    await shot(page, "emptystates-files");
  });
});
