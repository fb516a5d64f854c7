// The panel editor, full-screen panels and the add-panel dialog's metric picker, over runs the real
// SDK logged (paneledit_seed.py: adam-0..2 and sgd-0..2 in two groups; train/val loss and acc over
// 40 steps, with epoch and tokens). An automatic chart is edited (title, y range, log scale,
// smoothing, x axis, runs), the edit survives a reload, a full-screen chart zooms on its own, and
// metrics are picked with a regex. Screenshots go to .test-artifacts/e2e/.
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, layoutSaved, openSeeded, resetLayout as resetProjectLayout, shot } from "./browser";

const LAYOUT = "/api/v1/layouts/root/paneledit";

let browser: Browser;
let context: BrowserContext;
let page: Page;

const resetLayout = (): Promise<void> => resetProjectLayout(context, "paneledit");

beforeAll(async () => {
  ({ browser, context, page } = await openSeeded("paneledit", "paneledit_seed.py"));
  await resetLayout();
});
afterAll(async () => {
  await resetLayout();
  await browser.close();
});

const slot = (id: string): Locator => page.locator(`[data-testid=panel-slot][data-panel-id="${id}"]`);
const legendNames = (scope: Locator): Promise<string[]> => scope.getByTestId("legend").locator(".legend-item").allInnerTexts();
const scale = (scope: Locator, axis: "x" | "y"): Promise<string | null> => scope.locator(".uplot-box").getAttribute(`data-${axis}-scale`);

const saved = (): Promise<void> => layoutSaved(page);

interface SavedPanel {
  id: string;
  type: string;
  title?: string | null;
  auto?: boolean;
  y_min?: number | null;
  y_max?: number | null;
  log_scale?: boolean;
  x_axis?: string | null;
  smoothing?: { kind: string; param?: number | null } | null;
  metrics?: string[];
  runs?: { ids?: string[] | null; name_regex?: string | null; groups?: string[] | null } | null;
}
const savedPanel = async (id: string): Promise<SavedPanel | undefined> => (await getJson<{ layout: { panels: SavedPanel[] } }>(context, LAYOUT)).layout.panels.find((p) => p.id === id);

/** Opens the editor of the panel in `scope` (its pencil shows on hover). */
async function openEditor(scope: Locator): Promise<Locator> {
  await scope.locator(".panel-head").first().hover();
  await scope.getByTestId("panel-edit").first().click();
  const editor = page.getByTestId("panel-editor");
  await editor.waitFor();
  return editor;
}

