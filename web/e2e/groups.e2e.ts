// Groups that tell the truth (groups_seed.py: a group of 28 runs, more than the 20 a chart draws,
// and one of 4): a group's mean line, band and tooltip size `(n)` are over every run of the group
// (the server computes them), grouping by several config keys, and groups that open to their runs.
// Expected numbers come from the seed (groups_expected.json), computed there over every run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { hoverChart, openSeeded, shot } from "./browser";

interface Stat {
  n: number;
  mean: number;
  min: number;
  max: number;
  std: number;
  stderr: number;
}

let browser: Browser;
let page: Page;
let expected: Record<string, Record<string, Stat>>;

beforeAll(async () => {
  ({ browser, page } = await openSeeded("groups", "groups_seed.py"));
  expected = JSON.parse(readFileSync(join(inject("dataDir"), "groups_expected.json"), "utf8")) as typeof expected;
});
afterAll(async () => {
  await browser.close();
});

const panel = (metric: string) => page.locator(`[data-testid=panel][data-metric="${metric}"]`);

/** The tooltip at the right end of a chart (its last step). */
const hoverLast = (metric: string): Promise<string> => hoverChart(page, panel(metric), 1);

type Answer = { groups: { values: unknown[]; runs: number; series: { key: string; mean: (number | null)[]; min: (number | null)[]; max: (number | null)[]; std: (number | null)[]; stderr: (number | null)[]; count: number[] }[] }[] };

/** The group-series answer for grouping by `by` (server keys) that the page receives after `act`. */
async function groupAnswer(by: string[], act: () => Promise<unknown>): Promise<Answer> {
  const asked = (body: string | null): boolean => JSON.stringify((JSON.parse(body ?? "{}") as { group_by?: string[] }).group_by) === JSON.stringify(by);
  const response = page.waitForResponse((r) => r.url().endsWith("/group-series") && r.ok() && asked(r.request().postData()));
  await act();
  return (await (await response).json()) as Answer;
}

const last = (a: (number | null)[]): number | null => a[a.length - 1] ?? null;

