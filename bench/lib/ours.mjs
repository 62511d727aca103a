// What cognito-idpool costs in the three places a user pays for it, measured from the built package
// (dist/, as `npm pack` ships it). Shared by scripts/size.mjs (the budget) and bench/run.mjs.
import { existsSync, readFileSync } from "node:fs";
import {
  BASIC_FLOW_FILE,
  DEVICES_FILE,
  OAUTH_FILE,
  PASSKEYS_FILE,
  SCRIPT_TAG_FILE,
  SIGN_IN_FILE,
  buildScriptTagBundle,
} from "../../packages/cognito-idpool/scripts/build-bundle.mjs";
import { ROOT, bundleSplit, byPackage, packageAlias, sizes } from "./measure.mjs";

/**
 * The lazily imported modules, as built: src/user-pool/contract.ts names sign-in, sign-in loads the
 * next three, and the identity-pool client loads the basic flow.
 */
const LAZY_MODULES = {
  "sign-in": "user-pool/session",
  passkeys: "user-pool/passkeys",
  devices: "user-pool/devices",
  oauth: "user-pool/oauth",
  "basic-flow": "identity-pool/basic-flow",
};
const lazyNameOf = (inputs) => Object.keys(LAZY_MODULES).find((name) => inputs.some((input) => input.endsWith(`dist/${LAZY_MODULES[name]}.js`)));

function requireBuild(alias) {
  const { "cognito-idpool": entry } = alias;
  if (!existsSync(entry)) throw new Error(`${entry.slice(ROOT.length)} is missing: run \`npm run build\` first`);
}

/** The script-tag files as dist/ holds them (each compressed on its own, as a browser fetches it), or built in memory. */
async function scriptTag() {
  const names = [SCRIPT_TAG_FILE, SIGN_IN_FILE, PASSKEYS_FILE, DEVICES_FILE, OAUTH_FILE, BASIC_FLOW_FILE];
  const paths = names.map((name) => `${ROOT}packages/cognito-idpool/dist/${name}`);
  const [entry, signIn, passkeys, devices, oauth, basicFlow] = paths.every((p) => existsSync(p))
    ? paths.map((p) => sizes(readFileSync(p)))
    : await buildScriptTagBundle({ write: false, sourcemap: false }).then((r) =>
        [r.entry, ...names.slice(1).map((f) => r.lazy[f])].map((f) => sizes(f.contents)),
      );
  return { entry, signIn, passkeys, devices, oauth, basicFlow };
}

async function split(entry, alias, plugins) {
  const result = await bundleSplit(entry, { alias, plugins, lazyName: lazyNameOf });
  const named = (name) => result.lazy.filter((part) => part.name === name);
  const never = named(undefined);
  const sum = (parts) =>
    parts.reduce((acc, p) => ({ raw: acc.raw + p.raw, gzip: acc.gzip + p.gzip, brotli: acc.brotli + p.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  return {
    pageLoad: result.pageLoad,
    signIn: sum(named("sign-in")),
    passkeys: sum(named("passkeys")),
    devices: sum(named("devices")),
    oauth: sum(named("oauth")),
    basicFlow: sum(named("basic-flow")),
    neverLoaded: sum(never),
    neverLoadedFiles: never.flatMap((p) => p.files),
    metafile: result.metafile,
  };
}

/**
 * Every measured item; brotli bytes are what bench/size-budget.json budgets. `id`s are what bench/size-budget.json budgets.
 * @returns {Promise<{ id: string, what: string, raw: number, gzip: number, brotli: number }[]>}
 */
export async function measureOurs({ plugins = [] } = {}) {
  const alias = packageAlias();
  requireBuild(alias);
  const tag = await scriptTag();
  const guest = await split("bench/entries/guest.js", alias, plugins);
  const signIn = await split("bench/entries/signin.js", alias, plugins);
  const withS3 = await split("bench/entries/guest+s3.js", alias, plugins);
  const s3 = await split("bench/anchors/G-s3-client.js", alias, plugins);
  const minus = (a, b) => ({ raw: a.raw - b.raw, gzip: a.gzip - b.gzip, brotli: a.brotli - b.brotli });
  return [
    { id: "script-tag", what: "dist/cognito-idpool.js, the script-tag file: what a guest page downloads", ...tag.entry },
    { id: "script-tag-sign-in", what: "…dist/cognito-idpool.sign-in.js beside it, loaded by the first user-pool call", ...tag.signIn },
    {
      id: "script-tag-passkeys",
      what: "…dist/cognito-idpool.passkeys.js beside it, loaded by the first passkey prompt or `auth.passkeys` call",
      ...tag.passkeys,
    },
    { id: "script-tag-devices", what: "…dist/cognito-idpool.devices.js beside it, loaded where the pool tracks devices", ...tag.devices },
    { id: "script-tag-oauth", what: "…dist/cognito-idpool.oauth.js beside it, loaded by a redirect or popup sign-in", ...tag.oauth },
    { id: "script-tag-basic-flow", what: '…dist/cognito-idpool.basic-flow.js beside it, loaded by the first credentials of `flow: "basic"`', ...tag.basicFlow },
    {
      id: "guest",
      what: "`createAuth` + `getCredentials()`: page load (entry chunk + static imports)",
      ...guest.pageLoad,
      byPackage: byPackage(guest.metafile, guest.pageLoad.files),
    },
    { id: "guest-never-loaded", what: "…emitted chunks this flow never loads (AWS event streams, …)", ...guest.neverLoaded, unbudgeted: true },
    { id: "basic-flow-chunk", what: '…the basic-flow chunk (STS), loaded by the first credentials of `flow: "basic"`', ...guest.basicFlow },
    { id: "signin-page-load", what: "with `userPool` + `signIn` + `signOut`: page load", ...signIn.pageLoad },
    { id: "signin-chunk", what: "…the sign-in chunk, loaded by the first user-pool call", ...signIn.signIn },
    { id: "signin-total", what: "…page load + sign-in chunk", ...addSizes(signIn.pageLoad, signIn.signIn), unbudgeted: true },
    { id: "passkeys-chunk", what: "…the passkeys chunk, loaded by the first passkey prompt or `auth.passkeys` call", ...signIn.passkeys },
    { id: "devices-chunk", what: "…the remembered-devices chunk, loaded where the pool tracks devices", ...signIn.devices },
    {
      id: "oauth-chunk",
      what: "…the redirect and popup sign-in chunk, loaded by `signInWithRedirect`, `handleRedirect` or `signInWithPopup`",
      ...signIn.oauth,
    },
    {
      id: "beside-s3",
      what: "guest import added to S3Client + ListObjectsV2 + PutObject (page load, minus S3Client alone)",
      ...minus(withS3.pageLoad, s3.pageLoad),
    },
  ];
}

function addSizes(a, b) {
  return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli };
}
