// The run comparer, number, markdown note and media panels, added through "+ Panel" over runs the
// real SDK logged (paneltypes_seed.py: six runs with capitalised names and nested config, known
// final val/acc, images under `samples` in three runs): what each shows, a hostile note rendered
// inert, the note's size limit, and all four kept across a reload. Screenshots go to
// .test-artifacts/e2e/ (and E2E_SHOTS_DIR).
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addPanelWith, layoutSaved, openSeeded, resetLayout, shot } from "./browser";

const LAYOUT = "/api/v1/layouts/root/paneltypes";
const NAMES = ["ResNet-A", "ResNet-B", "ViT-C", "ViT-D", "MLP-E", "MLP-F"];
const NOTE = [
  "# Release notes",
  "",
  "See [the docs](https://example.com/docs) and the table:",
  "",
  "| lr | acc |",
  "|---|---|",
  "| 0.1 | 0.93 |",
  "",
  "<script>window.__pwned = 1</script>",
  "",
  '<img src="x" onerror="window.__pwned = 2">',
].join("\n");

let browser: Browser;
let context: BrowserContext;
let page: Page;


beforeAll(async () => {
  ({ browser, context, page } = await openSeeded("paneltypes", "paneltypes_seed.py"));
  await resetLayout(context, "paneltypes");
});
afterAll(async () => {
  await browser.close();
});

const typed = (type: string) => page.locator(`[data-testid=panel-slot]:has([data-panel-type=${type}])`);
const comparer = () => typed("comparer");
const rowKeys = (block: string) => comparer().locator(`tbody[data-block=${block}] tr[data-key]`).evaluateAll((els) => els.map((e) => e.getAttribute("data-key")));

const saved = (): Promise<void> => layoutSaved(page);
const addPanel = (kind: string, fill: (dialog: Locator) => Promise<unknown>): Promise<void> => addPanelWith(page, kind, fill);

