// A report's live panel grids (issue 16): a report made over the REST API with two grids over the
// seeded project (reportpanels_seed.py) draws the workspace's panels over each run set's filter and
// grouping; a run logged with the SDK after the page opened appears without a reload; the run set
// editor narrows the runs with the runs table's filter and messages; parallel coordinates and
// lineage panels draw.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { openSeeded, shot, type Session } from "./browser";

const PROJECT = "reportpanels";
const repo = join(import.meta.dirname, "..", "..");
const python = process.env.TRACKWELL_PYTHON ?? join(repo, ".venv/bin/python");
const runset = (name: string, filters: string, group_by: string[] = []) => ({ name, entity: "root", project: PROJECT, filters, group_by });
const size = (width: string, height = "medium") => ({ width, height });

const REPORT = {
  title: "Optimizer study",
  blocks: [
    { type: "heading", level: 1, text: [{ text: "Adam runs" }] },
    {
      type: "panel_grid",
      runsets: [runset("Adam runs", "optimizer=adam and job_type=sweep")],
      panels: [
        { type: "line", id: "loss", section: "Report", size: size("half"), metrics: ["loss"] },
        { type: "parallel", id: "pc", section: "Report", size: size("half"), axes: ["config.lr", "config.batch_size", "summary.acc"] },
        { type: "lineage", id: "lin", section: "Report", size: size("full"), artifact: "rp-model:latest", depth: 2 },
      ],
    },
    { type: "heading", level: 2, text: [{ text: "By optimizer" }] },
    {
      type: "panel_grid",
      runsets: [runset("Every training run", "job_type=sweep", ["config.optimizer"])],
      panels: [
        { type: "line", id: "grouped-loss", section: "Report", size: size("half"), metrics: ["loss"], title: "loss by optimizer" },
        { type: "bar", id: "acc", section: "Report", size: size("half"), metric: "acc" },
      ],
    },
  ],
};

let s: Session;
let reportId = "";
type Run = { job_type: string | null; config: { optimizer?: string; lr?: number } };
/** The project's runs as the server has them (a reused E2E_SERVER_DIR holds earlier tests' late runs). */
async function counts(): Promise<{ total: number; sweep: number; adam: number; narrow: number }> {
  const runs = ((await (await s.context.request.get(`/api/v1/runs/root/${PROJECT}?limit=1000`)).json()) as { runs: Run[] }).runs;
  const sweep = runs.filter((r) => r.job_type === "sweep");
  const adam = sweep.filter((r) => r.config.optimizer === "adam");
  return { total: runs.length, sweep: sweep.length, adam: adam.length, narrow: adam.filter((r) => (r.config.lr ?? 1) < 0.005).length };
}

beforeAll(async () => {
  s = await openSeeded(PROJECT, "reportpanels_seed.py");
  const r = await s.context.request.post(`/api/v1/reports/root/${PROJECT}`, { data: REPORT, headers: { Authorization: `Bearer ${inject("apiKey")}` } });
  if (r.status() !== 201) throw new Error(`creating the report: HTTP ${r.status()} ${await r.text()}`);
  reportId = ((await r.json()) as { id: string }).id;
});
afterAll(() => s.browser.close());

const grids = (): Locator => s.page.getByTestId("report-panel-grid");
const lineChart = (grid: Locator): Locator => grid.locator('[data-testid="panel"][data-metric="loss"]');
/** Lines a chart draws for k runs: each run set's newest 20, as the workspace's "Runs in charts". */
const drawn = (k: number): string => String(Math.min(k, 20));
const runCount = (grid: Locator): Promise<string | null> => grid.getByTestId("runset-tab").first().getAttribute("data-count");

