// Starts one `trackwell server` on a fresh data directory and seeds it with the real SDK
// (tests/e2e/ui_seed.py). Set E2E_SERVER_DIR to reuse an already running, seeded server.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    serverUrl: string;
    apiKey: string;
    dataDir: string;
  }
}

const repo = join(import.meta.dirname, "..", "..");
const python = process.env.TRACKWELL_PYTHON ?? join(repo, ".venv/bin/python");

async function waitFor(path: string, proc: ChildProcess, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (existsSync(path)) return;
    if (proc.exitCode !== null) throw new Error(`trackwell server exited with ${proc.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`trackwell server did not write ${path} within ${seconds}s`);
}

// Limits for a loaded 2-core machine (a first `make test` with other work running): there the
// server takes up to a minute to answer and seeding (2,150 runs and the examples) several minutes.
// They bound a real hang; nothing waits for a fixed time.
const SERVER_START_S = 180;
const SEED_MS = 600_000;

async function stop(server: ChildProcess, dir: string): Promise<void> {
  if (server.exitCode === null && server.signalCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const reuse = process.env.E2E_SERVER_DIR;
  let dir = reuse ?? "";
  let server: ChildProcess | null = null;
  if (!reuse) {
    const build = spawnSync(python, [join(repo, "scripts/build_web.py")], { stdio: "inherit" });
    if (build.status !== 0) throw new Error("building the web UI failed");
    dir = mkdtempSync(join(tmpdir(), "tw-e2e-"));
    server = spawn(python, ["-m", "trackwell", "server", "--data-dir", dir, "--port", "0"], {
      cwd: repo,
      stdio: ["ignore", "ignore", "inherit"],
    });
    try {
      await waitFor(join(dir, "server.json"), server, SERVER_START_S);
      const seed = spawnSync(python, [join(repo, "tests/e2e/ui_seed.py")], {
        cwd: dir,
        env: { ...process.env, TRACKWELL_DATA_DIR: dir, TRACKWELL_DIR: dir, WANDB_SILENT: "true" },
        stdio: ["ignore", "ignore", "inherit"],
        timeout: SEED_MS,
      });
      if (seed.status !== 0) throw new Error(seed.error ? `seeding failed: ${seed.error.message}` : `seeding failed (exit ${seed.status})`);
    } catch (e) {
      // No server left behind when the setup fails (Vitest runs no teardown then).
      await stop(server, dir);
      throw e;
    }
  }
  const info = JSON.parse(readFileSync(join(dir, "server.json"), "utf8")) as { url: string };
  project.provide("serverUrl", info.url);
  project.provide("apiKey", readFileSync(join(dir, "local-api-key"), "utf8").trim());
  project.provide("dataDir", dir);
  return async () => {
    if (server) await stop(server, dir);
  };
}
