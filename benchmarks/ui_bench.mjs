// Browser side of benchmarks/ui_bench.py: drives Debian's Chromium through playwright-core against a
// seeded server and prints one JSON object of timings (milliseconds) on stdout.
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(join(import.meta.dirname, "..", "web", "package.json"));
const { chromium } = require("playwright-core");
const [url, apiKey, entity, project, bigProject, bigRun, maxRuns] = process.argv.slice(2);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const context = await browser.newContext({ baseURL: url, viewport: { width: 1600, height: 1000 } });
await context.request.post("/api/v1/session", { data: { api_key: apiKey } });
const page = await context.newPage();
let maxPoints = 0;
page.on("response", async (r) => {
  if (!r.url().endsWith("/api/v1/series/query")) return;
  try {
    for (const run of (await r.json()).runs) for (const s of run.series ?? []) maxPoints = Math.max(maxPoints, s.steps.length);
  } catch {
    // a response body that is gone after navigation
  }
});
// TRACE=1: print every API request's start and end (ms since the page was opened) to stderr.
const trace = [];
if (process.env.TRACE) {
  page.on("requestfinished", (r) => {
    if (!r.url().includes("/api/")) return;
    const t = r.timing();
    trace.push(`${Math.round(t.startTime - traceStart)}..${Math.round(t.startTime - traceStart + t.responseEnd)} ms ${r.method()} ${r.url().replace(url, "")}`);
  });
}
let traceStart = Date.now();
const out = {};
const drawn = "[data-testid=panel]:not([data-points='0']) canvas";

// Cold open: page load, session, 1,000-run list, first chart drawn; then every chart on screen.
// PROFILE=<file>: record a Chrome CPU profile of the cold open (load it in DevTools).
const cdp = process.env.PROFILE ? await page.context().newCDPSession(page) : null;
if (cdp) {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.start");
}
// CHROME_TRACE=<file>: record a Chrome timeline trace (layout, style, paint, scripts) of the cold
// open: the CPU profile shows only JavaScript, and native rendering work appears there as "(program)".
const tracer = process.env.CHROME_TRACE ? await page.context().newCDPSession(page) : null;
const traceEvents = [];
if (tracer) {
  tracer.on("Tracing.dataCollected", (e) => traceEvents.push(...e.value));
  await tracer.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline,blink,v8", transferMode: "ReportEvents" });
}
const t0 = Date.now();
traceStart = t0;
await page.goto(`/${entity}/${project}?max=${maxRuns}`);
await page.waitForSelector(drawn, { timeout: 60000 });
out.first_chart_ms = Date.now() - t0;
if (cdp) {
  const { profile } = await cdp.send("Profiler.stop");
  const { writeFileSync } = await import("node:fs");
  writeFileSync(process.env.PROFILE, JSON.stringify(profile));
}
if (tracer) {
  const done = new Promise((resolve) => tracer.once("Tracing.tracingComplete", resolve));
  await tracer.send("Tracing.end");
  await done;
  const { writeFileSync } = await import("node:fs");
  writeFileSync(process.env.CHROME_TRACE, JSON.stringify({ traceEvents }));
}
if (process.env.TRACE) process.stderr.write(`first chart at ${out.first_chart_ms} ms\n${trace.join("\n")}\n`);
await page.waitForFunction(() => {
  const panels = [...document.querySelectorAll("[data-testid=panel]")].filter((p) => {
    const r = p.getBoundingClientRect();
    return r.top < window.innerHeight && r.bottom > 0;
  });
  return panels.length > 0 && panels.every((p) => p.getAttribute("data-points") !== "0" && p.querySelector("canvas"));
}, null, { timeout: 60000, polling: 16 });
out.all_visible_charts_ms = Date.now() - t0;

// Filter and sort the runs table: from just before the input to the changed text, on the page's
// clock (includes the automation round trip, so it overstates a little).
async function timeUntilChange(selector, act) {
  const before = await page.textContent(selector);
  await page.evaluate(() => (window.__t0 = performance.now()));
  await act();
  await page.waitForFunction(([sel, b]) => document.querySelector(sel)?.textContent !== b, [selector, before], { polling: "raf" });
  return page.evaluate(() => performance.now() - window.__t0);
}
out.filter_ms = await timeUntilChange("[data-testid=run-count]", () => page.fill("[data-testid=filter]", "lr>0.5"));
out.sort_ms = await timeUntilChange("[data-testid=runs-table]", () => page.click('.th-sort[data-col="s:train/m00"]'));

// One run with a very long metric: open its chart.
const t1 = Date.now();
await page.goto(`/${entity}/${bigProject}/runs/${bigRun}?tab=charts`);
await page.waitForSelector(drawn, { timeout: 60000 });
out.big_run_chart_ms = Date.now() - t1;
out.max_points_per_series = maxPoints;
// The same cold open with the workspace's default number of runs in charts (20), in a fresh
// browser context so nothing is cached.
{
  const fresh = await browser.newContext({ baseURL: url, viewport: { width: 1600, height: 1000 } });
  await fresh.request.post("/api/v1/session", { data: { api_key: apiKey } });
  const p2 = await fresh.newPage();
  const t2 = Date.now();
  await p2.goto(`/${entity}/${project}`);
  await p2.waitForSelector(drawn, { timeout: 60000 });
  out.first_chart_default_ms = Date.now() - t2;
  await fresh.close();
}
// The long run's chart again, in a fresh page once the server is idle: above, it is opened straight
// from the 1,000-run workspace, whose queued chart and media requests the server still answers.
{
  await new Promise((r) => setTimeout(r, 3000));
  const fresh = await browser.newContext({ baseURL: url, viewport: { width: 1600, height: 1000 } });
  await fresh.request.post("/api/v1/session", { data: { api_key: apiKey } });
  const p3 = await fresh.newPage();
  const t3 = Date.now();
  await p3.goto(`/${entity}/${bigProject}/runs/${bigRun}?tab=charts`);
  await p3.waitForSelector(drawn, { timeout: 60000 });
  out.big_run_chart_idle_ms = Date.now() - t3;
  await fresh.close();
}

await browser.close();
process.stdout.write(JSON.stringify(out) + "\n");
