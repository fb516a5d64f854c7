// The runs table and compare, over runs the real SDK logged (tablecompare_seed.py: four runs with
// capitals in their names and keys, define_metric("val/loss", summary="min")): the split between
// table and charts (drag, keys, run list, full-width table, kept after a reload), the column
// picker's search, resizable columns, the `val/loss (min)` column, and the compare page's
// differences and overlaid charts. Screenshots go to .test-artifacts/e2e/.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSeeded, shot } from "./browser";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openSeeded("tablecompare", "tablecompare_seed.py"));
});
afterAll(async () => {
  await browser.close();
});

const divider = () => page.getByTestId("split-divider");
const pane = () => page.getByTestId("table-pane");
const width = async (loc: Locator): Promise<number> => Math.round((await loc.boundingBox())?.width ?? -1);
const headers = () => page.locator(".rt-head .th-sort").evaluateAll((els) => els.map((e) => e.getAttribute("data-col") ?? ""));
const names = () => page.locator("[data-run] .run-link").allInnerTexts();
const pickerLabels = async () => (await page.getByTestId("column-picker").locator("label").allInnerTexts()).map((t) => t.trim());

async function open(): Promise<void> {
  await page.goto("/root/tablecompare");
  await expect.poll(() => page.locator("[data-run]").count()).toBe(4);
}

