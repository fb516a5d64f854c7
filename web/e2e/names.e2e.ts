// Projects and runs named as wandb allows ("wandb tutorial", "模型 über", a run id with a space):
// the SDK logs them here, and the UI opens them from the project list, from the workspace and from
// the run URL the SDK printed. Screenshots go to .test-artifacts/e2e/.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, shot, signedIn } from "./browser";

const repo = join(import.meta.dirname, "..", "..");
const python = process.env.TRACKWELL_PYTHON ?? join(repo, ".venv/bin/python");

type Logged = { entity: string; project: string; id: string; name: string; url: string };

const SEED = `
import json, os, trackwell
nonce = os.environ["NONCE"]  # a reused server (E2E_SERVER_DIR) may hold earlier runs of these projects
out = []
for project, run_id in [("wandb tutorial", None), ("模型 über", f"exp {nonce} ü")]:
    run = trackwell.init(project=project, id=run_id, name=f"run {nonce} of {project}", config={"lr": 0.1})
    for i in range(5):
        run.log({"loss": 1 / (i + 1)})
    run.finish()
    out.append({"entity": run.entity, "project": project, "id": run.id, "name": run.name, "url": run.url})
print(json.dumps(out))
`;

let browser: Browser;
let context: BrowserContext;
let page: Page;
let logged: Logged[] = [];
let workDir = "";

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "tw-e2e-names-"));
  const seeded = spawnSync(python, ["-c", SEED], {
    cwd: workDir,
    env: {
      ...process.env,
      TRACKWELL_BASE_URL: inject("serverUrl"),
      TRACKWELL_API_KEY: inject("apiKey"),
      TRACKWELL_DIR: workDir,
      TRACKWELL_CONFIG_DIR: join(workDir, "config"),
      TRACKWELL_SILENT: "true",
      NONCE: String(Date.now()),
    },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (seeded.status !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
  logged = JSON.parse(seeded.stdout.trim().split("\n").at(-1) ?? "[]") as Logged[];
  browser = await launch();
  context = await signedIn(browser, inject("serverUrl"), inject("apiKey"));
  page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
});
afterAll(async () => {
  await browser?.close();
  rmSync(workDir, { recursive: true, force: true });
});

/** The run page's heading, whitespace collapsed ("me/project / run name finished"). */
const heading = async (): Promise<string> => (await page.locator(".page-head h1").innerText()).replace(/\s+/g, " ");

describe("names with spaces and other scripts", () => {
  it("opens a project with a space from the project list, then its run", async () => {
    const run = logged[0]!;
    await page.goto("/");
    await page.getByTestId("projects").getByRole("link", { name: "wandb tutorial", exact: true }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/${encodeURIComponent(run.entity)}/wandb%20tutorial`);
    await page.locator("a.run-link", { hasText: run.name }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/${encodeURIComponent(run.entity)}/wandb%20tutorial/runs/${run.id}`);
    await expect.poll(() => heading()).toContain(`wandb tutorial / ${run.name}`);
    await shot(page, "names-space-project-run");
  });

  it("opens the run URL the SDK printed for a unicode project and a run id with a space", async () => {
    const run = logged[1]!;
    expect(run.url).toContain(`/%E6%A8%A1%E5%9E%8B%20%C3%BCber/runs/${encodeURIComponent(run.id)}`);
    expect(run.url).toMatch(/runs\/exp%20\d+%20%C3%BC$/);
    await page.goto(run.url);
    await expect.poll(() => heading()).toContain(`模型 über / ${run.name}`);
    await shot(page, "names-unicode-run");
    await page.locator(".page-head h1 a").click(); // back to the project's workspace
    await expect.poll(() => page.locator("a.run-link", { hasText: run.name }).count()).toBe(1);
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`/${run.entity}/模型 über`);
  });

  it("compares runs whose ids hold a space (the compare link encodes each id)", async () => {
    const run = logged[1]!;
    const ids = [run.id, "no such, run"].map(encodeURIComponent).join(","); // a comma inside an id
    await page.goto(`/${encodeURIComponent(run.entity)}/${encodeURIComponent(run.project)}/compare?runs=${ids}`);
    await expect.poll(() => heading()).toContain("compare 2 runs");
    const header = page.getByTestId("compare").locator("thead a");
    await expect.poll(() => header.allTextContents()).toEqual([run.name]);
    expect(await header.getAttribute("href")).toBe(`/${encodeURIComponent(run.entity)}/${encodeURIComponent(run.project)}/runs/${encodeURIComponent(run.id)}`);
    await shot(page, "names-compare");
  });

  it("shows not-found for a malformed address instead of failing", async () => {
    await page.goto("/someone/100%zz");
    await expect.poll(() => page.locator("body").innerText()).toMatch(/not found/i);
  });
});
