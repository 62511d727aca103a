// Builds what the package ships: the SDK as ES modules with .d.ts (tsc → dist/) and the
// script-tag files (dist/cognito-idpool.js and the dist/cognito-idpool.sign-in.js it loads).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildScriptTagBundle } from "./build-bundle.mjs";

const here = fileURLToPath(new URL("..", import.meta.url));
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

rmSync(`${here}dist`, { recursive: true, force: true });
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { stdio: "inherit", cwd: here });
if (result.status !== 0) process.exit(result.status ?? 1);
await buildScriptTagBundle();