describe("runs table and compare", () => {
  it("resizes the table beside the charts, collapses it to a run list and expands it to the full width, kept after a reload", async () => {
    await open();
    await page.locator("[data-testid=panel] canvas").first().waitFor();
    // Drag the divider 150 px to the left: the table takes the new width on release.
    const before = await width(pane());
    const box = await divider().boundingBox();
    if (!box) throw new Error("no divider");
    await page.mouse.move(box.x + box.width / 2, box.y + 200);
    await page.mouse.down();
    await page.mouse.move(box.x - 150, box.y + 200, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => width(pane())).toBeLessThan(before - 140);
    const dragged = await width(pane());
    expect(dragged).toBeGreaterThan(before - 160);
    // The keyboard moves it too (a focusable separator).
    await divider().focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => width(pane())).toBe(dragged + 24);
    await expect.poll(() => divider().getAttribute("aria-valuenow")).toBe(String(dragged + 24));

    // Collapsed: a narrow run list of names, colours and eyes beside the charts.
    await page.getByTestId("split-collapse").click();
    await expect.poll(() => headers()).toEqual(["name"]);
    expect(await width(pane())).toBe(280);
    expect(await page.locator("[data-run] .run-swatch .swatch").count()).toBe(4);
    expect(await page.locator("[data-testid=panel]").count()).toBeGreaterThan(0);
    await shot(page, "tablecompare-run-list");
    // The eye still hides a run from the charts.
    const eye = page.locator("[data-run] .eye").first();
    await eye.click();
    await expect.poll(() => page.locator("[data-run] .swatch[data-drawn=false]").count()).toBe(1);
    await eye.click();
    await page.reload();
    await expect.poll(() => divider().getAttribute("data-mode")).toBe("list");
    await expect.poll(() => headers()).toEqual(["name"]);

    // Expanded twice: beside the charts again, then the full width with no charts.
    await page.getByTestId("split-expand").click();
    await expect.poll(() => width(pane())).toBe(dragged + 24);
    await page.getByTestId("split-expand").click();
    await expect.poll(() => page.locator("[data-testid=panel]").count()).toBe(0);
    expect(await width(pane())).toBeGreaterThan(1500);
    await shot(page, "tablecompare-full-table");
    await page.reload();
    await expect.poll(() => divider().getAttribute("data-mode")).toBe("table");
    expect(await page.locator("[data-testid=panel]").count()).toBe(0);
    // Enter on the divider puts the table back beside the charts, at the width it had.
    await divider().focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => width(pane())).toBe(dragged + 24);
    await page.locator("[data-testid=panel] canvas").first().waitFor();
  });

  it("finds columns by search (substring or regex), shows or hides all matching, and resizes them, kept after a reload", async () => {
    await open();
    await page.getByTestId("columns-button").click();
    const search = page.getByTestId("column-search");
    const count = page.getByTestId("columns-count");
    // Hide everything (the name stays), then show what matches "loss": its define_metric summary
    // is headed by its metric and op.
    await page.getByTestId("columns-hide-matching").click();
    await expect.poll(() => count.innerText()).toMatch(/^1 of \d+ columns shown$/);
    await search.fill("loss");
    await expect.poll(pickerLabels).toEqual(["summary.train/loss", "summary.val/loss (min)"]);
    await page.getByTestId("columns-show-matching").click();
    // A regular expression, case-insensitive: config.Optimizer and config.lr, not config.aug/Rotate.
    await search.fill("^config\\.(LR|optimizer)$");
    await expect.poll(pickerLabels).toEqual(["config.Optimizer", "config.lr"]);
    await page.getByTestId("columns-show-matching").click();
    await expect.poll(() => count.innerText()).toMatch(/^5 of \d+ columns shown$/);
    await shot(page, "tablecompare-column-search");
    await page.keyboard.press("Escape");
    await expect.poll(() => headers()).toEqual(["name", "c:Optimizer", "c:lr", "s:train/loss", "s:val/loss.min"]);

    // The define_metric summary column: the minimum (val/loss falls to its floor at step 30 and
    // rises again), headed "val/loss (min)", sortable.
    const minHeader = page.locator('.th-sort[data-col="s:val/loss.min"]');
    expect(await minHeader.innerText()).toBe("val/loss (min)");
    expect(await page.locator('.rt-th:has(.th-sort[data-col="s:val/loss.min"])').getAttribute("title")).toContain('the minimum of val/loss over the run (define_metric summary="min")');
    await minHeader.click();
    await expect.poll(names).toEqual(["delta-RUN", "Gamma-run", "beta-Run", "Alpha-Run"]);
    const cells = () => page.locator('[data-run] .rt-cell[data-col="s:val/loss.min"]').allInnerTexts();
    expect(await cells()).toEqual(["1", "0.75", "0.5", "0.25"]);

    // Drag the column's right edge 80 px wider; the keyboard adds 10 px.
    const th = page.locator('.rt-th:has(.th-sort[data-col="s:val/loss.min"])');
    const start = await width(th);
    const handle = page.locator('.th-resize[data-col="s:val/loss.min"]');
    const hb = await handle.boundingBox();
    if (!hb) throw new Error("no resize handle");
    await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
    await page.mouse.down();
    await page.mouse.move(hb.x + hb.width / 2 + 80, hb.y + hb.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => width(th)).toBe(start + 80);
    await handle.focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => width(th)).toBe(start + 90);
    // The cells follow their header.
    expect(await width(page.locator('[data-run] .rt-cell[data-col="s:val/loss.min"]').first())).toBe(start + 90);
    await page.getByTestId("runs-table").evaluate((el) => (el.scrollLeft = 0)); // the focused handle scrolled it
    await shot(page, "tablecompare-column-resized");
    await page.reload();
    await expect.poll(() => headers()).toEqual(["name", "c:Optimizer", "c:lr", "s:train/loss", "s:val/loss.min"]);
    await expect.poll(() => width(th)).toBe(start + 90);
    // Double-click gives the default width back.
    await handle.dblclick();
    await expect.poll(() => width(th)).toBe(start);
    // Every column again, for the next test.
    await page.getByTestId("columns-button").click();
    await page.getByTestId("columns-show-matching").click();
    await page.keyboard.press("Escape");
  });

  it("compares the chosen runs: config and summary differences in their case, and their common metrics overlaid", async () => {
    await open();
    for (const name of ["Alpha-Run", "beta-Run", "Gamma-run"]) await page.getByRole("checkbox", { name: `select ${name}`, exact: true }).check();
    await page.getByRole("button", { name: "Compare 3" }).click();
    await expect.poll(() => page.locator(".page-head h1").innerText()).toContain("compare 3 runs");
    const table = page.getByTestId("compare");
    // Names as logged (innerText is what the page shows, text-transform included).
    await expect.poll(() => table.locator("thead a").allInnerTexts()).toEqual(["Alpha-Run", "beta-Run", "Gamma-run"]);
    const rows = (section: string) => table.locator(`[data-testid=compare-row][data-section=${section}]`);
    const keys = (section: string) => rows(section).locator("th").allInnerTexts();
    // Only the differences: seed, model.numLayers and the aug/* keys are the same in every run.
    await expect.poll(() => keys("config")).toEqual(["batch_size", "lr", "model.hiddenSize", "Optimizer"]);
    expect(await rows("config").filter({ hasText: "Optimizer" }).locator("td").allInnerTexts()).toEqual(["AdamW", "AdamW", "SGD"]);
    // Values unlike the first run's are marked.
    expect(await rows("config").filter({ hasText: "Optimizer" }).locator("td.changed").allInnerTexts()).toEqual(["SGD"]);
    // The summary: val/loss's minimum, by its define_metric name; extra/Only_A only in the first run.
    expect(await keys("summary")).toEqual(["extra/Only_A", "train/loss", "val/loss (min)"]);
    expect(await rows("summary").filter({ hasText: "val/loss (min)" }).locator("td").allInnerTexts()).toEqual(["0.25", "0.5", "0.75"]);
    expect(await rows("summary").filter({ hasText: "extra/Only_A" }).locator("td").allInnerTexts()).toEqual(["59", "–", "–"]);
    // The metrics every run logged, overlaid: a line per run, named as logged.
    const charts = page.getByTestId("compare-charts");
    await expect.poll(() => charts.locator("[data-testid=panel]").evaluateAll((els) => els.map((e) => e.getAttribute("data-metric")))).toEqual(["train/loss", "val/loss"]);
    const loss = charts.locator('[data-testid=panel][data-metric="val/loss"]');
    await loss.locator("canvas").waitFor();
    await expect.poll(() => loss.getAttribute("data-lines")).toBe("3");
    expect(await loss.locator(".legend-name").allInnerTexts()).toEqual(["Alpha-Run", "beta-Run", "Gamma-run"]);
    await shot(page, "tablecompare-compare");
    // Everything, the same keys included.
    await page.getByTestId("compare-only-diff").uncheck();
    await expect.poll(() => keys("config")).toContain("seed");
    expect(await rows("config").filter({ hasText: "seed" }).getAttribute("data-differs")).toBe("false");
    expect(await keys("config")).toContain("aug/Rotate");
    expect(await keys("summary")).toContain("Best_Epoch");
    await shot(page, "tablecompare-compare-all");
  });
});
