// Artifacts in the browser over what the real SDK logged (artifacts_seed.py): a dataset v0/v1, a
// training run that used dataset:v1 and logged model:v0 as "production", an evaluation run that used
// the model. The project page, a version's overview, files, lineage and diff, alias edits (and the
// server refusing a non-admin's move of a protected alias), and the run page's Artifacts tab.
// Every name, cell, description and metadata value carrying markup must show as text.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getJson, launch, seedProjectOnce, shot, signedIn } from "./browser";

const P = "artifacts-e2e";
const base = `/root/${P}/artifacts`;
const DATASET = `${base}/dataset/mnist-mini`;
const MODEL = `${base}/model/mnist-cnn`;

let browser: Browser;
let context: BrowserContext;
let page: Page;
let runIds: Record<string, string> = {};
let versionIds: Record<string, string> = {};

async function snap(name: string, on: Page = page): Promise<void> {
  await shot(on, name);
}

async function api<T>(path: string): Promise<T> {
  return getJson<T>(context, path);
}

async function noScriptRan(): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
}

beforeAll(async () => {
  browser = await launch();
  context = await signedIn(browser, inject("serverUrl"), inject("apiKey"));
  page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
  await seedProjectOnce(context, inject("dataDir"), P, "artifacts_seed.py");
  const runs = await api<{ runs: { id: string; display_name: string }[] }>(`/api/v1/runs/root/${P}`);
  runIds = Object.fromEntries(runs.runs.map((r) => [r.display_name, r.id]));
  for (const [name, v] of [
    ["mnist-mini", "v0"],
    ["mnist-mini", "v1"],
    ["mnist-cnn", "v0"],
  ] as const) {
    const out = await api<{ id: string }>(`/api/v1/artifacts/root/${P}/collections/${name}/versions/${v}`);
    versionIds[`${name}:${v}`] = out.id;
  }
});
afterAll(async () => {
  await browser?.close();
});

const rowTexts = (rows: Locator): Promise<string[]> => rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, " ").trim()));

