// Signing in and out in a real browser: nothing is open without credentials, an API key or a
// one-time link gives a session, and signing out ends it.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, shot } from "./browser";

let browser: Browser;
const url = inject("serverUrl");
const apiKey = inject("apiKey");

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser.close();
});

describe("sign in", () => {
  it("shows only the sign-in page and refuses the API without credentials", async () => {
    const context = await browser.newContext({ baseURL: url });
    const page = await context.newPage();
    await page.goto("/e2e/e2e");
    await page.getByTestId("api-key").waitFor();
    expect((await context.request.get("/api/v1/projects")).status()).toBe(401);
    await shot(page, "auth-signin");
    await context.close();
  });

  it("signs in with an API key, explains a wrong one, and signs out", async () => {
    const context = await browser.newContext({ baseURL: url });
    const page = await context.newPage();
    await page.goto("/");
    await page.getByTestId("api-key").fill("tw-not-a-real-key-000000000000000000000000");
    await page.getByTestId("api-key-submit").click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("not valid");
    await page.getByTestId("api-key").fill(apiKey);
    await page.getByTestId("api-key-submit").click();
    await page.getByTestId("projects").waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "trackwell_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe("Strict");
    expect(await page.content()).not.toContain(apiKey);
    await shot(page, "auth-projects");
    await page.getByTestId("sign-out").click();
    await page.getByTestId("api-key").waitFor();
    expect((await context.request.get("/api/v1/projects")).status()).toBe(401);
    await context.close();
  });

  it("signs in once with the one-time link the CLI opens", async () => {
    const res = await fetch(`${url}/api/v1/session/login-link`, { method: "POST", headers: { Authorization: `Bearer ${apiKey}` } });
    const link = ((await res.json()) as { url: string }).url;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.getByTestId("projects").waitFor();
    expect(new URL(page.url()).search).toBe(""); // the token does not stay in the address bar
    const other = await browser.newContext();
    const replay = await other.request.get(link, { maxRedirects: 0 });
    expect(replay.status()).toBe(401);
    await other.close();
    await context.close();
  });
});
