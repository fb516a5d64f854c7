// Run colours a user picks, a run highlighted from the table, and where legends sit (issue 13,
// "Charts that can be read"), over four runs the real SDK logged (runcolours_seed.py: rc-0 .. rc-3
// logging `loss` each on its own level; config opt adam/sgd). Colours are checked where a user sees
// them: the table's swatch, the chart's legend and the line's pixels on the canvas.
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { layoutSaved, openSeeded, resetLayout, shot } from "./browser";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openSeeded("runcolours", "runcolours_seed.py"));
  // Picked colours live in the layout: a reused server (E2E_SERVER_DIR) may hold an earlier run's.
  await resetLayout(page.context(), "runcolours");
});
afterAll(async () => {
  await browser.close();
});

const VIOLET = "#8e24aa"; // a palette colour none of the four runs has by itself
const chart = (): Locator => page.locator('[data-testid=panel][data-metric="loss"]');
const row = (name: string): Locator => page.locator("[data-run]", { hasText: name });
const legendColor = (name: string): Promise<string | null> => chart().locator(".legend-item", { hasText: name }).getAttribute("data-color");

/** Canvas pixels of the chart drawn in `hex` at full strength (a dimmed or antialiased edge is not). */
async function pixels(hex: string): Promise<number> {
  return chart()
    .locator("canvas")
    .evaluate((c: HTMLCanvasElement, color: string) => {
      const n = parseInt(color.slice(1), 16);
      const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
      const { data } = (c.getContext("2d") as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        // The canvas is transparent under the lines: a faded line has the colour at a low alpha.
        if ((data[i + 3] as number) > 200 && Math.abs((data[i] as number) - r) < 30 && Math.abs((data[i + 1] as number) - g) < 30 && Math.abs((data[i + 2] as number) - b) < 30) count += 1;
      }
      return count;
    }, hex);
}

/** A point (page CSS px) on the chart's line drawn in `hex`: the middle of its pixels in the
 * canvas's middle column band, so the mouse lands on the line and not on its end. */
async function linePoint(hex: string): Promise<[number, number]> {
  const canvas = chart().locator("canvas");
  await expect.poll(() => pixels(hex)).toBeGreaterThan(20);
  const at = await canvas.evaluate((c: HTMLCanvasElement, color: string) => {
    const n = parseInt(color.slice(1), 16);
    const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
    const { data } = (c.getContext("2d") as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height);
    const hits: [number, number][] = [];
    for (let y = 0; y < c.height; y++) {
      for (let x = Math.floor(c.width * 0.4); x < c.width * 0.6; x++) {
        const i = (y * c.width + x) * 4;
        if ((data[i + 3] as number) > 200 && Math.abs((data[i] as number) - r) < 30 && Math.abs((data[i + 1] as number) - g) < 30 && Math.abs((data[i + 2] as number) - b) < 30) hits.push([x, y]);
      }
    }
    const [x, y] = hits[Math.floor(hits.length / 2)] as [number, number];
    return [x / (c.width / c.clientWidth), y / (c.height / c.clientHeight)];
  }, hex);
  const box = (await canvas.boundingBox()) as { x: number; y: number };
  return [box.x + (at[0] as number), box.y + (at[1] as number)];
}

async function openWorkspace(query = ""): Promise<void> {
  await page.goto(`/root/runcolours${query}`);
  await chart().locator("canvas").waitFor();
  await expect.poll(() => chart().locator(".legend-item").count()).toBeGreaterThan(0);
}

