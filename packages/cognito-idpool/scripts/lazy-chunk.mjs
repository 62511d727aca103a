// The npm build ships the modules the core loads with `import()` bundled, each with everything it
// uses: dist/user-pool/session.js (user-pool sign-in) and dist/identity-pool/basic-flow.js
// (`flow: "basic"`). A lazily loaded module that imports a module the page imports too, whether
// ours (errors.ts) or the AWS SDK's (the schema registries, the protocol base classes), makes an
// app's bundler split the page's code into one more shared chunk, which every page then loads;
// esbuild and Rollup compress each chunk on its own, so each split costs the page bytes (the
// bench measured about 0.6 KB brotli on a guest page for sign-in's, 1.3 KB beside S3Client). The
// basic flow has a second reason: it needs the SDK's `AwsQueryProtocol`, which @aws-sdk/core
// exports only from "@aws-sdk/core/protocols", the module the page gets `AwsJson1_1Protocol` from,
// and bundlers that split file by file give the page every file such a module re-exports that any
// chunk uses: the query protocol and its XML parser (about 4 KB brotli) would be on every guest page.
//
// Bundled, each module carries copies the page never sees, and imports nothing but the modules it
// loads in turn (passkeys, devices, redirect sign-in, the event-stream codec no Cognito or STS
// operation uses). The copies are safe because nothing passes between a chunk and the page that
// depends on which copy made it: the page hands chunks plain data and functions (operation schemas
// are plain objects), reads plain fields back (requests, answers, errors' `name`, `$fault` and
// `$metadata`), each chunk's error registries live beside the schemas that fill them, and
// `CognitoIdpoolError` answers `instanceof` by name. Of our own modules, a chunk may copy only
// those in STATELESS; the build fails if it would copy another (pass it in the chunk's kit instead).
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import * as esbuild from "esbuild";

/** Our modules a chunk may carry a copy of: no state, no identity that the page compares. */
const STATELESS = ["errors.js", "aws/outcome.js", "refresh/backoff.js"];

/**
 * Bundles the built module `file` (under `dist`) in place.
 * @param {{ dist: string, file: string, banner: string }} options
 */
export async function bundleLazyChunk({ dist, file, banner }) {
  const path = resolve(dist, file);
  const result = await esbuild.build({
    entryPoints: [path],
    outfile: path,
    allowOverwrite: true,
    bundle: true,
    format: "esm",
    platform: "browser",
    banner: { js: banner },
    logLevel: "warning",
    metafile: true,
    plugins: [
      {
        name: "cognito-idpool-lazy-chunk",
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => (args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined));
        },
      },
    ],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((input) => resolve(input))
    .filter((input) => !relative(dist, input).startsWith(".."));
  // The chunk's own folder (user-pool/, identity-pool/) is its own; anything else of ours must be stateless.
  const folder = dirname(path) + sep;
  const copied = inputs.filter((input) => !input.startsWith(folder) && !STATELESS.includes(relative(dist, input).split(sep).join("/")));
  if (copied.length) {
    const names = copied.map((input) => relative(dist, input)).join(", ");
    throw new Error(`${file} would carry its own copy of ${names}: pass it in the module's kit (see packages/cognito-idpool/scripts/lazy-chunk.mjs)`);
  }
  // Its own folder's modules now live in the chunk: their separate files (not their types) go, unless something else imports them.
  const merged = inputs.filter((input) => input.startsWith(folder) && input !== path);
  // Every other module's imports, read once: module path → a module importing it.
  const importedBy = new Map();
  for (const js of jsFiles(dist)) {
    if (js === path || merged.includes(js)) continue;
    for (const specifier of importsOf(js)) importedBy.set(resolve(dirname(js), specifier), js);
  }
  for (const module of merged) {
    const importer = importedBy.get(module);
    if (importer) throw new Error(`${relative(dist, importer)} imports ${relative(dist, module)}, which ${file} now bundles`);
    rmSync(module);
  }
}

function jsFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => join(dir, String(name)))
    .filter((name) => name.endsWith(".js"));
}

/** The relative specifiers a built module imports (statically, dynamically or by re-export). */
function importsOf(js) {
  return [...readFileSync(js, "utf8").matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)"(\.[^"]+)"/g)].map((m) => m[1]);
}
