// The servers the end-to-end tests drive, each on a free 127.0.0.1 port.
import { createReadStream, existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const SEED_PATH = `${ROOT}packages/cognito-idpool-emulator/demo-seed.json`;

/** Serves examples/script-tag/ with dist/cognito-idpool.js beside it, as a user would copy them. */
export async function startScriptTagServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const files: Record<string, string> = {
    "/": `${ROOT}examples/script-tag/index.html`,
    "/index.html": `${ROOT}examples/script-tag/index.html`,
    "/cognito-idpool.js": `${ROOT}packages/cognito-idpool/dist/cognito-idpool.js`,
    "/cognito-idpool.js.map": `${ROOT}packages/cognito-idpool/dist/cognito-idpool.js.map`,
  };
  const types: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".map": "application/json" };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const file = files[path];
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
