// Charts of runs that define a step metric (stepaxis_seed.py, logged with the real SDK as the HF
// Trainer's and Lightning's integrations log): drawn against it by default, as in W&B, on the
// workspace and the run page; an X axis the user chooses still wins; step metrics get their own
// charts and hidden metrics none. Screenshots go to .test-artifacts/e2e/.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSeeded, getJson, shot } from "./browser";

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ browser, context, page } = await openSeeded("stepaxis", "stepaxis_seed.py"));
});
afterAll(async () => {
  await browser.close();
});

const panel = (metric: string) => page.locator(`[data-testid=panel][data-metric="${metric}"]`);

/** The x axis's title and tick labels as the chart drew them (named on its box). */
async function xAxisOf(metric: string): Promise<{ title: string; ticks: number[] }> {
  const box = panel(metric).locator(".uplot-box");
  if ((await box.count()) === 0) return { title: "", ticks: [] };
  const ticks = ((await box.getAttribute("data-x-ticks")) ?? "").split(" ").filter(Boolean).map(Number);
  return { title: (await box.getAttribute("data-x-title")) ?? "", ticks };
}

/** True when every tick lies in the global steps the run logged (5..60) and they span a range. */
const inGlobalSteps = (a: { ticks: number[] }): boolean => a.ticks.length >= 2 && a.ticks.every((t) => t >= 5 && t <= 60) && (a.ticks.at(-1) ?? 0) - (a.ticks[0] ?? 0) >= 20;

describe("step metrics", () => {
  it("draws train/loss against the run's train/global_step by default; a chosen X axis wins", async () => {
    await page.goto("/root/stepaxis");
    await panel("train/loss").locator("canvas").waitFor();
    await expect.poll(async () => inGlobalSteps(await xAxisOf("train/loss"))).toBe(true);
    expect((await xAxisOf("train/loss")).title).toBe("train/global_step");
    // eval/loss rows lacked the step: step_sync filled it in, so they draw against it too.
    await expect.poll(async () => (await xAxisOf("eval/loss")).title).toBe("train/global_step");
    // The step metric itself has no step metric of its own: it is drawn against Step (rows 0..11).
    await expect.poll(async () => (await xAxisOf("train/global_step")).title).toBe("Step");
    // define_metric("debug/*", hidden=True): no chart.
    expect(await panel("debug/norm").count()).toBe(0);
    await shot(page, "stepaxis-workspace-global-step");
    // The menu offers the step metric; Wall time chosen there wins over it.
    await expect.poll(() => page.getByTestId("x-axis").locator("option").allInnerTexts()).toContain("train/global_step");
    await page.getByTestId("x-axis").selectOption("wall");
    await expect.poll(async () => (await xAxisOf("train/loss")).title).toBe("Wall time");
    await page.getByTestId("x-axis").selectOption("step");
    await expect.poll(async () => (await xAxisOf("train/loss")).title).toBe("train/global_step");
  });

  it("draws the run page's charts against the step metric too", async () => {
    const runs = await getJson<{ runs: { id: string }[] }>(context, "/api/v1/runs/root/stepaxis");
    const id = runs.runs[0]?.id ?? "";
    await page.goto(`/root/stepaxis/runs/${id}?tab=charts`);
    await panel("train/loss").locator("canvas").waitFor();
    await expect.poll(async () => inGlobalSteps(await xAxisOf("train/loss"))).toBe(true);
    expect((await xAxisOf("train/loss")).title).toBe("train/global_step");
    expect(await panel("debug/norm").count()).toBe(0);
    await shot(page, "stepaxis-run-page");
  });

  it("gives a Lightning run's epoch and trainer/global_step charts of their own", async () => {
    await page.goto("/root/stepaxis-lightning");
    await panel("train/loss").locator("canvas").waitFor();
    await expect.poll(async () => (await xAxisOf("train/loss")).title).toBe("trainer/global_step");
    await panel("epoch").locator("canvas").waitFor();
    await expect.poll(async () => (await xAxisOf("epoch")).title).toBe("trainer/global_step");
    await panel("trainer/global_step").locator("canvas").waitFor();
    await shot(page, "stepaxis-lightning");
  });

  it("uses the step metric most runs define when they disagree, and says so on the title", async () => {
    await page.goto("/root/stepaxis-mixed");
    await panel("train/loss").locator("canvas").waitFor();
    await expect.poll(async () => (await xAxisOf("train/loss")).title).toBe("train/global_step");
    const title = panel("train/loss").locator(".panel-title");
    await expect.poll(() => title.getAttribute("class")).toContain("x-disagree");
    expect(await title.getAttribute("title")).toContain("2 of 3 use train/global_step; 1 Step (no step metric)");
    // Hiding one HF run makes it a tie (1 against 1): every run is drawn against Step.
    await page.locator("[data-run]", { hasText: "hf-0" }).locator('[title="Hide from charts"]').click();
    await expect.poll(async () => (await xAxisOf("train/loss")).title).toBe("Step");
    expect(await title.getAttribute("title")).toContain("a tie: drawn against Step");
    await shot(page, "stepaxis-mixed-tie");
  });
});
