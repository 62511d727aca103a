// Builds what the package ships: the SDK as ES modules with .d.ts (tsc → dist/) and the
// script-tag files (dist/cognito-idpool.js and the dist/cognito-idpool.sign-in.js it loads).
// The modules the core loads lazily (user-pool sign-in, the basic flow) are then bundled with
// everything they use (scripts/lazy-chunk.mjs says why), before the script-tag files.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildScriptTagBundle } from "./build-bundle.mjs";
import { bundleLazyChunk } from "./lazy-chunk.mjs";

const here = fileURLToPath(new URL("..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

rmSync(`${here}dist`, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { stdio: "inherit", cwd: here });
if (result.status !== 0) process.exit(result.status ?? 1);

const { version } = JSON.parse(readFileSync(`${here}package.json`, "utf8"));
// Apache-2.0 asks redistributions to carry the notice.
const bundles = (what) => `/*! cognito-idpool ${version} (MIT) - bundles ${what} */`;
await bundleLazyChunk({
  dist: `${here}dist`,
  file: "user-pool/session.js",
  banner: bundles("parts of @aws-sdk/client-cognito-identity-provider and @smithy/core (Apache-2.0), and jose (MIT)"),
});
await bundleLazyChunk({
  dist: `${here}dist`,
  file: "identity-pool/basic-flow.js",
  banner: bundles("parts of @aws-sdk/client-sts, @aws-sdk/core, @aws-sdk/xml-builder and @smithy/core (Apache-2.0)"),
});
await buildScriptTagBundle();
