import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";

/**
 * Chromium from Debian (`/usr/bin/chromium`); never a downloaded browser. See scripts/system-tools.mjs.
 * The end-to-end tests' Playwright config imports both, so the two suites launch the same browser.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * Tests import the workspace packages by name and run their TypeScript sources: the packages'
 * `exports` carry a `cognito-idpool:source` condition that only these tools ask for. Apps and the
 * end-to-end tests get the built `dist/` like any installed package.
 */
export const SOURCE_CONDITION = "cognito-idpool:source";

export default defineConfig({
  server: { host: "127.0.0.1" },
  resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] },
  // Tests in Node resolve through the SSR settings: without the source condition there, a package
  // imported by name would run its dist/ (whatever was built last).
  ssr: { resolve: { conditions: [SOURCE_CONDITION, "node"] } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["packages/cognito-idpool/src/**/*.test.ts", "packages/cognito-idpool/test/**/*.test.ts"], environment: "node" },
      },
      {
        extends: true,
        test: {
          name: "emulator",
          include: ["packages/cognito-idpool-emulator/src/**/*.test.ts"],
          environment: "node",
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: { name: "integration", include: ["test/integration/**/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        extends: true,
        // Installs the packed tarball into a scratch Vite app; needs dist/ (npm test builds it first).
        test: { name: "package", include: ["test/package/**/*.test.ts"], environment: "node", testTimeout: 120_000, hookTimeout: 300_000 },
      },
      {
        extends: true,
        resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.{ts,tsx}"],
          globalSetup: ["test/browser/global-setup.ts"],
          testTimeout: 60_000,
          browser: {
            enabled: true,
            headless: true,
            api: { host: "127.0.0.1" },
            provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});
