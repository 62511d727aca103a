// The app's own backend for developer-authenticated identities: the page posts who signed in (and
// the guest identity it holds), the backend asks Cognito, with AWS credentials only it has, for an
// OpenID token of that user's identity, and answers the identity id and token the page hands to
// `auth.setDeveloperIdentity`. Plain node:http and the AWS SDK's Cognito Identity client.
import { CognitoIdentityClient, GetOpenIdTokenForDeveloperIdentityCommand } from "@aws-sdk/client-cognito-identity";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

/**
 * @typedef {object} DeveloperBackendOptions
 * @property {string} identityPoolId The identity pool, e.g. "eu-west-1:11111111-2222-4333-8444-555555555555".
 * @property {string} developerProviderName The pool's `DeveloperProviderName`, e.g. "login.example.app".
 * @property {string} [region] Defaults to the identity pool's region.
 * @property {string} [endpoint] Cognito's endpoint; the emulator's URL in development (default: AWS).
 * @property {{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }} [credentials] Default: the AWS SDK's credential chain.
 * @property {number} [port] Default 0: a free port.
 * @property {string} [host] Default "127.0.0.1".
 * @property {string} [allowOrigin] The page origin allowed by CORS; default "*".
 * @property {number} [tokenDurationSeconds] The OpenID token's lifetime (Cognito's default 900 when absent).
 */

/**
 * @typedef {object} DeveloperBackend
 * @property {string} url Where it listens, e.g. "http://127.0.0.1:38211".
 * @property {() => Promise<void>} stop Stops listening and closes open connections.
 */

const MAX_BODY = 16 * 1024;

/**
 * Starts the backend. `POST /token` with `{ "user": "alice", "guestIdentityId"?: "<region>:<uuid>" }`
 * answers `{ "identityId", "token" }`: the identity of `user` under the pool's developer provider.
 * A user with no identity yet gets the browser's guest (linked); a user who has one gets it, and the
 * page, handed another identity than its guest, reports the guest merged into it.
 *
 * In a real app `user` would come from the app's own session (a cookie the backend checks), never
 * from the request body: whoever can choose `user` here can be anyone.
 *
 * @param {DeveloperBackendOptions} options
 * @returns {Promise<DeveloperBackend>}
 */
export async function startDeveloperBackend(options) {
  const region = options.region ?? options.identityPoolId.split(":")[0];
  const cognito = new CognitoIdentityClient({
    region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const cors = {
    "access-control-allow-origin": options.allowOrigin ?? "*",
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers": "content-type",
    "access-control-max-age": "600",
    vary: "origin",
  };
  /** @param {import("node:http").ServerResponse} res @param {number} status @param {unknown} body */
  const answer = (res, status, body) => res.writeHead(status, { ...cors, "content-type": "application/json" }).end(JSON.stringify(body));

  /**
   * The user's identity and an OpenID token for it. With the browser's guest: the guest becomes the
   * user's identity when the user has none yet (linked). When the user already has one, Cognito
   * refuses to move the user (DeveloperUserAlreadyRegisteredException); the answer is then the
   * user's own identity, and the page, seeing another identity than its guest, reports the guest
   * merged into it.
   *
   * @param {string} user
   * @param {string | undefined} guestIdentityId
   * @returns {Promise<{ identityId: string; token: string }>}
   */
  async function tokenFor(user, guestIdentityId) {
    /** @param {string | undefined} IdentityId */
    const send = (IdentityId) =>
      cognito.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: options.identityPoolId,
          Logins: { [options.developerProviderName]: user },
          ...(IdentityId ? { IdentityId } : {}),
          ...(options.tokenDurationSeconds ? { TokenDuration: options.tokenDurationSeconds } : {}),
        }),
      );
    let out;
    try {
      out = await send(guestIdentityId);
    } catch (error) {
      if (!guestIdentityId || /** @type {{ name?: string }} */ (error).name !== "DeveloperUserAlreadyRegisteredException") throw error;
      out = await send(undefined);
    }
    return { identityId: /** @type {string} */ (out.IdentityId), token: /** @type {string} */ (out.Token) };
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method === "OPTIONS") return void res.writeHead(204, cors).end();
    if (path !== "/token" || req.method !== "POST") return answer(res, 404, { error: "not found" });
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on("data", (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(chunk);
    });
    req.on("end", () => {
      /** @type {{ user?: unknown; guestIdentityId?: unknown }} */
      let input;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return answer(res, 400, { error: "the body must be JSON" });
      }
      const { user, guestIdentityId } = input ?? {};
      if (typeof user !== "string" || user === "") return answer(res, 400, { error: "user must be a non-empty string" });
      if (guestIdentityId !== undefined && guestIdentityId !== null && typeof guestIdentityId !== "string") {
        return answer(res, 400, { error: "guestIdentityId must be a string" });
      }
      tokenFor(user, typeof guestIdentityId === "string" && guestIdentityId !== "" ? guestIdentityId : undefined).then(
        (out) => answer(res, 200, out),
        (/** @type {{ name?: string; message?: string }} */ error) =>
          answer(res, 502, { error: error.name ?? "Error", message: error.message ?? String(error) }),
      );
    });
  });

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve(undefined));
  });
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    stop: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        cognito.destroy();
      }),
  };
}

// `node examples/developer-backend/server.mjs`: configured through the environment (see README.md).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = process.env;
  const identityPoolId = env["IDENTITY_POOL_ID"];
  const developerProviderName = env["DEVELOPER_PROVIDER_NAME"];
  if (!identityPoolId || !developerProviderName) {
    console.error("Set IDENTITY_POOL_ID and DEVELOPER_PROVIDER_NAME (and ENDPOINT for the emulator).");
    process.exit(2);
  }
  const endpoint = env["ENDPOINT"];
  const backend = await startDeveloperBackend({
    identityPoolId,
    developerProviderName,
    port: Number(env["PORT"] ?? 8787),
    ...(endpoint ? { endpoint } : {}),
    // Against the emulator the root key "test"/"test" signs; against AWS the SDK's credential chain.
    ...(endpoint && !env["AWS_ACCESS_KEY_ID"] ? { credentials: { accessKeyId: "test", secretAccessKey: "test" } } : {}),
    ...(env["ALLOW_ORIGIN"] ? { allowOrigin: env["ALLOW_ORIGIN"] } : {}),
  });
  console.log(`developer backend ready at ${backend.url} (POST /token)`);
  const stop = () => void backend.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
