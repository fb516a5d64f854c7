// The project's alerts page (/{e}/{p}/alerts) end to end: add a webhook (a receiver in this test, on
// loopback) and a threshold rule in the UI, log a run with the real SDK that crosses it, then see
// the alert in the feed, the delivery succeed in the log, and the Slack JSON arrive. The webhook's
// URL is never shown back (host + last 4 characters only).
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, shot, signedIn } from "./browser";

// A fresh project each time, so a reused E2E_SERVER_DIR starts with no rules or webhooks.
const P = `alertrules-${Date.now().toString(36)}`;
const SECRET_PATH = "/services/T0E2E/B0E2E/s3cretTokenWXYZ";

let browser: Browser;
let context: BrowserContext;
let page: Page;
let receiver: Server;
let hookUrl: string;
const received: { blocks: { text?: { text: string } }[]; text: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push(JSON.parse(body) as (typeof received)[number]);
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${SECRET_PATH}`;
  browser = await launch();
  context = await signedIn(browser, inject("serverUrl"), inject("apiKey"));
  page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
});
afterAll(async () => {
  await browser.close();
  await new Promise((resolve) => receiver.close(resolve));
});

/** Logs one run to P with the real SDK: loss falls from 1 to 1/30, crossing 0.5 at step 1. Spawned,
 * not spawnSync'd: the receiver in this process must keep answering while the run uploads. */
async function logRunCrossingTheThreshold(): Promise<void> {
  const dataDir = inject("dataDir");
  const python = process.env.TRACKWELL_PYTHON ?? join(import.meta.dirname, "..", "..", ".venv/bin/python");
  const script = [
    "import trackwell",
    `run = trackwell.init(project=${JSON.stringify(P)}, name="falling-loss")`,
    "for step in range(30):",
    "    run.log({'loss': 1.0 / (step + 1)})",
    "run.finish()",
  ].join("\n");
  const child = spawn(python, ["-c", script], {
    cwd: dataDir,
    env: { ...process.env, TRACKWELL_DATA_DIR: dataDir, TRACKWELL_DIR: dataDir, TRACKWELL_SILENT: "true" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const status = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (status !== 0) throw new Error(`logging the run failed (exit ${status})`);
}

describe("alerts page", () => {
  it("adds a webhook and a threshold rule, then shows the alert a crossing run raised and its delivery", async () => {
    await page.goto(`/root/${P}/alerts`);
    const hooks = page.getByTestId("webhooks");
    await hooks.getByPlaceholder("#training-alerts").fill("#ml-alerts");
    const url = hooks.getByPlaceholder("https://hooks.slack.com/services/…");
    await url.fill("not a url");
    await expect.poll(() => hooks.locator(".field-error").innerText()).toContain("must start with https://");
    await url.fill(hookUrl);
    await hooks.getByRole("button", { name: "Add webhook" }).click();
    const hook = hooks.getByTestId("webhook");
    await expect.poll(() => hook.innerText()).toContain("127.0.0.1/…WXYZ");
    expect(await page.content()).not.toContain("s3cretToken");

    const rules = page.getByTestId("rules");
    await rules.getByTestId("new-rule").click();
    const form = rules.getByTestId("rule-form");
    await form.getByRole("button", { name: "Save rule" }).click(); // nothing filled in: told what is missing
    await expect.poll(() => form.locator(".field-error").allInnerTexts()).toEqual(["Name the metric to watch, e.g. loss", "Enter a number, e.g. 2.5"]);
    await shot(page, "alerts-rule-form-problems");
    await form.getByLabel("metric").fill("loss");
    await form.getByLabel("comparison").selectOption("<");
    await form.getByLabel("threshold").fill("0.5");
    await form.getByLabel("level").selectOption("WARN");
    await form.getByRole("checkbox", { name: "#ml-alerts" }).check();
    await form.getByRole("button", { name: "Save rule" }).click();
    const rule = rules.getByTestId("rule");
    await expect.poll(() => rule.innerText()).toContain("loss < 0.5");
    expect(await rule.innerText()).toContain("→ #ml-alerts");

    await logRunCrossingTheThreshold();

    const feed = page.getByTestId("feed-alert");
    await expect.poll(() => feed.count()).toBe(1);
    expect(await feed.first().getAttribute("data-level")).toBe("WARN");
    expect(await feed.first().innerText()).toMatch(/loss < 0\.5[\s\S]*falling-loss/);
    const delivered = page.locator('[data-testid="delivery-row"][data-status="delivered"]');
    await expect.poll(() => delivered.count()).toBe(1);
    expect(await delivered.first().innerText()).toContain("#ml-alerts");
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]?.blocks[0]?.text?.text).toBe("loss < 0.5");
    expect(received[0]?.text).toContain("[WARN]");
    await shot(page, "alerts-page");

    // the run link of the feed opens the run
    await feed.first().getByRole("link", { name: "falling-loss" }).click();
    await page.waitForURL(/\/runs\//);
  });

  it("sends a test message from the webhook's row, logged as delivered", async () => {
    await page.goto(`/root/${P}/alerts`);
    await page.getByTestId("webhook").getByRole("button", { name: "Send test" }).click();
    await expect.poll(() => received.length).toBe(2);
    expect(received[1]?.blocks[0]?.text?.text).toBe("Test alert");
    const rows = page.locator('[data-testid="delivery-row"][data-status="delivered"]');
    await expect.poll(() => rows.count()).toBe(2);
  });

  it("edits, pauses and deletes a rule", async () => {
    await page.goto(`/root/${P}/alerts`);
    const rule = page.getByTestId("rule");
    await rule.getByRole("button", { name: "Edit" }).click();
    const form = page.getByTestId("rule-form");
    await form.getByLabel("threshold").fill("0.25");
    await form.getByLabel("comparison").selectOption("<=");
    await form.getByRole("button", { name: "Save rule" }).click();
    await expect.poll(() => rule.innerText()).toContain("loss <= 0.25");
    await rule.getByRole("button", { name: "Pause" }).click();
    await expect.poll(() => rule.innerText()).toContain("paused");
    await rule.getByRole("button", { name: "Resume" }).waitFor();
    await shot(page, "alerts-rule-paused");
    page.once("dialog", (dialog) => void dialog.accept());
    await rule.getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => rule.count()).toBe(0);
    // the alert it raised stays in the feed
    expect(await page.getByTestId("feed-alert").count()).toBe(1);
  });

  it("is linked from the workspace header", async () => {
    await page.goto(`/root/${P}`);
    await page.getByTestId("nav-alerts").click();
    await page.waitForURL(new RegExp(`/root/${P}/alerts$`));
    await page.getByTestId("alert-feed").waitFor();
  });
});