describe("panel types", () => {
  it("adds a run comparer: differences only by default, keys and names in their case, long values cut", async () => {
    await page.goto("/root/paneltypes");
    await page.locator("[data-testid=panel-slot] canvas").first().waitFor();
    await addPanel("Run comparer", async () => undefined);
    const runs = comparer().locator("thead th.comparer-run");
    await expect.poll(() => runs.count()).toBe(6);
    // innerText applies CSS text-transform: the names read exactly as logged.
    expect((await runs.allInnerTexts()).map((t) => t.trim()).sort()).toEqual([...NAMES].sort());
    expect(await comparer().getByTestId("diff-only").getAttribute("aria-pressed")).toBe("true");
    expect(await rowKeys("Config")).toEqual(["description", "lr", "model.Encoder.Layers", "Optimizer.Name"]);
    const summary = await rowKeys("Summary");
    expect(summary).toEqual(expect.arrayContaining(["train/loss", "val/acc"]));
    expect(summary.some((k) => k?.startsWith("_"))).toBe(false);
    // Nested keys show where they nest; numbers through the one formatter.
    const layers = comparer().locator('tr[data-key="model.Encoder.Layers"] th');
    expect(await layers.innerText()).toBe("model.Encoder.Layers");
    expect(await layers.locator(".muted").innerText()).toBe("model.Encoder.");
    const accs = await comparer().locator('tr[data-key="val/acc"] td').allInnerTexts();
    expect([...accs].sort()).toEqual(["0.55", "0.64", "0.71", "0.82", "0.88", "0.93"]);
    expect(await comparer().locator('tr[data-key="lr"] td').allInnerTexts()).toEqual(expect.arrayContaining(["0.1", "0.01", "0.001"]));
    // A long value is cut to its column, its full text on hover.
    const long = comparer().locator('tr[data-key="description"] td').first();
    expect((await long.getAttribute("title"))?.length).toBeGreaterThan(300);
    expect(await long.locator(".cut").evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await shot(page, "paneltypes-comparer");
    // Every key, the differing ones marked.
    await comparer().getByTestId("diff-only").click();
    await expect.poll(() => rowKeys("Config")).toEqual(["dataset", "description", "lr", "model.Encoder.Layers", "Optimizer.Beta1", "Optimizer.Name"]);
    expect(await comparer().locator('tr[data-key="dataset"]').getAttribute("class")).toBeNull();
    expect(await comparer().locator('tr[data-key="lr"]').getAttribute("class")).toBe("differs");
    expect(new Set(await comparer().locator('tr[data-key="dataset"] td').allInnerTexts())).toEqual(new Set(["cifar10"]));
    // The panel editor narrows it to chosen runs, as any panel.
    await comparer().hover();
    await comparer().getByTestId("panel-edit").first().click();
    const editor = page.getByTestId("panel-editor");
    await editor.getByRole("radio", { name: "Names matching" }).click();
    await editor.getByLabel("run name regex").fill("^ResNet-");
    await expect.poll(() => editor.getByTestId("runs-shown").innerText()).toMatch(/^Shows 2 of 6 drawn runs/);
    await editor.getByTestId("panel-editor-apply").click();
    await expect.poll(async () => (await runs.allInnerTexts()).map((t) => t.trim())).toEqual(["ResNet-A", "ResNet-B"]);
  });

  it("adds a number: the max of a summary metric over the visible runs, then their mean", async () => {
    await addPanel("Number", async (d) => {
      await d.getByLabel("scalar metric").selectOption("val/acc");
      await d.getByLabel("scalar value").selectOption("max");
    });
    const value = typed("scalar").getByTestId("scalar-value");
    await expect.poll(() => value.locator(".scalar-number").innerText()).toBe("0.93");
    expect(await value.locator(".scalar-caption").innerText()).toBe("max of 6 runs");
    await typed("scalar").getByLabel("aggregate").selectOption("mean");
    await expect.poll(() => value.locator(".scalar-number").innerText()).toBe("0.755");
    expect(await value.locator(".scalar-caption").innerText()).toBe("mean of 6 runs");
    // Grouped: a number per group, in the group's colour.
    await saved();
    await page.goto("/root/paneltypes?group=group");
    const groups = () => value.evaluateAll((els) => els.map((e) => [e.getAttribute("data-label"), e.querySelector(".scalar-number")?.textContent, e.querySelector(".scalar-caption")?.textContent]));
    await expect.poll(groups).toEqual([
      ["MLP", "0.715", "mean of 2 runs"],
      ["ResNet", "0.765", "mean of 2 runs"],
      ["ViT", "0.785", "mean of 2 runs"],
    ]);
    await typed("scalar").scrollIntoViewIfNeeded();
    await shot(page, "paneltypes-scalar-grouped");
    await page.goto("/root/paneltypes");
  });

  it("adds a markdown note whose HTML stays inert, and edits it in place within the size limit", async () => {
    await addPanel("Markdown note", (d) => d.getByLabel("note text").fill(NOTE));
    const note = typed("markdown").getByTestId("note-text");
    await note.locator("h1").waitFor();
    expect(await note.locator("h1").innerText()).toBe("Release notes");
    expect(await note.locator("td").allInnerTexts()).toEqual(["0.1", "0.93"]);
    const link = note.getByRole("link", { name: "the docs" });
    expect(await link.getAttribute("target")).toBe("_blank");
    expect(await link.getAttribute("rel")).toContain("noopener");
    // The script and the image are text: no element, nothing ran.
    expect(await note.locator("script, img, iframe").count()).toBe(0);
    expect(await note.innerText()).toContain("<script>window.__pwned = 1</script>");
    expect(await note.innerText()).toContain('<img src="x" onerror="window.__pwned = 2">');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await shot(page, "paneltypes-note");
    // Over the limit: said, and Save is off.
    await typed("markdown").getByTestId("note-edit").click();
    const area = typed("markdown").getByTestId("note-textarea");
    await area.fill("x".repeat(16_001));
    await expect.poll(() => typed("markdown").getByTestId("note-error").innerText()).toContain("16,001 characters; the limit is 16,000");
    expect(await typed("markdown").getByTestId("note-save").isDisabled()).toBe(true);
    await area.fill("## Edited\n\n**kept** after a reload");
    await typed("markdown").getByTestId("note-preview").click();
    await typed("markdown").locator(".note-preview h2").waitFor();
    await typed("markdown").getByTestId("note-save").click();
    await expect.poll(() => typed("markdown").getByTestId("note-text").locator("h2").innerText()).toBe("Edited");
  });

  it("adds a media panel of one key across the visible runs that logged it", async () => {
    await addPanel("Media", (d) => d.getByLabel("media key").selectOption("samples"));
    const runs = typed("media").getByTestId("media-panel-run");
    await expect.poll(() => runs.count()).toBe(3);
    expect((await runs.evaluateAll((els) => els.map((e) => e.getAttribute("data-run")))).sort()).toEqual(["ResNet-A", "ResNet-B", "ViT-C"]);
    await expect.poll(() => typed("media").locator("img").evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length)).toBe(3);
    await typed("media").scrollIntoViewIfNeeded();
    await shot(page, "paneltypes-media");
  });

  it("keeps all four, with their settings, across a reload", async () => {
    await saved();
    const stored = (await (await context.request.get(LAYOUT)).json()) as { layout: { panels: { type: string; diff_only?: boolean; aggregate?: string; text?: string; key?: string }[] } };
    const byType = Object.fromEntries(stored.layout.panels.map((p) => [p.type, p]));
    expect(byType.comparer?.diff_only).toBe(false);
    expect(byType.scalar?.aggregate).toBe("mean");
    expect(byType.markdown?.text).toBe("## Edited\n\n**kept** after a reload");
    expect(byType.media?.key).toBe("samples");
    await page.reload();
    await expect.poll(() => typed("scalar").locator(".scalar-number").innerText()).toBe("0.755");
    expect(await comparer().getByTestId("diff-only").getAttribute("aria-pressed")).toBe("false");
    await expect.poll(() => rowKeys("Config")).toContain("dataset");
    expect((await comparer().locator("thead th.comparer-run").allInnerTexts()).map((t) => t.trim())).toEqual(["ResNet-A", "ResNet-B"]);
    expect(await typed("markdown").getByTestId("note-text").locator("strong").innerText()).toBe("kept");
    await expect.poll(() => typed("media").getByTestId("media-panel-run").count()).toBe(3);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, "paneltypes-after-reload");
  });
});
