import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NetworkFault } from "./core/errors.js";
import type { EmulatorResponse } from "./core/types.js";
import type { EmulatorCore } from "./emulator.js";
import { dispatch } from "./router.js";

/** The node:http adapter: turns Node's request into the router's, and the router's answer into bytes. */
export function createEmulatorServer(core: EmulatorCore): Server {
  const server = createServer((req, res) => {
    serve(core, req, res).catch((error) => {
      process.stderr.write(`cognito-idpool-emulator: internal error: ${(error as Error).stack ?? error}\n`);
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain", "access-control-allow-origin": "*" });
        res.end("internal emulator error");
      } else res.destroy();
    });
  });
  // Keep-alive sockets would hold `stop()` open; AWS clients reconnect as needed.
  server.keepAliveTimeout = 1000;
  return server;
}

async function serve(core: EmulatorCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const outcome = await dispatch(core, { method: req.method ?? "GET", url: req.url ?? "/", headers, readBody: (limit) => readBody(req, limit) });
  if ("dropConnection" in outcome) {
    res.socket?.destroy(new NetworkFault());
    return;
  }
  send(res, outcome.response, outcome.close, outcome.stallBody);
}

function send(res: ServerResponse, response: EmulatorResponse, close: boolean, stallBody?: { ms?: number }): void {
  const headers: Record<string, string> = { ...response.headers };
  if (close) headers["connection"] = "close";
  const body = response.body === undefined ? undefined : typeof response.body === "string" ? Buffer.from(response.body) : response.body;
  if (body !== undefined && headers["content-length"] === undefined) headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  if (!stallBody || res.req.method === "HEAD") {
    res.end(res.req.method === "HEAD" ? undefined : body);
    return;
  }
  // A stalled body: the client has its status and headers (content-length promises a body), then
  // nothing. The socket closing (client abort, or stop() closing every connection) ends the wait.
  res.flushHeaders();
  if (stallBody.ms === undefined) return;
  const timer = setTimeout(() => res.end(body), stallBody.ms);
  res.once("close", () => clearTimeout(timer));
}

/** Reads the whole body, or resolves undefined once it grows past `limit`. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => !over && resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function listenAddress(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
