// Logged media and tables in a real browser, over handbook examples 04 (images, a matplotlib figure,
// audio at epochs 0, 10, 20; run twice) and 05 (a three-row table) run unchanged by the seed with the
// real SDK.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, shot, signedIn } from "./browser";

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  context = await signedIn(browser, inject("serverUrl"), inject("apiKey"));
  page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
});
afterAll(async () => {
  await browser.close();
});

const card = (key: string) => page.locator(`[data-testid=media-card][data-key="${key}"]`);

async function openRun(project: string): Promise<void> {
  await page.goto(`/root/${project}`);
  await page.locator("[data-run] .run-link").first().click();
  await page.getByTestId("overview").waitFor();
  await page.getByRole("link", { name: "Media", exact: true }).click();
  await page.getByTestId("media").waitFor();
  expect(page.url()).toContain("tab=media");
}

describe("media", () => {
  it("shows each image key at a step, with its caption, stepping with the keyboard", async () => {
    await openRun("media-demo");
    const image = card("examples/prediction_image");
    expect(await image.getAttribute("data-kind")).toBe("image");
    expect(await card("charts/confidence_curve").getAttribute("data-kind")).toBe("image");
    // The latest step first: epoch 20 at step 2.
    await expect.poll(() => image.getByTestId("step-label").innerText()).toMatch(/step 2 · epoch 20/);
    expect(await image.getByTestId("media-caption").innerText()).toBe("Epoch 20 sample");
    // One step back with the left arrow key: step 1 holds epoch 10's image.
    await image.getByTestId("step-slider").focus();
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => image.getByTestId("step-label").innerText()).toMatch(/step 1 · epoch 10\b/);
    expect(await image.getByTestId("media-caption").innerText()).toBe("Epoch 10 sample");
    const img = image.getByTestId("media-img");
    expect(await img.getAttribute("src")).toMatch(/\/files\/media\/images\/examples\/prediction_image_1_[0-9a-f]+\.png$/);
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(128);
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => image.getByTestId("media-caption").innerText()).toBe("Epoch 20 sample");
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => image.getByTestId("media-caption").innerText()).toBe("Epoch 10 sample");
    // The step is in the URL: a reload (or a shared link) shows the same image.
    expect(decodeURIComponent(page.url())).toContain("step:examples/prediction_image=1");
    await page.reload();
    await expect.poll(() => card("examples/prediction_image").getByTestId("media-caption").innerText()).toBe("Epoch 10 sample");
    expect(await card("charts/confidence_curve").getByTestId("step-label").innerText()).toMatch(/step 2/);
    await shot(page, "run-media");
    // Play steps through the logged images, from step 1 to the last one, then stops.
    const again = card("examples/prediction_image");
    await again.getByTestId("step-play").click();
    await expect.poll(() => again.getByTestId("media-caption").innerText(), { timeout: 5000 }).toBe("Epoch 20 sample");
    await expect.poll(() => again.getByTestId("step-play").getAttribute("aria-label")).toBe("play");
  });

  it("zooms an image to its exact pixels", async () => {
    await card("examples/prediction_image").getByTestId("media-img").click();
    const zoom = page.getByTestId("media-zoom");
    await zoom.waitFor();
    const big = zoom.locator("img");
    expect(await big.evaluate((el) => getComputedStyle(el).imageRendering)).toBe("pixelated");
    await expect.poll(() => big.evaluate((el) => el.getBoundingClientRect().width)).toBe(128);
    await zoom.getByRole("button", { name: "4×" }).click();
    await expect.poll(() => big.evaluate((el) => el.getBoundingClientRect().width)).toBe(512);
    await shot(page, "run-media-zoom");
    await page.keyboard.press("Escape");
    await expect.poll(() => zoom.count()).toBe(0);
  });

  it("plays the logged audio", async () => {
    const audio = card("audio/sample_output");
    expect(await audio.getAttribute("data-kind")).toBe("audio");
    const player = audio.getByTestId("media-audio");
    expect(await player.getAttribute("controls")).not.toBeNull();
    expect(await audio.getByTestId("media-caption").innerText()).toBe("Epoch 20");
    // The browser reads the WAV the SDK wrote: one second at 16 kHz.
    await expect.poll(() => player.evaluate((el) => Math.round((el as HTMLAudioElement).duration))).toBe(1);
    // Its waveform, decoded from the same file: noise the example draws in [-0.1, 0.1].
    const wave = audio.getByTestId("waveform");
    await wave.waitFor();
    expect(await wave.getAttribute("data-duration")).toBe("1.000");
    const peak = Number(await wave.getAttribute("data-peak"));
    expect(peak).toBeGreaterThan(0.09);
    expect(peak).toBeLessThanOrEqual(0.1001);
    // A click halfway along plays from the middle.
    const box = await wave.boundingBox();
    if (!box) throw new Error("no waveform box");
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => player.evaluate((el) => Math.round((el as HTMLAudioElement).currentTime * 10) / 10)).toBe(0.5);
    // The played half is drawn in the accent colour, the rest muted.
    const colours = () =>
      wave.evaluate((el) => {
        const c = el as HTMLCanvasElement;
        const px = (x: number) => Array.from(c.getContext("2d")?.getImageData(x, c.height / 2, 1, 1).data ?? []).join(",");
        return [px(Math.floor(c.width * 0.25)), px(Math.floor(c.width * 0.75))];
      });
    await expect.poll(async () => new Set(await colours()).size).toBe(2);
    await shot(page, "run-media-audio-waveform");
  });

  it("shows a logged table: sort by a column, filter with an expression, refuse unsafe ones", async () => {
    await openRun("table-demo");
    const table = card("validation/prediction_table");
    expect(await table.getAttribute("data-kind")).toBe("table");
    const rows = table.getByTestId("table-row");
    await expect.poll(() => rows.count()).toBe(3);
    expect(await table.getByTestId("table-count").innerText()).toBe("3 rows");
    const confidences = () => table.locator('[data-testid=table-row] [data-column="confidence"]').allInnerTexts();
    expect(await confidences()).toEqual(["0.97", "0.93", "0.41"]);
    const header = table.locator('[data-testid=table-th][data-column="confidence"]');
    await header.click();
    await expect.poll(confidences).toEqual(["0.41", "0.93", "0.97"]);
    await header.click();
    await expect.poll(confidences).toEqual(["0.97", "0.93", "0.41"]);
    await shot(page, "run-table-sorted");

    const filter = table.getByTestId("table-filter");
    await filter.fill('row["confidence"] < 0.5');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await table.getByTestId("table-count").innerText()).toBe("1 of 3 rows");
    expect(await table.locator('[data-testid=table-row] [data-column="text"]').innerText()).toBe("can you add dark mode to the dashboard");
    await filter.fill('row["confidence"] < 0.5 and row["actual_label"] != row["predicted_label"]');
    await expect.poll(() => rows.count()).toBe(1);
    await shot(page, "run-table-filtered");
    // Filter and sort are part of the link.
    await page.reload();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await filter.inputValue()).toBe('row["confidence"] < 0.5 and row["actual_label"] != row["predicted_label"]');
    expect(await header.getAttribute("aria-sort")).toBe("descending");

    await filter.fill('__import__("os")');
    await expect.poll(() => table.getByRole("alert").innerText()).toContain("function calls are not allowed");
    await filter.fill('row["nope"] > 1');
    await expect.poll(() => table.getByRole("alert").innerText()).toContain('unknown column "nope"');
    await filter.fill("");
    await expect.poll(() => rows.count()).toBe(3);
  });

  it("exports the shown rows as CSV", async () => {
    const table = card("validation/prediction_table");
    await table.getByTestId("table-filter").fill('row["actual_label"] == "bug"');
    await expect.poll(() => table.getByTestId("table-row").count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent("download"), table.getByTestId("table-csv").click()]);
    const path = await download.path();
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(path, "utf8")).toBe("text,actual_label,predicted_label,confidence\r\nthe app crashes on launch on ios,bug,bug,0.93\r\n");
  });

  it("shows each media key in the workspace, the runs side by side, with a shared step slider", async () => {
    await page.goto("/root/media-demo");
    const section = page.getByTestId("media-section");
    await section.waitFor();
    const panel = section.locator('[data-testid=media-panel][data-key="examples/prediction_image"]');
    const runs = panel.getByTestId("media-panel-run");
    await expect.poll(() => runs.count()).toBe(2);
    await expect.poll(() => panel.getByTestId("media-caption").allInnerTexts()).toEqual(["Epoch 20 sample", "Epoch 20 sample"]);
    await panel.getByTestId("step-slider").focus();
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => panel.getByTestId("media-caption").allInnerTexts()).toEqual(["Epoch 10 sample", "Epoch 10 sample"]);
    expect(await panel.getByTestId("step-label").innerText()).toMatch(/^step 1\b/);
    for (const img of await panel.getByTestId("media-img").all()) {
      expect(await img.getAttribute("src")).toMatch(/prediction_image_1_[0-9a-f]+\.png$/);
      await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(128);
    }
    const audio = section.locator('[data-testid=media-panel][data-key="audio/sample_output"]');
    await expect.poll(() => audio.getByTestId("media-audio").count()).toBe(2);
    await shot(page, "workspace-media");

    await page.goto("/root/table-demo");
    const table = page.locator('[data-testid=media-panel][data-key="validation/prediction_table"]');
    await expect.poll(() => table.innerText()).toContain("3 rows × 4 columns");
    await table.getByRole("link", { name: "open" }).click();
    await expect.poll(() => page.getByTestId("table-row").count()).toBe(3);
  });

  it("shows galleries, histograms, sandboxed HTML and media cells in tables", async () => {
    await openRun("media-kinds");
    const gallery = card("gallery");
    await expect.poll(() => gallery.getByTestId("media-img").count()).toBe(6);
    expect(await gallery.getByTestId("media-caption").allInnerTexts()).toEqual(["digit 0", "digit 1", "digit 2", "digit 3", "digit 4", "digit 5"]);
    // 8x8 images are scaled up by a whole factor with sharp pixels.
    const first = gallery.getByTestId("media-img").first();
    expect(await first.evaluate((el) => getComputedStyle(el).imageRendering)).toBe("pixelated");

    // Logged at two steps: a heat map over the steps first, the bars of one step a click away.
    expect(await card("weights").getByTestId("histogram-steps").getAttribute("data-steps")).toBe("2");
    await card("weights").getByTestId("hist-mode-step").click();
    const bars = card("weights").locator("[data-testid=media-histogram] rect");
    await expect.poll(() => bars.count()).toBe(3);
    const heights = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute("height"))));
    expect(heights[1]).toBeGreaterThan(heights[2] ?? 0);
    expect(heights[2]).toBeGreaterThan(heights[0] ?? 0);

    // The HTML renders, but in a sandbox without scripts or the app's origin.
    const frame = card("report").getByTestId("media-html");
    expect(await frame.getAttribute("sandbox")).toBe("");
    const report = () => page.frames().find((f) => f.url().includes("/files/media/html/report_1_"));
    await expect.poll(async () => (await report()?.locator("body").innerText()) ?? "").toBe("Report 1");

    const table = card("samples");
    await expect.poll(() => table.getByTestId("table-count").innerText()).toBe("30 rows");
    await expect.poll(() => table.locator("[data-testid=table-row] [data-column=image] img").first().evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(16);
    expect(await table.locator("[data-testid=table-row] [data-column=audio] audio").count()).toBe(2);
    await table.getByTestId("table-filter").fill('row["label"] == "dog" and row["score"] > 0.5');
    // ids 16, 19, 22, 25, 28 have label dog (i % 3 == 1) and score i/30 > 0.5.
    await expect.poll(() => table.locator('[data-testid=table-row] [data-column="id"]').allInnerTexts()).toEqual(["16", "19", "22", "25", "28"]);
    await shot(page, "run-media-kinds");

    // A Plotly figure is drawn by plotly.js in the sandboxed viewer (loaded only now), with its two
    // traces and title (media-3d.e2e.ts checks that the frame cannot reach the app).
    const curve = card("curve");
    expect(await curve.getAttribute("data-kind")).toBe("plotly");
    const viewer = curve.getByTestId("media-viewer");
    await expect.poll(() => viewer.getAttribute("data-state"), { timeout: 15_000 }).toBe("drawn");
    expect(JSON.parse((await viewer.getAttribute("data-detail")) ?? "{}")).toMatchObject({ traces: 2 });
    const plot = (await (await viewer.getByTestId("media-viewer-frame").elementHandle())?.contentFrame())?.locator("body");
    if (!plot) throw new Error("no viewer frame");
    expect(await plot.locator(".legendtext").allTextContents()).toEqual(["train", "val"]);
    expect(await plot.locator(".gtitle").textContent()).toBe("curve at step 1");
    expect(await plot.locator(".barlayer .point").count()).toBe(3);
    await curve.scrollIntoViewIfNeeded();
    await shot(page, "run-media-plotly");
  });

  it("finds media logged at a few of many steps", async () => {
    await openRun("sparse-media");
    const sample = card("sample");
    await expect.poll(() => sample.getByTestId("step-label").innerText()).toMatch(/step 2400 \(2\/2\)/);
    expect(await sample.getByTestId("media-caption").innerText()).toBe("at 2400");
    await sample.getByTestId("step-slider").focus();
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => sample.getByTestId("media-caption").innerText()).toBe("at 1500");
    await page.goto("/root/sparse-media");
    const panel = page.locator('[data-testid=media-panel][data-key="sample"]');
    await expect.poll(() => panel.getByTestId("media-caption").allInnerTexts()).toEqual(["at 2400"]);
  });
});
