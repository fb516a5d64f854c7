// Object3D, Molecule and Plotly in the sandboxed viewer, in a real browser. The run is logged by the
// real SDK (media_3d_seed.py) into the e2e server.
import type { Browser, BrowserContext, Frame, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launch, seedProjectOnce, shot, signedIn } from "./browser";

let browser: Browser;
let context: BrowserContext;
let page: Page;
let webgl = false;

beforeAll(async () => {
  browser = await launch();
  context = await signedIn(browser, inject("serverUrl"), inject("apiKey"));
  page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
  await seedProjectOnce(context, inject("dataDir"), "media-3d", "media_3d_seed.py");
  await page.goto("/root/media-3d");
  // What this browser can do decides what the viewer must show: a drawing, or the no-WebGL note.
  webgl = await page.evaluate(() => !!document.createElement("canvas").getContext("webgl2"));
});
afterAll(async () => {
  await browser.close();
});

const card = (key: string): Locator => page.locator(`[data-testid=media-card][data-key="${key}"]`);

interface Detail {
  points?: number;
  boxes?: number;
  vectors?: number;
  meshes?: number;
  atoms?: number;
  traces?: number;
  painted?: number;
}

/** Waits until a viewer has finished, and returns what it drew. */
async function drawn(viewer: Locator): Promise<Detail> {
  await expect.poll(() => viewer.getAttribute("data-state"), { timeout: 30_000 }).not.toBe("loading");
  const state = await viewer.getAttribute("data-state");
  const status = await viewer.getByTestId("media-viewer-status").innerText();
  expect(state, status).toBe(webgl ? "drawn" : "no-webgl");
  return JSON.parse((await viewer.getAttribute("data-detail")) ?? "{}") as Detail;
}

/** The viewer's own frame (Playwright reaches into it although the app cannot). */
async function viewerFrame(viewer: Locator): Promise<Frame> {
  const handle = await viewer.getByTestId("media-viewer-frame").elementHandle();
  const frame = await handle?.contentFrame();
  if (!frame) throw new Error("viewer frame not found");
  return frame;
}

/** Lets the viewer frames paint after a scroll (offscreen cross-origin frames are throttled). */
async function painted(): Promise<void> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

async function openRun(): Promise<void> {
  await page.goto("/root/media-3d");
  await page.locator("[data-run] .run-link").first().click();
  await page.getByTestId("overview").waitFor();
  await page.getByRole("link", { name: "Media", exact: true }).click();
  await page.getByTestId("media").waitFor();
}

