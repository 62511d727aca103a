import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "../vitest.config.js";

/**
 * End-to-end tests in Debian's Chromium (never a downloaded browser: `npx playwright install` cannot
 * work here). global-setup.ts starts the emulator with the demo seed, the React example's dev
 * server and a static server for the script-tag page, all on free 127.0.0.1 ports.
 */
export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  globalSetup: "./global-setup.ts",
  // One emulator and one request log for all tests: run them one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: "list",
  outputDir: "../test-results/e2e",
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: {
      executablePath: chromiumPath,
      args: chromiumArgs,
    },
    trace: "retain-on-failure",
  },
});
