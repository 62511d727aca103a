// Bundles entries and measures what a browser downloads, every entry with the same settings so the
// numbers compare: esbuild `--bundle --minify --format=esm --platform=browser --target=es2020
// --define:process.env.NODE_ENV="production"`; brotli = node zlib quality 11, text mode. Nothing is
// written to disk.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { constants, brotliCompressSync, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export function brotli(bytes) {
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }).length;
}

export function gzip(bytes) {
  return gzipSync(bytes, { level: 9 }).length;
}

/** Sizes of one file's bytes. */
export function sizes(bytes) {
  return { raw: bytes.length, gzip: gzip(bytes), brotli: brotli(bytes) };
}

function addSizes(a, b) {
  return { raw: a.raw + b.raw, gzip: a.gzip + b.gzip, brotli: a.brotli + b.brotli };
}

const ZERO = { raw: 0, gzip: 0, brotli: 0 };

/**
 * The one deviation from those settings, for the reference entries (bench/anchors/):
 * `@aws-sdk/credential-providers` declares its browser entry through a `browser` map esbuild does
 * not match, so its Node index would be bundled.
 */
export const ANCHOR_ALIAS = {
  "@aws-sdk/credential-providers": `${ROOT}node_modules/@aws-sdk/credential-providers/dist-es/index.browser.js`,
};

/** `cognito-idpool` resolved exactly as an app resolves it: the package's `exports["."]` (the built dist/). */
export function packageAlias() {
  const dir = `${ROOT}packages/cognito-idpool/`;
  const pkg = JSON.parse(readFileSync(`${dir}package.json`, "utf8"));
  const target = pkg.exports?.["."]?.default ?? pkg.exports?.["."];
  if (typeof target !== "string") throw new Error('packages/cognito-idpool/package.json has no exports["."] to measure');
  return { "cognito-idpool": `${dir}${target.replace(/^\.\//, "")}` };
}

function baseOptions(entry, { alias = {}, plugins = [] } = {}) {
  return {
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    define: { "process.env.NODE_ENV": '"production"' },
    alias: { ...ANCHOR_ALIAS, ...alias },
    plugins,
    write: false,
    metafile: true,
    logLevel: "silent",
  };
}

/** One output file, dynamic imports inlined: how the reference entries (bench/anchors/) are measured. */
export async function bundleOne(entry, options) {
  const result = await esbuild.build({ ...baseOptions(entry, options), outfile: `${ROOT}bench/out/${entry.replace(/\W+/g, "_")}.js` });
  const js = result.outputFiles.find((f) => f.path.endsWith(".js"));
  const output = Object.values(result.metafile.outputs)[0];
  return { ...sizes(js.contents), modules: Object.keys(output.inputs).length, metafile: result.metafile, bytes: js.contents };
}

/**
 * With code splitting: the page-load part (entry chunk and everything it imports statically) and
 * each lazy part (a dynamically imported chunk plus the static imports it adds). Each chunk is
 * compressed on its own, as a browser fetches it. `lazyName(inputs)` names a lazy part from the
 * source files it holds; parts it returns undefined for are "never loaded in this flow".
 */
export async function bundleSplit(entry, options = {}) {
  const result = await esbuild.build({
    ...baseOptions(entry, options),
    splitting: true,
    outdir: `${ROOT}bench/out/split-${entry.replace(/\W+/g, "_")}`,
    entryNames: "[name]",
    chunkNames: "[name]-[hash]",
  });
  const files = new Map(result.outputFiles.filter((f) => f.path.endsWith(".js")).map((f) => [f.path.slice(ROOT.length), f.contents]));
  const outputs = result.metafile.outputs;
  const entryOut = Object.keys(outputs).find((name) => outputs[name].entryPoint !== undefined && name.endsWith(".js"));
  const closure = (start, seen) => {
    const stack = [start];
    const found = [];
    while (stack.length) {
      const name = stack.pop();
      if (seen.has(name)) continue;
      seen.add(name);
      found.push(name);
      for (const imp of outputs[name].imports) if (imp.kind === "import-statement" && outputs[imp.path]) stack.push(imp.path);
    }
    return found;
  };
  const loaded = new Set();
  const pageLoad = closure(entryOut, loaded);
  const measure = (names) => names.reduce((acc, name) => addSizes(acc, sizes(files.get(name))), ZERO);
  const inputsOf = (names) => names.flatMap((name) => Object.keys(outputs[name].inputs));
  const lazy = [];
  const queue = [...pageLoad];
  while (queue.length) {
    const name = queue.shift();
    for (const imp of outputs[name].imports) {
      if (imp.kind !== "dynamic-import" || loaded.has(imp.path) || !outputs[imp.path]) continue;
      const part = closure(imp.path, loaded);
      const name2 = options.lazyName?.(inputsOf(part));
      lazy.push({ name: name2, files: part, ...measure(part), inputs: inputsOf(part) });
      queue.push(...part);
    }
  }
  // Chunks no import reaches (esbuild still emits dynamic-import targets of code it shook out).
  const orphans = Object.keys(outputs).filter((name) => name.endsWith(".js") && !loaded.has(name));
  if (orphans.length) lazy.push({ name: undefined, files: orphans, ...measure(orphans), inputs: inputsOf(orphans) });
  return { pageLoad: { files: pageLoad, ...measure(pageLoad), inputs: inputsOf(pageLoad) }, lazy, metafile: result.metafile };
}

/** Bytes in the output per package (or per file outside node_modules), largest first; optionally of some output files only. */
export function byPackage(metafile, files) {
  const totals = new Map();
  for (const [name, output] of Object.entries(metafile.outputs)) {
    if (files && !files.includes(name)) continue;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1] : input;
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

export const kib = (bytes) => (bytes / 1024).toFixed(1);
export const fmt = (n) => n.toLocaleString("en-US");