describe("3D objects and molecules", () => {
  it("draws point clouds, a lidar scene with boxes and vectors, and meshes in the sandboxed viewer", async () => {
    await openRun();
    const cloud = card("cloud").getByTestId("media-viewer");
    expect(await cloud.getAttribute("data-kind")).toBe("object3d");
    // The viewer page runs without the app's origin.
    expect(await cloud.getByTestId("media-viewer-frame").getAttribute("sandbox")).toBe("allow-scripts");
    const sphere = await drawn(cloud);
    expect(await card("cloud").getByTestId("media-caption").innerText()).toContain("a coloured sphere");
    if (webgl) {
      expect(sphere.points).toBe(800);
      expect(sphere.painted).toBeGreaterThan(500);
      expect(await cloud.getByTestId("media-viewer-status").innerText()).toContain("800 points");
    } else {
      const note = await (await viewerFrame(cloud)).locator(".viewer-note").innerText();
      expect(note).toContain("WebGL");
    }
    await card("cloud").scrollIntoViewIfNeeded();
    await painted();
    await shot(page, "media-3d-cloud");

    const scene = await drawn(card("scene").getByTestId("media-viewer"));
    if (webgl) {
      expect(scene).toMatchObject({ points: 1800, boxes: 2, vectors: 1 });
      expect(scene.painted).toBeGreaterThan(500);
    }
    await card("scene").scrollIntoViewIfNeeded();
    await painted();
    await shot(page, "media-3d-scene");

    for (const key of ["mesh", "part", "gltf"]) {
      const mesh = await drawn(card(key).getByTestId("media-viewer"));
      if (webgl) {
        expect(mesh.meshes, key).toBe(1);
        expect(mesh.painted, key).toBeGreaterThan(50);
      }
    }
    await card("mesh").scrollIntoViewIfNeeded();
    await painted();
    await shot(page, "media-3d-mesh");
  });

  it("turns the view by dragging (orbit controls)", async () => {
    if (!webgl) return;
    const viewer = card("scene").getByTestId("media-viewer");
    const frameEl = viewer.getByTestId("media-viewer-frame");
    await frameEl.scrollIntoViewIfNeeded();
    const frame = await viewerFrame(viewer);
    const pixels = (): Promise<string> => frame.locator("canvas").evaluate((c) => (c as HTMLCanvasElement).toDataURL());
    const before = await pixels();
    const box = await frameEl.boundingBox();
    if (!box) throw new Error("no frame box");
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 30, { steps: 6 });
    await page.mouse.up();
    await expect.poll(pixels).not.toBe(before);
  });

  it("draws a molecule with 3Dmol.js", async () => {
    const viewer = card("molecule").getByTestId("media-viewer");
    expect(await viewer.getAttribute("data-kind")).toBe("molecule");
    const mol = await drawn(viewer);
    if (webgl) {
      expect(mol.atoms).toBe(9);
      expect(mol.painted).toBeGreaterThan(100);
    }
    await card("molecule").scrollIntoViewIfNeeded();
    await painted();
    await shot(page, "media-3d-molecule");
  });

  it("offers each of a list of clouds, and 3D cells of a table, in an overlay viewer", async () => {
    const clouds = card("clouds");
    await expect.poll(() => clouds.getByTestId("media-viewer-open").allInnerTexts()).toEqual(["View 3D: c0", "View 3D: c1"]);
    await clouds.getByTestId("media-viewer-open").nth(1).click();
    const dialog = page.getByTestId("media-viewer-dialog");
    const points = await drawn(dialog.getByTestId("media-viewer"));
    if (webgl) expect(points.points).toBe(800);
    await shot(page, "media-3d-overlay");
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.count()).toBe(0);

    const table = card("shapes");
    await expect.poll(() => table.getByTestId("table-count").innerText()).toBe("2 rows");
    await table.locator('[data-testid=table-row] [data-column="molecule"]').getByTestId("media-viewer-open").first().click();
    const mol = await drawn(dialog.getByTestId("media-viewer"));
    if (webgl) expect(mol.atoms).toBe(9);
    await dialog.getByRole("button", { name: "Close" }).click();
    await table.locator('[data-testid=table-row] [data-column="shape"]').getByTestId("media-viewer-open").nth(1).click();
    const pyramid = await drawn(dialog.getByTestId("media-viewer"));
    if (webgl) expect(pyramid.meshes).toBe(1);
    await page.keyboard.press("Escape");
  });
});

describe("dark theme", () => {
  it("draws on the app's dark background", async () => {
    await openRun();
    await page.getByTestId("theme").click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    try {
      await page.reload();
      await page.getByTestId("media").waitFor();
      const viewer = card("molecule").getByTestId("media-viewer");
      const mol = await drawn(viewer);
      const frame = await viewerFrame(viewer);
      expect(await frame.evaluate(() => document.body.className)).toBe("dark");
      // Counted against the dark background: the molecule, not the whole canvas.
      if (webgl) expect(mol.painted).toBeGreaterThan(100);
      if (webgl) expect(mol.painted).toBeLessThan(20_000);
      await card("molecule").scrollIntoViewIfNeeded();
      await painted();
      await shot(page, "media-3d-dark");
    } finally {
      await page.getByTestId("theme").click();
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("light");
    }
  });
});

describe("loading", () => {
  it("loads no 3D code until a 3D drawing is opened (workspace panels offer a button)", async () => {
    const urls: string[] = [];
    const onRequest = (r: { url(): string }): void => {
      urls.push(r.url());
    };
    page.on("request", onRequest);
    try {
      await page.goto("/root/media-3d");
      const panel = page.locator('[data-testid=media-panel][data-key="cloud"]');
      await expect.poll(() => panel.getByTestId("media-viewer-open").count(), { timeout: 30_000 }).toBe(1);
      const threeOrMol = (): string[] => urls.filter((u) => /\/assets\/(object3d|3Dmol|molecule)-/.test(u));
      expect(threeOrMol()).toEqual([]);
      await panel.getByTestId("media-viewer-open").click();
      const cloud = await drawn(page.getByTestId("media-viewer-dialog").getByTestId("media-viewer"));
      if (webgl) expect(cloud.points).toBe(800);
      // three.js came with the viewer, inside its frame; 3Dmol.js still has not.
      expect(threeOrMol().some((u) => u.includes("/assets/object3d-"))).toBe(true);
      expect(threeOrMol().some((u) => u.includes("/assets/3Dmol-"))).toBe(false);
      await page.keyboard.press("Escape");
    } finally {
      page.off("request", onRequest);
    }
  });
});

