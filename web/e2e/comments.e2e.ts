// Comments and mentions in a real browser, as two colleagues use them: Ada opens a run's Comments
// tab, mentions Bob through the @-autocomplete (and pastes hostile HTML that must stay text), and
// posts; Bob signs in, sees the unread badge in the header, opens the inbox, follows the link to the
// run and finds the comment marked. Users, team and run are made per test run, so a reused server
// (E2E_SERVER_DIR) works too.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, shot, signedIn } from "./browser";

const url = inject("serverUrl");
const rootKey = inject("apiKey");
const tag = Date.now().toString(36);
const team = `lab-${tag}`;
const project = "mnist";
const runId = `adam-${tag}`;
const ada = `ada-${tag}`;
const bob = `bob-${tag}`;
const hostile = '<img src=x onerror="window.pwned=1">';

let browser: Browser;
const contexts: BrowserContext[] = [];

async function asRoot(method: "post" | "put", path: string, data: unknown): Promise<Record<string, unknown>> {
  const context = contexts[0]!;
  const r = await context.request.fetch(path, { method, data, headers: { Authorization: `Bearer ${rootKey}` } });
  if (!r.ok()) throw new Error(`${method} ${path}: HTTP ${r.status()} ${await r.text()}`);
  return (await r.json()) as Record<string, unknown>;
}

async function member(username: string): Promise<string> {
  await asRoot("post", "/api/v1/users", { email: `${username}@example.com`, username });
  await asRoot("put", `/api/v1/teams/${team}/members/${username}`, { role: "member" });
  return String((await asRoot("post", `/api/v1/users/${username}/keys`, { description: "e2e" })).key);
}

async function pageAs(key: string): Promise<Page> {
  const context = await signedIn(browser, url, key);
  contexts.push(context);
  const page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
  return page;
}

let adaKey = "";
let bobKey = "";

beforeAll(async () => {
  browser = await launch();
  contexts.push(await signedIn(browser, url, rootKey));
  await asRoot("post", "/api/v1/teams", { name: team });
  adaKey = await member(ada);
  bobKey = await member(bob);
  await asRoot("put", `/api/v1/runs/${team}/${project}/${runId}`, { session_id: "s", display_name: "adam lr=1e-3" });
});
afterAll(async () => {
  await browser.close();
});

describe("comments with mentions", () => {
  it("Ada comments on a run, mentioning Bob through the autocomplete", async () => {
    const page = await pageAs(adaKey);
    await page.goto(`/${team}/${project}/runs/${runId}`);
    await page.getByRole("link", { name: "Comments" }).click();
    const box = page.getByTestId("comment-new").getByLabel("comment text");
    await box.click();
    await box.pressSequentially(`@${bob.slice(0, 4)}`);
    const options = page.getByTestId("mention-options");
    await options.getByText(`@${bob}`).waitFor();
    await shot(page, "comments-autocomplete");
    await box.press("Enter");
    await expect.poll(() => box.inputValue()).toBe(`@${bob} `);
    await box.pressSequentially(`the **loss** spikes at step 40, see ${hostile}`);
    await page.getByTestId("comment-new-submit").click();
    const comment = page.getByTestId("comment").first();
    await comment.locator(".mention").getByText(`@${bob}`).waitFor();
    expect(await comment.locator("strong", { hasText: "loss" }).count()).toBe(1);
    expect(await comment.innerText()).toContain(hostile); // shown as text, not an element
    expect(await comment.locator("img").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await expect.poll(() => box.inputValue()).toBe(""); // a fresh draft for the next comment
    await shot(page, "comments-run");
  });

  it("Bob sees the badge, opens the inbox and follows the link to the comment", async () => {
    const page = await pageAs(bobKey);
    await page.goto("/");
    const badge = page.getByTestId("inbox-unread");
    await expect.poll(() => badge.textContent()).toBe("1");
    await page.getByTestId("inbox-badge").click();
    const item = page.getByTestId("inbox-item").first();
    await expect.poll(() => item.innerText()).toContain(`${ada} mentioned you on run ${runId}`);
    await shot(page, "comments-inbox");
    await item.getByTestId("inbox-link").click();
    await expect.poll(() => page.evaluate(() => location.pathname + location.search)).toBe(`/${team}/${project}/runs/${runId}?tab=comments`);
    const marked = page.locator(".comment.highlighted");
    await marked.locator(".mention").getByText(`@${bob}`).waitFor(); // rendered, with the mention marked
    expect(await marked.innerText()).toContain("spikes at step 40");
    await expect.poll(() => page.getByTestId("inbox-unread").count()).toBe(0);
    await shot(page, "comments-followed");
  });

  it("Bob replies in the thread, Ada edits her comment, Bob deletes his reply", async () => {
    const bobPage = contexts[2]!.pages()[0]!;
    await bobPage.getByTestId("comment-reply-button").first().click();
    const reply = bobPage.getByTestId("comment-reply").getByLabel("comment text");
    await reply.pressSequentially(`thanks @${ada}, rerunning with warmup`);
    await bobPage.getByTestId("comment-reply-submit").click();
    const replied = bobPage.locator(".comment.reply");
    await expect.poll(() => replied.innerText()).toContain("rerunning with warmup");

    const adaPage = contexts[1]!.pages()[0]!;
    await adaPage.reload();
    await adaPage.locator(".comment.reply").waitFor(); // Bob's reply, under her comment
    await adaPage.getByTestId("comment-edit").first().click();
    const editor = adaPage.getByTestId("comment-editor").getByLabel("comment text");
    await editor.fill(`@${bob} the loss spikes at step 40 (fixed: warmup)`);
    await adaPage.getByTestId("comment-editor-submit").click();
    const first = adaPage.getByTestId("comment").first();
    await expect.poll(() => first.innerText()).toContain("(fixed: warmup)");
    expect(await first.innerText()).toContain("(edited)");
    expect(await adaPage.locator(".comment.reply").getByTestId("comment-delete").count()).toBe(0); // not hers
    await shot(adaPage, "comments-thread");

    bobPage.on("dialog", (dialog) => void dialog.accept());
    await bobPage.locator(".comment.reply").getByTestId("comment-delete").click();
    await expect.poll(() => bobPage.locator(".comment.reply").count()).toBe(0);
    expect(await bobPage.getByTestId("comment").count()).toBe(1);
  });

  it("a mention under a report links to the report, at the comment", async () => {
    const adaApi = contexts[1]!.request;
    const auth = { Authorization: `Bearer ${adaKey}` };
    const report = await adaApi.post(`/api/v1/reports/${team}/${project}`, { headers: auth, data: { title: "Warmup study", blocks: [], status: "draft" } });
    expect(report.status()).toBe(201);
    const reportId = String(((await report.json()) as { id: string }).id);
    const made = await adaApi.post(`/api/v1/comments/${team}/${project}/reports/${reportId}`, { headers: auth, data: { text: `@${bob} does this read well?` } });
    expect(made.status()).toBe(201);

    const bobPage = contexts[2]!.pages()[0]!;
    await bobPage.goto("/inbox");
    const item = bobPage.getByTestId("inbox-item").filter({ hasText: "does this read well?" });
    await expect.poll(() => item.innerText()).toContain(`${ada} mentioned you on a report in`);
    await item.getByTestId("inbox-link").click();
    await expect.poll(() => bobPage.evaluate(() => location.pathname)).toBe(`/${team}/${project}/reports/${reportId}`);
    await bobPage.locator(".comment.highlighted .mention").getByText(`@${bob}`).waitFor();
    await shot(bobPage, "comments-report");
  });
});
