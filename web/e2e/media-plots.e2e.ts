// trackwell.plot charts, histograms over steps, masks and boxes, and a numpy video in a real browser.
// The runs are logged by the real SDK (media_plots_seed.py, fixed values) into the e2e server.
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSeeded, shot } from "./browser";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openSeeded("media-plots", "media_plots_seed.py"));
});
afterAll(async () => {
  await browser.close();
});

/** An RGBA pixel within 2 of each channel: a canvas keeps colours premultiplied by alpha. */
const near = (rgba: number[]): unknown[] => rgba.map((v) => expect.toSatisfy((got: number) => Math.abs(got - v) <= 2));

const card = (key: string): Locator => page.locator(`[data-testid=media-card][data-key="${key}"]`);

/** The uPlot legend of a chart: [label, value at the cursor] per series, the x axis first. */
async function legend(chart: Locator): Promise<[string, string][]> {
  return chart.locator(".u-legend .u-series").evaluateAll((rows) => rows.map((r) => [r.querySelector(".u-label")?.textContent ?? "", r.querySelector(".u-value")?.textContent ?? ""] as [string, string]));
}

/** Moves the mouse to a fraction of a chart's plotting area (0..1 from the left, from the bottom). */
async function hoverAt(chart: Locator, fx: number, fy: number): Promise<void> {
  await chart.locator(".u-over").scrollIntoViewIfNeeded();
  const box = await chart.locator(".u-over").boundingBox();
  if (!box) throw new Error("chart has no plotting area");
  await page.mouse.move(box.x + box.width * fx, box.y + box.height * (1 - fy));
}

