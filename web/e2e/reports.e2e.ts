// Reports in the browser (issue 16): a report written in the editor (a heading, a paragraph with
// bold text and a link, a bulleted list, a code block and a panel grid), saved with Ctrl+S, read
// back after a reload, edited again while someone else saves (the 409 and saving over it knowingly),
// the history with its diff, and a restore that adds a version. Runs from reports_seed.py.
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getJson, openSeeded, shot, type Session } from "./browser";

const P = "reports-e2e";
// Unique per run: a reused server (E2E_SERVER_DIR) keeps the reports of earlier runs.
const TITLE = `Optimizer study ${Date.now().toString(36)}`;
let s: Session;
let page: Page;
let reportId = "";

interface SpanJ {
  text: string;
  bold: boolean;
  italic: boolean;
  code: boolean;
  link: string | null;
}
interface ReportJ {
  id: string;
  title: string;
  version: number;
  latest_version: number;
  blocks: ({ type: string } & Record<string, unknown>)[];
}

const reportApi = (): string => `/api/v1/reports/root/${P}/${reportId}`;
const mod = process.platform === "darwin" ? "Meta" : "Control";

beforeAll(async () => {
  s = await openSeeded(P, "reports_seed.py");
  page = s.page;
});
afterAll(() => s?.browser.close());

/** Opens the "+" after block `after` (-1: the first "+") and picks a block kind. */
async function addBlock(after: number, label: string): Promise<void> {
  await page.getByTestId("add-block").nth(after + 1).click();
  await page.getByRole("menuitem", { name: label, exact: true }).click();
}

/** Drags a block by its handle onto another, as a hand does: press, a small move that starts the
 * drag while the handle is still under the pointer, then onto the target (one jump to the target
 * leaves the source block, which hides its handle before the drag starts). */
async function dragBlock(source: Locator, target: Locator): Promise<void> {
  await source.hover();
  const h = await source.locator(".be-handle").boundingBox();
  if (!h) throw new Error("the block's drag handle is not shown");
  await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
  await page.mouse.down();
  await page.mouse.move(h.x + h.width / 2 + 4, h.y + h.height / 2 + 4, { steps: 2 });
  const t = await target.boundingBox();
  if (!t) throw new Error("the drop target is not shown");
  await page.mouse.move(t.x + t.width / 2, t.y + t.height / 2, { steps: 5 });
  await page.mouse.up();
}

async function select(chars: number): Promise<void> {
  for (let i = 0; i < chars; i++) await page.keyboard.press("Shift+ArrowLeft");
}

