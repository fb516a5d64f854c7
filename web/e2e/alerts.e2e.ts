// A run's alerts on its overview: what `run.alert()` raised in tests/e2e/ui_seed.py (run-c),
// newest first, the level coloured, the repeat the per-title rate limit held back counted.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, shot, signedIn } from "./browser";

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  context = await signedIn(browser, inject("serverUrl"), inject("apiKey"));
  page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
});
afterAll(async () => {
  await browser.close();
});

describe("run alerts", () => {
  it("lists a run's alerts with level, title, text and time; runs without alerts show none", async () => {
    await page.goto("/root/e2e");
    await page.locator("[data-run] .run-link", { hasText: "run-c" }).click();
    const alerts = page.getByTestId("alerts");
    await alerts.waitFor();
    const items = alerts.locator("li.alert");
    await expect.poll(() => items.count()).toBe(3);
    expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute("data-level")))).toEqual(["ERROR", "WARN", "INFO"]);
    expect(await items.nth(0).innerText()).toContain("Diverged");
    expect(await items.nth(0).innerText()).toContain("val/acc fell to 0.0 at step 199");
    expect(await items.nth(1).innerText()).toMatch(/Loss plateau[\s\S]*\+1 repeat held back[\s\S]*train\/loss stopped improving after step 150/);
    expect(await items.nth(1).innerText()).not.toContain("still flat");
    // the level is coloured: the ERROR badge's colour is the danger colour, unlike INFO's
    const colour = (i: number) => items.nth(i).locator(".badge").evaluate((el) => getComputedStyle(el).color);
    expect(await colour(0)).not.toBe(await colour(2));
    expect(await items.nth(0).locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    await alerts.scrollIntoViewIfNeeded();
    await shot(page, "run-alerts");

    await page.goto("/root/e2e");
    const answered = page.waitForResponse((r) => r.url().includes("/alerts"));
    await page.locator("[data-run] .run-link", { hasText: "run-a" }).click();
    expect(await (await answered).json()).toEqual({ alerts: [] });
    await page.getByTestId("overview").waitFor();
    expect(await page.getByTestId("alerts").count()).toBe(0);
  });
});
