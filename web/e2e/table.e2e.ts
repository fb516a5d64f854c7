// The table viewer over server-side queries, in a real browser: a 5,000-row table logged by the real
// SDK (twice in run "big-a", once in run "big-b"), sorted, scrolled to its end (pages fetched as
// needed), filtered, grouped, described (column stats) and compared across steps and runs.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, shot, signedIn } from "./browser";

const N = 5000;
const LABELS = ["cat", "dog", "bird", "fish"];
const score = (i: number, step: number): number => ((i * 7919 + step * 13) % N) / N;
const SCRIPT = `
import trackwell as wandb
labels = ${JSON.stringify(LABELS)}
for run_id, steps in (("big-a", 2), ("big-b", 1)):
    run = wandb.init(project="table-big", id=run_id, name=run_id)
    for step in range(steps):
        table = wandb.Table(columns=["id", "text", "label", "score"])
        for i in range(${N}):
            table.add_data(i, f"sample {i}", labels[i % 4], ((i * 7919 + step * 13) % ${N}) / ${N})
        run.log({"preds": table})
    run.finish()
`;

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  const dataDir = inject("dataDir");
  const work = mkdtempSync(join(tmpdir(), "tw-table-e2e-"));
  writeFileSync(join(work, "log_tables.py"), SCRIPT);
  const python = process.env.TRACKWELL_PYTHON ?? join(import.meta.dirname, "..", "..", ".venv/bin/python");
  const logged = spawnSync(python, [join(work, "log_tables.py")], {
    cwd: work,
    env: { ...process.env, TRACKWELL_DATA_DIR: dataDir, TRACKWELL_DIR: work, WANDB_SILENT: "true" },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (logged.status !== 0) throw new Error(`logging the tables failed: ${logged.stderr}`);
  browser = await launch();
  context = await signedIn(browser, inject("serverUrl"), inject("apiKey"));
  page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
});
afterAll(async () => {
  await browser?.close();
});

const card = () => page.locator('[data-testid=media-card][data-key="preds"]');
const count = () => card().getByTestId("table-count").innerText();
const column = (name: string) => card().locator(`[data-testid=table-row] [data-column="${name}"]`).allInnerTexts();

