// Charts a W&B user reads every day, over runs the real SDK logged (charts_seed.py: 20 runs in 3
// groups with system metrics): system metrics against time with titled axes, one number format in
// the table, tooltips and axes, and a palette where neighbouring runs and groups differ.
// Screenshots go to .test-artifacts/e2e/.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSeeded, shot } from "./browser";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openSeeded("charts", "charts_seed.py"));
});
afterAll(async () => {
  await browser.close();
});

const panel = (metric: string) => page.locator(`[data-testid=panel][data-metric="${metric}"]`);

/** A chart's axis titles, x first (drawn on the canvas; the chart names them in attributes too). */
const axisTitles = async (metric: string): Promise<string[]> => {
  const box = panel(metric).locator(".uplot-box");
  return [(await box.getAttribute("data-x-title")) ?? "", (await box.getAttribute("data-y-title")) ?? ""];
};

/** Hovers a chart at `fraction` of its width and reads the tooltip (moving again on every try: a
 * chart redrawn meanwhile has not seen the first move). */
async function hover(metric: string, fraction: number): Promise<string> {
  const tip = panel(metric).locator(".chart-tooltip");
  await panel(metric).scrollIntoViewIfNeeded();
  await expect
    .poll(async () => {
      const box = await panel(metric).locator(".u-over").boundingBox();
      if (!box) return false;
      await page.mouse.move(box.x + box.width * fraction - 1, box.y + box.height / 2);
      await page.mouse.move(box.x + box.width * fraction, box.y + box.height / 2);
      return tip.isVisible();
    })
    .toBe(true);
  return (await tip.innerText()).replace(/\s+/g, " ");
}

