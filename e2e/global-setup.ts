// Starts what the tests need and hands the URLs to the test workers through the environment.
// Returns the teardown, which stops everything it started.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { ROOT, SEED_PATH, startScriptTagServer } from "./servers.js";

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(`${ROOT}packages/cognito-idpool-emulator/dist/index.js`) || !existsSync(`${ROOT}packages/cognito-idpool/dist/cognito-idpool.js`)) {
    const build = spawnSync("npm", ["run", "build"], { stdio: "inherit", cwd: ROOT });
    if (build.status !== 0) throw new Error("npm run build failed; the end-to-end tests need dist/");
  }
  const stops: (() => Promise<void>)[] = [];
  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    const { startEmulator } = await import("cognito-idpool-emulator");
    const emulator = await startEmulator({ port: 0, seed: SEED_PATH });
    stops.push(() => emulator.stop());
    process.env["E2E_EMULATOR_URL"] = emulator.url;

    // The example reads its emulator endpoint from VITE_ENDPOINT, like `npm start` sets it.
    process.env["VITE_ENDPOINT"] = emulator.url;
    const { createServer } = await import("vite");
    const vite = await createServer({
      configFile: `${ROOT}examples/react-s3/vite.config.ts`,
      // No file watching or hot updates: an edit elsewhere in the repository during a run would
      // otherwise re-run modules in the page (a second auth object) under the tests' feet.
      server: { host: "127.0.0.1", port: 0, strictPort: true, hmr: false, watch: null },
      logLevel: "warn",
      clearScreen: false,
    });
    stops.push(() => vite.close());
    await vite.listen();
    const appUrl = vite.resolvedUrls?.local[0];
    if (!appUrl) throw new Error("the Vite dev server did not report its URL");
    process.env["E2E_APP_URL"] = appUrl;
    // Warm up: the first request waits for dependency pre-bundling, which should not eat a test's time.
    await fetch(new URL("src/main.tsx", appUrl));

    const scriptTag = await startScriptTagServer();
    stops.push(() => scriptTag.stop());
    process.env["E2E_SCRIPT_TAG_URL"] = scriptTag.url;
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
