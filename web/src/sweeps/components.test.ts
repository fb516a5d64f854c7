// The sweep page's pieces rendered to HTML on fixtures (no browser): importance bars and
// correlation colours, the controls each state offers, the runs table's order and best mark.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { ImportanceOut } from "../api/sweeps";

type Overview = typeof import("./SweepOverview");
type Table = typeof import("./ImportanceTable");
type Runs = typeof import("./SweepRunsTable");
let overview: Overview;
let table: Table;
let runs: Runs;

beforeAll(async () => {
  // router.tsx listens to the window's history at import; node has no window.
  vi.stubGlobal("window", { addEventListener: () => undefined, location: { pathname: "/", search: "" } });
  overview = await import("./SweepOverview");
  table = await import("./ImportanceTable");
  runs = await import("./SweepRunsTable");
});

const IMPORTANCE: ImportanceOut = {
  metric: "val/loss",
  run_count: 12,
  params: [
    { name: "lr", value: null, importance: 0.7, correlation: -0.8 },
    { name: "optimizer", value: "sgd", importance: 0.2, correlation: 0.4 },
    { name: "run_name", value: null, importance: 0.1, correlation: null },
  ],
};

describe("ImportanceTable", () => {
  it("draws importance as a bar and correlation from the middle, green up and red down", () => {
    const html = renderToStaticMarkup(createElement(table.ImportanceTable, { data: IMPORTANCE }));
    const doc = html.replace(/&quot;/g, '"');
    expect(doc).toContain('data-param="lr"');
    expect(doc).toMatch(/data-param="lr"[^]*?width:70%/);
    expect(doc).toMatch(/corr-fill neg" data-testid="corr-fill" style="right:50%;width:40%/);
    expect(doc).toMatch(/corr-fill pos" data-testid="corr-fill" style="left:50%;width:20%/);
    expect(doc).toContain(`optimizer<span class="muted"> = sgd</span>`);
    // A label-encoded key has an importance and no correlation bar.
    expect(doc).toMatch(/data-param="run_name"[^]*?<span class="corr-bar"><\/span>/);
  });

  it("says why it is empty", () => {
    const one = renderToStaticMarkup(createElement(table.ImportanceTable, { data: { metric: "acc", run_count: 1, params: [] } }));
    expect(one).toContain("at least two runs with acc; one has it yet");
    const flat = renderToStaticMarkup(createElement(table.ImportanceTable, { data: { metric: "acc", run_count: 9, params: [] } }));
    expect(flat).toContain("No config parameter varies");
  });
});

describe("sweep controls", () => {
  it("offer what each state allows", () => {
    const labels = (s: Parameters<Overview["actionsFor"]>[0]) => overview.actionsFor(s).map((a) => `${a.label}->${a.to}`);
    expect(labels("running")).toEqual(["Pause->paused", "Stop->finished", "Cancel->cancelled"]);
    expect(labels("paused")).toEqual(["Resume->running", "Stop->finished", "Cancel->cancelled"]);
    expect(labels("finished")).toEqual(["Resume->running"]);
    expect(labels("cancelled")).toEqual([]);
  });
});

describe("SweepRunsTable", () => {
  it("links started runs, marks the best and shows a lease as not started", () => {
    const trials = [
      { id: "r2", name: "calm-sea-2", state: "finished", params: { lr: 0.001 }, value: 0.2, created_at: 2, stopReason: null, started: true },
      { id: "r1", name: "bright-sun-1", state: "stopped", params: { lr: 0.1 }, value: 0.9, created_at: 1, stopReason: "hyperband: below the 1/3 quantile at 3", started: true },
      { id: "r3", name: "r3", state: "leased", params: { lr: 0.01 }, value: null, created_at: 3, stopReason: null, started: false },
    ];
    const html = renderToStaticMarkup(createElement(runs.SweepRunsTable, { entity: "me", project: "p q", trials, params: ["lr"], metric: "val/loss", best: "r2" }));
    expect(html).toMatch(/data-run="r2" data-best="1"/);
    expect(html).toContain('href="/me/p%20q/runs/r2"');
    expect(html).toContain("★ best");
    expect(html).toContain('data-state="stopped"');
    expect(html).toContain("hyperband: below the 1/3 quantile at 3");
    expect(html).not.toContain('href="/me/p%20q/runs/r3"');
  });
});
