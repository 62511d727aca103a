// The browser SDK as npm ships it: `npm pack` of packages/cognito-idpool, installed into a scratch
// Vite app in a temp folder and built there, and checked by publint and @arethetypeswrong/cli.
// Needs dist/ (npm test builds first; run `npm run build` before running this file alone).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  bareImports,
  describePackageLinters,
  listFiles,
  npm,
  pack,
  packageName,
  readPackageJson,
  requireBuilt,
  ROOT,
  run,
  type PackageJson,
  type Packed,
} from "./pack.js";

const NAME = "cognito-idpool";
/** What a page without a bundler copies: the script-tag file and the files it loads from beside itself (sign-in, sign-in's passkeys, devices and redirect parts, and the basic flow). */
const SCRIPT_TAG_FILES = [
  "cognito-idpool.js",
  "cognito-idpool.sign-in.js",
  "cognito-idpool.passkeys.js",
  "cognito-idpool.devices.js",
  "cognito-idpool.oauth.js",
  "cognito-idpool.basic-flow.js",
];
// Decided before packing: the React bindings' tests only apply once the package exports them.
const hasReact = "./react" in readPackageJson(join(ROOT, "packages", NAME)).exports;
const rootDevDependencies = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies;

let scratch: string;
let packed: Packed;
let app: string;
let installed: string;
let shipped: PackageJson;

