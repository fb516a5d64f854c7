// Signing in through a real OpenID Connect provider's pages in Chromium (panva's oidc-provider on
// loopback, tests/fixtures/oidc_provider.mjs), a password, and an invite link, against a server of
// its own configured for single sign-on (TRACKWELL_OIDC_*).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, shot } from "./browser";

const repo = join(import.meta.dirname, "..", "..");
const python = process.env.TRACKWELL_PYTHON ?? join(repo, ".venv/bin/python");
const PASSWORD = "a passphrase long enough";

let browser: Browser;
let provider: ChildProcess;
let server: ChildProcess;
let dir: string;
let url: string;
let adminKey: string;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function until(condition: () => boolean, what: string, seconds = 180): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tw-sso-"));
  const port = await freePort();
  const accounts = join(dir, "accounts.json");
  writeFileSync(accounts, JSON.stringify({ "alice-sub": { preferred_username: "alice", email: "alice@example.test", email_verified: true, name: "Alice Liddell", groups: ["ml-staff"] } }));
  provider = spawn("node", [join(repo, "tests/fixtures/oidc_provider.mjs"), "--port", "0", "--client-id", "trackwell-e2e", "--client-secret", "e2e-secret-0123456789",
    "--redirect-uri", `http://127.0.0.1:${port}/api/v1/auth/oidc/callback`, "--accounts-file", accounts], { stdio: ["ignore", "pipe", "ignore"] }); // prettier-ignore
  const issuer = await new Promise<string>((resolve, reject) => {
    createInterface({ input: provider.stdout! }).once("line", (line) => (line.startsWith("ready ") ? resolve(line.slice(6)) : reject(new Error(line))));
    provider.once("exit", (code) => reject(new Error(`the OIDC provider exited with ${code}`)));
  });
  const data = join(dir, "server");
  server = spawn(python, ["-m", "trackwell", "server", "--data-dir", data, "--port", String(port)], {
    cwd: repo,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, TRACKWELL_OIDC_ISSUER: issuer, TRACKWELL_OIDC_CLIENT_ID: "trackwell-e2e", TRACKWELL_OIDC_CLIENT_SECRET: "e2e-secret-0123456789",
      TRACKWELL_OIDC_NAME: "Example SSO", TRACKWELL_OIDC_SCOPES: "openid email profile groups", TRACKWELL_OIDC_GROUPS_CLAIM: "groups", TRACKWELL_OIDC_TEAM_MAP: "ml-staff=ml:member" }, // prettier-ignore
  });
  await until(() => existsSync(join(data, "server.json")) || server.exitCode !== null, "the server's start");
  if (server.exitCode !== null) throw new Error(`trackwell server exited with ${server.exitCode}`);
  url = (JSON.parse(readFileSync(join(data, "server.json"), "utf8")) as { url: string }).url;
  adminKey = readFileSync(join(data, "local-api-key"), "utf8").trim();
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await stop(server);
  await stop(provider);
  rmSync(dir, { recursive: true, force: true });
});

async function fresh(): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1200, height: 800 } });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  return context;
}

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${url}${path}`, { method, headers: { Authorization: `Bearer ${adminKey}`, "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
}

describe("single sign-on", () => {
  it("signs in through the provider's own pages and lands where it started", async () => {
    const context = await fresh();
    const page = await context.newPage();
    await page.goto("/ml/vision");
    const sso = page.getByTestId("sso");
    await expect.poll(() => sso.textContent()).toBe("Sign in with Example SSO");
    await shot(page, "sso-signin-page");
    await sso.click();
    // The provider's login page (its own origin), then its consent page.
    await page.locator('input[name="login"]').fill("alice-sub");
    await page.locator('input[name="password"]').fill("anything");
    expect(new URL(page.url()).origin).not.toBe(url);
    await shot(page, "sso-provider-login");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByTestId("user").waitFor();
    expect(new URL(page.url()).pathname).toBe("/ml/vision");
    await expect.poll(() => page.getByTestId("user").textContent()).toBe("alice");
    const cookie = (await context.cookies()).find((c) => c.name === "trackwell_session");
    expect(cookie?.httpOnly).toBe(true);
    const teams = await context.request.get("/api/v1/viewer");
    expect(((await teams.json()) as { teams: { name: string; role: string }[] }).teams).toContainEqual({ name: "ml", role: "member" });
    await shot(page, "sso-signed-in");
    await context.close();
  });

  it("shows why a failed sign-in came back", async () => {
    const context = await fresh();
    const page = await context.newPage();
    await page.goto("/api/v1/auth/oidc/callback?state=forged&code=x");
    await expect.poll(() => page.getByTestId("signin-error").textContent()).toContain("Single sign-on failed");
    await shot(page, "sso-error");
    await context.close();
  });
});

describe("passwords and invites", () => {
  it("signs in with a password, and the policy's message shows when changing it", async () => {
    expect((await admin("PUT", "/api/v1/users/alice/password", { password: PASSWORD })).status).toBe(204);
    const context = await fresh();
    const page = await context.newPage();
    await page.goto("/");
    await page.getByTestId("login").fill("alice@example.test");
    await page.getByTestId("password").fill(PASSWORD);
    await page.getByTestId("password").press("Enter");
    await expect.poll(() => page.getByTestId("user").textContent()).toBe("alice");
    await page.getByTestId("user").click();
    const form = page.getByTestId("change-password");
    await form.getByLabel("Current password").fill(PASSWORD);
    await form.getByLabel("New password", { exact: true }).fill("too short");
    await form.getByLabel("New password again").fill("too short");
    await form.getByRole("button", { name: "Set password" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toContain("at least 12");
    await shot(page, "password-policy");
    await context.close();
  });

  it("accepts an invite by making an account", async () => {
    expect((await admin("POST", "/api/v1/teams", { name: "audio" })).status).toBe(201);
    const made = await admin("POST", "/api/v1/teams/audio/invites", { email: "sam@example.test", role: "viewer" });
    const { url: link } = (await made.json()) as { url: string };
    const context = await fresh();
    const page = await context.newPage();
    await page.goto(link);
    await expect.poll(() => page.getByTestId("invite").locator("h1").textContent()).toBe("Join audio");
    await page.getByTestId("invite-password").fill(PASSWORD);
    await page.getByTestId("invite-repeat").fill(PASSWORD);
    await shot(page, "invite-accept");
    await page.getByTestId("invite-accept").click();
    await page.getByTestId("settings").waitFor();
    await expect.poll(() => page.getByTestId("user").textContent()).toBe("sam");
    await expect.poll(() => page.getByTestId("my-teams").textContent()).toContain("audio");
    await shot(page, "invite-joined");
    await context.close();
  });
});