describe("reports", () => {
  it("writes a report in the browser and reads it back after a reload", async () => {
    await page.goto(`/root/${P}`);
    await page.getByTestId("nav-reports").click();
    await page.getByTestId("new-report").click();
    await expect.poll(() => new URL(page.url()).searchParams.get("edit")).toBe("1");
    reportId = new URL(page.url()).pathname.split("/").pop() ?? "";
    await page.getByTestId("title-input").fill(TITLE);

    await addBlock(-1, "Heading 1");
    await page.keyboard.type("Hypothesis");
    await addBlock(0, "Paragraph");
    await page.keyboard.type("Adam is faster than SGD, see the plan");
    await select(8);
    await page.getByRole("button", { name: "Link (Ctrl+K)" }).click();
    await page.getByTestId("link-url").fill("https://example.com/plan");
    await page.getByTestId("link-url").press("Enter");
    await page.keyboard.press("Home");
    for (let i = 0; i < 8; i++) await page.keyboard.press("ArrowRight");
    for (let i = 0; i < 6; i++) await page.keyboard.press("Shift+ArrowRight");
    await page.keyboard.press(`${mod}+b`);
    await addBlock(1, "Bulleted list");
    await page.keyboard.type("adam: 0.98");
    await page.keyboard.press("Enter");
    await page.keyboard.type("sgd: 0.95");
    await addBlock(2, "Code");
    await page.keyboard.type("trackwell.sweep(config)");
    await addBlock(3, "Panel grid");
    await page.getByTestId("report-add-panel").click();
    const dialog = page.getByTestId("add-panel-dialog");
    await dialog.getByRole("radio", { name: "Bar chart" }).click();
    await dialog.getByTestId("add-panel-submit").click();
    await expect.poll(() => page.locator('[data-testid="panel"][data-panel-type="bar"]').count()).toBe(1);
    await expect.poll(() => page.getByTestId("edit-block").count()).toBe(5);
    await shot(page, "reports-editor");

    // A block the server refuses is named where it is: an image without a source.
    await addBlock(4, "Image");
    await page.keyboard.press(`${mod}+s`);
    const problem = page.getByTestId("block-problem");
    await problem.waitFor();
    expect(await problem.innerText()).toContain("exactly one of url and run_file");
    const image = page.locator("[data-testid=edit-block][data-type=image]");
    expect(await image.evaluate((el) => el.classList.contains("invalid"))).toBe(true);
    await image.hover(); // a block's controls show on hover (or focus inside it)
    await image.getByRole("button", { name: "Delete block" }).click();

    await page.keyboard.press(`${mod}+s`);
    await expect.poll(() => page.getByTestId("save-state").innerText()).toBe("Saved as version 2");

    const saved = await getJson<ReportJ>(s.context, reportApi());
    expect(saved.title).toBe(TITLE);
    expect(saved.blocks.map((b) => b.type)).toEqual(["heading", "paragraph", "list", "code", "panel_grid"]);
    const para = saved.blocks[1]!.text as SpanJ[];
    expect(para.map((x) => [x.text, x.bold, x.link])).toEqual([
      ["Adam is ", false, null],
      ["faster", true, null],
      [" than SGD, see ", false, null],
      ["the plan", false, "https://example.com/plan"],
    ]);
    expect((saved.blocks[2]!.items as SpanJ[][]).map((i) => i.map((x) => x.text).join(""))).toEqual(["adam: 0.98", "sgd: 0.95"]);
    expect(saved.blocks[3]).toMatchObject({ type: "code", code: "trackwell.sweep(config)" });
    expect(saved.blocks[4]).toMatchObject({ type: "panel_grid", runsets: [{ entity: "root", project: P, filters: null }], panels: [{ type: "bar" }] });

    await page.goto(`/root/${P}/reports/${reportId}`);
    const view = page.getByTestId("report-view");
    await expect.poll(() => view.getByRole("heading", { name: "Hypothesis" }).count()).toBe(1);
    expect(await view.locator("strong").innerText()).toBe("faster");
    const link = view.getByRole("link", { name: "the plan" });
    expect(await link.getAttribute("href")).toBe("https://example.com/plan");
    expect(await link.getAttribute("rel")).toContain("noopener");
    expect(await view.locator("ul li").allInnerTexts()).toEqual(["adam: 0.98", "sgd: 0.95"]);
    expect(await view.locator("pre code").innerText()).toBe("trackwell.sweep(config)");
    // The grid is live in the read-only report: the bar chart over the project's four runs.
    await expect.poll(() => view.locator('[data-testid="panel"][data-panel-type="bar"]').getAttribute("data-count")).toBe("4");
    await shot(page, "reports-view");
    await page.evaluate(() => (document.documentElement.dataset.theme = "dark"));
    await shot(page, "reports-view-dark");
    await page.evaluate(() => (document.documentElement.dataset.theme = "light"));

    await page.getByTestId("nav-reports").click();
    await page.getByTestId("report-search").fill(TITLE.slice(-6));
    await expect.poll(() => page.getByTestId("report-row").count()).toBe(1);
    expect(await page.getByTestId("report-row").innerText()).toMatch(new RegExp(`${TITLE}\\s+Draft\\s+root`));
    await shot(page, "reports-list");
    await page.getByTestId("report-search").fill("nothing like it");
    await expect.poll(() => page.getByTestId("report-row").count()).toBe(0);
  });

  it("edits again, meets a concurrent save (409) and saves over it knowingly", async () => {
    await page.goto(`/root/${P}/reports/${reportId}`);
    await page.getByTestId("edit-report").click();
    const heading = page.getByRole("textbox", { name: "Heading 1" });
    await heading.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" (revised)");
    // Someone else saves version 3 meanwhile.
    const current = await getJson<ReportJ & { description: string; status: string }>(s.context, reportApi());
    const other = await fetch(`${inject("serverUrl")}${reportApi()}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${inject("apiKey")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ title: "Changed elsewhere", description: current.description, status: current.status, blocks: current.blocks, base_version: current.version }),
    });
    expect(other.status).toBe(200);

    // Leaving with unsaved changes asks first; staying keeps the edit.
    page.once("dialog", (d) => void d.dismiss());
    await page.getByTestId("nav-reports").click();
    expect(new URL(page.url()).searchParams.get("edit")).toBe("1");

    await page.getByTestId("save").click();
    const conflict = page.getByTestId("conflict");
    await conflict.waitFor();
    expect(await conflict.innerText()).toContain("Version 3 was saved by");
    await shot(page, "reports-conflict");
    await page.evaluate(() => (document.documentElement.dataset.theme = "dark"));
    await heading.click();
    await shot(page, "reports-editor-dark");
    await page.evaluate(() => (document.documentElement.dataset.theme = "light"));
    await page.getByTestId("conflict-overwrite").click();
    await expect.poll(() => page.getByTestId("save-state").innerText()).toBe("Saved as version 4");
    const saved = await getJson<ReportJ>(s.context, reportApi());
    expect(saved.title).toBe(TITLE);
    expect((saved.blocks[0]!.text as SpanJ[])[0]!.text).toBe("Hypothesis (revised)");
  });

  it("shows the history and the diff, and restores an old version as a new one", async () => {
    await page.getByTestId("done-editing").click();
    await page.getByTestId("history-toggle").click();
    await expect.poll(() => page.getByTestId("version-row").count()).toBe(4);
    const diff = page.getByTestId("diff");
    await diff.waitFor();
    expect(await diff.innerText()).toContain("title changed");
    await page.getByTestId("diff-from").selectOption("2");
    await expect.poll(() => page.getByTestId("diff-entry").getAttribute("data-change")).toBe("changed");
    expect(await page.getByTestId("diff-entry").innerText()).toContain("Hypothesis (revised)");
    await shot(page, "reports-history");

    await page.locator("[data-testid=version-row][data-version='2'] [data-testid=restore]").click();
    await expect.poll(() => page.getByTestId("version-row").count()).toBe(5);
    const restored = await getJson<ReportJ>(s.context, reportApi());
    expect(restored.version).toBe(5);
    expect((restored.blocks[0]!.text as SpanJ[])[0]!.text).toBe("Hypothesis");
    await expect.poll(() => page.getByTestId("report-view").getByRole("heading", { level: 1, name: "Hypothesis", exact: true }).count()).toBe(1);

    await page.goto(`/root/${P}/reports/${reportId}?v=1`);
    await page.getByTestId("old-version").waitFor();
    expect(await page.getByTestId("report-title").innerText()).toBe("Untitled report");
  });
});

describe("rich text", () => {
  it("splits paragraphs on Enter, breaks lines on Shift+Enter, pastes plain text and refuses a javascript: link", async () => {
    await page.goto(`/root/${P}/reports`);
    await page.getByTestId("new-report").click();
    await expect.poll(() => new URL(page.url()).searchParams.get("edit")).toBe("1");
    const id = new URL(page.url()).pathname.split("/").pop() ?? "";
    await addBlock(-1, "Paragraph");
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    await page.keyboard.type("first line");
    // Letters typed in rich text are text, not the app's shortcuts ("t" theme, "?" help).
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("second line");
    await page.keyboard.press("Home");
    await page.keyboard.press("Enter"); // the rest of the text moves into a new paragraph
    await expect.poll(() => page.locator("[data-testid=edit-block][data-type=paragraph]").count()).toBe(2);
    await page.keyboard.type("moved: ");
    await page.keyboard.press("Shift+Home");
    await page.keyboard.press(`${mod}+i`);
    await page.keyboard.press("End");
    // Pasting HTML keeps only its text.
    await page.evaluate(() => {
      const data = new DataTransfer();
      data.setData("text/html", "<b onclick='x()'>loud</b>");
      data.setData("text/plain", " pasted");
      document.activeElement?.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await page.keyboard.press("Shift+ArrowLeft");
    await page.keyboard.press(`${mod}+k`);
    await page.getByTestId("link-url").fill("javascript:alert(1)");
    await page.getByTestId("link-url").press("Enter");
    expect(await page.getByRole("alert").filter({ hasText: "A link must start with" }).count()).toBe(1);
    await page.getByTestId("link-url").press("Escape");
    // Moved up with its button, then dragged back down by its handle.
    const paras = page.locator("[data-testid=edit-block][data-type=paragraph]");
    await paras.nth(1).hover();
    await paras.nth(1).getByRole("button", { name: "Move block up" }).click();
    await expect.poll(() => paras.first().getByRole("textbox").innerText()).toContain("moved:");
    await dragBlock(paras.nth(0), paras.nth(1));
    await expect.poll(() => paras.first().getByRole("textbox").innerText()).toContain("first line");
    await page.keyboard.press(`${mod}+s`);
    await expect.poll(() => page.getByTestId("save-state").innerText()).toBe("Saved as version 2");

    const saved = await getJson<ReportJ>(s.context, `/api/v1/reports/root/${P}/${id}`);
    const texts = saved.blocks.map((b) => (b.text as SpanJ[]).map((x) => [x.text, x.italic, x.bold, x.link]));
    expect(texts).toEqual([
      [["first line\n", false, false, null]],
      [
        ["moved: ", true, false, null],
        ["second line pasted", false, false, null],
      ],
    ]);

    // Deleting asks, then the report and its versions are gone.
    await page.getByTestId("done-editing").click();
    page.once("dialog", (d) => void d.accept());
    await page.getByTestId("delete-report").click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/root/${P}/reports`);
    expect((await s.context.request.get(`/api/v1/reports/root/${P}/${id}`)).status()).toBe(404);
  });
});
