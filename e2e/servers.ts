// The servers the end-to-end tests drive, each on a free 127.0.0.1 port.
import { createReadStream, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SEED_PATH = `${ROOT}packages/cognito-idpool-emulator/demo-seed.json`;

/**
 * Serves examples/script-tag/ with dist/cognito-idpool.js beside it, as a user would copy them; and
 * beside them the harnesses of faults.spec.ts (`/faults.html`), sessions.spec.ts (`/sessions.html`),
 * redirect.spec.ts (`/oauth.html`) and federation.spec.ts (`/federation.html`)
 * with the AWS SDK's S3 client as one browser module (`/s3.js`, bundled on first request), since those
 * pages have no bundler either.
 */
export async function startScriptTagServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const files: Record<string, string> = {
    "/": `${ROOT}examples/script-tag/index.html`,
    "/index.html": `${ROOT}examples/script-tag/index.html`,
    "/cognito-idpool.js": `${ROOT}packages/cognito-idpool/dist/cognito-idpool.js`,
    "/cognito-idpool.js.map": `${ROOT}packages/cognito-idpool/dist/cognito-idpool.js.map`,
    "/faults.html": `${ROOT}e2e/faults-page.html`,
    "/sessions.html": `${ROOT}e2e/sessions-page.html`,
    "/oauth.html": `${ROOT}e2e/oauth-page.html`,
    "/federation.html": `${ROOT}e2e/federation-page.html`,
  };
  const types: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".map": "application/json" };
  let s3Module: Promise<string> | undefined;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/s3.js" && req.method === "GET") {
      (s3Module ??= bundleS3Client()).then(
        (code) => res.writeHead(200, { "content-type": types[".js"]!, "cache-control": "no-store" }).end(code),
        (error: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(String(error)),
      );
      return;
    }
    // The files the core loads beside itself (cognito-idpool.sign-in.js, and the passkeys, devices and
    // redirect parts sign-in loads in turn), as a user would copy dist/.
    const file = files[path] ?? (/^\/cognito-idpool\.[\w-]+\.js(\.map)?$/.test(path) ? `${ROOT}packages/cognito-idpool/dist${path}` : undefined);
    if (!file || !existsSync(file) || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  const url = await listen(server);
  return { url, stop: () => close(server) };
}

/** The S3 client and the commands the harness pages send, bundled for the browser like an app would. */
async function bundleS3Client(): Promise<string> {
  const { build } = await import("esbuild");
  const result = await build({
    stdin: {
      contents: 'export { S3Client, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";',
      resolveDir: ROOT,
      loader: "js",
    },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]!.text;
}

export function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (typeof address !== "object" || address === null) return reject(new Error("no address"));
      resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