describe("report panel grids", () => {
  it("draws each run set's runs with the workspace's panels, narrowed by its filter and grouped by its keys", async () => {
    const { page } = s;
    await page.goto(`/root/${PROJECT}/reports/${reportId}`);
    const adam = grids().nth(0);
    const grouped = grids().nth(1);
    const n = await counts();
    // The filter narrows the project's runs (training runs and those of the lineage) to the Adam runs.
    expect(n.adam).toBeLessThan(n.sweep);
    await expect.poll(() => runCount(adam)).toBe(String(n.adam));
    await expect.poll(() => runCount(grouped)).toBe(String(n.sweep));
    await expect(adam.getByTestId("runset-tab").first().innerText()).resolves.toMatch(new RegExp(`Adam runs[\\s\\S]*${n.adam} runs`));
    // One line per run of the run set.
    await expect.poll(() => lineChart(adam).getAttribute("data-lines")).toBe(drawn(n.adam));
    // Grouped by config.optimizer: the chart draws a mean line (and band) per group, named by it.
    await expect.poll(async () => (await lineChart(grouped).innerText()).replace(/\s+/g, " ")).toMatch(/adam.*sgd|sgd.*adam/);
    await expect.poll(async () => Number(await lineChart(grouped).getAttribute("data-lines"))).toBeGreaterThanOrEqual(2);
    // Parallel coordinates over the 3 runs; the model's lineage: the runs and versions around it.
    await expect.poll(() => adam.locator('[data-panel-type="parallel"]').getAttribute("data-count")).toBe(String(n.adam));
    await expect.poll(() => adam.locator('[data-panel-type="lineage"]').getByTestId("lineage-node").count()).toBeGreaterThanOrEqual(4);
    await expect(adam.locator('[data-panel-type="lineage"] [data-testid="lineage-node"][data-current="true"]').getAttribute("aria-label")).resolves.toContain("rp-model");
    // Read-only: no editor, drag handle or menu on the panels.
    await expect(adam.getByTestId("panel-edit").count()).resolves.toBe(0);
    await expect(grids().getByTestId("runset-edit").count()).resolves.toBe(0);
    await shot(page, "reportpanels-view");
  });

  it("shows a run logged after the page opened, without a reload", async () => {
    const { page } = s;
    const adam = grids().nth(0);
    const n = await counts();
    await expect.poll(() => runCount(adam)).toBe(String(n.adam));
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const log = spawnSync(
      python,
      ["-c", `import trackwell as wandb\nrun = wandb.init(project="${PROJECT}", name="adam-late", job_type="sweep", config={"optimizer": "adam", "lr": 0.0005, "batch_size": 32})\nfor step in range(8):\n    run.log({"loss": 0.5 / (step + 1)}, step=step)\nrun.summary["acc"] = 0.99\nrun.finish()\n`],
      { cwd: inject("dataDir"), env: { ...process.env, TRACKWELL_BASE_URL: inject("serverUrl"), TRACKWELL_API_KEY: inject("apiKey"), WANDB_SILENT: "true" }, stdio: ["ignore", "ignore", "inherit"], timeout: 120_000 },
    );
    expect(log.status).toBe(0);
    // The runs list is polled: the new run joins the run set, its chart and parallel coordinates.
    await expect.poll(() => runCount(adam), { timeout: 60_000 }).toBe(String(n.adam + 1));
    await expect.poll(() => lineChart(adam).getAttribute("data-lines"), { timeout: 60_000 }).toBe(drawn(n.adam + 1));
    await expect.poll(() => adam.locator('[data-panel-type="parallel"]').getAttribute("data-count")).toBe(String(n.adam + 1));
    await expect.poll(() => runCount(grids().nth(1)), { timeout: 60_000 }).toBe(String(n.sweep + 1));
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await shot(page, "reportpanels-live");
  });

  it("draws several run sets together, each switched on and off from its tab", async () => {
    const { page } = s;
    const grid = { type: "panel_grid", runsets: [runset("Adam", "optimizer=adam and job_type=sweep"), runset("SGD", "optimizer=sgd")], panels: [{ type: "line", id: "l", section: "Report", size: size("half"), metrics: ["loss"] }] };
    const r = await s.context.request.post(`/api/v1/reports/root/${PROJECT}`, { data: { title: "Two run sets", blocks: [grid] }, headers: { Authorization: `Bearer ${inject("apiKey")}` } });
    expect(r.status()).toBe(201);
    const n = await counts();
    const sgd = n.sweep - n.adam;
    await page.goto(`/root/${PROJECT}/reports/${((await r.json()) as { id: string }).id}`);
    const chart = lineChart(grids().first());
    await expect.poll(() => chart.getAttribute("data-lines")).toBe(String(Number(drawn(n.adam)) + sgd));
    await page.getByLabel("show run set SGD").uncheck();
    await expect.poll(() => chart.getAttribute("data-lines")).toBe(drawn(n.adam));
    await expect(grids().first().locator('[data-testid="runset-tab"][data-name="SGD"]').getAttribute("data-shown")).resolves.toBe("false");
    await page.getByLabel("show run set SGD").check();
    await expect.poll(() => chart.getAttribute("data-lines")).toBe(String(Number(drawn(n.adam)) + sgd));
  });

  it("edits a run set in place: the runs table's filter and messages, a narrower filter narrows the panels", async () => {
    const { page } = s;
    await page.goto(`/root/${PROJECT}/reports/${reportId}?edit=1`);
    const adam = grids().nth(0);
    const n = await counts();
    await expect.poll(() => runCount(adam)).toBe(String(n.adam));
    await adam.getByTestId("runset-edit").click();
    const editor = adam.getByTestId("runset-editor");
    const filter = editor.getByTestId("runset-filter");
    await filter.fill("nosuch>1");
    await expect(editor.getByTestId("runset-filter-error").innerText()).resolves.toContain('unknown field "nosuch"');
    await expect(editor.getByTestId("runset-apply").isDisabled()).resolves.toBe(true);
    await filter.fill("optimizer=adam and job_type=sweep and lr<0.005");
    await expect.poll(() => editor.getByTestId("runset-preview").innerText()).toBe(`${n.narrow} of ${n.total} runs match`);
    expect(n.narrow).toBeLessThan(n.adam);
    await shot(page, "reportpanels-runset-editor");
    await editor.getByTestId("runset-apply").click();
    await expect.poll(() => runCount(adam)).toBe(String(n.narrow));
    await expect.poll(() => lineChart(adam).getAttribute("data-lines")).toBe(drawn(n.narrow));
    // Editable panels have the workspace's editor, handle and menu: resize, move, add.
    const slots = adam.getByTestId("panel-slot");
    const loss = adam.locator('[data-testid="panel-slot"][data-panel-id="loss"]');
    await loss.getByTestId("panel-menu").click();
    await loss.getByRole("menuitemradio", { name: "width full" }).click();
    await expect.poll(() => loss.getAttribute("data-width")).toBe("full");
    const pc = adam.locator('[data-testid="panel-slot"][data-panel-id="pc"]');
    await pc.getByTestId("panel-menu").click();
    await pc.getByRole("menuitem", { name: "← Move earlier" }).click();
    await expect.poll(() => slots.first().getAttribute("data-panel-id")).toBe("pc");
    await adam.getByTestId("report-add-panel").click();
    const dialog = page.getByTestId("add-panel-dialog");
    await dialog.getByRole("radio", { name: "Bar chart" }).click();
    // A grid is one section: the dialog asks for none.
    await expect(dialog.getByLabel("section", { exact: true }).count()).resolves.toBe(0);
    await dialog.getByTestId("add-panel-submit").click();
    await expect.poll(() => adam.locator('[data-testid="panel"][data-panel-type="bar"]').getAttribute("data-count")).toBe(String(n.narrow));
    // The lineage panel, offered by "+ Panel" with the project's artifacts suggested.
    await adam.getByTestId("report-add-panel").click();
    await dialog.getByRole("radio", { name: "Artifact lineage" }).click();
    await dialog.getByLabel("lineage artifact").fill("rp-data");
    await expect(dialog.getByTestId("add-panel-submit").isDisabled()).resolves.toBe(true);
    await dialog.getByLabel("lineage artifact").fill("rp-data:latest");
    await dialog.getByTestId("add-panel-submit").click();
    const added = adam.locator('[data-panel-type="lineage"][data-artifact="rp-data:latest"]');
    await expect.poll(() => added.locator('[data-testid="lineage-node"][data-current="true"]').getAttribute("aria-label")).toContain("rp-data");
    await shot(page, "reportpanels-edit");
    // Every change reached the editor: saved, the new version holds the run set and the panels.
    await page.getByTestId("save").click();
    type Saved = { latest_version: number; blocks: { type: string; runsets?: { filters: string | null }[]; panels?: { id: string; type: string; size?: { width: string } }[] }[] };
    const saved = async (): Promise<Saved> => (await (await s.context.request.get(`/api/v1/reports/root/${PROJECT}/${reportId}`)).json()) as Saved;
    await expect.poll(async () => (await saved()).latest_version).toBe(2);
    const grid = (await saved()).blocks[1];
    expect(grid?.runsets?.[0]?.filters).toBe("optimizer=adam and job_type=sweep and lr<0.005");
    expect(grid?.panels?.map((p) => p.type)).toEqual(["parallel", "line", "lineage", "bar", "lineage"]);
    expect(grid?.panels?.find((p) => p.id === "loss")?.size?.width).toBe("full");
  });
});
