// The script-tag files: dist/cognito-idpool.js, a minified ES module that a plain page imports with
// no bundler and no import map:
//   <script type="module"> import { createAuth } from "./cognito-idpool.js"; </script>
// and beside it dist/cognito-idpool.sign-in.js, the user-pool sign-in module, each with its source map.
// The core loads sign-in with `import("./user-pool/session.js")`; here that becomes
// `import("./cognito-idpool.sign-in.js")`, and the sign-in file imports what it shares with the core
// from "./cognito-idpool.js". Browsers resolve a module's relative imports against that module's own
// URL, not the page's, so the pair works from whatever folder it is copied to, as long as both keep
// their names side by side: guest-only pages download the first file alone, and the first user-pool
// call fetches the second.
//
// esbuild's code splitting alone would make more files: code that both the core and sign-in use
// goes into shared `chunk-<hash>.js` files (the AWS SDK runtime, esbuild's helpers), and the
// event-stream stub into one of its own. So the build runs twice. The first pass splits, in memory,
// exactly as an app's bundler would (sign-in keeps full tree shaking). The second bundles those
// outputs into the two files: the core with every chunk it loads up front (which is every shared
// one, since a page loads the core first anyway), and sign-in alone, importing the shared code from
// the core, which exports it under internal names (`__0_a`, …) no page needs.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { errorClassesPlugin, trimPlugin } from "./trim.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** The files, side by side in dist/ and wherever a page copies them. */
export const SCRIPT_TAG_FILE = "cognito-idpool.js";
export const SIGN_IN_FILE = "cognito-idpool.sign-in.js";
export const PASSKEYS_FILE = "cognito-idpool.passkeys.js";
export const DEVICES_FILE = "cognito-idpool.devices.js";
export const OAUTH_FILE = "cognito-idpool.oauth.js";
export const BASIC_FLOW_FILE = "cognito-idpool.basic-flow.js";
/**
 * The basic flow as the npm build bundled it (scripts/lazy-chunk.mjs): bundling its source here
 * would put what it alone uses of the AWS SDK in the core file.
 */
const BASIC_FLOW_BUILT = "dist/identity-pool/basic-flow.js";

function builtBasicFlowPlugin() {
  return {
    name: "cognito-idpool-built-basic-flow",
    setup(build) {
      build.onResolve({ filter: /^\.\/basic-flow\.js$/ }, (args) => {
        if (!args.importer.endsWith(join("src", "identity-pool", "client.ts"))) return undefined;
        const path = join(root, BASIC_FLOW_BUILT);
        if (!existsSync(path)) return { errors: [{ text: `${BASIC_FLOW_BUILT} is missing: the npm build (scripts/build.mjs) makes it first` }] };
        return { path };
      });
    },
  };
}

/** The module the core imports lazily (src/user-pool/contract.ts names it). */
const SIGN_IN_SOURCE = "src/user-pool/session.ts";
/**
 * Every lazily loaded module and its file: sign-in, the modules sign-in loads in turn (they share
 * nothing with it but what the core exports, so each is a file of its own, fetched when used), and
 * the basic flow, which the core loads.
 */
const LAZY = [
  { source: SIGN_IN_SOURCE, file: SIGN_IN_FILE, what: `user-pool sign-in, loaded by ./${SCRIPT_TAG_FILE} - bundles @aws-sdk/* (Apache-2.0) and jose (MIT)` },
  { source: "src/user-pool/passkeys.ts", file: PASSKEYS_FILE, what: `passkeys, loaded by ./${SIGN_IN_FILE} - bundles @simplewebauthn/browser (MIT)` },
  { source: "src/user-pool/devices.ts", file: DEVICES_FILE, what: `remembered devices, loaded by ./${SIGN_IN_FILE}` },
  { source: "src/user-pool/oauth.ts", file: OAUTH_FILE, what: `redirect and popup sign-in, loaded by ./${SIGN_IN_FILE}` },
  {
    source: BASIC_FLOW_BUILT,
    file: BASIC_FLOW_FILE,
    what: `the basic flow (STS), loaded by ./${SCRIPT_TAG_FILE} - bundles @aws-sdk/* and @smithy/* (Apache-2.0)`,
  },
];
/**
 * Where the first pass's outputs would be: never written, only a base for their paths and source
 * maps. Source maps name it for the one chunk that has no source of its own (esbuild's helpers).
 */
const SPLIT_DIR = join(root, "dist", "esbuild-split");

/** Settings of both passes, shared with the size budget (scripts/size.mjs at the repository root), which measures these exact files. */
export function scriptTagBuildOptions() {
  return {
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    // Same target as the size anchors; every browser with Web Locks and BigInt runs ES2020.
    target: "es2020",
    define: { "process.env.NODE_ENV": '"production"' },
    legalComments: "eof",
    logLevel: "warning",
  };
}

// Apache-2.0 asks redistributions to carry the notice; each banner names what is inside its file.
const banner = (what) => ({ js: `/*! cognito-idpool ${pkg.version} (MIT) https://www.npmjs.com/package/cognito-idpool - ${what} */` });

/**
 * Builds both files into `outdir` (relative to the package), each with its source map when
 * `sourcemap` is set. With `write: false` nothing is written and the files are returned as esbuild
 * output files (`contents`, `text`, `path`).
 * @returns {Promise<{ entry: esbuild.OutputFile, signIn: esbuild.OutputFile, lazy: Record<string, esbuild.OutputFile>, outputFiles: esbuild.OutputFile[] }>}
 */
