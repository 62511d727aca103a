/**
 * Starts cognito-local (a third-party user-pool emulator, devDependency) on a free loopback port,
 * in a fresh temporary working directory, with one user pool whose id has the AWS shape
 * (`eu-west-1_…`, which cognito-local accepts when the pool's file exists before it starts; its
 * own CreateUserPool ids are `local_…`, which no real pool id looks like).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";

export interface CognitoLocal {
  url: string;
  userPoolId: string;
  /** Issuer of its tokens: `http://127.0.0.1:<port>/<userPoolId>`. */
  issuer: string;
  admin: CognitoIdentityProviderClient;
  stop(): Promise<void>;
}

export async function startCognitoLocal(userPoolId = "eu-west-1_CogLocal1"): Promise<CognitoLocal> {
  const cwd = await mkdtemp(join(tmpdir(), "cognito-local-"));
  const db = join(cwd, ".cognito", "db");
  await mkdir(db, { recursive: true });
  await writeFile(join(cwd, ".cognito", "config.json"), "{}");
  // Plain usernames (its default pool options make the username an email).
  await writeFile(join(db, `${userPoolId}.json`), JSON.stringify({ Users: {}, Options: { Id: userPoolId, UsernameAttributes: [] } }));
  const port = await freePort();
  const start = join(dirname(createRequire(import.meta.url).resolve("cognito-local/package.json")), "lib", "bin", "start.js");
  const child = spawn(process.execPath, [start], { cwd, env: { ...process.env, HOST: "127.0.0.1", PORT: String(port) }, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child);
  } catch (error) {
    await stopChild(child);
    await rm(cwd, { recursive: true, force: true });
    throw error;
  }
  const admin = new CognitoIdentityProviderClient({ region: "eu-west-1", endpoint: url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  return {
    url,
    userPoolId,
    issuer: `${url}/${userPoolId}`,
    admin,
    async stop() {
      admin.destroy();
      await stopChild(child);
      await rm(cwd, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`cognito-local exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("cognito-local did not become healthy within 30 s");
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
