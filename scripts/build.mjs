// Builds what the package ships: the SDK (tsc → dist/, with .d.ts), the emulator (tsc → dist/emulator/)
// and the script-tag bundle (dist/cognito-idpool.js, when scripts/build-bundle.mjs exists).
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";

function run(command, args) {
  const result = spawnSync(command, args, { stdio: "inherit", shell: false });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

rmSync("dist", { recursive: true, force: true });
run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"]);
run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "emulator/tsconfig.json"]);
if (existsSync("scripts/build-bundle.mjs")) run(process.execPath, ["scripts/build-bundle.mjs"]);
