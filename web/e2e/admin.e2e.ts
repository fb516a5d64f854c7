// The admin and settings pages in a real browser, as a server admin would use them: create a user
// and a team, add the user and change their role, make a service account, create an API key (shown
// once), use it and revoke it, and find all of it in the audit log. Names are unique per run, so a
// reused server (E2E_SERVER_DIR) works too.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getJson, launch, shot, signedIn } from "./browser";

let browser: Browser;
let context: BrowserContext;
let page: Page;
const url = inject("serverUrl");
const apiKey = inject("apiKey");
const tag = Date.now().toString(36);
const email = `ada-${tag}@example.com`;
const team = `vision-${tag}`;
let keyPrefix = ""; // of the key the settings test makes and revokes

interface Member {
  username: string;
  role: string;
  kind: string;
}

beforeAll(async () => {
  browser = await launch();
  context = await signedIn(browser, url, apiKey);
  page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept()); // the confirm() of revoke and remove
});
afterAll(async () => {
  await browser.close();
});

async function username(): Promise<string> {
  const users = await getJson<{ username: string; email: string | null }[]>(context, "/api/v1/users");
  const found = users.find((u) => u.email === email);
  if (!found) throw new Error(`no user with ${email}`);
  return found.username;
}

describe("admin page", () => {
  it("a server admin reaches it from the header and creates a user", async () => {
    await page.goto("/");
    await page.getByTestId("admin-link").click();
    await page.getByTestId("admin-users").waitFor();
    await page.getByLabel("new user's email").fill(email);
    await page.getByTestId("create-user").click();
    await page.getByTestId("user-created").waitFor();
    const row = page.locator(`[data-testid=user-row][data-username="${await username()}"]`);
    await expect.poll(() => row.textContent()).toContain(email);
    await shot(page, "admin-users");
  });

  it("creates a team, adds the user and changes their role", async () => {
    await page.getByTestId("admin-tab-teams").click();
    await page.getByLabel("new team name").fill(team);
    await page.getByTestId("create-team").click();
    await page.getByTestId("team-detail").getByText(team, { exact: true }).waitFor();
    const name = await username();
    await page.getByLabel("username or email to add").fill(email);
    await page.getByTestId("add-member").click();
    const row = page.locator(`[data-testid=member-row][data-username="${name}"]`);
    await row.waitFor();
    await row.getByTestId("member-role").selectOption("viewer");
    const roleOf = async (): Promise<string | undefined> =>
      (await getJson<{ members: Member[] }>(context, `/api/v1/teams/${encodeURIComponent(team)}`)).members.find((m) => m.username === name)?.role;
    await expect.poll(roleOf).toBe("viewer");
    await expect.poll(() => row.getByTestId("member-role").inputValue()).toBe("viewer");

    await page.getByLabel("service account description").fill("CI on main");
    await page.getByTestId("create-service-account").click();
    const secret = await page.getByTestId("shown-once").getByTestId("secret").textContent();
    expect(secret).toMatch(/^tw-[A-Za-z0-9]{40}$/);
    await page.getByTestId("service-accounts").waitFor();
    await shot(page, "admin-team");
    await page.getByTestId("shown-once-done").click();
    await page.getByTestId("shown-once").waitFor({ state: "detached" });
    expect(await page.content()).not.toContain(secret);
  });
});

