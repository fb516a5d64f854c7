// Sweeps in the browser over what the real SDK ran (sweeps_seed.py: a 16-run bayes search driven by
// trackwell.agent(function=...), and a grid left running): the project's sweeps list, the sweep page
// (state, config, agent command, the best run, metric over runs, parallel coordinates with a brush
// that filters the runs and axes that move, parameter importance, the scatter), pause and resume,
// a cancelled sweep whose run ended "stopped", the two workspace panels, and a sweep run's page
// linking back to its sweep.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getJson, launch, resetLayout as resetProjectLayout, seedProjectOnce, shot, signedIn } from "./browser";

const P = "sweeps-e2e";

let browser: Browser;
let context: BrowserContext;
let page: Page;
let ids: { search: string; grid: string; cancelled: string };

async function snap(name: string, on: Page = page): Promise<void> {
  await shot(on, name);
}

async function api<T>(path: string): Promise<T> {
  return getJson<T>(context, path);
}

interface Trial {
  run_id: string;
  value: number | null;
}

const resetLayout = (): Promise<void> => resetProjectLayout(context, P);

const attrs = (loc: Locator, name: string): Promise<(string | null)[]> => loc.evaluateAll((els, n) => els.map((e) => e.getAttribute(n)), name);

beforeAll(async () => {
  browser = await launch();
  context = await signedIn(browser, inject("serverUrl"), inject("apiKey"));
  page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
  await seedProjectOnce(context, inject("dataDir"), P, "sweeps_seed.py");
  ids = JSON.parse(readFileSync(join(inject("dataDir"), "e2e-sweeps.json"), "utf8")) as typeof ids;
});
afterAll(async () => {
  await browser?.close();
});

