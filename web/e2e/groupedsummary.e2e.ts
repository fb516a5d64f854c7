// Grouped bar and scatter panels (groupedsummary_seed.py: 30 adam runs, more than the 20 a panel
// draws, and 6 sgd runs; one adam run has no `acc`): grouped, a bar panel draws one bar per group,
// its mean over every run of the group with the band as an error bar and the real (n) in its
// tooltip; a scatter colours every run's point by its group, marks each group's mean and lists the
// groups. Expected numbers come from the seed (groupedsummary_expected.json), computed over every run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addPanelWith, layoutSaved, openSeeded, resetLayout, shot } from "./browser";

interface Stat {
  n: number;
  counted: number;
  mean: number;
  min: number;
  max: number;
  std: number;
  stderr: number;
  lr: number;
}

const P = "groupedsummary";
let browser: Browser;
let context: BrowserContext;
let page: Page;
let expected: Record<"adam" | "sgd", Stat>;

beforeAll(async () => {
  ({ browser, context, page } = await openSeeded(P, "groupedsummary_seed.py"));
  expected = JSON.parse(readFileSync(join(inject("dataDir"), "groupedsummary_expected.json"), "utf8")) as typeof expected;
  await resetLayout(context, P);
});
afterAll(async () => {
  await resetLayout(context, P);
  await browser.close();
});

const typed = (type: string): Locator => page.locator(`[data-testid=panel][data-panel-type=${type}]`);

/** `name=value;...` (a chart's data attribute) as a map of numbers. */
function parsePairs(attr: string | null): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const part of (attr ?? "").split(";").filter(Boolean)) {
    const at = part.lastIndexOf("=");
    out.set(part.slice(0, at), part.slice(at + 1).split(",").map(Number));
  }
  return out;
}

describe("grouped bar and scatter panels", () => {
  it("a bar per group: the mean over every run, the band as an error bar, the real n", async () => {
    await page.goto(`/root/${P}`);
    await addPanelWith(page, "Bar chart", (d) => d.getByLabel("summary metric").selectOption("acc"));
    await layoutSaved(page);
    const chart = typed("bar").getByTestId("bar-chart");
    // Ungrouped: a bar per drawn run (20 of the 36; one of them may lack acc).
    await expect.poll(async () => (await chart.locator("rect.bar").count()) >= 19).toBe(true);
    await page.getByTestId("group-by").selectOption("c:optimizer");
    const adam = `adam (${expected.adam.n})`;
    const sgd = `sgd (${expected.sgd.n})`;
    await expect.poll(async () => [...parsePairs(await chart.getAttribute("data-bars")).keys()]).toEqual([adam, sgd]); // sorted by mean, high first
    const bars = parsePairs(await chart.getAttribute("data-bars"));
    expect(bars.get(adam)?.[0]).toBeCloseTo(expected.adam.mean, 9);
    expect(bars.get(sgd)?.[0]).toBeCloseTo(expected.sgd.mean, 9);
    // min–max error bars (the default band), one per group.
    const bands = (await chart.getAttribute("data-bands"))?.split(";").map((b) => b.split(",").map(Number));
    expect(bands).toEqual([
      [expected.adam.min, expected.adam.max],
      [expected.sgd.min, expected.sgd.max],
    ]);
    expect(await chart.getByTestId("error-bar").count()).toBe(2);
    // The tooltip names the group with its real size and says how many runs have the metric.
    await chart.locator(`rect[data-group="${adam}"]`).hover();
    const tip = chart.getByTestId("chart-tooltip");
    await expect.poll(() => tip.innerText()).toContain(adam);
    expect(await tip.innerText()).toMatch(new RegExp(`runs \\(n\\)\\s*${expected.adam.n}[\\s\\S]*runs with acc\\s*${expected.adam.counted}`));
    await shot(page, "groupedsummary-bars");
    // The toolbar's band applies: ± one std dev.
    await page.getByTestId("band").selectOption("std");
    await expect
      .poll(async () => (await chart.getAttribute("data-bands"))?.split(";")[0]?.split(",").map(Number))
      .toEqual([expected.adam.mean - expected.adam.std, expected.adam.mean + expected.adam.std].map((v) => expect.closeTo(v, 9)));
    await chart.locator(`rect[data-group="${sgd}"]`).hover();
    await expect.poll(() => tip.innerText()).toMatch(/\+1σ[\s\S]*−1σ/);
  });

  it("a scatter colours every run by its group, marks each group's mean and lists the groups", async () => {
    await addPanelWith(page, "Scatter", async (d) => {
      await d.getByLabel("scatter x").selectOption("config.lr");
      await d.getByLabel("scatter y").selectOption("summary.acc");
    });
    await layoutSaved(page);
    const chart = typed("scatter").getByTestId("scatter-chart");
    // Every run of the drawn groups with both numbers: 35 of 36, not the 20 a chart draws.
    await expect.poll(() => chart.locator("circle.pt").count()).toBe(expected.adam.counted + expected.sgd.counted);
    const fills = await chart.locator("circle.pt").evaluateAll((els) => [...new Set(els.map((e) => e.getAttribute("fill")))]);
    expect(fills).toHaveLength(2);
    const legend = chart.getByTestId("scatter-legend");
    // The groups in the table's order, each with its real size.
    await expect.poll(async () => (await legend.innerText()).split("\n").sort()).toEqual([`adam (${expected.adam.n})`, `sgd (${expected.sgd.n})`]);
    const means = chart.getByTestId("group-mean");
    await expect.poll(() => means.count()).toBe(2);
    // A mean marker is in its group's colour, and its tooltip gives the means over every run.
    const adamMean = chart.locator('[data-testid=group-mean][data-group="adam"]');
    expect(fills).toContain(await adamMean.getAttribute("fill"));
    await adamMean.hover();
    const tip = chart.getByTestId("chart-tooltip");
    await expect.poll(() => tip.innerText()).toContain(`adam (${expected.adam.n}) mean`);
    const text = await tip.innerText();
    expect(text).toMatch(/config\.lr/);
    expect(text).toMatch(/summary\.acc/);
    await shot(page, "groupedsummary-scatter");
    // Ungrouped again, the panels draw runs.
    await page.getByTestId("group-by").selectOption("");
    await expect.poll(() => chart.getByTestId("group-mean").count()).toBe(0);
    await expect.poll(() => legend.count()).toBe(0);
    await expect.poll(async () => (await typed("bar").getByTestId("bar-chart").getAttribute("data-bands"))?.replaceAll(";", "")).toBe("");
  });
});
