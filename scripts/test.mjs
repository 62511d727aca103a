// `npm test`: every suite, then one line `N passed, N failed` summing them all (CI reads that line).
// Suites: build, typecheck, lint (ESLint, Prettier, dependency-cruiser), API docs, Vitest (unit,
// emulator, integration, browser, package), Playwright end-to-end, size budget. Every suite always
// runs: one that cannot start counts as a failure rather than dropping out of the count.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { AWS_CLI, CHROMIUM, ensureTool } from "./system-tools.mjs";
import { LINT_CHECKS, runLintCheck } from "./lint.mjs";

const OUT = ".test-results";
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const chromium = ensureTool(CHROMIUM);
ensureTool(AWS_CLI);
const env = { ...process.env, CHROMIUM_PATH: chromium, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1", FORCE_COLOR: "0" };
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function run(label, command, args, extraEnv = {}) {
  console.log(`\n── ${label} ──`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...env, ...extraEnv } });
  return result.status ?? 1;
}

function count(label, passed, failed, skipped = 0) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  lines.push(`${label}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

// 1. Build: the e2e tests, the bin and the size budget use dist/.
const buildStatus = run("build", "npm", ["run", "build"]);
count("build", buildStatus === 0 ? 1 : 0, buildStatus === 0 ? 0 : 1);

// 2. Types, tests included.
let tscStatus = 0;
for (const project of ["tsconfig.json", "examples/react-s3/tsconfig.json"]) {
  // Both projects run even when the first fails, so one run reports every type error.
  const status = run(`typecheck ${project}`, process.execPath, ["node_modules/typescript/bin/tsc", "-p", project, "--noEmit"]);
  tscStatus ||= status;
}
count("typecheck", tscStatus === 0 ? 1 : 0, tscStatus === 0 ? 0 : 1);

// 3. Lint: each check is one pass or failure.
for (const check of LINT_CHECKS) {
  const status = runLintCheck(check, env);
  count(`lint ${check.label}`, status === 0 ? 1 : 0, status === 0 ? 0 : 1);
}

// 4. API reference (TypeDoc, typedoc.config.mjs): a warning, such as a public type left unexported, fails it.
const docsStatus = run("docs", process.execPath, ["node_modules/typedoc/bin/typedoc"]);
count("docs", docsStatus === 0 ? 1 : 0, docsStatus === 0 ? 0 : 1);

// 5. Vitest: every project in one run.
const vitestJson = `${OUT}/vitest.json`;
const vitestStatus = run("vitest", process.execPath, [
  "node_modules/vitest/vitest.mjs",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${vitestJson}`,
]);
const vitest = readJson(vitestJson);
if (vitest) {
  // A file that fails to load has no failed tests but a failed suite: count it too.
  const brokenFiles = (vitest.testResults ?? []).filter(
    (file) => file.status === "failed" && !(file.assertionResults ?? []).some((t) => t.status === "failed"),
  ).length;
  const failed = vitest.numFailedTests + brokenFiles;
  count("vitest", vitest.numPassedTests, failed, (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0));
  // Vitest can fail with every test passed (an unhandled error, for one): that must not read as green.
  if (vitestStatus !== 0 && failed === 0) count("vitest (exit status)", 0, 1);
} else count("vitest", 0, 1);

// 6. Playwright end-to-end in Debian's Chromium.
// Absolute: Playwright resolves a relative report path against the config's folder (e2e/), not ours.
const pwJson = resolve(OUT, "playwright.json");
const pwStatus = run(
  "playwright e2e",
  process.execPath,
  ["node_modules/@playwright/test/cli.js", "test", "-c", "e2e/playwright.config.ts", "--reporter=list,json"],
  {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
  },
);
const pw = readJson(pwJson);
if (pw?.stats) {
  count("playwright", pw.stats.expected + pw.stats.flaky, pw.stats.unexpected, pw.stats.skipped);
  if (pwStatus !== 0 && pw.stats.unexpected === 0) count("playwright (exit status)", 0, 1);
} else count("playwright", 0, 1);

// 7. Size budget (brotli) of what users download.
const sizeJson = `${OUT}/size.json`;
run("size budget", process.execPath, ["scripts/size.mjs", "--check", `--json=${sizeJson}`]);
const size = readJson(sizeJson);
if (size) count("size budget", size.passed, size.failed);
else count("size budget", 0, 1);

console.log("\n── summary ──");
for (const line of lines) console.log(line);
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exit(totals.failed === 0 ? 0 : 1);
