// Runs the packed-tarball test on its own (`npx vitest run -c test/package/vitest.config.ts`) until
// the root config has a `package` project for it. Needs dist/ built.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "package",
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/package/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