beforeAll(async () => {
  requireBuilt(NAME, "dist/index.js");
  scratch = mkdtempSync(join(tmpdir(), "cognito-idpool-sdk-package-"));
  packed = await pack(NAME, scratch);

  app = join(scratch, "app");
  mkdirSync(join(app, "src"), { recursive: true });
  // An app that uses the React bindings has React installed itself, whatever the SDK declares.
  const react = hasReact ? { react: rootDevDependencies.react!, "react-dom": rootDevDependencies["react-dom"]! } : {};
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "scratch-app", private: true, type: "module", dependencies: { [NAME]: `file:${packed.tarball}`, ...react } }, null, 2),
  );
  const pages: Record<string, string> = { main: "index.html" };
  writeFileSync(join(app, "index.html"), '<!doctype html><html><body><p id="out"></p><script type="module" src="/src/main.js"></script></body></html>\n');
  writeFileSync(
    join(app, "src/main.js"),
    [
      'import { createAuth, isCognitoIdpoolError } from "cognito-idpool";',
      'const auth = createAuth({ identityPoolId: "eu-west-1:11111111-2222-4333-8444-555555555555", userPool: { userPoolId: "eu-west-1_DemoPool1", clientId: "cognitoidpooldemoclient001" } });',
      'auth.subscribe((state) => { document.getElementById("out").textContent = state.status; });',
      'document.addEventListener("click", () => auth.signIn({ username: "demo", password: "x" }).catch((e) => console.log(isCognitoIdpoolError(e))));',
      "",
    ].join("\n"),
  );
  if (hasReact) {
    pages.react = "react.html";
    writeFileSync(join(app, "react.html"), '<!doctype html><html><body><script type="module" src="/src/react-page.js"></script></body></html>\n');
    // The whole namespace: what the bindings export is theirs to decide; this page only has to build with all of it.
    writeFileSync(
      join(app, "src/react-page.js"),
      'import * as bindings from "cognito-idpool/react";\ndocument.body.dataset.exports = Object.keys(bindings).join(",");\n',
    );
  }
  // The manifest says which chunks each page loads, statically and lazily.
  writeFileSync(join(app, "vite.config.mjs"), `export default ${JSON.stringify({ build: { manifest: true, rolldownOptions: { input: pages } } })};\n`);
  // The npm cache already holds every dependency (the repository was installed from it).
  await run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app, maxBuffer: 1 << 24 });
  installed = join(app, "node_modules", NAME);
  shipped = readPackageJson(installed);
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("cognito-idpool: the tarball", () => {
  test("holds dist/ (ES modules, declarations, the script-tag files and their maps), LICENSE, README.md and package.json, and nothing else", () => {
    expect(packed.files).toEqual(
      expect.arrayContaining([
        "dist/index.js",
        "dist/index.d.ts",
        ...SCRIPT_TAG_FILES.flatMap((f) => [`dist/${f}`, `dist/${f}.map`]),
        "LICENSE",
        "README.md",
        "package.json",
      ]),
    );
    expect(packed.files.filter((f) => !f.startsWith("dist/") && !["LICENSE", "README.md", "package.json"].includes(f))).toEqual([]);
  });

  test("holds nothing of the emulator, no sources and no tests", () => {
    const unwanted = packed.files.filter(
      (f) =>
        /emulator|demo-seed/i.test(f) ||
        /^(bin|src|test)\//.test(f) ||
        /\.test\.|\.spec\./.test(f) ||
        // Declarations (.d.ts) ship; TypeScript sources do not.
        (/\.tsx?$/.test(f) && !f.endsWith(".d.ts")),
    );
    expect(unwanted).toEqual([]);
  });

  test("package.json declares no bin and no engines (a browser library runs no Node program)", () => {
    expect(shipped.name).toBe(NAME);
    expect(shipped.bin).toBeUndefined();
    expect(shipped.engines).toBeUndefined();
  });

  test("its dependencies are exactly the packages its JavaScript imports, and none is the emulator's", async () => {
    // The script-tag files bundle their dependencies; the next tests check them.
    const modules = listFiles(join(installed, "dist")).filter((f) => f.endsWith(".js") && !SCRIPT_TAG_FILES.includes(f));
    const imported = [
      ...(await bareImports(
        modules.map((f) => join(installed, "dist", f)),
        join(scratch, "esbuild-out"),
      )),
    ].map(packageName);
    const declared = { ...shipped.dependencies, ...shipped.peerDependencies };
    expect(imported.length).toBeGreaterThan(0);
    // Missing: strict installers (pnpm, Yarn PnP) would not provide it. Extra: every app downloads it for nothing.
    expect([...new Set(imported)].sort(), "packages imported by dist/").toEqual(Object.keys(declared).sort());
    expect(Object.keys(declared)).not.toContain("@smithy/signature-v4");
    expect(Object.keys(declared)).not.toContain("@aws-sdk/xml-builder");
  });

  test("the script-tag files import only each other, by relative path: a plain page loads them without a bundler or an import map", async () => {
    // Relative specifiers resolve against the importing file's URL, so the pair works from any folder they are copied to together.
    expect((await importsOf(join(installed, "dist/cognito-idpool.js"))).sort()).toEqual([
      "dynamic-import ./cognito-idpool.basic-flow.js",
      "dynamic-import ./cognito-idpool.sign-in.js",
    ]);
    expect((await importsOf(join(installed, "dist/cognito-idpool.sign-in.js"))).sort()).toEqual([
      "dynamic-import ./cognito-idpool.devices.js",
      "dynamic-import ./cognito-idpool.oauth.js",
      "dynamic-import ./cognito-idpool.passkeys.js",
      "import-statement ./cognito-idpool.js",
    ]);
    // Passkeys, devices and redirect sign-in get the rest from sign-in at run time: each imports only what the core exports (shared helpers), so each is one small request.
    for (const part of ["passkeys", "devices", "oauth", "basic-flow"]) {
      expect(await importsOf(join(installed, `dist/cognito-idpool.${part}.js`))).toEqual(["import-statement ./cognito-idpool.js"]);
    }
  });

  test("the sign-in file and the parts it loads link against the cognito-idpool.js beside them and export what their callers call", async () => {
    // A name the sign-in file imports that cognito-idpool.js does not export fails here, as it would fail in a browser.
    const { stdout } = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        [
          `const core = await import(${JSON.stringify(join(installed, "dist/cognito-idpool.js"))});`,
          `const signIn = await import(${JSON.stringify(join(installed, "dist/cognito-idpool.sign-in.js"))});`,
          // The parts sign-in loads in turn link against the core the same way.
          ...["passkeys", "devices", "oauth"].map(
            (part) => `const ${part} = await import(${JSON.stringify(join(installed, `dist/cognito-idpool.${part}.js`))});`,
          ),
          `const basicFlow = await import(${JSON.stringify(join(installed, "dist/cognito-idpool.basic-flow.js"))});`,
          "console.log(JSON.stringify({ createAuth: typeof core.createAuth, createUserPoolSession: typeof signIn.createUserPoolSession, createPasskeys: typeof passkeys.createPasskeys, createDevices: typeof devices.createDevices, createOAuth: typeof oauth.createOAuth, createBasicFlow: typeof basicFlow.createBasicFlow }));",
        ].join("\n"),
      ],
      { cwd: scratch },
    );
    expect(JSON.parse(stdout)).toEqual({
      createAuth: "function",
      createUserPoolSession: "function",
      createPasskeys: "function",
      createDevices: "function",
      createOAuth: "function",
      createBasicFlow: "function",
    });
  });
});

