// A chart of many runs (issue 13, every run drawn): 250 runs in one chart (manylines_seed.py: ml-000
// .. ml-249, `loss` on its own level per run). The legend makes its entries a page at a time, more
// as it is scrolled; an entry of a later page still lights its run's row and line.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSeeded, shot } from "./browser";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openSeeded("manylines", "manylines_seed.py"));
});
afterAll(async () => {
  await browser.close();
});

const chart = (): Locator => page.locator('[data-testid=panel][data-metric="loss"]');
const legend = (): Locator => chart().getByTestId("legend");

describe("a chart of 250 runs", () => {
  it("draws every run, makes legend entries a page at a time, and a late entry still lights its row", async () => {
    await page.goto("/root/manylines?max=1000");
    await expect.poll(() => chart().getAttribute("data-lines")).toBe("250");
    await expect.poll(() => legend().locator(".legend-toggle").innerText()).toContain("250 lines");
    // The first page only: 100 entries and a marker saying how many more there are.
    await expect.poll(() => legend().locator(".legend-item").count()).toBe(100);
    expect(await legend().getByTestId("legend-more").innerText()).toBe("+150 more");
    await shot(page, "manylines-legend-first-page");
    // Scrolled to its end, the legend makes the next pages, until every run has its entry.
    await expect
      .poll(async () => {
        await legend().evaluate((el) => (el.scrollTop = el.scrollHeight));
        return legend().locator(".legend-item").count();
      })
      .toBe(250);
    expect(await legend().getByTestId("legend-more").count()).toBe(0);
    // The last entry (natural order: ml-249) lights its row, the first of the table (newest first).
    await legend().locator(".legend-item", { hasText: "ml-249" }).hover();
    await expect.poll(() => page.locator("[data-run]", { hasText: "ml-249" }).evaluate((el) => el.classList.contains("is-lit"))).toBe(true);
    await expect.poll(() => chart().locator(".uplot-box").getAttribute("data-highlight")).toBe("ml-249");
    await shot(page, "manylines-legend-last-page-hover");
  });
});
