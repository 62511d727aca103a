// The emulator as npm ships it: `npm pack` of packages/cognito-idpool-emulator, installed into an
// empty folder (outside this repository, so nothing resolves from its node_modules), started with
// `npx`, called with the AWS SDK installed beside it, and checked by publint and
// @arethetypeswrong/cli. Needs dist/ (npm test builds first; run `npm run build` before running this
// file alone).
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
  run,
  type PackageJson,
  type Packed,
} from "./pack.js";

const NAME = "cognito-idpool-emulator";
const READY = /^cognito-idpool-emulator ready at (http:\/\/127\.0\.0\.1:\d+)$/m;
const npx = process.platform === "win32" ? "npx.cmd" : "npx";

let scratch: string;
let packed: Packed;
let folder: string;
let installed: string;
let shipped: PackageJson;
const started: ChildProcess[] = [];

beforeAll(async () => {
  requireBuilt(NAME, "dist/index.js");
  scratch = mkdtempSync(join(tmpdir(), "cognito-idpool-emulator-package-"));
  packed = await pack(NAME, scratch);
  folder = join(scratch, "user");
  mkdirSync(folder);
  await run(npm, ["init", "-y"], { cwd: folder });
  // The npm cache already holds every dependency (the repository was installed from it).
  await run(npm, ["install", packed.tarball, "@aws-sdk/client-cognito-identity", "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: folder,
    maxBuffer: 1 << 24,
  });
  installed = join(folder, "node_modules", NAME);
  shipped = readPackageJson(installed);
}, 300_000);

afterAll(() => {
  // A test that failed half-way may leave its emulator running: end its process group.
  for (const child of started) if (child.exitCode === null && child.signalCode === null) killGroup(child, "SIGKILL");
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("cognito-idpool-emulator: the tarball", () => {
  test("holds dist/, the bin, the demo seed, LICENSE, README.md and package.json, and no tests", () => {
    expect(packed.files).toEqual(
      expect.arrayContaining(["dist/index.js", "dist/cli.js", "bin/cognito-idpool-emulator.js", "demo-seed.json", "LICENSE", "README.md", "package.json"]),
    );
    const allowed = (f: string) => /^(dist|bin)\//.test(f) || ["demo-seed.json", "LICENSE", "README.md", "package.json"].includes(f);
    expect(packed.files.filter((f) => !allowed(f))).toEqual([]);
    expect(packed.files.filter((f) => /\.(test|spec)\.|(^|\/)test\//.test(f))).toEqual([]);
    expect(shipped.bin?.[NAME]).toBe("bin/cognito-idpool-emulator.js");
  });

  test("every package its JavaScript imports is a dependency or a peer; the server and the bin need no optional peer", async () => {
    const js = (dir: string) =>
      listFiles(join(installed, dir))
        .filter((f) => f.endsWith(".js"))
        .map((f) => join(installed, dir, f));
    const packagesOf = (specifiers: Set<string>) => [...new Set([...specifiers].filter((s) => !isBuiltin(s)).map(packageName))];
    const everything = packagesOf(await bareImports([...js("dist"), ...js("bin")], join(scratch, "esbuild-all")));
    const peers = Object.keys(shipped.peerDependencies ?? {});
    const dependencies = Object.keys(shipped.dependencies ?? {});
    expect(everything.length).toBeGreaterThan(0);
    expect(
      everything.filter((name) => !dependencies.includes(name) && !peers.includes(name)),
      "imported but undeclared (strict installers such as pnpm will not provide them)",
    ).toEqual([]);
    // The optional peers serve ./testing only; `import "cognito-idpool-emulator"` and the bin must load without them.
    const optional = peers.filter((name) => shipped.peerDependenciesMeta?.[name]?.optional);
    const server = packagesOf(
      await bareImports([join(installed, "dist/index.js"), join(installed, "bin/cognito-idpool-emulator.js")], join(scratch, "esbuild-server")),
    );
    expect(
      server.filter((name) => !dependencies.includes(name)),
      `optional peers: ${optional.join(", ")}`,
    ).toEqual([]);
  });
});

describe("cognito-idpool-emulator: installed into an empty folder", () => {
  test("`npx cognito-idpool-emulator --port 0` prints its ready line, answers the AWS SDK and stops on SIGTERM", async () => {
    // Its own process group, so SIGTERM reaches the emulator and not only npx (which does not pass it on).
    const child = spawn(npx, [NAME, "--port", "0"], { cwd: folder, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    started.push(child);
    const url = await readyUrl(child);

    writeFileSync(
      join(folder, "aws-sdk-call.mjs"),
      [
        'import { CognitoIdentityClient, CreateIdentityPoolCommand, GetIdCommand } from "@aws-sdk/client-cognito-identity";',
        'const client = new CognitoIdentityClient({ endpoint: process.argv[2], region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });',
        'const pool = await client.send(new CreateIdentityPoolCommand({ IdentityPoolName: "package_test", AllowUnauthenticatedIdentities: true }));',
        "const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: pool.IdentityPoolId }));",
        'console.log(JSON.stringify({ pool: pool.IdentityPoolId, identity: IdentityId, sdk: import.meta.resolve("@aws-sdk/client-cognito-identity") }));',
        "",
      ].join("\n"),
    );
    const { stdout } = await run(process.execPath, ["aws-sdk-call.mjs", url], { cwd: folder });
    const answer = JSON.parse(stdout) as { pool: string; identity: string; sdk: string };
    expect(answer.pool).toMatch(/^eu-west-1:[0-9a-f-]{36}$/);
    expect(answer.identity).toMatch(/^eu-west-1:[0-9a-f-]{36}$/);
    expect(answer.sdk, "the client installed beside the emulator, not the repository's").toContain(folder);

    const exited = once(child, "exit");
    killGroup(child, "SIGTERM");
    await exited;
    // npx may die of the signal itself; what matters is that the emulator let go of its port.
    await expect
      .poll(
        () =>
          fetch(url).then(
            () => "listening",
            () => "closed",
          ),
        { timeout: 10_000 },
      )
      .toBe("closed");
  });

  test('`import("cognito-idpool-emulator")` works from Node and starts the emulator with the shipped demo seed', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        [
          'const { startEmulator } = await import("cognito-idpool-emulator");',
          'const emulator = await startEmulator({ port: 0, seed: "node_modules/cognito-idpool-emulator/demo-seed.json" });',
          'console.log(JSON.stringify({ url: emulator.url, seeded: emulator.seeded !== undefined, from: import.meta.resolve("cognito-idpool-emulator") }));',
          "await emulator.stop();",
        ].join("\n"),
      ],
      { cwd: folder },
    );
    const result = JSON.parse(stdout) as { url: string; seeded: boolean; from: string };
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(result.seeded).toBe(true);
    expect(result.from).toContain(join(folder, "node_modules", NAME));
  });
});

describePackageLinters(NAME, () => ({ tarball: packed.tarball, scratch, exports: Object.keys(shipped.exports) }));

/** Waits for the ready line on stdout; rejects with what the process printed if it exits first. */
function readyUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`no ready line within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before its ready line:\n${output}`));
    });
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}
