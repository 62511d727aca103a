// The script-tag bundle: dist/cognito-idpool.js, one self-contained minified ES module (plus its
// source map) that a plain page imports with no bundler and no import map:
//   <script type="module"> import { createAuth } from "./cognito-idpool.js"; </script>
// Everything is inlined, the lazily imported user-pool sign-in included, because a page that
// copies one file cannot fetch a second chunk from a path it does not know.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { errorClassesPlugin, staticSignInPlugin, trimPlugin } from "./trim.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

/** Options shared with the size budget (scripts/size.mjs at the repository root), which measures this exact build. */
export function scriptTagBuildOptions(entry = "src/index.ts") {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    // Same target as the size anchors; every browser with Web Locks and BigInt runs ES2020.
    target: "es2020",
    define: { "process.env.NODE_ENV": '"production"' },
    // Apache-2.0 asks redistributions to carry the notice; the banner names what is inside.
    banner: {
      js: `/*! cognito-idpool ${pkg.version} (MIT) https://www.npmjs.com/package/cognito-idpool - bundles @aws-sdk/*, @smithy/* and idb-keyval (Apache-2.0) */`,
    },
    legalComments: "eof",
    plugins: [trimPlugin(), staticSignInPlugin(), errorClassesPlugin()],
    logLevel: "warning",
  };
}

export async function buildScriptTagBundle({ entry, outfile = "dist/cognito-idpool.js", sourcemap = true, write = true, metafile = false } = {}) {
  return esbuild.build({ ...scriptTagBuildOptions(entry), outfile, sourcemap, write, metafile });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildScriptTagBundle();
}
