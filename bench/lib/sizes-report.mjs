// The size half of `npm run bench`: cognito-idpool beside Amplify v6 and AWS SDK v3's
// fromCognitoIdentityPool, all bundled in this run with the anchors' settings, and the trimming steps.
import { ROOT, bundleOne, bundleSplit, byPackage, fmt, kib } from "./measure.mjs";
import { measureOurs } from "./ours.mjs";
import { trimPlugin } from "./trim.mjs";

const ANCHORS = [
  ["A", "A-amplify-guest", "Amplify v6: `Amplify.configure` (identity pool, guest) + `fetchAuthSession()`"],
  ["B", "B-amplify-signin", "Amplify v6: A + `signIn` (SRP) + `signOut`"],
  ["C1", "C1-sdk-guest-providers", "AWS SDK v3 `fromCognitoIdentityPool` (`@aws-sdk/credential-providers`)"],
  ["E", "E-sdk-raw", "AWS SDK v3 `CognitoIdentityClient` + GetId + GetCredentialsForIdentity + idb-keyval"],
  ["G", "G-s3-client", "`S3Client` + ListObjectsV2 + PutObject alone"],
  ["A+G", "AG-amplify-guest+s3", "A feeding G"],
  ["C1+G", "CG-sdk-guest+s3", "C1 feeding G"],
  ["E+G", "EG-sdk-raw+s3", "E feeding G"],
];

const STEPS = [
  ["0", "step0-client", "the generated `CognitoIdentityClient`, built the documented way (anchor E)"],
  ["1", "step1-slim-client", "the generated commands on a bare Smithy `Client` (serde plugin + fetch handler only)"],
  ["2", "step2-schema-sender", "the generated operation schemas through the SDK's awsJson1_1 protocol directly"],
];

const row = (cells) => `| ${cells.join(" | ")} |`;