describe("charts", () => {
  it("draws system metrics against relative time, wall time on request, never against steps", async () => {
    await page.goto("/root/charts");
    const cpu = panel("system/cpu_percent");
    await cpu.scrollIntoViewIfNeeded();
    await cpu.locator("canvas").waitFor();
    // Each run sampled for about a second and a half: seconds, from the run's start.
    await expect.poll(() => axisTitles("system/cpu_percent")).toEqual(["Relative time (s)", "%"]);
    const tip = await hover("system/cpu_percent", 0.5);
    expect(tip).toMatch(/^\d+(\.\d+)? s /);
    expect(tip).not.toMatch(/\d{7,}/); // no millisecond timestamps
    await shot(page, "charts-system-relative");
    // The workspace's Step axis leaves system charts on time; Wall time moves them to dates.
    await expect.poll(() => axisTitles("train/loss")).toEqual(["Step", ""]);
    await page.getByTestId("x-axis").selectOption("wall");
    await expect.poll(() => axisTitles("system/cpu_percent")).toEqual(["Wall time", "%"]);
    await panel("system/memory_used_mb").scrollIntoViewIfNeeded();
    await expect.poll(() => axisTitles("system/memory_used_mb")).toEqual(["Wall time", "MB"]);
    await shot(page, "charts-system-wall");
    await page.getByTestId("x-axis").selectOption("step");
  });

  it("writes numbers one way in the table, tooltips and axes", async () => {
    // Learning rates 1e-4 .. 3e-2: a short exponent below 0.001, plain decimals above, never 3.000e-4.
    const table = page.getByTestId("runs-table");
    await expect
      .poll(async () => {
        await table.evaluate((el) => (el.scrollLeft += 150));
        return page.locator('[data-run] .rt-cell[data-col="c:lr"]').count();
      })
      .toBeGreaterThan(0);
    const lrs = await page.locator('[data-run] .rt-cell[data-col="c:lr"]').allInnerTexts();
    expect(lrs).toContain("1e-4");
    for (const t of lrs) expect(t).toMatch(/^(\d\.?\d{0,3}e-\d|0\.0\d{0,5}|0\.\d{1,4})$/);
    await table.evaluate((el) => (el.scrollLeft = 0));
    // The tooltip: four significant digits at most, the same function as the table.
    const tip = await hover("train/loss", 0.02);
    for (const v of tip.match(/ \d[\d.e-]*/g) ?? []) expect(v.trim()).toMatch(/^(\d+|\d+\.\d{1,4}|\d\.?\d{0,3}e-\d+)$/);
    expect(tip).not.toMatch(/\d\.\d*0e/);
  });

  it("gives 20 runs 20 distinct colours and each group its own, the same in the table and the chart", async () => {
    const swatches = page.locator("[data-run] .run-swatch .swatch");
    await expect.poll(() => swatches.count()).toBe(20);
    expect(new Set(await swatches.evaluateAll((els) => els.map((e) => e.getAttribute("data-color")))).size).toBe(20);
    // The tooltip's swatch for a run is the table's swatch for it.
    const tip = panel("train/loss").locator(".chart-tooltip");
    await hover("train/loss", 0.5);
    const first = tip.locator(".tt-row").first();
    const name = await first.locator(".tt-name").innerText();
    const color = await first.locator(".swatch").getAttribute("data-color");
    const row = page.locator("[data-run]", { has: page.locator(".run-link", { hasText: new RegExp(`^${name}$`) }) });
    expect(await row.locator(".run-swatch .swatch").getAttribute("data-color")).toBe(color);
    await shot(page, "charts-runs-palette");
    // Grouped: three groups, three colours, the group rows' swatches those of the mean lines.
    await page.getByTestId("group-by").selectOption("group");
    await expect.poll(() => page.getByTestId("group-row").count()).toBe(3);
    const groups = await page.getByTestId("group-row").evaluateAll((els) => els.map((e) => [e.querySelector("strong")?.textContent ?? "", e.querySelector(".swatch")?.getAttribute("data-color") ?? ""]));
    expect(new Set(groups.map(([, c]) => c)).size).toBe(3);
    await expect.poll(() => panel("train/loss").getAttribute("data-lines")).toBe("9");
    await hover("train/loss", 0.5);
    const means = await tip.locator(".tt-row").evaluateAll((els) => els.map((e) => [(e.querySelector(".tt-name")?.textContent ?? "").replace(/ \(\d+\)$/, ""), e.querySelector(".swatch")?.getAttribute("data-color") ?? ""]));
    expect(Object.fromEntries(means)).toEqual(Object.fromEntries(groups));
    await shot(page, "charts-groups-palette");
    await page.getByTestId("group-by").selectOption("");
  });

  it("gives every line chart a compact legend: names and colours, collapsible, hover highlights a line", async () => {
    const legend = panel("train/loss").getByTestId("legend");
    await panel("train/loss").scrollIntoViewIfNeeded();
    await expect.poll(() => legend.locator(".legend-item").count()).toBe(20);
    // The legend's colour for a run is the table's.
    const entry = legend.locator(".legend-item", { hasText: /^adam-00$/ });
    const row = page.locator("[data-run]", { has: page.locator(".run-link", { hasText: /^adam-00$/ }) });
    expect(await entry.getAttribute("data-color")).toBe(await row.locator(".run-swatch .swatch").getAttribute("data-color"));
    // Hovering an entry puts its line in front (the others fade); leaving it ends that.
    const chart = panel("train/loss").locator(".uplot-box");
    await entry.hover();
    await expect.poll(() => chart.getAttribute("data-highlight")).toBe("adam-00");
    await shot(page, "charts-legend-highlight");
    await page.mouse.move(5, 5);
    await expect.poll(() => chart.getAttribute("data-highlight")).toBe("");
    // Collapsed, it is one line that says how many it holds.
    await legend.locator(".legend-toggle").click();
    await expect.poll(() => legend.locator(".legend-item").count()).toBe(0);
    expect(await legend.locator(".legend-toggle").innerText()).toContain("20 lines");
    await legend.locator(".legend-toggle").click();
    await expect.poll(() => legend.locator(".legend-item").count()).toBe(20);
    // Grouped: one entry per group.
    await page.getByTestId("group-by").selectOption("group");
    await expect.poll(async () => (await legend.locator(".legend-item").allInnerTexts()).sort()).toEqual(["adam (7)", "lion (6)", "sgd (7)"]);
    await page.getByTestId("group-by").selectOption("");
  });

  it("marks the runs past the charts' run limit in the table", async () => {
    await page.getByTestId("max-runs").selectOption("10");
    await expect.poll(() => panel("train/loss").getAttribute("data-lines")).toBe("10");
    // The charts draw the table's first ten runs; the other ten show their colour as an outline.
    const drawn = () => page.locator("[data-run] .run-swatch .swatch").evaluateAll((els) => els.map((e) => e.getAttribute("data-drawn")));
    await expect.poll(drawn).toEqual([...Array(10).fill("true"), ...Array(10).fill("false")]);
    await shot(page, "charts-undrawn-runs");
    await page.getByTestId("max-runs").selectOption("20");
    await expect.poll(drawn).toEqual(Array(20).fill("true"));
  });
});
