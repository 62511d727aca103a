// Shared by the package tests: pack a workspace package as npm would publish it, list the bare
// imports of its JavaScript, and run the two package linters on the tarball.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, test } from "vitest";
import { build } from "esbuild";

export const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** The fields of a shipped package.json that the tests read. */
export interface PackageJson {
  name: string;
  bin?: Record<string, string>;
  engines?: Record<string, string>;
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface Packed {
  tarball: string;
  /** Every path in the tarball, relative to the package root, as `npm pack --json` lists it. */
  files: string[];
}

/** `npm pack` of packages/<name> into `destination`. */
export async function pack(name: string, destination: string): Promise<Packed> {
  // --ignore-scripts: dist/ is already built (npm test builds first); a lifecycle script would rebuild it mid-suite.
  const { stdout } = await run(npm, ["pack", "--ignore-scripts", "--json", "--pack-destination", destination], {
    cwd: join(ROOT, "packages", name),
    maxBuffer: 1 << 24,
  });
  const [report] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(destination, report!.filename), files: report!.files.map((f) => f.path) };
}

/** Throws unless the package is built: without dist/, npm pack succeeds and ships an empty package. */
export function requireBuilt(name: string, file: string): void {
  if (!existsSync(join(ROOT, "packages", name, file))) throw new Error(`packages/${name}/${file} is missing: run \`npm run build\` first`);
}

export function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
}

export function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(dir, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}

/**
 * The bare specifiers (packages and builtins) that `entryPoints` reach, following relative imports
 * (dynamic ones included). esbuild parses the modules, so TSDoc examples and comments that mention
 * a package are not mistaken for imports.
 */
export async function bareImports(entryPoints: string[], outdir: string): Promise<Set<string>> {
  const { metafile } = await build({
    entryPoints,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    splitting: true,
    write: false,
    metafile: true,
    outdir,
    logLevel: "silent",
  });
  const specifiers = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const { path, external } of output.imports) if (external) specifiers.add(path);
  }
  return specifiers;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageName(specifier: string): string {
  return specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");
}

/** publint's messages for the tarball itself (strict: warnings count as errors; every level down to suggestions). */
export async function publintTarball(tarball: string): Promise<string[]> {
  const { publint } = await import("publint");
  const { formatMessage } = await import("publint/utils");
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer },
    level: "suggestion",
    strict: true,
  });
  return messages.map((m) => `${m.type} ${m.code}: ${formatMessage(m, pkg) ?? ""}`);
}

/**
 * @arethetypeswrong/cli on the tarball with the esm-only profile (the packages are ESM only, so
 * CommonJS `require` and node10 resolution are out of scope). Returns the problems in the profile
 * and the entry points it analysed.
 */
export async function attw(tarball: string, cwd: string): Promise<{ status: number; problems: string[]; entrypoints: string[] }> {
  const cli = join(ROOT, "node_modules/@arethetypeswrong/cli/dist/index.js");
  const result = await run(process.execPath, [cli, tarball, "--profile", "esm-only", "--format", "json"], { cwd, maxBuffer: 1 << 24 }).then(
    ({ stdout }) => ({ status: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ status: typeof error.code === "number" ? error.code : 1, stdout: error.stdout ?? "{}" }),
  );
  const report = JSON.parse(result.stdout) as {
    analysis?: { entrypoints?: Record<string, unknown> };
    problems?: Record<string, { kind: string; entrypoint?: string; resolutionKind?: string }[]>;
  };
  // The JSON report lists every problem, including those of the resolutions the profile ignores.
  const ignored = new Set(["node10", "node16-cjs"]);
  const problems = Object.values(report.problems ?? {})
    .flat()
    .filter((p) => !ignored.has(p.resolutionKind ?? ""))
    .map((p) => `${p.kind} ${p.entrypoint ?? ""} (${p.resolutionKind ?? "any resolution"})`);
  return { status: result.status, problems, entrypoints: Object.keys(report.analysis?.entrypoints ?? {}) };
}

/**
 * The linters npm consumers' tools agree with, on one packed tarball: publint (strict, down to
 * suggestions) and @arethetypeswrong/cli for ESM consumers on every entry point. Registered by each
 * package's test file; `state()` is read when the tests run, after that file's set-up packed it.
 */
export function describePackageLinters(name: string, state: () => { tarball: string; scratch: string; exports: string[] }): void {
  describe(`${name}: package linters`, () => {
    test("publint (strict, down to suggestions) reports nothing", async () => {
      expect(await publintTarball(state().tarball)).toEqual([]);
    });

    test("@arethetypeswrong/cli reports nothing for ESM consumers, for every entry point", async () => {
      const { tarball, scratch, exports } = state();
      const report = await attw(tarball, scratch);
      expect(report.entrypoints).toEqual(expect.arrayContaining(exports));
      expect(report.problems).toEqual([]);
      expect(report.status).toBe(0);
    });
  });
}