export async function sizesReport() {
  const lines = [];
  const anchors = {};
  for (const [id, file] of ANCHORS) anchors[id] = await bundleOne(`bench/anchors/${file}.js`);
  const G = anchors.G;

  let ours;
  try {
    ours = Object.fromEntries((await measureOurs()).map((item) => [item.id, item]));
  } catch (error) {
    lines.push(`cognito-idpool could not be measured: ${error.message}`, "");
  }

  lines.push("### Standalone (brotli, node zlib q11 text mode; KiB = 1024 B)", "");
  lines.push(row(["what", "raw B", "brotli B", "brotli KiB", "vs Amplify"]), row(["---", "--:", "--:", "--:", "--:"]));
  const vs = (bytes, anchor) => `${bytes <= anchor.brotli ? "" : "+"}${(((bytes - anchor.brotli) / anchor.brotli) * 100).toFixed(0)}%`;
  if (ours) {
    lines.push(row([`**cognito-idpool guest**: ${ours.guest.what}`, fmt(ours.guest.raw), fmt(ours.guest.brotli), kib(ours.guest.brotli), vs(ours.guest.brotli, anchors.A) + " vs A"]));
    lines.push(row([`**cognito-idpool + sign-in**: page load + sign-in chunk`, fmt(ours["signin-total"].raw), fmt(ours["signin-total"].brotli), kib(ours["signin-total"].brotli), vs(ours["signin-total"].brotli, anchors.B) + " vs B"]));
    lines.push(row([`…of which page load`, fmt(ours["signin-page-load"].raw), fmt(ours["signin-page-load"].brotli), kib(ours["signin-page-load"].brotli), ""]));
    lines.push(row([`…of which the lazy sign-in chunk`, fmt(ours["signin-chunk"].raw), fmt(ours["signin-chunk"].brotli), kib(ours["signin-chunk"].brotli), ""]));
    lines.push(row([`cognito-idpool script-tag file (one file, sign-in inlined)`, fmt(ours["script-tag"].raw), fmt(ours["script-tag"].brotli), kib(ours["script-tag"].brotli), vs(ours["script-tag"].brotli, anchors.B) + " vs B"]));
    lines.push(row([`(guest import: chunks emitted but never loaded)`, fmt(ours["guest-never-loaded"].raw), fmt(ours["guest-never-loaded"].brotli), kib(ours["guest-never-loaded"].brotli), ""]));
  }
  for (const id of ["A", "B", "C1", "E"]) {
    const [, , what] = ANCHORS.find(([x]) => x === id);
    lines.push(row([`${id}. ${what}`, fmt(anchors[id].raw), fmt(anchors[id].brotli), kib(anchors[id].brotli), ""]));
  }

  lines.push("", "### On top of an app that already ships S3Client (G = " + `${fmt(G.brotli)} B brotli): (X+G) − G`, "");
  lines.push(row(["credentials path", "raw B", "brotli B", "brotli KiB"]), row(["---", "--:", "--:", "--:"]));
  if (ours) lines.push(row(["**cognito-idpool guest** (page load, code splitting on for both sides)", fmt(ours["beside-s3"].raw), fmt(ours["beside-s3"].brotli), kib(ours["beside-s3"].brotli)]));
  const besideLabels = { A: "A. Amplify v6 guest", C1: "C1. `fromCognitoIdentityPool`", E: "E. `CognitoIdentityClient`" };
  for (const [x, xg] of [["A", "A+G"], ["C1", "C1+G"], ["E", "E+G"]]) {
    const d = (k) => anchors[xg][k] - G[k];
    lines.push(row([`${besideLabels[x]} (one file each, as the anchors were measured)`, fmt(d("raw")), fmt(d("brotli")), kib(d("brotli"))]));
  }

  lines.push("", "### Trimming steps (same workload as anchor E: GetId + GetCredentialsForIdentity + idb-keyval)", "");
  lines.push(row(["step", "how", "one file, brotli B", "one file, event streams trimmed", "page load with code splitting", "beside S3Client (split)"]), row(["---", "---", "--:", "--:", "--:", "--:"]));
  const Gsplit = await bundleSplit("bench/anchors/G-s3-client.js");
  const stepResults = [];
  for (const [n, file, how] of STEPS) {
    const one = await bundleOne(`bench/steps/${file}.js`);
    const trimmed = await bundleOne(`bench/steps/${file}.js`, { plugins: [trimPlugin()] });
    const split = await bundleSplit(`bench/steps/${file}.js`);
    const withS3 = await bundleSplit(`bench/steps/${file}+s3.js`);
    const beside = withS3.pageLoad.brotli - Gsplit.pageLoad.brotli;
    stepResults.push({ step: n, one: one.brotli, trimmed: trimmed.brotli, pageLoad: split.pageLoad.brotli, beside });
    lines.push(row([n, how, fmt(one.brotli), fmt(trimmed.brotli), fmt(split.pageLoad.brotli), fmt(beside)]));
  }
  const saved = (a, b, k) => `${fmt(a[k] - b[k])} B`;
  lines.push("");
  for (let i = 1; i < stepResults.length; i++) {
    const [a, b] = [stepResults[i - 1], stepResults[i]];
    lines.push(`- step ${b.step} saves ${saved(a, b, "one")} brotli in one file, ${saved(a, b, "pageLoad")} at page load with code splitting.`);
  }
  const last = stepResults.at(-1);
  lines.push(`- trimming AWS event streams (script-tag build) saves ${fmt(last.one - last.trimmed)} B more in one file; with code splitting they are a chunk that never loads.`);

  if (ours) {
    lines.push("", "### Where cognito-idpool's guest page load goes (bytes in minified output, by package)", "");
    const guest = await bundleOne("bench/entries/guest.js", { alias: (await import("./measure.mjs")).packageAlias() });
    lines.push(byPackage(guest.metafile).map(([name, bytes]) => `${name.replace(ROOT, "")} ${fmt(bytes)}`).join(" · "));
  }
  return { text: lines.join("\n"), anchors, ours, steps: stepResults };
}