describe("groups", () => {
  it("draws a group's mean and band over all its runs, not the 20 drawn, with its real size", async () => {
    await page.goto("/root/groups");
    await panel("train/loss").locator("canvas").waitFor();
    // Ungrouped, 20 of the 32 runs are drawn (the default "Runs in charts").
    await expect.poll(() => panel("train/loss").getAttribute("data-lines")).toBe("20");
    const answer = await groupAnswer(["group"], () => page.getByTestId("group-by").selectOption("group"));
    await expect.poll(() => page.getByTestId("group-row").count()).toBe(2);
    const exp = expected["group"] as Record<string, Stat>;
    const big = exp["big"] as Stat;
    // The server's answer, for every run of the group: size, mean and band at the last step.
    const got = answer.groups.find((g) => g.values[0] === "big");
    expect(got?.runs).toBe(28);
    const s = got?.series[0];
    expect([last(s?.mean ?? []), last(s?.min ?? []), last(s?.max ?? [])]).toEqual([big.mean, big.min, big.max]);
    expect(last(s?.std ?? [])).toBeCloseTo(big.std, 9);
    expect(last(s?.count ?? [])).toBe(28);
    // Drawn: a band (two lines) and a mean per group; the tooltip says the real sizes.
    await expect.poll(() => panel("train/loss").getAttribute("data-lines")).toBe("6");
    const tip = await hoverLast("train/loss");
    expect(tip).toContain(`big (${big.n}) ${big.mean}`);
    expect(tip).toContain(`small (${exp["small"]?.n}) ${exp["small"]?.mean}`);
    expect(await panel("train/loss").getByTestId("legend").locator(".legend-item").allInnerTexts()).toEqual(["big (28)", "small (4)"]);
    // The table's group rows have the chart's colours, and start closed.
    const rows = await page.getByTestId("group-row").evaluateAll((els) => els.map((e) => [e.querySelector("strong")?.textContent, e.querySelector(".swatch")?.getAttribute("data-color"), e.getAttribute("data-open")]));
    const legend = await panel("train/loss").getByTestId("legend").locator(".legend-item").evaluateAll((els) => els.map((e) => [e.getAttribute("title")?.replace(/ \(\d+\)$/, ""), e.getAttribute("data-color")]));
    expect(Object.fromEntries(rows.map(([l, c]) => [l, c]))).toEqual(Object.fromEntries(legend));
    expect(rows.map((r) => r[2])).toEqual(["false", "false"]);
    await shot(page, "groups-by-group");
    // ± one standard error, from the same answer (it is part of the link).
    await page.getByTestId("band").selectOption("stderr");
    await expect.poll(() => new URL(page.url()).searchParams.get("band")).toBe("stderr");
    expect(await hoverLast("train/loss")).toContain(`big (28) ${big.mean}`);
    await shot(page, "groups-stderr");
  });

  it("opens a group to its runs", async () => {
    // Clicked at its name (a click at the row's middle would scroll the wide table sideways).
    const small = page.getByTestId("group-row").filter({ hasText: "small" });
    await small.locator("strong").click(); // its name: the swatch before it picks a colour
    await expect.poll(() => page.locator("[data-run]").count()).toBe(4);
    expect(await page.locator("[data-run] .run-link").allInnerTexts()).toEqual(expect.arrayContaining(["small-0", "small-3"]));
    await expect.poll(() => small.getAttribute("data-open")).toBe("true");
    // The charts draw its runs too, faintly behind the means: 2 groups x (band, mean) + 4 runs.
    await expect.poll(() => panel("train/loss").getAttribute("data-lines")).toBe("10");
    expect(await hoverLast("train/loss")).toContain("small (4) 110.5");
    await shot(page, "groups-expanded");
    await small.locator("strong").click(); // its name: the swatch before it picks a colour
    await expect.poll(() => page.locator("[data-run]").count()).toBe(0);
    await expect.poll(() => panel("train/loss").getAttribute("data-lines")).toBe("6");
  });

  it("groups by several config keys, kept in the link", async () => {
    await page.getByTestId("group-by").selectOption("c:optimizer");
    const answer = await groupAnswer(["config.optimizer", "config.lr"], () => page.getByTestId("group-add").selectOption("c:lr"));
    await expect.poll(() => new URL(page.url()).searchParams.get("group")).toBe("c:optimizer,c:lr");
    const exp = expected["c:optimizer,c:lr"] as Record<string, Stat>;
    await expect.poll(async () => (await page.getByTestId("group-row").locator("strong").allInnerTexts()).sort()).toEqual(Object.keys(exp).sort());
    expect(answer.groups.map((g) => g.runs).sort((a, b) => a - b)).toEqual(Object.values(exp).map((e) => e.n).sort((a, b) => a - b));
    const tip = await hoverLast("train/loss");
    for (const [label, e] of Object.entries(exp)) expect(tip).toContain(`${label} (${e.n}) ${e.mean}`);
    await shot(page, "groups-two-keys");
    // The link restores it; removing the second key goes back to one.
    await page.reload();
    await expect.poll(() => page.getByTestId("group-row").count()).toBe(Object.keys(exp).length);
    await page.getByTestId("group-by-2").selectOption("");
    await expect.poll(() => new URL(page.url()).searchParams.get("group")).toBe("c:optimizer");
    await expect.poll(() => page.getByTestId("group-row").count()).toBe(2);
  });

  it("follows the filter: the group's statistics are over the runs the filter selects", async () => {
    await page.goto("/root/groups?group=group&q=lr%3D0.1");
    await expect.poll(() => page.getByTestId("group-row").count()).toBe(1);
    const tip = await hoverLast("train/loss");
    // big runs 0..13 (lr 0.1) at step 9: mean of 9..22 = 15.5.
    expect(tip).toContain("big (14) 15.5");
    await shot(page, "groups-filtered");
  });
});
