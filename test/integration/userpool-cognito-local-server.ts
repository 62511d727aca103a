/**
 * Starts cognito-local (a third-party user-pool emulator, devDependency) on a free loopback port,
 * in a fresh temporary working directory, with one user pool whose id has the AWS shape
 * (`eu-west-1_…`, which cognito-local accepts when the pool's file exists before it starts; its
 * own CreateUserPool ids are `local_…`, which no real pool id looks like).
 *
 * Its tokens' issuer is a small discovery server of ours (`TokenConfig.IssuerDomain`): cognito-local's
 * own `/.well-known/openid-configuration` names `http://localhost:9229` (its default port) whatever
 * port it runs on, so a verifier following discovery, as AWS and our emulator do, could not find
 * its keys. Ours serves the same document with the real `jwks_uri`, cognito-local's JWKS;
 * the tokens and keys are cognito-local's own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";

export interface CognitoLocal {
  url: string;
  userPoolId: string;
  /** Issuer of its tokens: `http://127.0.0.1:<discovery port>/<userPoolId>`. */
  issuer: string;
  /** Where its keys are: `<url>/<userPoolId>/.well-known/jwks.json`. */
  jwksUri: string;
  admin: CognitoIdentityProviderClient;
  stop(): Promise<void>;
}

export async function startCognitoLocal(userPoolId = "eu-west-1_CogLocal1"): Promise<CognitoLocal> {
  const cwd = await mkdtemp(join(tmpdir(), "cognito-local-"));
  const db = join(cwd, ".cognito", "db");
  await mkdir(db, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const jwksUri = `${url}/${userPoolId}/.well-known/jwks.json`;
  const discovery = createHttpServer((req, res) => {
    if (req.url !== `/${userPoolId}/.well-known/openid-configuration`) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ issuer, jwks_uri: jwksUri, id_token_signing_alg_values_supported: ["RS256"] }));
  });
  discovery.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => discovery.listen(0, "127.0.0.1", resolve));
  const issuerDomain = `http://127.0.0.1:${(discovery.address() as { port: number }).port}`;
  const issuer = `${issuerDomain}/${userPoolId}`;
  const stopDiscovery = () => new Promise<void>((resolve) => discovery.close(() => resolve()));
  await writeFile(join(cwd, ".cognito", "config.json"), JSON.stringify({ TokenConfig: { IssuerDomain: issuerDomain } }));
  // Plain usernames (its default pool options make the username an email).
  await writeFile(join(db, `${userPoolId}.json`), JSON.stringify({ Users: {}, Options: { Id: userPoolId, UsernameAttributes: [] } }));
  const start = join(dirname(createRequire(import.meta.url).resolve("cognito-local/package.json")), "lib", "bin", "start.js");
  const child = spawn(process.execPath, [start], { cwd, env: { ...process.env, HOST: "127.0.0.1", PORT: String(port) }, stdio: "ignore" });
  try {
    await waitForHealth(url, child);
  } catch (error) {
    await stopChild(child);
    await stopDiscovery();
    await rm(cwd, { recursive: true, force: true });
    throw error;
  }
  const admin = new CognitoIdentityProviderClient({ region: "eu-west-1", endpoint: url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  return {
    url,
    userPoolId,
    issuer,
    jwksUri,
    admin,
    async stop() {
      admin.destroy();
      await stopChild(child);
      await stopDiscovery();
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
