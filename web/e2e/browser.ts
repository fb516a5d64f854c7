// Launches Debian's Chromium through playwright-core. Test tools never download a browser.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { expect, inject } from "vitest";

export const ARTIFACTS = join(import.meta.dirname, "..", "..", ".test-artifacts", "e2e");

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", ...extraArgs],
  });
}

/** A browser context already signed in through the session endpoint (as the sign-in page does). */
export async function signedIn(browser: Browser, url: string, apiKey: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1600, height: 1000 } });
  // Playwright's defaults, stated: an action or a locator's wait may take 30 s on a loaded machine;
  // a page load (the UI's bundle, parsed by a starved CPU) 60 s.
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  // E2E_CPU_THROTTLE=6 runs every page with its CPU six times slower (Chrome's CPU throttling): the
  // frames of a loaded 2-core machine, on demand, to check a test waits on conditions only.
  const throttle = Number(process.env.E2E_CPU_THROTTLE ?? 1);
  if (throttle > 1) context.on("page", (page) => void context.newCDPSession(page).then((cdp) => cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle })));
  const r = await context.request.post("/api/v1/session", { data: { api_key: apiKey } });
  if (!r.ok()) throw new Error(`sign-in failed: HTTP ${r.status()}`);
  return context;
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  const dir = process.env.E2E_SHOTS_DIR; // a copy where a developer wants to look at them
  if (dir) {
    mkdirSync(dir, { recursive: true });
    copyFileSync(path, join(dir, `${name}.png`));
  }
  return path;
}

/** GET a JSON answer with the context's session cookie; an error answer fails the test with its body. */
export async function getJson<T>(context: BrowserContext, path: string): Promise<T> {
  const r = await context.request.get(path);
  if (!r.ok()) throw new Error(`GET ${path}: HTTP ${r.status()} ${await r.text()}`);
  return (await r.json()) as T;
}

/**
 * Logs a project with a seed script of this folder (the real SDK into the e2e server), once per
 * server: a reused E2E_SERVER_DIR that already holds the project's runs is not seeded again.
 */
export async function seedProjectOnce(context: BrowserContext, dataDir: string, project: string, script: string): Promise<void> {
  const runs = (await (await context.request.get(`/api/v1/runs/root/${project}`)).json()) as { total?: number };
  if (runs.total) return;
  const python = process.env.TRACKWELL_PYTHON ?? join(import.meta.dirname, "..", "..", ".venv/bin/python");
  const seed = spawnSync(python, [join(import.meta.dirname, script)], {
    cwd: dataDir,
    env: { ...process.env, TRACKWELL_DATA_DIR: dataDir, TRACKWELL_DIR: dataDir, WANDB_SILENT: "true" },
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 300_000, // a loaded machine
  });
  if (seed.status !== 0) throw new Error(`seeding ${project} with ${script} failed (exit ${seed.status})`);
}

/** A browser, a signed-in context and a page for one test file. */
export interface Session {
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/**
 * Opens a signed-in page on the e2e server, after logging `project` with the seed script `script`
 * of this folder (once per server). An uncaught error on the page fails the test that caused it.
 * Pair it with `afterAll(() => session.browser.close())`.
 */
export async function openSeeded(project: string, script: string): Promise<Session> {
  const browser = await launch();
  const context = await signedIn(browser, inject("serverUrl"), inject("apiKey"));
  await seedProjectOnce(context, inject("dataDir"), project, script);
  const page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
  return { browser, context, page };
}

/**
 * Hovers a chart panel at `fraction` of its plot's width (1: its right end, the last x) and returns
 * its tooltip's text, whitespace collapsed. Moves again on every try: a chart redrawn meanwhile has
 * not seen the first move.
 */
export async function hoverChart(page: Page, panel: Locator, fraction: number): Promise<string> {
  const tip = panel.locator(".chart-tooltip");
  await panel.scrollIntoViewIfNeeded();
  await expect
    .poll(async () => {
      const box = await panel.locator(".u-over").boundingBox();
      if (!box) return false;
      const x = Math.min(box.x + box.width * fraction, box.x + box.width - 1);
      await page.mouse.move(x - 1, box.y + box.height / 2);
      await page.mouse.move(x, box.y + box.height / 2);
      return tip.isVisible();
    })
    .toBe(true);
  return (await tip.innerText()).replace(/\s+/g, " ");
}

/** The workspace's layout has been saved: the PUT of the last change answered and nothing is pending. */
export async function layoutSaved(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId("layout-status").getAttribute("data-state")).toBe("saved");
}

/** "+ Panel", pick the panel type by its label, let `fill` set its fields, add it, wait for the
 * dialog to close. */
export async function addPanelWith(page: Page, kind: string, fill: (dialog: Locator) => Promise<unknown>): Promise<void> {
  await page.getByTestId("add-panel").click();
  const dialog = page.getByTestId("add-panel-dialog");
  await dialog.getByRole("radio", { name: kind }).click();
  await fill(dialog);
  await dialog.getByTestId("add-panel-submit").click();
  await expect.poll(() => dialog.count()).toBe(0);
}

/** Forgets root's workspace layout of `project` (with the API key: the session would need CSRF),
 * so a test starts from, and leaves, the automatic panels. */
export async function resetLayout(context: BrowserContext, project: string): Promise<void> {
  const r = await context.request.delete(`/api/v1/layouts/root/${project}`, { headers: { Authorization: `Bearer ${inject("apiKey")}` } });
  if (r.status() !== 204) throw new Error(`resetting the layout of ${project}: HTTP ${r.status()} ${await r.text()}`);
}