export async function buildScriptTagBundle({ entry = "src/index.ts", outdir = "dist", sourcemap = true, write = true } = {}) {
  const split = await splitPass(entry);
  const absOutdir = resolve(root, outdir);
  const merge = (entryPoint, outfile, what) =>
    esbuild.build({
      ...scriptTagBuildOptions(),
      entryPoints: [entryPoint],
      outfile: join(absOutdir, outfile),
      banner: banner(what),
      plugins: [splitOutputsPlugin(split, entryPoint)],
      sourcemap,
      write,
    });
  const results = await Promise.all([
    merge(split.entry, SCRIPT_TAG_FILE, "bundles @aws-sdk/*, @smithy/* and idb-keyval (Apache-2.0)"),
    ...LAZY.map(({ file, what }) => merge(split.lazy.get(file), file, what)),
  ]);
  const files = [SCRIPT_TAG_FILE, ...LAZY.map((l) => l.file)];
  const jsOf = (result, name) => result.outputFiles?.find((f) => f.path.endsWith(name));
  const lazy = Object.fromEntries(LAZY.map(({ file }, i) => [file, jsOf(results[i + 1], file)]));
  return {
    entry: jsOf(results[0], files[0]),
    signIn: lazy[SIGN_IN_FILE],
    lazy,
    outputFiles: results.flatMap((r) => r.outputFiles ?? []),
  };
}

/**
 * First pass: code splitting with the trims, nothing written. Returns the outputs by absolute path
 * (each with its inline source map, which the second pass reads), the entry, the lazily loaded
 * modules' chunks by file name, and the shared chunks the entry loads up front with the names it
 * will re-export them under.
 */
async function splitPass(entry) {
  const result = await esbuild.build({
    ...scriptTagBuildOptions(),
    entryPoints: [entry],
    plugins: [builtBasicFlowPlugin(), trimPlugin(), errorClassesPlugin()],
    splitting: true,
    outdir: SPLIT_DIR,
    entryNames: "[name]",
    chunkNames: "[name]-[hash]",
    sourcemap: "inline",
    write: false,
    metafile: true,
  });
  const files = new Map(result.outputFiles.map((f) => [f.path, f.text]));
  const outputs = Object.entries(result.metafile.outputs).map(([name, output]) => ({ path: resolve(root, name), ...output }));
  const byPath = new Map(outputs.map((o) => [o.path, o]));
  const entryOut = outputs.find((o) => o.entryPoint === entry);
  if (!entryOut) throw new Error(`script-tag build: no output for ${entry}`);
  const lazy = new Map(
    LAZY.map(({ source, file }) => {
      const out = outputs.find((o) => o.entryPoint === source);
      if (!out) throw new Error(`script-tag build: ${source} is no longer a chunk of its own; update packages/cognito-idpool/scripts/build-bundle.mjs`);
      return [file, out.path];
    }),
  );

  // Chunks the entry imports statically, directly or through each other.
  const upFront = new Set();
  const visit = (output) => {
    for (const imp of output.imports) {
      const path = resolve(root, imp.path);
      if (imp.kind === "import-statement" && !upFront.has(path) && byPath.has(path)) {
        upFront.add(path);
        visit(byPath.get(path));
      }
    }
  };
  visit(entryOut);
  // Each shared chunk's exports, renamed so that no two chunks' minified names (every chunk has its `a`) meet in the entry's exports.
  const shared = new Map([...upFront].map((path, index) => [path, byPath.get(path).exports.map((name) => [name, `__${index}_${name}`])]));
  const exportsOf = [...shared].map(([path, names]) => `export{${names.map(([name, as]) => `${name} as ${as}`).join(",")}}from${JSON.stringify(path)};`);
  // Before the inline source map comment, so that the map still covers the first pass's code.
  const entryText = files.get(entryOut.path);
  const mapComment = entryText.lastIndexOf("//# sourceMappingURL=");
  const at = mapComment === -1 ? entryText.length : mapComment;
  files.set(entryOut.path, `${entryText.slice(0, at)}${exportsOf.join("")}\n${entryText.slice(at)}`);
  return { files, entry: entryOut.path, lazy, shared };
}

/**
 * Second pass: loads the first pass's outputs from memory, building the file of `building` (the
 * entry or a lazy chunk). Every lazily loaded chunk stays a lazy import of its file (e.g.
 * ./cognito-idpool.sign-in.js); any other chunk is bundled in, the event-stream stub included. In
 * a lazy file, each shared chunk is a module that re-exports its names from ./cognito-idpool.js.
 */
function splitOutputsPlugin(split, building) {
  const external = (file) => ({ path: `./${file}`, external: true });
  const signInSide = building !== split.entry;
  const lazyFile = new Map([...split.lazy].map(([file, path]) => [path, file]));
  return {
    name: "cognito-idpool-script-tag-split",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === "cognito-idpool-shared") return external(SCRIPT_TAG_FILE);
        const path = args.kind === "entry-point" ? args.path : resolve(args.resolveDir, args.path);
        if (!split.files.has(path)) throw new Error(`script-tag build: ${args.importer} imports ${args.path}, which the first pass did not emit`);
        if (path !== building && lazyFile.has(path)) return external(lazyFile.get(path));
        if (signInSide && path === split.entry) return external(SCRIPT_TAG_FILE);
        // Named by file only: the source map lists this module, and must not carry the build machine's paths.
        if (signInSide && split.shared.has(path)) return { path: basename(path), namespace: "cognito-idpool-shared", pluginData: path };
        return { path };
      });
      build.onLoad({ filter: /.*/, namespace: "cognito-idpool-shared" }, (args) => ({
        contents: `export{${split.shared
          .get(args.pluginData)
          .map(([name, as]) => `${as} as ${name}`)
          .join(",")}}from"./${SCRIPT_TAG_FILE}";`,
        loader: "js",
      }));
      build.onLoad({ filter: /.*/ }, (args) => ({ contents: split.files.get(args.path), loader: "js", resolveDir: dirname(args.path) }));
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildScriptTagBundle();
}
