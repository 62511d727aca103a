// The size half of `npm run bench`: cognito-idpool beside Amplify v6 and AWS SDK v3's
// fromCognitoIdentityPool, all bundled in this run with the same settings (measure.mjs), and the trimming
// steps on a fixed workload.
import { bundleOne, bundleSplit, fmt, kib, ROOT } from "./measure.mjs";
import { measureOurs } from "./ours.mjs";
import { errorClassesPlugin, trimPlugin } from "../../packages/cognito-idpool/scripts/trim.mjs";

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
  ["2", "step2-schema-sender", "the generated operation schemas through the SDK's awsJson1_1 protocol and FetchHttpHandler directly"],
  ["3", "step3-fetch-sender", "step 2 with the request sent by one fetch call instead of FetchHttpHandler (what src/aws/json-rpc.ts does)"],
];

const row = (cells) => `| ${cells.join(" | ")} |`;
const pct = (bytes, anchor) => `${bytes <= anchor ? "−" : "+"}${Math.abs(((bytes - anchor) / anchor) * 100).toFixed(0)}%`;
const cell = (item, anchor) => (item ? `${fmt(item.brotli)} (${kib(item.brotli)} KiB${anchor ? `, ${pct(item.brotli, anchor)}` : ""})` : "n/a");

export async function sizesReport() {
  const lines = [];
  const anchors = {};
  for (const [id, file] of ANCHORS) anchors[id] = await bundleOne(`bench/anchors/${file}.js`);
  const G = anchors.G;
  const beside = (x) => ({ raw: anchors[`${x}+G`].raw - G.raw, brotli: anchors[`${x}+G`].brotli - G.brotli });

  const measured = async (label, options) => {
    try {
      return Object.fromEntries((await measureOurs(options)).map((item) => [item.id, item]));
    } catch (error) {
      lines.push(`${label} could not be measured: ${error.message}`, "");
      return undefined;
    }
  };
  const now = await measured("cognito-idpool (dist/)");
  const trimmed = await measured("cognito-idpool with the error-class trim", { plugins: [errorClassesPlugin()] });

  lines.push(
    "Brotli bytes (node zlib q11, text mode; KiB = 1024 B), every column bundled in this run with esbuild",
    "`--bundle --minify --format=esm --platform=browser --target=es2020`. cognito-idpool with code splitting, so the",
    "lazy sign-in chunk is counted apart; Amplify and the SDK as the anchors measured them (one file, nothing lazy).",
    '"+ error-class trim" = the package bundled with packages/cognito-idpool/scripts/trim.mjs\'s errorClassesPlugin (opt-in for apps; on in the script tag).',
    "",
  );
  lines.push(row(["where a user pays", "cognito-idpool", "cognito-idpool + error-class trim", "Amplify v6", "SDK v3 fromCognitoIdentityPool"]));
  lines.push(row(["---", "--:", "--:", "--:", "--:"]));
  const A = anchors.A.brotli;
  const B = anchors.B.brotli;
  lines.push(row(["guest page load (`createAuth` + `getCredentials`)", cell(now?.guest, A), cell(trimmed?.guest, A), cell(anchors.A), cell(anchors.C1)]));
  lines.push(
    row([
      "with SRP sign-in + sign-out: page load + lazy sign-in chunk",
      cell(now?.["signin-total"], B),
      cell(trimmed?.["signin-total"], B),
      cell(anchors.B),
      "—",
    ]),
  );
  lines.push(row(["…of which the lazy sign-in chunk", cell(now?.["signin-chunk"]), cell(trimmed?.["signin-chunk"]), "—", "—"]));
  lines.push(row(["script-tag file, what a guest page loads (trims always on)", cell(now?.["script-tag"], A), "same", cell(anchors.A), "—"]));
  const scriptTagSignedIn = now?.["script-tag"] && now?.["script-tag-sign-in"] && { brotli: now["script-tag"].brotli + now["script-tag-sign-in"].brotli };
  lines.push(row(["…+ its sign-in file, loaded by the first user-pool call", cell(scriptTagSignedIn, B), "same", cell(anchors.B), "—"]));
  const bA = beside("A").brotli;
  lines.push(
    row([
      "added to an app that ships S3Client: (X+G) − G",
      cell(now?.["beside-s3"], bA),
      cell(trimmed?.["beside-s3"], bA),
      cell(beside("A")),
      cell(beside("C1")),
    ]),
  );
  // Loaded only by the calls that need them; none counts in the rows above.
  for (const [id, what] of [
    ["passkeys-chunk", "lazy chunk: passkeys (first passkey prompt or `auth.passkeys` call)"],
    ["devices-chunk", "lazy chunk: remembered devices (where the pool tracks devices)"],
    ["oauth-chunk", "lazy chunk: redirect and popup sign-in"],
    ["basic-flow-chunk", 'lazy chunk: the basic flow (`flow: "basic"`, STS)'],
  ]) {
    lines.push(row([what, cell(now?.[id]), cell(trimmed?.[id]), "—", "—"]));
  }
  lines.push(row(["(guest import: chunks emitted but never loaded)", cell(now?.["guest-never-loaded"]), cell(trimmed?.["guest-never-loaded"]), "—", "—"]));
  lines.push(
    "",
    `Anchors in this run: A ${fmt(A)} B, B ${fmt(B)} B, C1 ${fmt(anchors.C1.brotli)} B, E ${fmt(anchors.E.brotli)} B, G (S3Client) ${fmt(G.brotli)} B; E+G − G ${fmt(beside("E").brotli)} B.`,
  );
  lines.push("Percentages compare with Amplify (A for guest, B for sign-in and the script tag, A+G − G beside S3Client).");

  lines.push("", "### Trimming steps (same workload as anchor E: GetId + GetCredentialsForIdentity + idb-keyval)", "");
  lines.push(
    row(["step", "how", "one file", "one file, event streams trimmed", "page load, code splitting", "beside S3Client (split)"]),
    row(["---", "---", "--:", "--:", "--:", "--:"]),
  );
  const Gsplit = await bundleSplit("bench/anchors/G-s3-client.js");
  const steps = [];
  for (const [n, file, how] of STEPS) {
    const one = await bundleOne(`bench/steps/${file}.js`);
    const trimmedOne = await bundleOne(`bench/steps/${file}.js`, { plugins: [trimPlugin()] });
    const split = await bundleSplit(`bench/steps/${file}.js`);
    const withS3 = await bundleSplit(`bench/steps/${file}+s3.js`);
    const step = {
      step: n,
      one: one.brotli,
      trimmed: trimmedOne.brotli,
      pageLoad: split.pageLoad.brotli,
      beside: withS3.pageLoad.brotli - Gsplit.pageLoad.brotli,
    };
    steps.push(step);
    lines.push(row([n, how, fmt(step.one), fmt(step.trimmed), fmt(step.pageLoad), fmt(step.beside)]));
  }
  lines.push("");
  for (let i = 1; i < steps.length; i++) {
    const [a, b] = [steps[i - 1], steps[i]];
    lines.push(
      `- step ${b.step} saves ${fmt(a.one - b.one)} B in one file, ${fmt(a.pageLoad - b.pageLoad)} B at page load with code splitting, ${fmt(a.beside - b.beside)} B beside S3Client.`,
    );
  }
  const last = steps.at(-1);
  lines.push(`- trimming AWS event streams saves ${fmt(last.one - last.trimmed)} B more in one file; with code splitting they are a chunk that never loads.`);
  if (now && trimmed) {
    lines.push(
      `- the error-class trim saves ${fmt(now.guest.brotli - trimmed.guest.brotli)} B more of the guest page load and ${fmt(now["signin-total"].brotli - trimmed["signin-total"].brotli)} B with sign-in.`,
    );
  }

  if (now) {
    lines.push("", "### Where the guest page load goes (bytes of minified output, by package or file)", "");
    lines.push(now.guest.byPackage.map(([name, bytes]) => `${name.replace(ROOT, "")} ${fmt(bytes)}`).join(" · "));
  }
  return { text: lines.join("\n"), anchors, ours: now, oursTrimmed: trimmed, steps };
}