describe("the panel editor", () => {
  it("edits an automatic chart's title, y range, log scale, smoothing, x axis and runs, kept through a reload", async () => {
    await page.goto("/root/paneledit");
    const loss = slot("auto:train/loss");
    await loss.locator("canvas").waitFor();
    await expect.poll(() => legendNames(loss)).toHaveLength(6);
    const editor = await openEditor(loss);
    await editor.getByLabel("title").fill("Loss of the adam runs");
    await editor.getByLabel("x axis").selectOption("m:tokens");
    await editor.getByLabel("smoothing", { exact: true }).selectOption("gaussian");
    await editor.getByLabel("smoothing amount").fill("2");
    // A range upside down is refused in place, saying the fix.
    await editor.getByLabel("y min").fill("3");
    await editor.getByLabel("y max").fill("1");
    await expect.poll(() => editor.getByTestId("editor-problem").innerText()).toMatch(/Y min must be below Y max/);
    expect(await editor.getByTestId("panel-editor-apply").isDisabled()).toBe(true);
    await editor.getByLabel("y min").fill("0.04");
    await editor.getByLabel("y max").fill("4");
    await editor.getByLabel("log scale").check();
    await editor.getByRole("radio", { name: "Names matching" }).click();
    await editor.getByLabel("run name regex").fill("^adam-");
    await expect.poll(() => editor.getByTestId("runs-shown").innerText()).toBe("Shows 3 of 6 drawn runs: adam-0, adam-1, adam-2");
    await shot(page, "paneledit-editor");
    await editor.getByTestId("panel-editor-apply").click();
    await expect.poll(() => page.getByTestId("panel-editor").count()).toBe(0);

    const check = async (): Promise<void> => {
      await expect.poll(() => loss.locator(".panel-title").innerText()).toBe("Loss of the adam runs");
      await expect.poll(() => legendNames(loss)).toEqual(["adam-0", "adam-1", "adam-2"]);
      // Three runs, each smoothed with its raw line kept faint; against tokens, on a log y from 0.04 to 4.
      await expect.poll(() => loss.getByTestId("panel").getAttribute("data-lines")).toBe("6");
      expect(await loss.getByTestId("panel").getAttribute("data-x-axis")).toBe("tokens");
      expect(await loss.locator(".uplot-box").getAttribute("data-x-title")).toBe("tokens");
      await expect.poll(() => scale(loss, "y")).toBe("0.04 4");
      const [x0, x1] = ((await scale(loss, "x")) ?? "").split(" ").map(Number);
      expect(x0).toBeGreaterThanOrEqual(1000);
      expect(x1).toBeLessThanOrEqual(40_000);
      expect(x1).toBeGreaterThan(30_000);
    };
    await check();
    await saved();
    expect(await savedPanel("auto:train/loss")).toMatchObject({
      auto: false,
      title: "Loss of the adam runs",
      y_min: 0.04,
      y_max: 4,
      log_scale: true,
      x_axis: "m:tokens",
      smoothing: { kind: "gaussian", param: 2 },
      metrics: ["train/loss"],
      runs: { name_regex: "^adam-" },
    });
    await shot(page, "paneledit-edited");
    await page.reload();
    await loss.locator("canvas").waitFor();
    await check();
    // The other automatic charts are as they were.
    await expect.poll(() => legendNames(slot("auto:val/loss"))).toHaveLength(6);
  });

  it("shows chosen runs, or chosen groups while the runs are grouped", async () => {
    const acc = slot("auto:val/acc");
    await acc.scrollIntoViewIfNeeded();
    await acc.locator("canvas").waitFor();
    let editor = await openEditor(acc);
    await editor.getByRole("radio", { name: "Chosen runs" }).click();
    const runs = editor.getByRole("group", { name: "runs", exact: true });
    await runs.getByLabel("runs search").fill("sgd");
    await runs.getByRole("checkbox", { name: "sgd-0" }).check();
    await runs.getByRole("checkbox", { name: "sgd-2" }).check();
    await expect.poll(() => editor.getByTestId("runs-shown").innerText()).toBe("Shows 2 of 6 drawn runs: sgd-0, sgd-2");
    await editor.getByTestId("panel-editor-apply").click();
    await expect.poll(() => legendNames(acc)).toEqual(["sgd-0", "sgd-2"]);
    await saved();
    expect((await savedPanel("auto:val/acc"))?.runs?.ids).toHaveLength(2);

    // Grouped: a panel shows the groups picked for it, each its mean and band over its runs.
    await page.getByTestId("group-by").selectOption("group");
    const vloss = slot("auto:val/loss");
    await expect.poll(() => legendNames(vloss)).toEqual(["adam (3)", "sgd (3)"]);
    editor = await openEditor(vloss);
    await editor.getByRole("radio", { name: "Groups" }).click();
    await editor.getByRole("group", { name: "groups", exact: true }).getByRole("checkbox", { name: "sgd" }).check();
    await editor.getByTestId("panel-editor-apply").click();
    await expect.poll(() => legendNames(vloss)).toEqual(["sgd (3)"]);
    await expect.poll(() => legendNames(slot("auto:train/acc"))).toEqual(["adam (3)", "sgd (3)"]);
    await shot(page, "paneledit-groups");
    await saved();
    expect((await savedPanel("auto:val/loss"))?.runs).toMatchObject({ groups: ["sgd"], ids: null, name_regex: null });
    await page.getByTestId("group-by").selectOption("");
    await expect.poll(() => legendNames(vloss)).toHaveLength(6); // groups apply while grouped
  });
});

