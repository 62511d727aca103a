// The package as npm ships it: `npm pack`, installed into a scratch Vite app in a temp folder,
// built with Vite, and checked by publint and @arethetypeswrong/cli. Needs dist/ (npm test builds
// first; run `npm run build` before running this file alone).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  dependencies: Record<string, string>;
  exports: Record<string, unknown>;
  bin: Record<string, string>;
};
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let scratch: string;
let tarball: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/index.js")) || !existsSync(join(ROOT, "dist/emulator/index.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first");
  }
  scratch = mkdtempSync(join(tmpdir(), "cognito-idpool-package-"));
  // --ignore-scripts: dist/ is already built; `prepare` would rebuild it in the middle of the suite.
  const { stdout } = await run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch], { cwd: ROOT });
  tarball = join(scratch, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);

  const app = join(scratch, "app");
  mkdirSync(join(app, "src"), { recursive: true });
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "scratch-app", private: true, type: "module", dependencies: { [pkg.name]: `file:${tarball}` } }, null, 2),
  );
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
  // The npm cache already holds every dependency (the repository was installed from it).
  await run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: app, maxBuffer: 1 << 24 });
}, 300_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("npm pack", () => {
  test("ships dist, the bin and the demo seed, and no sources or tests", () => {
    const installed = join(scratch, "app/node_modules", pkg.name);
    const files = listFiles(installed);
    expect(files).toContain("dist/index.js");
    expect(files).toContain("dist/index.d.ts");
    expect(files).toContain("dist/cognito-idpool.js");
    expect(files).toContain("dist/emulator/index.js");
    expect(files).toContain("emulator/demo-seed.json");
    expect(files).toContain(pkg.bin["cognito-idpool-emulator"]!.replace(/^\.\//, ""));
    expect(files.filter((f) => /\.test\.(js|d\.ts)$/.test(f) || f.startsWith("src/") || (f.endsWith(".ts") && !f.endsWith(".d.ts")))).toEqual([]);
  });

  test("every package the shipped code imports is a declared dependency", async () => {
    const installed = join(scratch, "app/node_modules", pkg.name);
    const shipped = listFiles(join(installed, "dist")).filter((f) => f.endsWith(".js") && f !== "cognito-idpool.js");
    // esbuild parses the modules (comments and TSDoc examples are not imports) and lists what stays external.
    const { metafile } = await build({
      entryPoints: shipped.map((f) => join(installed, "dist", f)),
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      write: false,
      metafile: true,
      outdir: join(scratch, "imports"),
      logLevel: "silent",
    });
    const imported = new Set<string>();
    for (const output of Object.values(metafile.outputs)) {
      for (const { path, external } of output.imports) {
        if (!external || path.startsWith("node:")) continue;
        imported.add(path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0]!);
      }
    }
    expect(imported.size).toBeGreaterThan(0);
    const undeclared = [...imported].filter((name) => !(name in pkg.dependencies));
    expect(undeclared, "imported by dist/ but missing from dependencies (strict installers such as pnpm will not provide them)").toEqual([]);
  });
});

describe("a scratch Vite app that installed the tarball", () => {
  test("builds, with sign-in in its own lazily loaded chunk", async () => {
    const app = join(scratch, "app");
    await run(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"], { cwd: app, maxBuffer: 1 << 24 });
    const assets = readdirSync(join(app, "dist/assets")).filter((f) => f.endsWith(".js"));
    expect(assets.length).toBeGreaterThanOrEqual(2);
    const sources = assets.map((f) => readFileSync(join(app, "dist/assets", f), "utf8"));
    const entry = sources.find((s) => s.includes("cognito-idpool:"));
    expect(entry, "the entry chunk holds createAuth").toBeDefined();
    // SRP's protocol constant only exists in the sign-in module; it must not ship in the entry chunk.
    const signIn = sources.filter((s) => s.includes("PASSWORD_VERIFIER"));
    expect(signIn).toHaveLength(1);
    expect(signIn[0]).not.toBe(entry);
  }, 120_000);

  test("imports cognito-idpool/emulator in Node and runs the bin", async () => {
    const app = join(scratch, "app");
    const { stdout } = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'const { startEmulator } = await import("cognito-idpool/emulator"); const e = await startEmulator({ port: 0 }); console.log(e.url); await e.stop();',
      ],
      { cwd: app },
    );
    expect(stdout.trim()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const help = await run(join(app, "node_modules/.bin/cognito-idpool-emulator"), ["--help"], { cwd: app });
    expect(help.stdout).toContain("Usage: cognito-idpool-emulator");
  }, 60_000);
});

describe("package linters", () => {
  test("publint reports nothing", async () => {
    const { publint } = await import("publint");
    const { messages } = await publint({ pkgDir: join(scratch, "app/node_modules", pkg.name), level: "suggestion", strict: true });
    expect(messages).toEqual([]);
  }, 60_000);

  test("@arethetypeswrong/cli reports nothing for ESM consumers", async () => {
    // Exit status 1 means problems outside the profile; the JSON is checked too so a change in
    // the CLI's exit codes cannot hide them.
    const { stdout } = await run(
      process.execPath,
      [join(ROOT, "node_modules/@arethetypeswrong/cli/dist/index.js"), tarball, "--profile", "esm-only", "--format", "json"],
      {
        cwd: scratch,
        maxBuffer: 1 << 24,
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "{}" }));
    const report = JSON.parse(stdout) as { problems?: Record<string, { resolutionKind?: string }[]> };
    expect(report.problems, "attw printed no analysis").toBeDefined();
    const ignored = new Set(["node10", "node16-cjs"]);
    const problems = Object.values(report.problems ?? {})
      .flat()
      .filter((p) => !ignored.has(p.resolutionKind ?? ""));
    expect(problems).toEqual([]);
  }, 120_000);
});

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(dir, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}
