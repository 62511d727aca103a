#!/usr/bin/env node
// The emulator is written in TypeScript and compiled by `npm run build` (run by `npm ci` through `prepare`).
import("../dist/cli.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND") {
    process.stderr.write("cognito-idpool-emulator: dist/ is missing; run `npm run build` first.\n");
    process.exit(1);
  }
  throw error;
});