describe("without WebGL", () => {
  it("says so in place of the drawing and keeps the file downloadable", async () => {
    const noGl = await launch(["--disable-webgl", "--disable-webgl2"]);
    try {
      const ctx = await signedIn(noGl, inject("serverUrl"), inject("apiKey"));
      const p = await ctx.newPage();
      await p.goto("/root/media-3d");
      await p.locator("[data-run] .run-link").first().click();
      await p.getByRole("link", { name: "Media", exact: true }).click();
      const viewer = p.locator('[data-testid=media-card][data-key="cloud"]').getByTestId("media-viewer");
      await expect.poll(() => viewer.getAttribute("data-state"), { timeout: 30_000 }).toBe("no-webgl");
      expect(await viewer.getByTestId("media-viewer-status").innerText()).toBe("3D needs WebGL, which this browser has off");
      const frame = await (await viewer.getByTestId("media-viewer-frame").elementHandle())?.contentFrame();
      expect(await frame?.locator(".viewer-note").innerText()).toContain("cannot draw 3D here (WebGL is off or unavailable)");
      expect(await viewer.getByRole("link", { name: "download" }).getAttribute("href")).toMatch(/\/files\/media\/object3D\/cloud_0_[0-9a-f]+\.pts\.json$/);
      const mol = p.locator('[data-testid=media-card][data-key="molecule"]').getByTestId("media-viewer");
      await expect.poll(() => mol.getAttribute("data-state"), { timeout: 30_000 }).toBe("no-webgl");
      await viewer.scrollIntoViewIfNeeded();
      await shot(p, "media-3d-no-webgl");
    } finally {
      await noGl.close();
    }
  });
});

describe("Plotly figures with script payloads", () => {
  it("draws the chart in the sandbox, where its scripts cannot reach the app", async () => {
    await openRun();
    await page.evaluate(() => {
      (window as unknown as { __pwned?: string }).__pwned = undefined;
    });
    const viewer = card("pwn").getByTestId("media-viewer");
    expect(await viewer.getAttribute("data-kind")).toBe("plotly");
    await expect.poll(() => viewer.getAttribute("data-state"), { timeout: 30_000 }).toBe("drawn");
    expect(JSON.parse((await viewer.getAttribute("data-detail")) ?? "{}")).toMatchObject({ traces: 1 });
    const frame = await viewerFrame(viewer);
    // The chart still draws: its bar and the title's text.
    expect(await frame.locator(".barlayer .point").count()).toBe(2);
    expect(await frame.locator(".gtitle").textContent()).toContain("safe chart");
    // Click the annotation's javascript: link too; nothing may reach the app's window.
    const link = frame.locator(".annotation-text a");
    if ((await link.count()) > 0) await link.first().click({ force: true }).catch(() => undefined);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    expect(await page.title()).not.toContain("pwned");

    // Whatever a payload could run in the frame is cut off from the app: another origin, no cookies,
    // no session for the API, no handle on the app's document.
    const reach = await frame.evaluate(async () => {
      const attempt = (f: () => unknown): string => {
        try {
          return `ok:${String(f())}`;
        } catch (e) {
          return `blocked:${(e as Error).name}`;
        }
      };
      const api = await fetch("/api/v1/viewer").then(
        (r) => `http ${r.status}`,
        () => "blocked",
      );
      return {
        origin: window.origin,
        cookie: attempt(() => document.cookie),
        topWrite: attempt(() => {
          (window.top as unknown as { __pwned: string }).__pwned = "frame";
          return (window.top as unknown as { __pwned: string }).__pwned;
        }),
        parentDocument: attempt(() => window.parent.document.title),
        api,
      };
    });
    expect(reach.origin).toBe("null");
    expect(reach.cookie).toMatch(/^blocked:SecurityError/);
    expect(reach.topWrite).toMatch(/^blocked:SecurityError/);
    expect(reach.parentDocument).toMatch(/^blocked:SecurityError/);
    expect(reach.api).toBe("blocked"); // the viewer's CSP lets it fetch nothing
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
    await card("pwn").scrollIntoViewIfNeeded();
    await painted();
    await shot(page, "media-3d-plotly-sandboxed");
  });

  it("serves the viewer page sandboxed even when opened on its own", async () => {
    const response = await context.request.get("/viewer.html");
    expect(response.headers()["content-security-policy"]).toContain("sandbox allow-scripts");
    expect(response.headers()["content-security-policy"]).not.toContain("allow-same-origin");
  });
});
