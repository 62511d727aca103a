import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";

/**
 * A minimal OpenID Connect issuer for tests: serves `/.well-known/openid-configuration` and its
 * JWKS on 127.0.0.1 (port 0), and mints ID tokens signed with its key — so tests can hand the
 * emulator tokens from an IdP it has never seen, exactly as a real OIDC provider would.
 */
export interface TestIssuer {
  /** Issuer URL, e.g. `http://127.0.0.1:45123/realms/test`. */
  url: string;
  /** The `Logins` key Cognito expects: the issuer without its scheme. */
  loginKey: string;
  /** Signs an ID token; `iss` defaults to this issuer, `iat` to now, `exp` to now + 1 hour. */
  mint(claims: JWTPayload, options?: MintOptions): Promise<string>;
  /** How many times the JWKS was fetched (the emulator caches it). */
  jwksFetches(): number;
  /** Stops the issuer's HTTP server. */
  stop(): Promise<void>;
}

/** How {@link TestIssuer.mint} signs. */
export interface MintOptions {
  /** Sign with a key the JWKS does not publish, under the published `kid` (a forged token). */
  foreignKey?: boolean;
  /** Epoch seconds the token is issued at (default now). */
  issuedAt?: number;
  /** Lifetime in seconds (default 3600). */
  lifetimeSeconds?: number;
}

/**
 * Starts a local OpenID Connect provider on 127.0.0.1; `path` puts the issuer below a path
 * (`/realms/test`), as some providers do.
 *
 * @example
 * ```ts
 * import { startOidcIssuer } from "cognito-idpool-emulator/testing";
 *
 * const issuer = await startOidcIssuer();
 * // register issuer.url as an IAM OIDC provider and in the identity pool, then:
 * const token = await issuer.mint({ sub: "user-1", aud: "my-client" });
 * const logins = { [issuer.loginKey]: token };
 * ```
 */
export async function startOidcIssuer(options: { path?: string } = {}): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const foreign = await generateKeyPair("RS256");
  const kid = "test-key-1";
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const path = options.path ?? "";
  let fetches = 0;
  let url = "";

  const server = createServer((req, res) => {
    if (req.url === `${path}/.well-known/openid-configuration`) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ issuer: url, jwks_uri: `${url}/jwks`, id_token_signing_alg_values_supported: ["RS256"] }));
    } else if (req.url === `${path}/jwks`) {
      fetches++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.writeHead(404).end();
    }
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;

  return {
    url,
    loginKey: url.replace(/^http:\/\//, ""),
    async mint(claims, mint = {}) {
      const now = mint.issuedAt ?? Math.floor(Date.now() / 1000);
      const key: CryptoKey = mint.foreignKey ? foreign.privateKey : privateKey;
      return new SignJWT({ iat: now, exp: now + (mint.lifetimeSeconds ?? 3600), iss: url, ...claims })
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .sign(key);
    },
    jwksFetches: () => fetches,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