describe("artifacts", () => {
  it("the project page lists the collections by type, searchable; the workspace links to it", async () => {
    await page.goto(`/root/${P}`);
    await page.getByTestId("nav-artifacts").click();
    await page.waitForURL(`**${base}`);
    const types = page.getByTestId("artifact-type");
    await expect.poll(() => types.evaluateAll((els) => els.map((e) => e.getAttribute("data-type")))).toEqual(["dataset", "model"]);
    const dataset = page.locator("[data-testid=collection-row][data-name=mnist-mini]");
    const text = await dataset.innerText();
    expect(text).toMatch(/mnist-mini\s+2\s+v1/);
    expect(text).toContain("latest");
    expect(await page.locator("[data-testid=collection-row][data-name=mnist-cnn]").innerText()).toContain("production");
    await snap("artifacts-project");

    await page.getByTestId("artifact-search").fill("cnn");
    await expect.poll(() => types.count()).toBe(1);
    expect(await types.first().getAttribute("data-type")).toBe("model");
    expect(page.url()).toContain("q=cnn");
    await page.getByTestId("artifact-search").fill("");
    await expect.poll(() => types.count()).toBe(2);

    await dataset.getByRole("link", { name: "mnist-mini" }).click();
    const versions = page.getByTestId("version-row");
    await expect.poll(() => versions.evaluateAll((els) => els.map((e) => e.getAttribute("data-version")))).toEqual(["v1", "v0"]);
    const v1 = await versions.first().innerText();
    expect(v1).toContain("latest");
    expect(v1).toContain("prepare-v1");
    expect(v1).toMatch(/\b6\b/); // files: five written and the logged table
    await snap("artifacts-collection");
  });

  it("a project without artifacts says how to log one", async () => {
    await page.goto(`/root/${P}-none/artifacts`);
    const empty = page.getByTestId("empty");
    await empty.waitFor();
    expect(await empty.innerText()).toContain("run.log_artifact(");
  });

  it("a version's overview: aliases, description and metadata as text, the runs, the usage code", async () => {
    await page.goto(`${DATASET}/v1`);
    const overview = page.getByTestId("version-overview");
    await overview.waitFor();
    await expect.poll(() => page.getByTestId("alias-editor").innerText()).toContain("latest");
    expect(await page.getByTestId("qualified-name").innerText()).toBe(`root/${P}/mnist-mini:v1`);
    expect(await page.getByTestId("description").innerText()).toContain("<script>window.__pwned='script'</script>");
    const tree = page.getByTestId("json-tree");
    const meta = await tree.innerText();
    expect(meta).toMatch(/rows\s*:\s*4/);
    expect(meta).toContain(`"<img src=x onerror=\\"window.__pwned='img'\\">"`);
    expect(meta).toMatch(/val\s*:\s*0\.2/);
    expect(await page.getByTestId("logged-by").innerText()).toContain("prepare-v1");
    await expect.poll(() => page.getByTestId("used-by").innerText()).toContain("train");
    const usage = await page.getByTestId("usage").locator("pre").innerText();
    expect(usage).toContain(`artifact = run.use_artifact("root/${P}/mnist-mini:v1", type="dataset")`);
    expect(usage).toContain("artifact.download()");
    await noScriptRan();
    await snap("artifacts-version-overview");
    // The used-by link goes to the run.
    await page.getByTestId("used-by").getByRole("link", { name: "train" }).click();
    await page.waitForURL(`**/runs/${runIds.train}`);
  });

  it("files: a tree, CSV as a table, text as text, images inline, logged tables, downloads", async () => {
    await page.goto(`${DATASET}/v1/files`);
    await expect.poll(() => page.getByTestId("file-total").innerText()).toMatch(/^6 files/);
    const hostile = page.locator("[data-testid=tree-file]", { hasText: "onerror" });
    expect(await hostile.innerText()).toContain('<img src=x onerror="window.__pwned=1"> & "quotes".txt');

    await page.getByTestId("tree-folder").filter({ hasText: "data" }).click();
    // Each file row has its own download link.
    const valHref = (await page.getByRole("link", { name: "download data/val.csv" }).getAttribute("href")) ?? "";
    expect(await (await context.request.get(valHref)).text()).toBe("id,label\n10,3\n11,4\n");
    await page.locator('[data-testid=tree-file][data-path="data/train.csv"]').click();
    const table = page.getByTestId("preview-table");
    await table.waitFor();
    expect(await rowTexts(table.locator("thead th"))).toEqual(["#", "id", "label", "pixels"]);
    const rows = await rowTexts(table.locator("tbody tr"));
    expect(rows).toHaveLength(4);
    expect(rows[1]).toBe(`2 1 2 <img src=x onerror="window.__pwned='img'">`);
    expect(page.url()).toContain("path=data%2Ftrain.csv");
    await snap("artifacts-files-csv");
    // The download link serves the file's bytes.
    const href = (await page.getByTestId("download").getAttribute("href")) ?? "";
    expect((await (await context.request.get(href)).text()).split("\n")[0]).toBe("id,label,pixels");

    await page.locator('[data-testid=tree-file][data-path="README.md"]').click();
    await expect.poll(() => page.getByTestId("preview-text").innerText()).toContain("<script>window.__pwned='script'</script>");

    await page.getByTestId("tree-folder").filter({ hasText: "images" }).click();
    await page.locator('[data-testid=tree-file][data-path="images/digit-0.png"]').click();
    const img = page.getByTestId("preview-image");
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(28);
    // A 28 px digit is drawn 7 times larger, pixels sharp.
    await expect.poll(() => page.locator(".preview-figure figcaption").innerText()).toBe("28 × 28 px, shown 7×");
    expect(await img.evaluate((el) => el.getBoundingClientRect().width)).toBe(196);
    await snap("artifacts-files-image");

    await page.locator('[data-testid=tree-file][data-path="preds.table.json"]').click();
    await expect.poll(() => rowTexts(page.getByTestId("preview-table").locator("tbody tr"))).toEqual([
      `1 0 7 <img src=x onerror="window.__pwned='img'">`,
      "2 1 2 ok",
    ]);

    await hostile.click();
    await expect.poll(() => page.getByTestId("preview-text").innerText()).toBe("a file whose name is HTML\n");
    // "Open raw" opens the file route, which serves every file sandboxed (no script of its own runs).
    const raw = await context.request.get((await page.getByTestId("download").getAttribute("href")) ?? "");
    expect(raw.headers()["content-security-policy"]).toContain("sandbox");
    expect(raw.headers()["x-content-type-options"]).toBe("nosniff");
    await noScriptRan();
  });

  it("references show their URI; only an http(s) one is a link", async () => {
    await page.goto(`${MODEL}/v0/files`);
    await expect.poll(() => page.getByTestId("file-total").innerText()).toMatch(/^4 files/);
    await page.locator('[data-testid=tree-file][data-path="model-card.md"]').click();
    const ref = page.getByTestId("reference");
    await expect.poll(() => ref.innerText()).toBe("https://example.com/models/model-card.md");
    expect(await ref.locator("a").getAttribute("href")).toBe("https://example.com/models/model-card.md");
    expect(await page.getByTestId("download").count()).toBe(0); // the bytes are not on this server
    await page.locator('[data-testid=tree-file][data-path="epoch-3.pt"]').click();
    await expect.poll(() => ref.innerText()).toBe("s3://mnist-bucket/checkpoints/epoch-3.pt");
    expect(await ref.locator("a").count()).toBe(0);
    await snap("artifacts-files-reference");
  });

  it("lineage: dataset -> training run -> model -> evaluation run, pan/zoom, click to go", async () => {
    const ds = `artifact:${versionIds["mnist-mini:v1"]}`;
    const model = `artifact:${versionIds["mnist-cnn:v0"]}`;
    const train = `run:root/${P}/${runIds.train}`;
    const evaluate = `run:root/${P}/${runIds.evaluate}`;
    await page.goto(`${DATASET}/v1/lineage`);
    const nodes = page.getByTestId("lineage-node");
    await expect.poll(() => nodes.evaluateAll((els) => els.map((e) => e.getAttribute("data-id")).sort())).toEqual(expect.arrayContaining([ds, train, model, evaluate]));
    const edges = await page.getByTestId("lineage-edge").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
    expect(edges).toEqual(expect.arrayContaining([`${ds}->${train}`, `${train}->${model}`, `${model}->${evaluate}`]));
    expect(await page.locator("[data-testid=lineage-node][data-current=true]").getAttribute("data-id")).toBe(ds);
    // Left to right in the order data flowed.
    const x = async (id: string) => (await page.locator(`[data-testid=lineage-node][data-id="${id}"]`).boundingBox())?.x ?? NaN;
    const xs = [await x(ds), await x(train), await x(model), await x(evaluate)];
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    await snap("artifacts-lineage");

    const canvas = page.getByTestId("lineage-canvas");
    const zoom = async () => Number(await canvas.getAttribute("data-zoom"));
    const before = await zoom();
    await page.getByTestId("zoom-in").click();
    await expect.poll(zoom).toBeGreaterThan(before);
    // Drag pans: the model's box moves with the mouse.
    const modelBox = page.locator(`[data-testid=lineage-node][data-id="${model}"]`);
    const start = await modelBox.boundingBox();
    const c = await canvas.boundingBox();
    if (!start || !c) throw new Error("no boxes");
    await page.mouse.move(c.x + 10, c.y + c.height - 10);
    await page.mouse.down();
    await page.mouse.move(c.x + 60, c.y + c.height - 40, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => ((await modelBox.boundingBox())?.x ?? 0) - start.x).toBeCloseTo(50, 0);
    expect(page.url()).toContain(`${DATASET}/v1/lineage`); // a drag is not a click

    // Fewer hops: only the dataset's direct neighbours.
    await page.getByTestId("lineage-depth").selectOption("1");
    await expect.poll(() => nodes.evaluateAll((els) => els.map((e) => e.getAttribute("data-id")))).not.toContain(evaluate);
    await page.getByTestId("lineage-depth").selectOption("3");
    await expect.poll(() => nodes.count()).toBeGreaterThanOrEqual(4);
    await page.getByTestId("zoom-fit").click();

    await modelBox.click();
    await page.waitForURL(`**${MODEL}/v0/lineage`);
    await expect.poll(() => page.locator("[data-testid=lineage-node][data-current=true]").getAttribute("data-id")).toBe(model);
    await snap("artifacts-lineage-model");
  });

  it("an alias added on the page stays after a reload, and can be removed", async () => {
    await page.goto(`${DATASET}/v0`);
    const editor = page.getByTestId("alias-editor");
    await editor.waitFor();
    await page.getByTestId("alias-input").fill("staging");
    await page.getByTestId("alias-input").press("Enter");
    await expect.poll(() => editor.getByTestId("alias").allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining("staging")]));
    await page.reload();
    await expect.poll(() => page.getByTestId("alias-editor").getByTestId("alias").allInnerTexts()).toEqual([expect.stringContaining("staging")]);
    const stored = await api<{ aliases: { alias: string }[] }>(`/api/v1/artifacts/root/${P}/collections/mnist-mini/versions/v0`);
    expect(stored.aliases.map((a) => a.alias)).toContain("staging");
    await snap("artifacts-alias-added");

    // Tags and the description are edited the same way.
    await page.getByTestId("tag-input").fill("reviewed");
    await page.getByTestId("tag-input").press("Enter");
    await expect.poll(() => page.getByTestId("tag-editor").innerText()).toContain("reviewed");
    await page.getByTestId("edit-description").click();
    await page.getByTestId("description-input").fill("First cut <b>not bold</b>");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByTestId("description").innerText()).toBe("First cut <b>not bold</b>");

    await page.getByRole("button", { name: "remove alias staging" }).click();
    await expect.poll(() => page.getByTestId("alias-editor").getByTestId("alias").count()).toBe(0);
    await page.reload();
    await page.getByTestId("alias-editor").waitFor();
    expect(await page.getByTestId("alias-editor").getByTestId("alias").count()).toBe(0);
    expect(await page.getByTestId("tag-editor").innerText()).toContain("reviewed");
  });

  it("a non-admin's move of the protected alias is refused with the server's message", async () => {
    const key = readFileSync(join(inject("dataDir"), "e2e-viewer-key"), "utf8").trim();
    const viewer = await signedIn(browser, inject("serverUrl"), key);
    try {
      const p = await viewer.newPage();
      await p.goto(`${MODEL}/v0`);
      await p.getByTestId("alias-editor").waitFor();
      await p.getByRole("button", { name: "remove alias production" }).click();
      const error = p.getByTestId("alias-error");
      await error.waitFor();
      expect(await error.innerText()).toMatch(/protected/);
      await snap("artifacts-protected-refused", p);
      await p.reload();
      await expect.poll(() => p.getByTestId("alias-editor").innerText()).toContain("production");
    } finally {
      await viewer.close();
    }
  });

  it("diff of v0 and v1: the changed and added files, the metadata keys", async () => {
    await page.goto(`${DATASET}/v1/diff`);
    const files = page.getByTestId("diff-files");
    await files.waitFor();
    expect(await page.getByTestId("diff-other").inputValue()).toBe("v0");
    const changes = await files.locator("tbody tr").evaluateAll((els) => els.map((e) => `${e.getAttribute("data-change")} ${e.getAttribute("data-path")}`));
    expect(changes).toEqual(["added data/val.csv", "changed data/train.csv"]);
    expect(await page.getByTestId("diff-summary").innerText()).toBe("1 added, 0 removed, 1 changed, 4 unchanged");
    const meta = await page.getByTestId("diff-metadata").locator("tbody tr").evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, " ").trim()));
    expect(meta).toEqual(["added split.val 0.2", "changed rows 3 4"]);
    await snap("artifacts-diff");
  });

  it("the run page's Artifacts tab lists what the run logged and used", async () => {
    await page.goto(`/root/${P}/runs/${runIds.train}?tab=artifacts`);
    const logged = page.getByTestId("run-artifacts-logged").getByTestId("run-artifact-row");
    const used = page.getByTestId("run-artifacts-used").getByTestId("run-artifact-row");
    await expect.poll(() => logged.evaluateAll((els) => els.map((e) => e.getAttribute("data-name")))).toEqual(["mnist-cnn:v0"]);
    await expect.poll(() => used.evaluateAll((els) => els.map((e) => e.getAttribute("data-name")))).toEqual(["mnist-mini:v1"]);
    expect(await logged.first().innerText()).toContain("production");
    await snap("artifacts-run-tab");
    await used.first().getByRole("link", { name: "mnist-mini:v1" }).click();
    await page.waitForURL(`**${DATASET}/v1`);
    await page.getByTestId("version-overview").waitFor();

    await page.goto(`/root/${P}/runs/${runIds.evaluate}?tab=artifacts`);
    await expect.poll(() => page.getByTestId("run-artifacts-logged").innerText()).toContain("This run logged no artifacts");
    await expect.poll(() => page.getByTestId("run-artifacts-used").getByTestId("run-artifact-row").count()).toBe(1);
  });
});
