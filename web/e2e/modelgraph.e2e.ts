// The watched model's module tree on the run's overview (`run.watch(model, log_graph=True)`):
// a collapsible table with each module's class, output shape and parameters over its subtree.
// Seeded by modelgraph_seed.py with real PyTorch. Screenshots go to .test-artifacts/e2e/.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSeeded, shot } from "./browser";

let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ browser, page } = await openSeeded("modelgraph", "modelgraph_seed.py"));
});
afterAll(async () => {
  await browser.close();
});

describe("model graph", () => {
  it("shows the module tree with shapes and parameter counts, nested modules on request", async () => {
    await page.goto("/root/modelgraph");
    await page.getByRole("link", { name: "watched-mlp" }).first().click();
    const graph = page.getByTestId("model-graph");
    await expect.poll(() => graph.getByTestId("model-graph-total").textContent()).toContain("Sequential: 130 parameters in 7 modules");
    const rows = graph.getByTestId("model-graph-row");
    // The model and its direct children; the nested Sequential is collapsed.
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-path")))).toEqual(["", "0", "1", "2", "3"]);
    const first = graph.locator('[data-path="0"]');
    expect(await first.innerText()).toMatch(/Linear\(in_features=4, out_features=8.*\[16, 8\]\s+40/s);
    await graph.getByRole("button", { name: "expand 2" }).click();
    await expect.poll(() => rows.count()).toBe(7);
    expect(await graph.locator('[data-path="2.0"]').innerText()).toMatch(/\[16, 8\]\s+72/);
    await shot(page, "model-graph");
  });
});