describe("cognito-idpool: a scratch Vite app that installed the tarball", () => {
  test("builds, with sign-in and the basic flow in lazily loaded chunks of their own", async () => {
    const manifest = await viteBuild();
    const { statically, lazily } = chunksOf(manifest, "index.html");
    expect(containing(statically, "cognito-idpool:"), "the page's entry chunks hold createAuth").not.toEqual([]);
    // SRP's flow name only exists in the sign-in module: loaded on demand, never up front.
    expect(containing(statically, "USER_SRP_AUTH")).toEqual([]);
    expect(containing(lazily, "USER_SRP_AUTH")).toHaveLength(1);
    // Passkeys (with @simplewebauthn/browser) and remembered devices are chunks of their own, loaded from sign-in when used.
    expect(containing(statically, "navigator.credentials")).toEqual([]);
    const passkeys = containing(lazily, "navigator.credentials");
    expect(passkeys).toHaveLength(1);
    expect(passkeys).not.toEqual(containing(lazily, "USER_SRP_AUTH"));
    // The basic flow (STS's query protocol, whose XML namespace is in no other code) is a chunk of its own too, never loaded up front.
    const STS = "https://sts.amazonaws.com/doc/2011-06-15/";
    expect(containing(statically, STS)).toEqual([]);
    expect(containing(lazily, STS)).toHaveLength(1);
    expect(containing(lazily, STS)).not.toEqual(containing(lazily, "USER_SRP_AUTH"));
  });

  test.runIf(hasReact)("a page that does not import cognito-idpool/react ships nothing of React; a page that does builds", async () => {
    const manifest = await viteBuild();
    const loads = (page: string) => {
      const { statically, lazily } = chunksOf(manifest, page);
      return [...statically, ...lazily];
    };
    // React's module object keeps its export names through minification; the bindings cannot work without this hook.
    const REACT = "useSyncExternalStore";
    expect(containing(loads("react.html"), REACT)).not.toEqual([]);
    expect(containing(loads("index.html"), REACT)).toEqual([]);
  });
});

describePackageLinters(NAME, () => ({ tarball: packed.tarball, scratch, exports: Object.keys(shipped.exports) }));

interface ManifestChunk {
  file: string;
  imports?: string[];
  dynamicImports?: string[];
}

let built: Promise<Record<string, ManifestChunk>> | undefined;

/** `vite build` of the scratch app, once for the tests that read it; returns Vite's manifest. */
function viteBuild(): Promise<Record<string, ManifestChunk>> {
  // Vitest sets NODE_ENV=test, and Vite would keep it: React and others would then bundle their development builds.
  const env = { ...process.env, NODE_ENV: "production" };
  built ??= run(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"], { cwd: app, env, maxBuffer: 1 << 24 }).then(
    () => JSON.parse(readFileSync(join(app, "dist/.vite/manifest.json"), "utf8")) as Record<string, ManifestChunk>,
  );
  return built;
}

/** Every import of one file, as "kind specifier" (deduplicated), without following any of them. */
async function importsOf(file: string): Promise<string[]> {
  const found = new Set<string>();
  await build({
    entryPoints: [file],
    bundle: true,
    format: "esm",
    write: false,
    logLevel: "silent",
    plugins: [
      {
        name: "record-imports",
        setup(esbuild) {
          esbuild.onResolve({ filter: /.*/ }, (args) => {
            if (args.kind === "entry-point") return undefined;
            found.add(`${args.kind} ${args.path}`);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return [...found];
}

/** Which of the built files (paths under the app's dist/) contain `marker`. */
function containing(files: string[], marker: string): string[] {
  return files.filter((f) => readFileSync(join(app, "dist", f), "utf8").includes(marker));
}

/** The JavaScript files a page loads: `statically` before it runs, `lazily` through dynamic imports. */
function chunksOf(manifest: Record<string, ManifestChunk>, page: string): { statically: string[]; lazily: string[] } {
  const closure = (keys: string[], follow: (chunk: ManifestChunk) => string[]) => {
    const seen = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const next of follow(manifest[key]!)) visit(next);
    };
    keys.forEach(visit);
    return seen;
  };
  expect(manifest[page], `${page} is an entry of the build`).toBeDefined();
  const statically = closure([page], (chunk) => chunk.imports ?? []);
  const lazyRoots = [...statically].flatMap((key) => manifest[key]!.dynamicImports ?? []);
  const everything = closure(lazyRoots, (chunk) => [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]);
  const files = (keys: Iterable<string>) => [...keys].map((key) => manifest[key]!.file).filter((f) => f.endsWith(".js"));
  return { statically: files(statically), lazily: files([...everything].filter((key) => !statically.has(key))) };
}
