// Hardening in a real browser (issue 14): the app's pages run under a strict Content-Security-Policy
// that nothing in the UI violates and that stops injected inline script, and logged media that can
// script (an HTML page, an SVG) never runs as the app: shown in the app or opened on its own, its
// script does not run and it has no access to the app's origin (cookie, storage, window).
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getJson, openSeeded, type Session } from "./browser";

let session: Session;
let page: Page;
let entity: string;

const HOSTILE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">
<circle id="dot" r="10" cx="20" cy="20"/>
<script>document.getElementById("dot").setAttribute("data-stolen", document.cookie + "|" + localStorage.getItem("tw-probe"));</script>
</svg>`;

/** Console messages of `page` that report a Content-Security-Policy violation. */
function cspViolations(p: Page): string[] {
  const found: string[] = [];
  p.on("console", (m) => {
    if (m.text().includes("Content Security Policy")) found.push(m.text());
  });
  return found;
}

beforeAll(async () => {
  session = await openSeeded("security", "security_seed.py");
  page = session.page;
  entity = (await getJson<{ entity: string }>(session.context, "/api/v1/viewer")).entity;
});
afterAll(async () => {
  await session.browser.close();
});

describe("security", () => {
  it("runs the UI under a strict CSP that nothing violates and that blocks injected inline script", async () => {
    const violations = cspViolations(page);
    const answer = await page.goto(`/${entity}/security`);
    const policy = answer?.headers()["content-security-policy"] ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain("unsafe-eval");
    await page.locator("[data-run] .run-link").first().waitFor();
    await page.locator("[data-run] .run-link").first().click();
    await page.getByTestId("overview").waitFor();
    await page.getByRole("link", { name: "Media", exact: true }).click();
    await page.getByTestId("media").waitFor();
    // An inline script put into the page (as an XSS would) is refused by the policy.
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { injectedRan?: boolean };
      const script = document.createElement("script");
      script.textContent = "window.injectedRan = true";
      const refused = new Promise<void>((resolve) => document.addEventListener("securitypolicyviolation", () => resolve(), { once: true }));
      document.body.append(script);
      await refused;
      return w.injectedRan === true;
    });
    expect(ran).toBe(false);
    expect(violations.filter((v) => !v.includes("inline script"))).toEqual([]);
  });

  it("shows logged HTML in a sandboxed frame where its script never runs", async () => {
    const messages: string[] = [];
    await page.exposeFunction("reportMessage", (m: string) => messages.push(m));
    await page.evaluate(() => window.addEventListener("message", (e) => void (window as unknown as { reportMessage: (m: string) => void }).reportMessage(String(e.data))));
    await page.evaluate(() => localStorage.setItem("tw-probe", "app-secret"));
    const card = page.locator('[data-testid=media-card][data-key="hostile"]');
    const frameElement = card.getByTestId("media-html");
    expect(await frameElement.getAttribute("sandbox")).toBe("");
    const frame = await (await frameElement.elementHandle())?.contentFrame();
    if (!frame) throw new Error("the logged HTML is not shown in a frame");
    await frame.waitForLoadState("load");
    // Loaded and drawn, and its script, which would have rewritten the marker at once, did not run.
    expect(await frame.locator("#marker").innerText()).toBe("html loaded");
    expect(messages.filter((m) => m.startsWith("script ran"))).toEqual([]);
  });

  it("opens logged HTML and an SVG on their own without scripts and without the app's origin", async () => {
    const run = `/api/v1/runs/${entity}/security/hostile1`;
    const files = await getJson<{ files: { path: string; url: string }[] }>(session.context, `${run}/files`);
    const html = files.files.find((f) => f.path.endsWith(".html"));
    if (!html) throw new Error("the seed's HTML file is missing");
    const key = { Authorization: `Bearer ${inject("apiKey")}` };
    const svgAnswer = await session.context.request.put(`${run}/files/media/drawing.svg`, { data: HOSTILE_SVG, headers: key });
    expect(svgAnswer.status()).toBe(200);

    const own = await session.context.newPage();
    await own.goto("/");
    await own.evaluate(() => localStorage.setItem("tw-probe", "app-secret"));
    for (const url of [html.url, `${run}/files/media/drawing.svg`]) {
      const answer = await own.goto(url);
      expect(answer?.headers()["content-security-policy"]).toMatch(/^sandbox;/);
      // An opaque origin: the app's cookie and storage are out of reach even for a script that did run.
      expect(await own.evaluate(() => self.origin)).toBe("null");
      expect(await own.evaluate(() => { try { return localStorage.getItem("tw-probe"); } catch (e) { return (e as Error).name; } })).toBe("SecurityError");
      expect(await own.evaluate(() => { try { return document.cookie; } catch (e) { return (e as Error).name; } })).toBe("SecurityError");
    }
    // The SVG drew, its script did not run.
    expect(await own.locator("#dot").count()).toBe(1);
    expect(await own.locator("#dot").getAttribute("data-stolen")).toBeNull();
    await own.goto(html.url);
    expect(await own.locator("#marker").innerText()).toBe("html loaded");
    await own.close();
  });
});
