// Size budget, in brotli bytes (node zlib quality 11, text mode), of what users download:
// the script-tag file and its sign-in file, the guest-only import and the import beside S3Client (bench/lib/ours.mjs).
//   node scripts/size.mjs                         print the sizes
//   node scripts/size.mjs --check [--json=FILE]   compare with bench/size-budget.json; FILE gets {passed, failed, results}
//   node scripts/size.mjs --set-budget            write the budget: what is reached now + 5%, the most CI allows
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fmt, kib } from "../bench/lib/measure.mjs";
import { measureOurs } from "../bench/lib/ours.mjs";

const BUDGET_FILE = new URL("../bench/size-budget.json", import.meta.url);
const HEADROOM = 1.05;

const { values } = parseArgs({ options: { check: { type: "boolean" }, json: { type: "string" }, "set-budget": { type: "boolean" } } });

function writeJson(report) {
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
}

let items;
try {
  items = await measureOurs();
} catch (error) {
  console.error(`size: could not measure: ${error.message}`);
  writeJson({ passed: 0, failed: 1, results: [], error: error.message });
  process.exit(1);
}

if (values["set-budget"]) {
  const budget = { $comment: "brotli bytes; set by `node scripts/size.mjs --set-budget` to what was reached + 5%" };
  for (const item of items) if (!item.unbudgeted) budget[item.id] = Math.floor(item.brotli * HEADROOM);
  writeFileSync(BUDGET_FILE, `${JSON.stringify(budget, null, 2)}\n`);
  console.log(`wrote ${BUDGET_FILE.pathname}`);
}

const budget = existsSync(BUDGET_FILE) ? JSON.parse(readFileSync(BUDGET_FILE, "utf8")) : {};
const results = items.map((item) => {
  const limit = item.unbudgeted ? undefined : budget[item.id];
  const ok = limit === undefined ? undefined : item.brotli <= limit;
  return { id: item.id, what: item.what, raw: item.raw, gzip: item.gzip, brotli: item.brotli, ...(limit === undefined ? {} : { budget: limit, ok }) };
});

console.log("| id | what | raw B | gzip B | brotli B | brotli KiB | budget B |");
console.log("|---|---|--:|--:|--:|--:|--:|");
for (const r of results) {
  const mark = r.ok === undefined ? "" : r.ok ? " ✓" : " ✗ OVER";
  console.log(
    `| ${r.id} | ${r.what} | ${fmt(r.raw)} | ${fmt(r.gzip)} | ${fmt(r.brotli)} | ${kib(r.brotli)} | ${r.budget === undefined ? "" : fmt(r.budget)}${mark} |`,
  );
}

if (values.check) {
  const checked = results.filter((r) => r.ok !== undefined);
  const missing = items.filter((i) => !i.unbudgeted && budget[i.id] === undefined).map((i) => i.id);
  const passed = checked.filter((r) => r.ok).length;
  const failed = checked.length - passed + missing.length;
  for (const id of missing) console.error(`size: no budget for "${id}" in bench/size-budget.json`);
  console.log(`size budget: ${passed} passed, ${failed} failed`);
  writeJson({ passed, failed, results });
  process.exit(failed === 0 ? 0 : 1);
}