describe("server-side table viewer", () => {
  it("sorts 5,000 rows on the server and fetches later pages as the grid scrolls", async () => {
    await page.goto("/root/table-big/runs/big-a?tab=media");
    await expect.poll(count).toBe("5,000 rows");
    const header = card().locator('[data-testid=table-th][data-column="score"]');
    await header.click();
    await header.click(); // descending
    const best = Array.from({ length: N }, (_, i) => i).sort((a, b) => score(b, 1) - score(a, 1) || a - b);
    await expect.poll(() => column("id")).toEqual(expect.arrayContaining([String(best[0])]));
    expect((await column("id")).slice(0, 3)).toEqual(best.slice(0, 3).map(String));
    expect(decodeURIComponent(page.url())).toContain("sort:preds=-score");
    await shot(page, "table-sorted");

    // The end of the table: row 5,000 of the sorted order arrives from its own page.
    await card().locator(".tv-scroll").evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(async () => (await column("id")).slice(-1)[0]).toBe(String(best[N - 1]));
    await expect.poll(() => card().getByTestId("table-row-pending").count()).toBe(0);
  });

  it("filters with the viewer's expression, checked as it is typed", async () => {
    const filter = card().getByTestId("table-filter");
    await filter.fill('row["label"] == "cat" and row["score"] < 0.5');
    const want = Array.from({ length: N }, (_, i) => i).filter((i) => LABELS[i % 4] === "cat" && score(i, 1) < 0.5).length;
    await expect.poll(count).toBe(`${want.toLocaleString("en-US")} of 5,000 rows`);
    await filter.fill('row["score"] < 0.5 and');
    await expect.poll(() => card().getByRole("alert").innerText()).toContain("ends too early");
    expect(await count()).toBe(`${want.toLocaleString("en-US")} of 5,000 rows`); // the last good rows stay
    await filter.fill("");
    await expect.poll(count).toBe("5,000 rows");
  });

  it("groups by a column with counts and aggregates, and drills into a group", async () => {
    await card().getByTestId("table-group-by").selectOption("label");
    const groups = card().getByTestId("table-group");
    await expect.poll(() => groups.count()).toBe(4);
    expect(await card().getByTestId("table-group-count").allInnerTexts()).toEqual(["1,250", "1,250", "1,250", "1,250"]);
    const dog = card().locator('[data-testid=table-group][data-key="dog"] [data-column="score"]');
    const dogScores = Array.from({ length: N }, (_, i) => i).filter((i) => i % 4 === 1).map((i) => score(i, 1));
    expect(await dog.innerText()).toContain(`(${Math.min(...dogScores)} – ${Math.max(...dogScores)})`);
    await shot(page, "table-grouped");
    await card().locator('[data-testid=table-group][data-key="dog"]').click();
    await expect.poll(count).toBe("1,250 of 5,000 rows");
    expect(await card().getByTestId("table-filter").inputValue()).toBe('row["label"] == "dog"');
    expect(new Set(await column("label"))).toEqual(new Set(["dog"]));
  });

  it("shows a column's stats over the filtered rows", async () => {
    await card().locator('[data-testid=table-stats-btn][data-column="score"]').click();
    const stats = card().getByTestId("table-stats");
    await expect.poll(() => stats.locator('[data-stat="values"]').innerText()).toBe("1,250");
    expect(await stats.locator("svg rect").count()).toBe(20);
    await shot(page, "table-stats");
    await page.keyboard.press("Escape");
    await expect.poll(() => stats.count()).toBe(0);
    await card().locator('[data-testid=table-stats-btn][data-column="label"]').click();
    await expect.poll(() => stats.locator('[data-stat="distinct"]').innerText()).toBe("1");
    await page.keyboard.press("Escape");
  });

  it("compares the table across steps and runs side by side, with one filter", async () => {
    await card().getByTestId("table-filter").fill('row["id"] < 3');
    await card().getByTestId("table-compare-open").click();
    const panes = card().getByTestId("table-pane");
    await expect.poll(() => panes.count()).toBe(2);
    await expect.poll(() => card().getByTestId("table-pane-label").allInnerTexts()).toEqual([expect.stringContaining("step 1"), expect.stringContaining("step 0")]);
    await card().getByTestId("table-compare-add").selectOption("run:big-b");
    await expect.poll(() => panes.count()).toBe(3);
    await expect.poll(() => panes.nth(2).getByTestId("table-count").innerText()).toBe("3 of 5,000 rows");
    const scores = (i: number) => panes.nth(i).locator('[data-testid=table-row] [data-column="score"]').allInnerTexts();
    // Each pane keeps the shared sort (score, descending) over its own table's values.
    const want = (step: number) => [0, 1, 2].map((i) => score(i, step)).sort((a, b) => b - a).map(String);
    await expect.poll(() => scores(0)).toEqual(want(1));
    await expect.poll(() => scores(1)).toEqual(want(0));
    await expect.poll(() => scores(2)).toEqual(want(0));
    await shot(page, "table-compare");
    await card().getByTestId("table-compare-close").click();
    await expect.poll(() => card().getByTestId("table-viewer").count()).toBe(1);
  });

  it("groups handbook example 05's table (seeded unchanged) by the predicted label", async () => {
    await page.goto("/root/table-demo");
    await page.locator("[data-run] .run-link").first().click();
    await page.getByRole("link", { name: "Media", exact: true }).click();
    const table = page.locator('[data-testid=media-card][data-key="validation/prediction_table"]');
    await expect.poll(() => table.getByTestId("table-count").innerText()).toBe("3 rows");
    await table.getByTestId("table-group-by").selectOption("predicted_label");
    await expect.poll(() => table.getByTestId("table-group").count()).toBe(2);
    expect(await table.getByTestId("table-group").evaluateAll((els) => els.map((e) => e.getAttribute("data-key")))).toEqual(["billing", "bug"]);
    expect(await table.getByTestId("table-group-count").allInnerTexts()).toEqual(["2", "1"]);
    // billing holds 0.97 and 0.41: mean 0.69
    expect(await table.locator('[data-testid=table-group][data-key="billing"] [data-column="confidence"]').innerText()).toBe("0.69 (0.41 – 0.97)");
    await shot(page, "table-handbook-grouped");
    await table.getByTestId("table-group-by").selectOption("");
  });
});