describe("sweeps", () => {
  it("the workspace links to the project's sweeps: state, method, runs and best of each", async () => {
    await page.goto(`/root/${P}`);
    await page.getByTestId("nav-sweeps").click();
    await page.waitForURL(`**/root/${P}/sweeps`);
    const rows = page.getByTestId("sweep-row");
    await expect.poll(() => attrs(rows, "data-sweep")).toEqual([ids.cancelled, ids.grid, ids.search]); // newest first
    const search = await page.locator(`[data-testid=sweep-row][data-sweep="${ids.search}"]`).innerText();
    expect(search).toMatch(/lr-search/);
    expect(search).toMatch(/bayes/);
    expect(search).toMatch(/16\s*\/\s*16/);
    await snap("sweeps-list");
  });

  it("the sweep page shows state, config, agent command, the best run first, metric over runs and importance", async () => {
    await page.goto(`/root/${P}/sweeps/${ids.search}`);
    await expect.poll(() => page.getByTestId("sweep-name").innerText()).toContain("lr-search");
    const sweep = await api<{ state: string; best_run_id: string; best_value: number }>(`/api/v1/sweeps/root/${P}/${ids.search}`);
    expect(await page.getByTestId("sweep-state").getAttribute("data-state")).toBe(sweep.state);
    const config = await page.getByTestId("sweep-config").innerText();
    expect(config).toContain("method: bayes");
    expect(config).toContain("distribution: log_uniform_values");
    expect(config).toContain("values: [adamw, sgd]");
    expect(await page.getByTestId("agent-command").innerText()).toBe(`trackwell agent root/${P}/${ids.search}`);
    expect(await page.getByTestId("sweep-counts").innerText()).toMatch(/16 of 16 expected/);

    // Runs best first (val/loss, minimize), the best marked and linking to its run.
    const trials = (await api<{ runs: Trial[] }>(`/api/v1/sweeps/root/${P}/${ids.search}/runs`)).runs;
    const best = trials.filter((t) => t.value !== null).sort((a, b) => (a.value as number) - (b.value as number))[0] as Trial;
    expect(sweep.best_run_id).toBe(best.run_id);
    const rows = page.getByTestId("sweep-run");
    await expect.poll(() => rows.count()).toBe(16);
    expect(await rows.first().getAttribute("data-run")).toBe(best.run_id);
    expect(await rows.first().getAttribute("data-best")).toBe("1");
    expect(await rows.first().innerText()).toContain("best");
    const values = (await rows.evaluateAll((els) => els.map((e) => Number((e.children[3] as HTMLElement).innerText)))) as number[];
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    const bestName = await rows.first().locator("a").first().innerText();
    expect(await page.getByTestId("sweep-best").innerText()).toContain(bestName);
    expect(await page.getByTestId("metric-over-runs").getAttribute("data-points")).toBe("16");
    expect(await page.getByTestId("best-line").getAttribute("d")).toMatch(/^M/);

    // Parallel coordinates: the swept parameters then the metric; log and categorical axes.
    const axes = page.getByTestId("pc-axis");
    expect(await attrs(axes, "data-axis")).toEqual(["learning_rate", "batch_size", "optimizer", "dropout", "val/loss"]);
    expect(await attrs(axes, "data-kind")).toEqual(["log", "linear", "category", "linear", "linear"]);
    expect(await attrs(page.locator("[data-testid=pc-axis][data-axis=optimizer] .pc-tick"), "data-label")).toEqual(["adamw", "sgd"]);
    expect(await page.getByTestId("pc-line").count()).toBe(16);

    // Importance: the learning rate drives the loss (sweeps_seed.py's train()).
    const imp = page.getByTestId("importance-row");
    await expect.poll(() => imp.count(), { timeout: 60_000 }).toBeGreaterThan(3);
    expect(await imp.first().getAttribute("data-param")).toBe("learning_rate");
    expect(await attrs(imp, "data-param")).toContain("optimizer");
    expect(await page.getByTestId("importance").getAttribute("data-runs")).toBe("16");
    await snap("sweep-page");
  });

  it("brushing an axis filters the runs; the brush is in the link and clears", async () => {
    await page.goto(`/root/${P}/sweeps/${ids.search}`);
    const pc = page.getByTestId("parcoords");
    await expect.poll(() => pc.getAttribute("data-total")).toBe("16");
    const area = page.locator("[data-testid=pc-axis][data-axis='val/loss'] [data-testid=pc-brush-area]");
    await pc.scrollIntoViewIfNeeded();
    const box = await area.boundingBox();
    if (!box) throw new Error("no brush area");
    // The lower 40% of the loss axis: the better runs.
    const x = box.x + box.width / 2;
    await page.mouse.move(x, box.y + box.height - 2);
    await page.mouse.down();
    await page.mouse.move(x, box.y + box.height * 0.6, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => page.url()).toContain("pc=");
    const selected = Number(await pc.getAttribute("data-selected"));
    expect(selected).toBeGreaterThan(0);
    expect(selected).toBeLessThan(16);
    await expect.poll(() => page.getByTestId("sweep-run").count()).toBe(selected);
    expect(await page.locator("[data-testid=pc-line][data-in='1']").count()).toBe(selected);
    expect(await page.getByTestId("pc-brush-chip").innerText()).toContain("val/loss");
    await snap("sweep-brushed");
    // The link keeps the brush.
    await page.reload();
    await expect.poll(() => page.getByTestId("sweep-run").count()).toBe(selected);
    await page.getByTestId("clear-brushes").click();
    await expect.poll(() => page.getByTestId("sweep-run").count()).toBe(16);
    expect(page.url()).not.toContain("pc=");
  });

  it("an axis dragged by its title moves; the scatter plots the metric against a chosen parameter", async () => {
    await page.goto(`/root/${P}/sweeps/${ids.search}`);
    const label = page.locator("[data-testid=pc-axis][data-axis=optimizer] [data-testid=pc-axis-label]");
    const first = page.locator("[data-testid=pc-axis][data-axis=learning_rate] [data-testid=pc-axis-label]");
    await page.getByTestId("parcoords").scrollIntoViewIfNeeded();
    const from = await label.boundingBox();
    const to = await first.boundingBox();
    if (!from || !to) throw new Error("no axis labels");
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x - 10, to.y + to.height / 2, { steps: 8 });
    await page.mouse.up();
    await expect.poll(() => attrs(page.getByTestId("pc-axis"), "data-axis")).toEqual(["optimizer", "learning_rate", "batch_size", "dropout", "val/loss"]);
    expect(page.url()).toContain("axes=");

    await page.getByTestId("scatter-param").selectOption("optimizer");
    const scatter = page.getByTestId("param-scatter");
    await expect.poll(() => scatter.getAttribute("data-param")).toBe("optimizer");
    expect(await scatter.getAttribute("data-points")).toBe("16");
  });

  it("pause and resume change the sweep's state, on the page and on the server", async () => {
    await page.goto(`/root/${P}/sweeps/${ids.grid}`);
    const state = page.getByTestId("sweep-state");
    await expect.poll(() => state.getAttribute("data-state")).toBe("running");
    await page.getByTestId("sweep-pause").click();
    await expect.poll(() => state.getAttribute("data-state")).toBe("paused");
    expect((await api<{ state: string }>(`/api/v1/sweeps/root/${P}/${ids.grid}`)).state).toBe("paused");
    await snap("sweep-paused");
    await page.getByTestId("sweep-resume").click();
    await expect.poll(() => state.getAttribute("data-state")).toBe("running");
    expect((await api<{ state: string }>(`/api/v1/sweeps/root/${P}/${ids.grid}`)).state).toBe("running");
    // A grid: its runs so far, of the 6 expected.
    expect(await page.getByTestId("sweep-counts").innerText()).toMatch(/2 of 6 expected/);
  });

  it("parallel coordinates and parameter importance are workspace panels any project can add", async () => {
    await resetLayout();
    await page.goto(`/root/${P}`);
    for (const kind of ["Parallel coordinates", "Parameter importance"]) {
      await page.getByTestId("add-panel").click();
      const dialog = page.getByTestId("add-panel-dialog");
      await dialog.getByRole("radio", { name: kind }).click();
      if (kind === "Parameter importance") await dialog.getByLabel("importance metric").selectOption("val/loss");
      await dialog.getByTestId("add-panel-submit").click();
    }
    const pc = page.locator("[data-testid=panel][data-panel-type=parallel]");
    await expect.poll(() => pc.getAttribute("data-count")).toBe("19"); // every run of the project (16 + 2 + 1)
    expect(await pc.getByTestId("pc-axis").count()).toBeGreaterThanOrEqual(2);
    const imp = page.locator("[data-testid=panel][data-panel-type=importance]");
    await expect.poll(() => imp.getByTestId("importance-row").count(), { timeout: 60_000 }).toBeGreaterThan(2);
    expect(await attrs(imp.getByTestId("importance-row"), "data-param")).toContain("learning_rate");
    // Saved on the server with the layout.
    await expect.poll(async () => (await api<{ layout: { panels: { type: string }[] } }>(`/api/v1/layouts/root/${P}`)).layout.panels.map((p) => p.type).filter((t) => t !== "line").sort()).toEqual(["importance", "parallel"]);
    await pc.scrollIntoViewIfNeeded();
    await snap("workspace-sweep-panels");
    // A filter narrows the importance to the runs it selects (on the server).
    await page.getByTestId("filter").fill("optimizer=adamw");
    await expect.poll(async () => Number((await imp.locator(".panel-title .muted").innerText()).split(" ")[0]), { timeout: 60_000 }).toBeLessThan(16);
    await resetLayout();
  });

  it("a cancelled sweep offers no controls and its stopped run shows why, here and on the run page", async () => {
    await page.goto(`/root/${P}/sweeps/${ids.cancelled}`);
    await expect.poll(() => page.getByTestId("sweep-state").getAttribute("data-state")).toBe("cancelled");
    expect(await page.locator(".sweep-controls button").count()).toBe(0);
    const row = page.getByTestId("sweep-run");
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator("[data-state]").getAttribute("data-state")).toBe("stopped");
    expect(await row.innerText()).toContain("sweep cancelled");
    await snap("sweep-cancelled");
    await row.locator("a").first().click();
    await expect.poll(() => page.getByTestId("overview").innerText()).toMatch(/Stopped by the sweep\s+sweep cancelled/);
    expect(await page.locator(".page-head [data-state]").getAttribute("data-state")).toBe("stopped");
  });

  it("a sweep run's page links to its sweep", async () => {
    const trials = (await api<{ runs: Trial[] }>(`/api/v1/sweeps/root/${P}/${ids.search}/runs`)).runs;
    await page.goto(`/root/${P}/runs/${encodeURIComponent((trials[0] as Trial).run_id)}`);
    const link = page.getByTestId("run-sweep");
    await expect.poll(() => link.innerText()).toBe(ids.search);
    await link.click();
    await page.waitForURL(`**/root/${P}/sweeps/${ids.search}`);
    await expect.poll(() => page.getByTestId("sweep-name").innerText()).toContain("lr-search");
  });
});
