// `npm run bench`: in one run, cognito-idpool's bundle sizes beside Amplify v6 and AWS SDK v3
// (all bundled here with the settings in bench/lib/measure.mjs), then the round trips and refresh stalls of the
// SDK measured against the emulator (requests counted by the emulator itself).
//   node bench/run.mjs [--sizes-only | --round-trips-only] [--stall-seconds=N]
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ROOT } from "./lib/measure.mjs";

const { values } = parseArgs({
  options: { "sizes-only": { type: "boolean" }, "round-trips-only": { type: "boolean" }, "stall-seconds": { type: "string" } },
});

const report = { date: new Date().toISOString(), node: process.version };
const out = [];

if (!values["round-trips-only"]) {
  const { sizesReport } = await import("./lib/sizes-report.mjs");
  console.error("bundling (anchors, trimming steps, cognito-idpool)…");
  const sizes = await sizesReport();
  out.push("## Bundle size", "", sizes.text, "");
  report.sizes = { anchors: strip(sizes.anchors), ours: sizes.ours, oursTrimmed: sizes.oursTrimmed, steps: sizes.steps };
  console.log(out.join("\n"));
  out.length = 0;
}

if (!values["sizes-only"]) {
  const { roundTripsReport } = await import("./lib/round-trips.mjs");
  console.error("measuring round trips against the emulator…");
  const stallSeconds = values["stall-seconds"] ? Number(values["stall-seconds"]) : undefined;
  const trips = await roundTripsReport(stallSeconds ? { stallSeconds } : {});
  out.push("## Round trips (counted by the emulator's request log)", "", trips.text, "");
  report.roundTrips = trips.results;
  console.log(out.join("\n"));
}

mkdirSync(`${ROOT}bench/out`, { recursive: true });
writeFileSync(`${ROOT}bench/out/bench.json`, JSON.stringify(report, null, 2));
console.error("raw numbers: bench/out/bench.json");

function strip(anchors) {
  return Object.fromEntries(Object.entries(anchors).map(([id, r]) => [id, { raw: r.raw, gzip: r.gzip, brotli: r.brotli, modules: r.modules }]));
}
