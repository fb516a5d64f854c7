// Live charts: a real SDK run keeps logging while its workspace is open; the chart grows without a
// reload, and its refreshes ask only for the points after the step it already holds.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, shot, signedIn } from "./browser";

const repo = join(import.meta.dirname, "..", "..");
const python = process.env.TRACKWELL_PYTHON ?? join(repo, ".venv/bin/python");
const TRAIN = `
import time, trackwell as wandb
run = wandb.init(project="livecharts", name="still-training")
for step in range(3000):
    wandb.log({"loss": 1.0 / (step + 1)})
    time.sleep(0.1)
run.finish()
`;

let browser: Browser;
let page: Page;
let training: ChildProcess;

beforeAll(async () => {
  training = spawn(python, ["-c", TRAIN], {
    cwd: inject("dataDir"),
    env: { ...process.env, TRACKWELL_BASE_URL: inject("serverUrl"), TRACKWELL_API_KEY: inject("apiKey"), WANDB_SILENT: "true" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  browser = await launch();
  page = await (await signedIn(browser, inject("serverUrl"), inject("apiKey"))).newPage();
});
afterAll(async () => {
  training.kill("SIGTERM");
  await browser.close();
});

describe("live workspace", () => {
  it("grows a running run's chart from its new points only", async () => {
    const bodies: { runs: { after_step?: number | null }[] }[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/api/v1/series/query")) bodies.push(r.postDataJSON() as (typeof bodies)[number]);
    });
    const loss = page.locator('[data-testid=panel][data-metric="loss"]');
    // Open the workspace once the run has logged its first points.
    await expect.poll(async () => (await page.request.get("/api/v1/projects/root/livecharts/history-keys")).status(), { timeout: 30_000 }).toBe(200);
    await page.goto("/root/livecharts");
    await loss.locator("canvas").waitFor({ timeout: 60_000 }); // a first chart on a busy machine
    // The count the poll saw is the one compared with below (a second read could meet the chart
    // between two refreshes on a busy machine).
    let before = 0;
    await expect.poll(async () => (before = Number(await loss.getAttribute("data-points")))).toBeGreaterThan(0);
    // Two 5-second refreshes later the chart holds more points, and a refresh asked for a tail.
    await expect.poll(async () => Number(await loss.getAttribute("data-points")), { timeout: 40_000, interval: 1000 }).toBeGreaterThan(before + 10);
    const tails = bodies.filter((b) => b.runs.some((r) => typeof r.after_step === "number"));
    expect(tails.length).toBeGreaterThan(0);
    expect(await page.getByTestId("run-count").innerText()).toContain("1 of 1");
    await shot(page, "workspace-live");
  });
});
