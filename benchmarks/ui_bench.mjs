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
let maxPoints = 0;
function watchSeries(page) {
  page.on("response", async (r) => {
    if (!r.url().endsWith("/api/v1/series/query")) return;
    try {
      for (const run of (await r.json()).runs) for (const s of run.series ?? []) maxPoints = Math.max(maxPoints, s.steps.length);
    } catch {
      // a response body that is gone after navigation
    }
  });
}
const out = {};
const drawn = "[data-testid=panel]:not([data-points='0']) canvas";

// Cold opens. PROFILE=<file>: a Chrome CPU profile of the first (default) cold open (load it in
// DevTools). CHROME_TRACE=<file>: a Chrome timeline trace of it (layout, style, paint, scripts): the
// CPU profile shows only JavaScript, and native rendering work appears there as "(program)".
// RECORD=every: profile, trace and TRACE=1 the every-run cold open instead. ONLY=every (or
// ONLY=default): time only that cold open (first and all visible charts), to iterate on it against a
// running server.
// Times are taken in the page, on its clock from the start of the navigation (as browsers time
// paint metrics), by a check that runs every animation frame: the automation's own polling adds
// tens of milliseconds that are not the page's.
const MARKS = `(() => {
  const drawn = ${JSON.stringify(drawn)};
  const check = () => {
    if (window.__firstChart === undefined && document.querySelector(drawn)) window.__firstChart = performance.now();
    const panels = [...document.querySelectorAll("[data-testid=panel]")].filter((p) => {
      const r = p.getBoundingClientRect();
      return r.top < window.innerHeight && r.bottom > 0;
    });
    if (panels.length > 0 && panels.every((p) => p.getAttribute("data-points") !== "0" && p.querySelector("canvas"))) {
      window.__allCharts = performance.now();
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;

async function coldOpen(path, record) {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1600, height: 1000 } });
  await context.addInitScript(MARKS);
  await context.request.post("/api/v1/session", { data: { api_key: apiKey } });
  const page = await context.newPage();
  watchSeries(page);
  const cdp = record && (process.env.PROFILE || process.env.PROFILE_ALL) ? await context.newCDPSession(page) : null;
  if (cdp) {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.start");
  }
  const tracer = record && process.env.CHROME_TRACE ? await context.newCDPSession(page) : null;
  const traceEvents = [];
  if (tracer) {
    tracer.on("Tracing.dataCollected", (e) => traceEvents.push(...e.value));
    await tracer.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline,blink,v8", transferMode: "ReportEvents" });
  }
  const trace = [];
  const t0 = Date.now();
  if (record && process.env.TRACE) {
    page.on("requestfinished", (r) => {
      if (!r.url().includes("/api/")) return;
      const t = r.timing();
      trace.push(`${Math.round(t.startTime - t0)}..${Math.round(t.startTime - t0 + t.responseEnd)} ms ${r.method()} ${r.url().replace(url, "")}`);
    });
  }
  await page.goto(path);
  await page.waitForFunction(() => window.__firstChart !== undefined, null, { timeout: 120000 });
  const { writeFileSync } = await import("node:fs");
  // PROFILE_ALL=<file> instead: the profile runs on until every visible chart is drawn.
  if (cdp && !process.env.PROFILE_ALL) writeFileSync(process.env.PROFILE, JSON.stringify((await cdp.send("Profiler.stop")).profile));
  if (tracer) {
    const done = new Promise((resolve) => tracer.once("Tracing.tracingComplete", resolve));
    await tracer.send("Tracing.end");
    await done;
    writeFileSync(process.env.CHROME_TRACE, JSON.stringify({ traceEvents }));
  }
  await page.waitForFunction(() => window.__allCharts !== undefined, null, { timeout: 120000 });
  if (cdp && process.env.PROFILE_ALL) writeFileSync(process.env.PROFILE_ALL, JSON.stringify((await cdp.send("Profiler.stop")).profile));
  const { first, all } = await page.evaluate(() => ({ first: Math.round(window.__firstChart), all: Math.round(window.__allCharts) }));
  if (trace.length) process.stderr.write(`${path}: first chart at ${first} ms, all visible at ${all} ms\n${trace.join("\n")}\n`);
  return { context, page, first, all };
}

// Filter and sort the runs table, timed in the page from the input event to the first frame
// painted after the table changed (what a user waits for), so the automation's own round trips
// are not counted. `act` runs in the page: it types into the filter or clicks a column header.
async function timeUntilChange(page, selector, act) {
  return page.evaluate(
    ([sel, action]) =>
      new Promise((resolve) => {
        const target = document.querySelector(sel);
        const before = target.textContent;
        const t0 = performance.now();
        if (action.type === "input") {
          const input = document.querySelector(action.selector);
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(input, action.value);
          input.dispatchEvent(new Event("input", { bubbles: true }));
        } else {
          document.querySelector(action.selector).click();
        }
        const check = () => {
          if (document.querySelector(sel)?.textContent !== before) requestAnimationFrame(() => resolve(performance.now() - t0));
          else requestAnimationFrame(check);
        };
        check();
      }),
    [selector, act],
  );
}
// Columns are virtualized: scroll the table sideways (as a user would) until the column shows.
async function revealColumn(page, col) {
  for (let i = 0; i < 100 && !(await page.$(`.th-sort[data-col="${col}"]`)); i++) {
    await page.evaluate(() => (document.querySelector("[data-testid=runs-table]").scrollLeft += 300));
    await page.waitForTimeout(50);
  }
}
// SORT_TRACE=<file>: a Chrome timeline trace of the sort with every run in charts (`record`). Its
// native work (style, layout, paint, Layerize) is what a CPU profile shows only as "(program)".
async function filterAndSort(page, record) {
  const filter = await timeUntilChange(page, "[data-testid=run-count]", { type: "input", selector: "[data-testid=filter]", value: "lr>0.5" });
  // Let the charts follow the filter (they redraw for the new runs) before sorting.
  await page.waitForTimeout(1500);
  await revealColumn(page, "s:train/m00");
  const tracer = record && process.env.SORT_TRACE ? await page.context().newCDPSession(page) : null;
  const traceEvents = [];
  if (tracer) {
    tracer.on("Tracing.dataCollected", (e) => traceEvents.push(...e.value));
    await tracer.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline,blink,v8", transferMode: "ReportEvents" });
  }
  const sort = await timeUntilChange(page, "[data-testid=runs-table]", { type: "click", selector: '.th-sort[data-col="s:train/m00"]' });
  if (tracer) {
    const done = new Promise((resolve) => tracer.once("Tracing.tracingComplete", resolve));
    await tracer.send("Tracing.end");
    await done;
    const { writeFileSync } = await import("node:fs");
    writeFileSync(process.env.SORT_TRACE, JSON.stringify({ traceEvents }));
  }
  return { filter, sort };
}

// Scroll the runs table from top to bottom, one wheel-sized step per frame, and record the time
// between frames: the longest and the 95th percentile (a smooth scroll keeps them near 16 ms).
async function scrollFrames(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const el = document.querySelector("[data-testid=runs-table]");
        el.scrollTop = 0;
        const gaps = [];
        let last = performance.now();
        const step = () => {
          const now = performance.now();
          gaps.push(now - last);
          last = now;
          if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1 || gaps.length > 2000) {
            gaps.shift(); // the first gap is the wait for the first frame
            gaps.sort((a, b) => a - b);
            resolve({ frames: gaps.length, max: gaps[gaps.length - 1], p95: gaps[Math.floor(gaps.length * 0.95)] });
            return;
          }
          el.scrollTop += 120;
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
  );
}

const recordEvery = process.env.RECORD === "every";
if (process.env.ONLY === "every" || process.env.ONLY === "default") {
  const every = process.env.ONLY === "every";
  const { context, first, all } = await coldOpen(`/${entity}/${project}${every ? `?max=${maxRuns}` : ""}`, every === recordEvery);
  process.stdout.write(JSON.stringify({ first_chart_ms: first, all_visible_charts_ms: all, max_points_per_series: maxPoints }) + "\n");
  await context.close();
  await browser.close();
  process.exit(0);
}
// The workspace as it opens: the default number of runs in charts (20).
{
  const { context, page, first, all } = await coldOpen(`/${entity}/${project}`, !recordEvery);
  out.first_chart_default_ms = first;
  out.all_visible_charts_default_ms = all;
  await page.waitForTimeout(1000);
  out.scroll = await scrollFrames(page);
  const t = await filterAndSort(page);
  out.filter_ms = t.filter;
  out.sort_ms = t.sort;
  await context.close();
}
// Every run in charts (`max=`): the stress case.
{
  const { context, page, first, all } = await coldOpen(`/${entity}/${project}?max=${maxRuns}`, recordEvery);
  out.first_chart_ms = first;
  out.all_visible_charts_ms = all;
  const t = await filterAndSort(page, true);
  out.filter_all_ms = t.filter;
  out.sort_all_ms = t.sort;
  // One run with a very long metric, opened straight from that busy workspace.
  const t1 = Date.now();
  await page.goto(`/${entity}/${bigProject}/runs/${bigRun}?tab=charts`);
  await page.waitForSelector(drawn, { timeout: 120000 });
  out.big_run_chart_ms = Date.now() - t1;
  await context.close();
}
// The long run's chart in a fresh page once the server is idle.
{
  await new Promise((r) => setTimeout(r, 3000));
  const { context, first } = await coldOpen(`/${entity}/${bigProject}/runs/${bigRun}?tab=charts`, false);
  out.big_run_chart_idle_ms = first;
  await context.close();
}
out.max_points_per_series = maxPoints;
await browser.close();
process.stdout.write(JSON.stringify(out) + "\n");