describe("run colours", () => {
  it("keeps a picked colour in the table, the legend, the line and the compare page after a reload", async () => {
    await openWorkspace();
    const auto = await row("rc-1").locator(".run-swatch .swatch").getAttribute("data-color");
    expect(auto).not.toBe(VIOLET);
    await row("rc-1").locator(".run-swatch").click();
    const picker = page.getByTestId("color-picker");
    await picker.locator(`[data-color="${VIOLET}"]`).click();
    await expect.poll(() => row("rc-1").locator(".run-swatch .swatch").getAttribute("data-color")).toBe(VIOLET);
    await shot(page, "runcolours-picker");
    await page.keyboard.press("Escape");
    await expect.poll(() => picker.count()).toBe(0);
    await layoutSaved(page);

    await openWorkspace();
    await expect.poll(() => row("rc-1").locator(".run-swatch .swatch").getAttribute("data-color")).toBe(VIOLET);
    await expect.poll(() => legendColor("rc-1")).toBe(VIOLET);
    await expect.poll(() => pixels(VIOLET)).toBeGreaterThan(50); // the line is drawn in it
    expect(await pixels(auto as string)).toBe(0); // and no longer in its old colour
    await shot(page, "runcolours-after-reload");

    // The compare page draws the run in its picked colour too.
    const ids = await Promise.all(["rc-0", "rc-1"].map((n) => row(n).getAttribute("data-run")));
    await page.goto(`/root/runcolours/compare?runs=${ids.join(",")}`);
    await expect.poll(() => legendColor("rc-1")).toBe(VIOLET);
  });

  it("highlights a run in every chart while the mouse is on its row: on top, thicker, the rest dimmed", async () => {
    await openWorkspace();
    const other = (await row("rc-0").locator(".run-swatch .swatch").getAttribute("data-color")) as string;
    await expect.poll(() => pixels(VIOLET)).toBeGreaterThan(50);
    const [before, otherBefore] = [await pixels(VIOLET), await pixels(other)];
    // Cheap: the same canvas redrawn (a rebuilt chart has a new one), no series asked for again.
    await chart().locator("canvas").evaluate((c) => (c.dataset.mark = "before-hover"));
    const asked: string[] = [];
    page.on("request", (r) => r.url().includes("/series") && asked.push(r.url()));
    await row("rc-1").locator("[data-col=name]").hover();
    await expect.poll(() => chart().locator(".uplot-box").getAttribute("data-highlight")).toBe("rc-1");
    expect(await pixels(VIOLET)).toBeGreaterThan(before * 1.5); // thicker
    expect(await pixels(other)).toBeLessThan(otherBefore / 4); // faded
    expect(await chart().locator("canvas").getAttribute("data-mark")).toBe("before-hover");
    expect(asked).toEqual([]);
    await shot(page, "runcolours-table-highlight");
    await page.getByTestId("run-count").hover();
    await expect.poll(() => chart().locator(".uplot-box").getAttribute("data-highlight")).toBe("");
    await expect.poll(() => pixels(other)).toBeGreaterThan(otherBefore / 2);

    // Grouped: a group row highlights its mean line; its swatch takes a colour like a run's.
    await openWorkspace("?group=c%3Aopt");
    const sgd = page.getByTestId("group-row").filter({ hasText: "sgd" });
    await sgd.hover();
    await expect.poll(() => chart().locator(".uplot-box").getAttribute("data-highlight")).toBe("sgd (2)");
    await sgd.locator(".run-swatch").click();
    await page.getByTestId("color-custom").fill("#00aa55");
    await expect.poll(() => sgd.locator(".swatch").getAttribute("data-color")).toBe("#00aa55");
    await expect.poll(() => legendColor("sgd")).toBe("#00aa55");
    await shot(page, "runcolours-group");
    // Back to automatic: the group's own colour again.
    await page.getByTestId("color-reset").click();
    await expect.poll(() => legendColor("sgd")).not.toBe("#00aa55");
    await layoutSaved(page);
  });

  it("lights a run's row in the table while the mouse is on its line or its legend entry", async () => {
    await openWorkspace();
    const bg = (name: string): Promise<string> => row(name).evaluate((el) => getComputedStyle(el).backgroundColor);
    const lit = (name: string): Promise<boolean> => row(name).evaluate((el) => el.classList.contains("is-lit"));
    // The look of a row under the mouse, which a row pointed at in a chart must share.
    await row("rc-0").locator("[data-col=name]").hover();
    const hoverBg = await bg("rc-0");
    await page.getByTestId("run-count").hover();
    const plainBg = await bg("rc-2");
    expect(plainBg).not.toBe(hoverBg);

    // On rc-2's line: found on the canvas by its colour, where a user sees it.
    const color = (await row("rc-2").locator(".run-swatch .swatch").getAttribute("data-color")) as string;
    await page.mouse.move(...(await linePoint(color)));
    await expect.poll(() => chart().locator(".uplot-box").getAttribute("data-pointed")).toBe("rc-2");
    await expect.poll(() => lit("rc-2")).toBe(true);
    expect(await bg("rc-2")).toBe(hoverBg);
    expect(await lit("rc-1")).toBe(false);
    // The line itself is drawn on top and thicker in that chart.
    await expect.poll(() => chart().locator(".uplot-box").getAttribute("data-highlight")).toBe("rc-2");
    // The tooltip names it first, in bold, though rc-3 has the larger value.
    await expect.poll(() => chart().locator(".chart-tooltip .tt-row").first().innerText()).toContain("rc-2");
    expect(await chart().locator(".chart-tooltip .tt-pointed").count()).toBe(1);
    await shot(page, "runcolours-line-hover-row");
    // Off the line, between rc-1's level (10..14) and rc-2's (20..24): the row goes back.
    const box = (await chart().locator(".u-over").boundingBox()) as { x: number; y: number; width: number; height: number };
    const [ymin, ymax] = ((await chart().locator(".uplot-box").getAttribute("data-y-scale")) as string).split(" ").map(Number) as [number, number];
    await page.mouse.move(box.x + box.width / 2, box.y + ((ymax - 17) / (ymax - ymin)) * box.height);
    await expect.poll(() => lit("rc-2")).toBe(false);
    expect(await bg("rc-2")).toBe(plainBg);

    // A legend entry does the same.
    await chart().locator(".legend-item", { hasText: "rc-3" }).hover();
    await expect.poll(() => lit("rc-3")).toBe(true);
    await shot(page, "runcolours-legend-hover-row");
    await page.getByTestId("run-count").hover();
    await expect.poll(() => lit("rc-3")).toBe(false);
  });

  it("puts the legends below, at the right or nowhere, kept in the URL", async () => {
    await openWorkspace();
    await page.getByTestId("legend-place").selectOption("right");
    await expect.poll(() => new URL(page.url()).searchParams.get("legend")).toBe("right");
    const beside = async (): Promise<boolean> => {
      const [canvas, legend] = await Promise.all([chart().locator("canvas").boundingBox(), chart().getByTestId("legend").boundingBox()]);
      return Boolean(canvas && legend && legend.x >= canvas.x + canvas.width - 2 && legend.y < canvas.y + canvas.height);
    };
    await expect.poll(beside).toBe(true);
    await shot(page, "runcolours-legend-right");
    await page.reload();
    await chart().locator("canvas").waitFor();
    await expect.poll(beside).toBe(true);
    await page.getByTestId("legend-place").selectOption("hidden");
    await expect.poll(() => chart().getByTestId("legend").count()).toBe(0);
    await expect.poll(() => chart().locator("canvas").count()).toBe(1);
    await page.getByTestId("legend-place").selectOption("bottom");
    await expect.poll(() => new URL(page.url()).searchParams.get("legend")).toBe(null);
    // The popover in the dark theme (a screenshot to look at).
    await page.getByTestId("theme").click();
    await row("rc-2").locator(".run-swatch").click();
    await page.getByTestId("color-picker").waitFor();
    await shot(page, "runcolours-dark");
    await page.keyboard.press("Escape");
    await page.getByTestId("theme").click();
  });
});