describe("settings page", () => {
  it("creates a key shown once with a copy button, which works until revoked", async () => {
    await page.getByTestId("user").click();
    await page.getByTestId("api-keys").waitFor();
    await page.getByLabel("key description").fill(`e2e laptop ${tag}`);
    await page.getByTestId("new-key").click();
    const shown = page.getByTestId("shown-once");
    const key = (await shown.getByTestId("secret").textContent()) ?? "";
    expect(key).toMatch(/^tw-[A-Za-z0-9]{40}$/);
    keyPrefix = key.slice(0, 7);
    await shown.getByTestId("copy").waitFor();
    const row = page.getByTestId("key-row").filter({ hasText: `e2e laptop ${tag}` });
    await expect.poll(() => row.textContent()).toContain(key.slice(0, 7));
    await shot(page, "settings-new-key");

    const asKey = async (): Promise<number> => (await fetch(`${url}/api/v1/viewer`, { headers: { Authorization: `Bearer ${key}` } })).status;
    expect(await asKey()).toBe(200);
    await shown.getByTestId("shown-once-done").click();
    await shown.waitFor({ state: "detached" });
    expect(await page.content()).not.toContain(key); // only the prefix stays on the page

    await row.getByTestId("revoke-key").click();
    await row.waitFor({ state: "detached" });
    await expect.poll(asKey).toBe(401);
    await page.getByTestId("my-teams").getByText(team).waitFor();
    await shot(page, "settings");
  });
});

/** A call with the server admin's key (setting up another user without clicking through it again). */
async function asAdmin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

describe("a team admin who is not a server admin", () => {
  it("has no Admin link, and manages their team from Settings", async () => {
    const made = await asAdmin<{ username: string }>("POST", "/api/v1/users", { email: `tina-${tag}@example.com` });
    const { key } = await asAdmin<{ key: string }>("POST", `/api/v1/users/${encodeURIComponent(made.username)}/keys`, { description: "e2e" });
    await asAdmin("PUT", `/api/v1/teams/${encodeURIComponent(team)}/members/${encodeURIComponent(made.username)}`, { role: "admin" });
    const theirs = await signedIn(browser, url, key);
    const their = await theirs.newPage();
    await their.goto("/");
    await their.getByTestId("projects").or(their.getByText("No projects yet")).first().waitFor();
    expect(await their.getByTestId("admin-link").count()).toBe(0);
    await their.getByTestId("user").click();
    await their.getByTestId("my-teams").getByRole("link", { name: "Manage" }).click();
    await their.getByTestId("team-detail").getByText(team, { exact: true }).waitFor();
    expect(await their.getByTestId("admin-tab-users").count()).toBe(0); // only their teams
    expect(await their.getByTestId("member-row").count()).toBeGreaterThan(1);
    await shot(their, "admin-team-admin");
    await theirs.close();
  });
});

describe("audit log and storage", () => {
  it("shows what was done, newest first, and filters by action", async () => {
    await page.getByTestId("admin-link").click();
    await page.getByTestId("admin-tab-audit").click();
    const actions = page.getByTestId("audit-row");
    await actions.first().waitFor();
    const seen = await actions.evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-action")} ${r.textContent}`));
    for (const action of ["user.create", "team.create", "role.change", "service_account.create"]) expect(seen.some((e) => e.startsWith(`${action} `))).toBe(true);
    // This run's key, made then revoked: newest first, by its prefix (never the key itself).
    const made = seen.findIndex((e) => e.startsWith("key.create ") && e.includes(keyPrefix));
    const revoked = seen.findIndex((e) => e.startsWith("key.revoke ") && e.includes(keyPrefix));
    expect(made).toBeGreaterThan(-1);
    expect(revoked).toBeGreaterThan(-1);
    expect(revoked).toBeLessThan(made);
    await shot(page, "admin-audit");

    await page.getByTestId("audit-action").selectOption("role.change");
    await expect.poll(async () => new Set(await actions.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action"))))).toEqual(new Set(["role.change"]));
    expect(new URL(page.url()).searchParams.get("action")).toBe("role.change"); // a link keeps the filter
  });

  it("lists storage per project", async () => {
    await page.getByTestId("admin-tab-storage").click();
    await page.getByTestId("admin-storage").waitFor();
    const usage = await getJson<{ entity: string; project: string }[]>(context, "/api/v1/admin/storage");
    expect(usage.length).toBeGreaterThan(0); // the e2e server's seeded projects
    await expect.poll(() => page.getByTestId("storage-row").count()).toBe(usage.length);
    await shot(page, "admin-storage");
  });
});