describe("full screen", () => {
  it("opens a chart over the window with its legend and own zoom, and its editor; Esc closes", async () => {
    const grid = slot("auto:train/acc");
    await grid.scrollIntoViewIfNeeded();
    await grid.locator("canvas").waitFor();
    const gridX = await scale(grid, "x");
    expect(gridX).toBe("0 39");
    await grid.locator(".panel-head").hover();
    await grid.getByTestId("panel-fullscreen-open").click();
    const full = page.getByTestId("panel-fullscreen");
    await full.locator("canvas").waitFor();
    expect(new URL(page.url()).searchParams.get("fullscreen")).toBe("auto:train/acc");
    // Window-sized, with the legend.
    const box = await full.boundingBox();
    const view = page.viewportSize();
    expect(box && view && box.width > view.width * 0.9 && box.height > view.height * 0.9).toBe(true);
    await expect.poll(() => legendNames(full)).toHaveLength(6);
    // Drag across the middle of the chart: the full-screen chart zooms, the grid's does not.
    const over = await full.locator(".u-over").boundingBox();
    if (!over) throw new Error("no chart");
    await page.mouse.move(over.x + over.width * 0.25, over.y + over.height / 2);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.5, over.y + over.height / 2, { steps: 5 });
    await page.mouse.up();
    // Its own entry in the URL's zoom (`:` in the panel id escaped once: lib/zoom), none for the grid's.
    await expect.poll(() => new URL(page.url()).searchParams.get("zoom") ?? "").toMatch(/^full%3Aauto%3Atrain\/acc:[\d.]+:[\d.]+$/);
    await expect.poll(async () => Number(((await scale(full, "x")) ?? "").split(" ")[1])).toBeLessThan(25);
    expect(await scale(grid, "x")).toBe(gridX);
    await shot(page, "paneledit-fullscreen-zoomed");

    // The editor opens over it; Esc closes the editor first, then the full-screen view.
    await full.getByTestId("panel-edit").click();
    const editor = page.getByTestId("panel-editor");
    await editor.getByLabel("title").fill("Training accuracy");
    await shot(page, "paneledit-fullscreen-editor");
    await editor.getByTestId("panel-editor-apply").click();
    await expect.poll(() => full.locator(".panel-title").innerText()).toBe("Training accuracy");
    await full.getByTestId("panel-edit").click();
    await editor.waitFor();
    await page.keyboard.press("Escape");
    await expect.poll(() => editor.count()).toBe(0);
    expect(await full.count()).toBe(1);
    await page.keyboard.press("Escape");
    await expect.poll(() => full.count()).toBe(0);
    const params = new URL(page.url()).searchParams;
    expect(params.get("fullscreen")).toBeNull();
    expect(params.get("zoom")).toBeNull(); // the full-screen zoom goes with it; the grid had none
    await expect.poll(() => grid.locator(".panel-title").innerText()).toBe("Training accuracy");
    expect(await scale(grid, "x")).toBe(gridX);
  });
});

describe("the add-panel dialog", () => {
  it("opens on the line chart and picks every metric a regex matches", async () => {
    await page.getByTestId("add-panel").click();
    const d = page.getByTestId("add-panel-dialog");
    expect(await d.getByRole("radio", { name: "Line chart" }).getAttribute("aria-checked")).toBe("true");
    const metrics = d.getByRole("group", { name: "metrics", exact: true });
    await metrics.getByRole("button", { name: /^remove / }).first().click();
    expect(await metrics.getByTestId("ms-chip").count()).toBe(0);
    await metrics.getByLabel("metrics search").fill("val/.*");
    await expect.poll(async () => (await metrics.locator(".ms-option").allInnerTexts()).sort()).toEqual(["val/acc", "val/loss"]);
    await shot(page, "paneledit-multiselect");
    await metrics.getByLabel("metrics search").press("Enter");
    const chips = (): Promise<string[]> => metrics.getByTestId("ms-chip").evaluateAll((els) => els.map((e) => e.getAttribute("data-value") ?? "").sort());
    await expect.poll(chips).toEqual(["val/acc", "val/loss"]);
    // A plain search narrows the list without picking; a click picks one more.
    await metrics.getByLabel("metrics search").fill("TOKENS");
    await metrics.getByRole("checkbox", { name: "tokens" }).check();
    expect(await chips()).toEqual(["tokens", "val/acc", "val/loss"]);
    await d.getByLabel("section", { exact: true }).selectOption({ label: "New section…" });
    await d.getByLabel("new section name").fill("picked");
    await d.getByTestId("add-panel-submit").click();
    const chart = page.locator('[data-section="picked"] [data-testid=panel]');
    await chart.scrollIntoViewIfNeeded();
    await chart.locator("canvas").waitFor();
    // A line per run and metric: 6 runs x 3 metrics.
    await expect.poll(() => chart.getAttribute("data-lines")).toBe("18");
    expect((await chart.locator(".panel-title").innerText()).split(", ").sort()).toEqual(["tokens", "val/acc", "val/loss"]);
    await saved();
  });
});
