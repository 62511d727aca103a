import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The bin runs the compiled emulator, as it does for users after `npm ci` (prepare → build).
const BIN = new URL("../bin/cognito-idpool-emulator.js", import.meta.url).pathname;
const BUILT = new URL("../dist/cli.js", import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), "emulator-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function launch(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let errors = "";
  child.stderr.on("data", (d) => (errors += d));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      output += d;
      const m = /^cognito-idpool-emulator ready at (http:\/\/127\.0\.0\.1:\d+)$/m.exec(output);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code}: ${errors}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, ready, exited, output: () => output, errors: () => errors };
}

describe("cognito-idpool-emulator bin", () => {
  it("is built (npm run build)", () => {
    expect(existsSync(BUILT), "dist/cli.js is missing: run `npm run build`").toBe(true);
  });

  it("prints one ready line with its URL, serves requests and stops cleanly on SIGTERM", async () => {
    const run = launch(["--port", "0"]);
    const url = await run.ready;
    expect(run.output().trim().split("\n")).toHaveLength(1);
    const health = await fetch(`${url}/_emulator/health`);
    expect(health.status).toBe(200);
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(0);
  });

  it("stops cleanly on SIGINT", async () => {
    const run = launch(["--port", "0"]);
    await run.ready;
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
  });

  it("refuses a bad port with a message naming the option", async () => {
    const run = launch(["--port", "banana"]);
    await run.ready.catch(() => undefined);
    expect(await run.exited).toBe(2);
    expect(run.errors()).toContain("--port");
  });

  it("refuses an unreadable seed file", async () => {
    const seed = join(scratch, "broken-seed.json");
    writeFileSync(seed, "{ not json");
    const run = launch(["--port", "0", "--seed", seed]);
    await run.ready.catch(() => undefined);
    expect(await run.exited).toBe(1);
    expect(run.errors()).toMatch(/JSON/);
  });
});
