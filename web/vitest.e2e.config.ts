// Browser tests: a real server with SDK-seeded runs (global setup), driven through Debian's Chromium.
//
// Timeouts are sized for a loaded 2-core machine (a first `make test` while other work runs), where
// a page's frames take ten times as long as on an idle one. Tests wait on conditions (expect.poll,
// locators), never on fixed times; these limits only decide how long a condition may take before the
// test fails, so a real hang still fails, within the test's own limit.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    environment: "node",
    globalSetup: ["e2e/global-setup.ts"],
    // One test; the slowest (the workspace's column test) takes ~3 s idle and ~45 s with the CPU
    // six times slower.
    testTimeout: 120_000,
    // beforeAll hooks log runs with the real SDK; the global setup builds the UI and seeds a server.
    hookTimeout: 300_000,
    // expect.poll's own default (1 s) is shorter than one slow frame burst on a busy machine.
    expect: { poll: { timeout: 20_000, interval: 100 } },
    fileParallelism: false,
  },
});
