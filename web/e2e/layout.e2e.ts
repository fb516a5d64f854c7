// Workspace panel layout end to end: add a bar and a scatter panel, resize, reorder (drag and drop,
// across sections, keyboard), reload and find the layout kept; a second user sees the default; reset.
// Runs of project e2e (tests/e2e/ui_seed.py): train/loss ends at scale/200, config lr 0.1 or 0.001.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { addPanelWith, launch, layoutSaved, resetLayout as resetProjectLayout, shot, signedIn } from "./browser";

const repo = join(import.meta.dirname, "..", "..");
const python = process.env.TRACKWELL_PYTHON ?? join(repo, ".venv/bin/python");
const LAYOUT = "/api/v1/layouts/root/e2e";

let browser: Browser;
let context: BrowserContext;
let page: Page;

/** A second account with its own key, made in the server's database (no API creates users). */
function addUser(name: string): string {
  const script = [
    "import sys",
    "from trackwell.service.auth import AuthService",
    "from trackwell.store.sql.database import open_database",
    "db = open_database('sqlite:///' + sys.argv[1] + '/trackwell.db')",
    "with db.begin() as conn:",
    "    user = db.users.create_user(conn, sys.argv[2], is_admin=False, now=0.0)",
    // A member of the entity of LAYOUT's project, so it is theirs to read (docs/adr/0003).
    "    db.users.set_role(conn, 'root', user.id, 'member', now=0.0)",
    "print(AuthService(db).create_key(user, 'e2e'))",
    "db.close()",
  ].join("\n");
  const r = spawnSync(python, ["-c", script, inject("dataDir"), name], { cwd: repo, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`creating user ${name} failed: ${r.stderr}`);
  return r.stdout.trim();
}

const resetLayout = (): Promise<void> => resetProjectLayout(context, "e2e");

beforeAll(async () => {
  browser = await launch();
  context = await signedIn(browser, inject("serverUrl"), inject("apiKey"));
  await resetLayout();
  page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
});
afterAll(async () => {
  await resetLayout(); // the other workspace tests expect the automatic layout
  await browser.close();
});

const slotIds = (p: Page, section: string): Promise<string[]> =>
  p.locator(`[data-section="${section}"] [data-testid=panel-slot]`).evaluateAll((els) => els.map((e) => e.getAttribute("data-panel-id") ?? ""));
const slot = (p: Page, id: string) => p.locator(`[data-testid=panel-slot][data-panel-id="${id}"]`);
const typed = (p: Page, type: string) => p.locator(`[data-testid=panel-slot]:has([data-panel-type=${type}])`);

const saved = (p: Page): Promise<void> => layoutSaved(p);
const addPanel = (kind: "Bar chart" | "Scatter", fill: (dialog: Locator) => Promise<unknown>): Promise<void> => addPanelWith(page, kind, fill);

describe("workspace layout", () => {
  it("adds a bar chart of a summary metric, sorted, in run colours, with hover values", async () => {
    await page.goto("/root/e2e");
    await slot(page, "auto:train/loss").locator("canvas").waitFor();
    expect(await page.getByTestId("reset-layout").count()).toBe(0); // nothing saved yet
    await addPanel("Bar chart", (d) => d.getByLabel("summary metric").selectOption("train/loss").then(() => undefined));
    const chart = typed(page, "bar").getByTestId("bar-chart");
    await expect.poll(() => chart.getAttribute("data-bars")).toBe("run-d=0.02;run-c=0.015;run-b=0.01;run-a=0.005");
    const fills = await chart.locator("rect.bar").evaluateAll((els) => els.map((e) => e.getAttribute("fill")));
    expect(new Set(fills).size).toBeGreaterThan(1);
    await chart.locator("rect.bar").first().hover();
    await expect.poll(() => chart.getByTestId("chart-tooltip").innerText()).toMatch(/run-d[\s\S]*0\.02/);
    await saved(page);
  });

  it("adds a scatter of a config value against a summary metric; hover names the run, click opens it", async () => {
    await addPanel("Scatter", async (d) => {
      await d.getByLabel("scatter x").selectOption("config.lr");
      await d.getByLabel("scatter y").selectOption("summary.train/loss");
    });
    const chart = typed(page, "scatter").getByTestId("scatter-chart");
    await expect.poll(() => chart.locator("circle.pt").count()).toBe(4);
    expect((await chart.getAttribute("data-points"))?.split(";").sort()).toEqual(["run-a=0.1,0.005", "run-b=0.1,0.01", "run-c=0.001,0.015", "run-d=0.001,0.02"]);
    await chart.locator("circle.pt").first().hover();
    await expect.poll(() => chart.getByTestId("chart-tooltip").innerText()).toMatch(/run-[abcd][\s\S]*config\.lr/);
    await saved(page);
    await shot(page, "layout-added");
    // Clicking a point opens its run.
    const name = (await chart.getByTestId("chart-tooltip").locator(".tt-name").first().innerText()).trim();
    await chart.locator("circle.pt.hot").click();
    await page.getByTestId("overview").waitFor();
    expect(decodeURIComponent(page.url())).toMatch(/\/root\/e2e\/runs\//);
    expect(await page.locator("h1").first().innerText()).toContain(name);
    await page.goBack();
    await typed(page, "scatter").getByTestId("scatter-chart").waitFor();
  });

  it("adds a smoothed line chart of two metrics against epoch in a new section", async () => {
    await page.getByTestId("add-panel").click();
    const d = page.getByTestId("add-panel-dialog");
    await d.getByRole("radio", { name: "Line chart" }).click();
    // The metric picker searches and takes a regex: drop the first metric it offers, pick both.
    const metrics = d.getByRole("group", { name: "metrics", exact: true });
    await metrics.getByRole("button", { name: /^remove / }).click();
    await metrics.getByLabel("metrics search").fill("^(train/loss|val/acc)$");
    await metrics.getByTestId("ms-select-matching").click();
    await d.getByLabel("x axis").selectOption("m:epoch");
    await d.getByLabel("smoothing").selectOption("ema");
    await d.getByLabel("section", { exact: true }).selectOption({ label: "New section…" });
    await d.getByLabel("new section name").fill("mine");
    // The dialog covers the whole page, not only the panel area it is opened from.
    const backdrop = await page.locator(".dialog-backdrop").boundingBox();
    expect(backdrop).toEqual({ x: 0, y: 0, width: page.viewportSize()?.width, height: page.viewportSize()?.height });
    await shot(page, "layout-add-dialog");
    await d.getByTestId("add-panel-submit").click();
    const chart = page.locator('[data-section="mine"] [data-testid=panel]');
    await chart.scrollIntoViewIfNeeded(); // charts load when near the viewport
    await chart.locator("canvas").waitFor();
    // A line per run and metric (4 runs x 2 metrics), each smoothed with its raw line kept faint.
    await expect.poll(() => chart.getAttribute("data-lines")).toBe("16");
    expect(await chart.locator(".panel-title").innerText()).toBe("train/loss, val/acc");
    const over = chart.locator(".u-over");
    const box = await over.boundingBox();
    if (!box) throw new Error("no chart");
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
    // The x axis is epoch (step // 50). Every run logged the same val/acc (step/200), so its smoothed
    // values agree across runs, and lie between 0 and the raw 0.75 at epoch 3's first step; run-d's
    // train/loss (4/(step+1)) stays above run-a's (1/(step+1)).
    const tip = chart.locator(".chart-tooltip");
    await expect.poll(async () => (await tip.innerText()).replace(/\s+/g, " ")).toMatch(/^3 .*run-a · val\/acc/);
    const text = (await tip.innerText()).replace(/\s+/g, " ");
    const value = (name: string): number => Number(new RegExp(`${name.replace("/", "\\/")} ([0-9.e-]+)`).exec(text)?.[1]);
    const acc = ["run-a", "run-b", "run-c", "run-d"].map((r) => value(`${r} · val/acc`));
    expect(new Set(acc).size).toBe(1);
    expect(acc[0]).toBeGreaterThan(0);
    expect(acc[0]).toBeLessThanOrEqual(0.75);
    expect(value("run-d · train/loss")).toBeGreaterThan(value("run-a · train/loss"));
    await saved(page);
  });

  it("resizes from the panel menu", async () => {
    const bar = typed(page, "bar");
    await bar.getByTestId("panel-menu").click();
    await bar.getByRole("menuitemradio", { name: "width full" }).click();
    await bar.getByRole("menuitemradio", { name: "height large" }).click();
    await page.keyboard.press("Escape");
    await expect.poll(() => bar.getAttribute("data-width")).toBe("full");
    expect(await bar.getAttribute("data-height")).toBe("large");
    const box = await bar.boundingBox();
    const panels = await page.locator(".panels").boundingBox();
    expect(box && panels && box.width > panels.width * 0.85).toBe(true);
    await saved(page);
  });

  it("reorders by drag and drop, across sections, and with the keyboard", async () => {
    // The seed's `epoch` has its automatic chart in "Charts" (a step metric is charted as in W&B).
    const ids = await slotIds(page, "Charts");
    expect(ids).toHaveLength(3);
    const [epochId, barId, scatterId] = ids as [string, string, string];
    expect(epochId).toBe("auto:epoch");
    expect(barId.startsWith("bar-")).toBe(true);
    // Drag the scatter's handle onto the left half of the bar panel: the scatter comes first.
    const target = await slot(page, barId).boundingBox();
    if (!target) throw new Error("no bar panel");
    await slot(page, scatterId).getByTestId("drag-handle").dragTo(slot(page, barId), { targetPosition: { x: 20, y: target.height / 2 } });
    await expect.poll(() => slotIds(page, "Charts")).toEqual([epochId, scatterId, barId]);
    // Drop the val/acc chart on the "train" section's title: it moves there, at the end.
    await slot(page, "auto:val/acc").getByTestId("drag-handle").dragTo(page.locator('[data-section="train"] h2'));
    await expect.poll(() => slotIds(page, "train")).toEqual(["auto:train/loss", "auto:val/acc"]);
    expect(await page.locator('[data-section="val"]').count()).toBe(0);
    // Keyboard: focus the handle of train/loss and move it one place later.
    await slot(page, "auto:train/loss").getByTestId("drag-handle").focus();
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => slotIds(page, "train")).toEqual(["auto:val/acc", "auto:train/loss"]);
    // The menu does the same without dragging: to another section (at its end), then one place earlier.
    const lossMenu = (): Promise<void> => slot(page, "auto:train/loss").getByTestId("panel-menu").click();
    await lossMenu();
    await slot(page, "auto:train/loss").getByLabel("move to section").selectOption("Charts");
    await expect.poll(() => slotIds(page, "Charts")).toEqual([epochId, scatterId, barId, "auto:train/loss"]);
    await lossMenu();
    await slot(page, "auto:train/loss").getByRole("menuitem", { name: "Move earlier" }).click();
    await page.keyboard.press("Escape");
    await expect.poll(() => slotIds(page, "Charts")).toEqual([epochId, scatterId, "auto:train/loss", barId]);
    expect(await slotIds(page, "train")).toEqual(["auto:val/acc"]);
    await saved(page);
    await shot(page, "layout-arranged");
  });

  it("keeps the layout through a reload", async () => {
    const before = { charts: await slotIds(page, "Charts"), train: await slotIds(page, "train") };
    await page.reload();
    await slot(page, "auto:train/loss").locator("canvas").waitFor();
    await expect.poll(() => slotIds(page, "Charts")).toEqual(before.charts);
    expect(await slotIds(page, "train")).toEqual(before.train);
    expect(await typed(page, "bar").getAttribute("data-width")).toBe("full");
    expect(await typed(page, "bar").getAttribute("data-height")).toBe("large");
    expect(await page.locator('[data-section="mine"] [data-testid=panel]').getAttribute("data-metric")).toBe("train/loss");
    await expect.poll(() => typed(page, "bar").getByTestId("bar-chart").getAttribute("data-bars")).toContain("run-d=0.02");
    await shot(page, "layout-reloaded");
    await page.getByTestId("theme").click();
    await shot(page, "layout-reloaded-dark");
    await page.getByTestId("theme").click();
  });

  it("is per user: a second user sees the automatic layout", async () => {
    const key = addUser(`colleague-${process.pid}`); // unique: a reused server (E2E_SERVER_DIR) keeps users
    const other = await signedIn(browser, inject("serverUrl"), key);
    try {
      const p = await other.newPage();
      await p.goto("/root/e2e");
      await p.locator('[data-testid=panel][data-metric="train/loss"] canvas').waitFor();
      expect(await slotIds(p, "train")).toEqual(["auto:train/loss"]);
      expect(await slotIds(p, "val")).toEqual(["auto:val/acc"]);
      expect(await p.locator("[data-panel-type]").count()).toBe(0);
      expect(await p.locator('[data-section="mine"]').count()).toBe(0);
      expect(await p.getByTestId("reset-layout").count()).toBe(0);
      await shot(p, "layout-second-user");
    } finally {
      await other.close();
    }
  });

  it("keeps a change on screen when saving fails, says why, and saves it with the next change", async () => {
    let fail = true;
    await page.route(`**${LAYOUT}`, (route) =>
      fail && route.request().method() === "PUT"
        ? route.fulfill({ status: 503, contentType: "application/json", body: JSON.stringify({ error: { code: "error", message: "database is busy" } }) })
        : route.continue(),
    );
    const bar = typed(page, "bar");
    await bar.getByTestId("panel-menu").click();
    await bar.getByRole("menuitemradio", { name: "height small" }).click();
    await expect.poll(() => page.getByTestId("layout-status").innerText()).toContain("Layout not saved: database is busy");
    expect(await bar.getAttribute("data-height")).toBe("small");
    fail = false;
    await bar.getByRole("menuitemradio", { name: "height large" }).click();
    await page.keyboard.press("Escape");
    await saved(page);
    expect(await page.getByTestId("layout-status").innerText()).toBe("");
    await page.unroute(`**${LAYOUT}`);
    const r = await context.request.get(LAYOUT);
    const doc = (await r.json()) as { layout: { panels: { type: string; size: { height: string } }[] } };
    expect(doc.layout.panels.find((p) => p.type === "bar")?.size.height).toBe("large");
  });

  it("removes a panel, and 'reset layout' brings back the automatic one", async () => {
    await typed(page, "scatter").getByTestId("panel-menu").click();
    await typed(page, "scatter").getByRole("menuitem", { name: "Remove panel" }).click();
    await expect.poll(() => typed(page, "scatter").count()).toBe(0);
    await slot(page, "auto:train/loss").getByRole("button", { name: "remove panel" }).click();
    await expect.poll(() => slot(page, "auto:train/loss").count()).toBe(0);
    await saved(page);
    await page.reload();
    await page.locator('[data-testid=panel][data-metric="val/acc"] canvas').waitFor();
    expect(await slot(page, "auto:train/loss").count()).toBe(0);
    await page.getByTestId("reset-layout").click();
    await expect.poll(() => slotIds(page, "train")).toEqual(["auto:train/loss"]);
    expect(await slotIds(page, "val")).toEqual(["auto:val/acc"]);
    expect(await page.locator("[data-panel-type]").count()).toBe(0);
    expect(await page.locator('[data-section="mine"]').count()).toBe(0);
    await saved(page);
    const r = await context.request.get(LAYOUT);
    expect(((await r.json()) as { saved: boolean }).saved).toBe(false);
  });
});
