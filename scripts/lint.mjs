// `npm run lint`: ESLint, Prettier's check and dependency-cruiser's layering rules. All three run
// even when one fails, so one run shows every problem; the exit status is 1 if any failed.
// scripts/test.mjs imports LINT_CHECKS and counts each check as one pass or failure.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Each check: a label and the Node script (with its arguments) that runs it from the repository root. */
export const LINT_CHECKS = [
  { label: "eslint", args: ["node_modules/eslint/bin/eslint.js", "."] },
  { label: "prettier", args: ["node_modules/prettier/bin/prettier.cjs", "--check", "."] },
  { label: "dependency-cruiser", args: ["node_modules/dependency-cruiser/bin/dependency-cruise.mjs", "packages", "--config", ".dependency-cruiser.cjs"] },
];

/** Runs one check from the repository root with the console attached; returns its exit status. */
export function runLintCheck(check, env = process.env) {
  console.log(`\n── lint: ${check.label} ──`);
  return spawnSync(process.execPath, check.args, { stdio: "inherit", cwd: ROOT, env }).status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const failed = LINT_CHECKS.filter((check) => runLintCheck(check) !== 0).map((check) => check.label);
  console.log(failed.length ? `\nlint failed: ${failed.join(", ")}` : "\nlint passed");
  process.exit(failed.length ? 1 : 0);
}