describe("media plots", () => {
  it("draws the confusion matrix as a heat map with counts, class names, hover and a step slider", async () => {
    await page.goto("/root/media-plots");
    await page.locator("[data-run] .run-link").first().click();
    await page.getByTestId("overview").waitFor();
    await page.getByRole("link", { name: "Media", exact: true }).click();
    await page.getByTestId("media").waitFor();
    const cm = card("confusion_table");
    expect(await cm.getAttribute("data-kind")).toBe("chart");
    expect(await cm.locator(".panel-title").innerText()).toBe("confusion");
    const counts = () => cm.getByTestId("confusion-cell").evaluateAll((cells) => cells.map((c) => Number(c.getAttribute("data-count"))));
    // The latest step (19): every prediction right.
    await expect.poll(counts).toEqual([4, 0, 0, 0, 3, 0, 0, 0, 3]);
    expect(await cm.getByTestId("chart-title").innerText()).toBe("Confusions");
    expect(await cm.getByTestId("confusion-actual").allTextContents()).toEqual(["cat", "dog", "bird"]);
    expect(await cm.getByTestId("confusion-predicted").allTextContents()).toEqual(["cat", "dog", "bird"]);
    await cm.getByTestId("step-slider").focus();
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => cm.getByTestId("step-label").innerText()).toMatch(/^step 0\b/);
    // Rows are actual classes, columns predicted ones.
    await expect.poll(counts).toEqual([2, 1, 1, 1, 2, 0, 0, 1, 2]);
    expect(await cm.locator(".cm-count").allTextContents()).toEqual(["2", "1", "1", "1", "2", "0", "0", "1", "2"]);
    await cm.locator('[data-testid=confusion-cell][data-actual="cat"][data-predicted="dog"] rect').hover();
    await expect.poll(() => cm.getByTestId("chart-hover").innerText()).toBe("actual cat · predicted dog · count 1");
    await cm.locator('[data-testid=confusion-cell][data-actual="bird"][data-predicted="bird"] rect').hover();
    await expect.poll(() => cm.getByTestId("chart-hover").innerText()).toBe("actual bird · predicted bird · count 2");
    await cm.scrollIntoViewIfNeeded();
    await shot(page, "plots-confusion");
    // The chart's table opens in the table viewer, and back.
    await cm.getByTestId("chart-as-table").click();
    await expect.poll(() => cm.getByTestId("table-count").innerText()).toBe("9 rows");
    await cm.getByTestId("chart-as-table").click();
    await expect.poll(() => cm.getByTestId("confusion-cell").count()).toBe(9);
  });

  it("draws ROC and PR curves, a line per class, with hover values and legend toggles", async () => {
    const roc = card("roc_table");
    await roc.getByTestId("chart-xy").locator(".u-over").waitFor();
    expect((await legend(roc)).map((r) => r[0])).toEqual(["False positive rate", "neg", "pos"]);
    // At fpr 0.5: pos is on its vertical step there (0.75 or 1), neg already at 1.
    await hoverAt(roc, 0.6, 0.5);
    await expect.poll(async () => (await legend(roc))[0]?.[1]).toBe("0.5");
    const values = Object.fromEntries(await legend(roc));
    expect(values.neg).toBe("1");
    expect(["0.75", "1"]).toContain(values.pos);
    // Clicking a legend entry hides that class's line.
    const neg = roc.locator(".u-legend .u-series").nth(1);
    await neg.locator(".u-label").click();
    await expect.poll(() => neg.getAttribute("class")).toContain("u-off");
    await roc.scrollIntoViewIfNeeded();
    await shot(page, "plots-roc");
    await neg.locator(".u-label").click();
    await expect.poll(() => neg.getAttribute("class")).not.toContain("u-off");

    // A table file with bare NaN (Python's json) still loads; NaN points are not drawn.
    await expect.poll(() => card("roc_one_class_table").getByTestId("media-chart").innerText()).toContain("No points to draw");

    const pr = card("pr_table");
    expect((await legend(pr)).map((r) => r[0])).toEqual(["Recall", "neg", "pos"]);
    // Interpolated precision: pos reaches 1 from recall 0.75 down, 0.667 above.
    await hoverAt(pr, 0.5, 0.5);
    await expect.poll(async () => Object.fromEntries(await legend(pr))).toEqual({ Recall: "0.5", neg: "1", pos: "1" });
    await hoverAt(pr, 0.9, 0.5);
    await expect.poll(async () => Object.fromEntries(await legend(pr))).toEqual({ Recall: "0.9", neg: "0.8", pos: "0.667" });
  });

  it("draws line, line series and bar charts from their tables", async () => {
    const squares = card("squares_table");
    expect(await squares.getByTestId("chart-title").innerText()).toBe("Squares");
    await squares.getByTestId("chart-xy").locator(".u-over").waitFor();
    await hoverAt(squares, 0.31, 0.5);
    await expect.poll(async () => Object.fromEntries(await legend(squares))).toEqual({ x: "3", y: "9" });
    // Drag from x = 2 to x = 4 zooms in: the middle is then x = 3; a double click zooms back out.
    const over = await squares.locator(".u-over").boundingBox();
    if (!over) throw new Error("no plotting area");
    await page.mouse.move(over.x + over.width * 0.2, over.y + over.height * 0.9);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.3, over.y + over.height * 0.5, { steps: 4 });
    await page.mouse.move(over.x + over.width * 0.4, over.y + over.height * 0.1, { steps: 4 });
    await page.mouse.up();
    await hoverAt(squares, 0.5, 0.5);
    await expect.poll(async () => Object.fromEntries(await legend(squares))).toEqual({ x: "3", y: "9" });
    await page.mouse.dblclick(over.x + over.width * 0.5, over.y + over.height * 0.5);
    await hoverAt(squares, 0.51, 0.5);
    await expect.poll(async () => Object.fromEntries(await legend(squares))).toEqual({ x: "5", y: "25" });
    const series = card("series_table");
    expect((await legend(series)).map((r) => r[0])).toEqual(["epoch", "up", "down"]);
    await hoverAt(series, 0, 0.5);
    await expect.poll(async () => Object.fromEntries(await legend(series))).toEqual({ epoch: "0", up: "1", down: "3" });
    const bars = card("counts_table").getByTestId("chart-bar");
    expect(await bars.evaluateAll((els) => els.map((e) => [e.getAttribute("data-label"), Number(e.getAttribute("data-value"))]))).toEqual([
      ["cat", 3],
      ["dog", 5],
      ["bird", 1],
    ]);
    const points = card("points_table");
    await hoverAt(points, 0.5, 0.5);
    await expect.poll(async () => Object.fromEntries(await legend(points))).toEqual({ a: "2", b: "4" });
    // plot.histogram bins its column: 10 values in 5 equal bins over [1, 4].
    expect(await card("spread_table").locator("[data-testid=media-histogram] rect title").allTextContents()).toEqual(["[1, 1.6): 1", "[1.6, 2.2): 2", "[2.2, 2.8): 0", "[2.8, 3.4): 3", "[3.4, 4): 4"]);
    await page.mouse.move(0, 0);
    await shot(page, "plots-charts");
  });

  it("draws a histogram over steps as a heat map with hover, and as a ridge plot", async () => {
    const weights = card("weights").getByTestId("histogram-steps");
    expect(await weights.getAttribute("data-steps")).toBe("20");
    expect(await weights.getAttribute("data-bins")).toBe("10"); // every step shares the logged edges
    // The slider's step (the latest) is outlined.
    expect(await weights.getByTestId("hist-selected").getAttribute("data-step")).toBe("19");
    const heat = weights.getByTestId("hist-heatmap");
    await heat.scrollIntoViewIfNeeded();
    const box = await heat.boundingBox();
    if (!box) throw new Error("no heat map");
    // Step 5 (the 6th of 20 columns), bin 3 ([0.3, 0.4)): the seed logs step + bin = 8 values there.
    await page.mouse.move(box.x + box.width * (5.5 / 20), box.y + box.height * (1 - 3.5 / 10));
    await expect.poll(() => weights.getByTestId("hist-hover").innerText()).toBe("step 5 · [0.3, 0.4) · count 8");
    await page.mouse.move(box.x + box.width * (19.5 / 20), box.y + box.height * (1 - 9.5 / 10));
    await expect.poll(() => weights.getByTestId("hist-hover").innerText()).toBe("step 19 · [0.9, 1) · count 28");
    // The brightest cell is the largest count (28, top right); the smallest (0, bottom left) is empty.
    const pixel = (fx: number, fy: number) =>
      heat.evaluate((c, [x, y]) => Array.from((c as HTMLCanvasElement).getContext("2d")?.getImageData(Math.floor(x * (c as HTMLCanvasElement).width), Math.floor(y * (c as HTMLCanvasElement).height), 1, 1).data ?? []), [fx, fy] as [number, number]);
    expect(await pixel(0.5 / 20, 1 - 0.5 / 10)).toEqual([0, 0, 0, 0]);
    expect(await pixel(19.5 / 20, 1 - 9.5 / 10)).toEqual([253, 231, 37, 255]);

    const acts = card("activations").getByTestId("histogram-steps");
    // Each step binned over its own range (64 bins): re-binned onto 64 common bins.
    expect(await acts.getAttribute("data-bins")).toBe("64");
    await acts.scrollIntoViewIfNeeded();
    await shot(page, "plots-histogram-heatmap");
    await acts.getByTestId("hist-mode-ridge").click();
    await expect.poll(() => acts.getByTestId("ridge-row").count()).toBe(20);
    expect(await acts.getAttribute("data-mode")).toBe("ridge");
    // The latest step is in front: hovering its curve reads out its step, a bin and the bin's count.
    const curve = await acts.locator('[data-testid=ridge-row][data-step="19"] path').boundingBox();
    if (!curve) throw new Error("no ridge curve");
    await page.mouse.move(curve.x + curve.width * 0.75, curve.y + curve.height - 2);
    await expect.poll(() => acts.getByTestId("hist-hover").innerText()).toMatch(/^step 19 · \[-?[\d.]+, -?[\d.]+\) · count [\d.]+$/);
    await shot(page, "plots-histogram-ridge");
  });

  it("overlays masks and boxes on an image, each class toggled on its own", async () => {
    const image = card("segmented");
    const mask = image.getByTestId("overlay-mask");
    // Class 1 ("cat") fills the top right quarter: its pixel there has class 1's colour at 50%.
    const at = (x: number, y: number) => mask.evaluate((c, [px, py]) => Array.from((c as HTMLCanvasElement).getContext("2d")?.getImageData(px, py, 1, 1).data ?? []), [x, y] as [number, number]);
    await expect.poll(() => at(48, 12)).toEqual(near([60, 180, 75, 128]));
    expect(await at(48, 36)).toEqual(near([67, 99, 216, 128])); // class 2, "dog"
    const maskLayer = image.locator('[data-testid=overlay-layer][data-layer="mask:prediction"]');
    expect(await maskLayer.getByTestId("overlay-class").allInnerTexts()).toEqual(["background", "cat", "dog"]);
    await maskLayer.locator('[data-testid=overlay-class][data-class="1"]').click();
    await expect.poll(() => at(48, 12)).toEqual([0, 0, 0, 0]);
    expect(await at(48, 36)).toEqual(near([67, 99, 216, 128]));
    await image.getByTestId("overlay-opacity").fill("1");
    await expect.poll(() => at(48, 36)).toEqual([67, 99, 216, 255]);
    await maskLayer.locator('[data-testid=overlay-class][data-class="1"]').click();
    await image.getByTestId("overlay-opacity").fill("0.5");

    const boxes = image.getByTestId("overlay-box");
    await expect.poll(() => boxes.evaluateAll((els) => els.map((e) => e.getAttribute("data-label")))).toEqual(["cat (score 0.93)", "a dog"]);
    // The relative box covers the top right quarter of the 64x48 image: x 32..64, y 0..24.
    const rect = boxes.first().locator("rect").first();
    expect(await rect.evaluate((r) => ["x", "y", "width", "height"].map((a) => Number(r.getAttribute(a))))).toEqual([32, 0, 32, 24]);
    await image.scrollIntoViewIfNeeded();
    await shot(page, "plots-overlays");
    // Exact pixels: at 8x the 64x48 image, its mask and its boxes are 512x384 (the box scrolls).
    await image.locator('[data-testid=overlay-zoom][data-zoom="8"]').click();
    const sizes = () => image.locator(".overlay-stack > *").evaluateAll((els) => els.map((e) => [Math.round(e.getBoundingClientRect().width), Math.round(e.getBoundingClientRect().height)]));
    await expect.poll(sizes).toEqual([
      [512, 384],
      [512, 384],
      [512, 384],
    ]);
    expect(await mask.evaluate((c) => getComputedStyle(c).imageRendering)).toBe("pixelated");
    await image.locator('[data-testid=overlay-zoom][data-zoom="fit"]').click();
    const boxLayer = image.locator('[data-testid=overlay-layer][data-layer="boxes:detections"]');
    await boxLayer.locator('[data-testid=overlay-class][data-class="2"]').click();
    await expect.poll(() => boxes.count()).toBe(1);
    await boxLayer.getByTestId("overlay-layer-toggle").uncheck();
    await expect.poll(() => boxes.count()).toBe(0);
  });

  it("plays a numpy video (the SDK writes a GIF) with all its frames", async () => {
    const video = card("rollout").getByTestId("media-video");
    expect(await video.evaluate((e) => e.tagName)).toBe("IMG");
    expect(await video.getAttribute("src")).toMatch(/\/files\/media\/videos\/rollout_0_[0-9a-f]+\.gif$/);
    await expect.poll(() => video.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(32);
    expect(await card("rollout").getByTestId("media-caption").innerText()).toBe("a square moving right");
    // Chromium decodes the file the SDK wrote: 8 frames at 4 fps (250 ms each).
    const frames = await video.evaluate(async (el) => {
      const bytes = await (await fetch((el as HTMLImageElement).src)).arrayBuffer();
      const decoder = new ImageDecoder({ data: bytes, type: "image/gif" });
      await decoder.tracks.ready;
      const first = await decoder.decode({ frameIndex: 0 });
      return { count: decoder.tracks.selectedTrack?.frameCount, ms: (first.image.duration ?? 0) / 1000, animated: decoder.tracks.selectedTrack?.animated };
    });
    expect(frames).toEqual({ count: 8, ms: 250, animated: true });
  });

  it("shows the charts and histograms over steps in the workspace media section", async () => {
    await page.goto("/root/media-plots");
    const section = page.getByTestId("media-section");
    await section.waitFor();
    const cm = section.locator('[data-testid=media-panel][data-key="confusion_table"]');
    await expect.poll(() => cm.getAttribute("data-kind")).toBe("chart");
    await expect.poll(() => cm.getByTestId("confusion-cell").evaluateAll((cells) => cells.map((c) => Number(c.getAttribute("data-count"))))).toEqual([4, 0, 0, 0, 3, 0, 0, 0, 3]);
    await cm.getByTestId("step-slider").focus();
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => cm.getByTestId("confusion-cell").evaluateAll((cells) => cells.map((c) => Number(c.getAttribute("data-count"))))).toEqual([2, 1, 1, 1, 2, 0, 0, 1, 2]);
    const roc = section.locator('[data-testid=media-panel][data-key="roc_table"]');
    await expect.poll(async () => (await legend(roc)).map((r) => r[0])).toEqual(["False positive rate", "neg", "pos"]);
    const weights = section.locator('[data-testid=media-panel][data-key="weights"]');
    await expect.poll(() => weights.getByTestId("histogram-steps").getAttribute("data-steps")).toBe("20");
    await expect.poll(() => section.locator('[data-testid=media-panel][data-key="segmented"]').getByTestId("overlay-box").count()).toBe(2);
    await cm.scrollIntoViewIfNeeded();
    await shot(page, "plots-workspace");
  });
});
