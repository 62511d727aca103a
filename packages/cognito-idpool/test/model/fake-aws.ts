/**
 * Amazon Cognito as the model world sees it, behind one `fetch` per tab: the identity pool (GetId,
 * GetCredentialsForIdentity with Cognito's linking and merging rules) and the user pool
 * (InitiateAuth USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH, RevokeToken, GlobalSignOut, GetUser).
 * Everything runs on the world's true time (the server's clock is right; the device's may not be).
 *
 * Faults are set by the world: no network, throttling, headers that never come, a body that never
 * ends, malformed answers, and latency. A stalled request ends when the SDK aborts it or when the
 * network fault changes (the connection is then reset).
 *
 * Every secret the fake hands out (passwords, tokens, secret keys, session tokens) is registered in
 * `secrets`, and every credential and token it issues is recorded, so invariants can be checked
 * against what the server really said.
 */
import type { Timers } from "../../src/platform/types.js";

export const IDENTITY_POOL_ID = "eu-west-1:00000000-0000-4000-8000-0000000000aa";
export const USER_POOL_ID = "eu-west-1_ModelPool1";
export const CLIENT_ID = "modelclient1";
export const USER_POOL_ISSUER_KEY = `cognito-idp.eu-west-1.amazonaws.com/${USER_POOL_ID}`;
export const OIDC_ISSUER_KEY = "login.example.com";

export type NetworkMode =
  "ok" | "offline" | "throttle" | "serverError" | "stallHeaders" | "stallBody" | "truncated" | "badExpiration" | "alreadyExpired" | "noIdentityId" | "htmlPage";
export type NetworkScope = "all" | "identityPool" | "userPool";

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  identityId: string;
  /** Server time (= true time), epoch ms. */
  expirationMs: number;
}

export interface IssuedToken {
  token: string;
  /** The user (user pool) or subject (OIDC) it belongs to: the principal. */
  principal: string;
  /** When the request that produced it was sent, as a sequence number of the world's events (true time does not order same-instant events). */
  requestedAt: number;
  tab: number;
}

export interface ServerIdentity {
  /** provider key → principal */
  logins: Map<string, string>;
  disabled: boolean;
  mergedInto?: string;
}

export interface RequestRecord {
  tab: number;
  operation: string;
  at: number;
}

export interface AwsWorld {
  /** True time, epoch ms: the server's clock. */
  trueNow(): number;
  timers: Timers;
  /** Called on every event that may let the SDK make progress (for the world's settle loop). */
  touch(): void;
  /** A number that grows with every call: orders events of one instant. */
  seq(): number;
}

/** An unsigned JWT (`alg: none` style with a dummy signature): the SDK decodes, Cognito verifies; here the fake is Cognito. */
export function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part(claims)}.${Buffer.from(`sig-${JSON.stringify(claims).length}`).toString("base64url")}`;
}

function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const [, payload] = token.split(".");
  if (!payload) return undefined;
  try {
    const value = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class FakeAws {
  readonly identities = new Map<string, ServerIdentity>();
  readonly credentials = new Map<string, IssuedCredentials>();
  readonly tokens: IssuedToken[] = [];
  readonly requests: RequestRecord[] = [];
  /** Every secret handed out; nothing of these may appear in logs, messages, events or cross-tab posts. */
  readonly secrets = new Set<string>();
  readonly users = new Map<string, { password: string; sub: string; revokedBefore: number }>();
  readonly revoked = new Set<string>();

  mode: NetworkMode = "ok";
  scope: NetworkScope = "all";
  latencyMs = 0;
  /** Stalled requests, released (connection reset) when the network fault changes. */
  private stalls = new Set<() => void>();
  private ids = 0;
  private issued = 0;

  constructor(
    private readonly world: AwsWorld,
    readonly credentialLifetimeMs: number,
    readonly idTokenLifetimeMs: number,
  ) {
    for (const name of ["alice", "bob"]) {
      const password = `pw-${name}-Zq81x7Lm`;
      this.users.set(name, { password, sub: `sub-${name}-0000-4000`, revokedBefore: 0 });
      this.secrets.add(password);
    }
  }

  setNetwork(mode: NetworkMode, scope: NetworkScope, latencyMs: number): void {
    this.mode = mode;
    this.scope = scope;
    this.latencyMs = latencyMs;
    this.releaseStalls();
  }

  releaseStalls(): void {
    const stalls = [...this.stalls];
    this.stalls.clear();
    for (const release of stalls) release();
  }

  /** The identity that holds this principal's login, if any. */
  identityOf(principal: string): string | undefined {
    for (const [id, identity] of this.identities) {
      if (!identity.disabled && [...identity.logins.values()].includes(principal)) return id;
    }
    return undefined;
  }

  /** The principals whose logins an identity holds. */
  principalsOf(identityId: string): string[] {
    return [...(this.identities.get(identityId)?.logins.values() ?? [])];
  }

  /** An ID token of the user pool minted out of band (e.g. by a hosted UI), for `setLogins`. */
  mintUserPoolIdToken(user: string, tab: number): string {
    return this.idToken(user, tab, this.world.seq());
  }

  /** A token of an OIDC provider for `setLogins`; `expired` makes one Cognito refuses. */
  mintOidcToken(subject: string, tab: number, expired = false): string {
    const iat = Math.floor(this.world.trueNow() / 1000);
    const token = jwt({ iss: `https://${OIDC_ISSUER_KEY}`, sub: subject, aud: "model-app", iat, exp: expired ? iat - 60 : iat + 3600, n: ++this.issued });
    this.secrets.add(token);
    this.tokens.push({ token, principal: subject, requestedAt: this.world.seq(), tab });
    return token;
  }

  fetchFor(tab: number): typeof globalThis.fetch {
    return async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const target = request.headers.get("x-amz-target") ?? "";
      const operation = target.split(".").pop() ?? "";
      const service = target.startsWith("AWSCognitoIdentityProviderService") ? "userPool" : "identityPool";
      const at = this.world.seq();
      this.requests.push({ tab, operation, at: this.world.trueNow() });
      this.world.touch();
      const text = await request.text();
      const signal = request.signal;
      if (signal.aborted) throw abortError();
      const faulty = this.scope === "all" || this.scope === service;
      const mode: NetworkMode = faulty ? this.mode : "ok";
      await this.wait(this.latencyMs, signal);
      if (mode === "offline") throw new TypeError("fetch failed");
      if (mode === "stallHeaders") {
        await this.stall(signal);
        throw new TypeError("fetch failed: connection reset");
      }
      if (mode === "throttle") return this.error("TooManyRequestsException", "Rate exceeded");
      if (mode === "serverError") return this.error("InternalErrorException", "An internal error occurred", 500);
      if (mode === "htmlPage")
        return new Response("<html><body>Gateway</body></html>", { status: 200, headers: { "content-type": "text/html", ...this.dateHeader() } });
      let body: unknown;
      try {
        body = this.answer(service, operation, JSON.parse(text || "{}") as Record<string, unknown>, tab, at, mode);
      } catch (error) {
        if (error instanceof ServiceError) return this.error(error.type, error.message);
        throw error;
      }
      let json = JSON.stringify(body);
      // Cut inside the first secret of the answer, as a dropped connection would.
      if (mode === "truncated") json = json.slice(0, Math.max(json.search(/"(SecretKey|IdToken)"/) + 24, json.length / 2));
      if (mode === "stallBody") return this.stalledBody(json, signal);
      return new Response(json, { status: 200, headers: this.headers() });
    };
  }

  private answer(service: string, operation: string, body: Record<string, unknown>, tab: number, at: number, mode: NetworkMode): unknown {
    if (service === "identityPool") {
      if (operation === "GetId") {
        const id = this.getId(body);
        return mode === "noIdentityId" ? {} : { IdentityId: id };
      }
      if (operation === "GetCredentialsForIdentity") return this.getCredentials(body, mode);
      throw new ServiceError("UnknownOperationException", `Unknown operation ${operation}`);
    }
    if (operation === "InitiateAuth") return this.initiateAuth(body, tab, at, mode);
    if (operation === "RevokeToken") {
      const token = String(body["Token"] ?? "");
      this.revoked.add(token);
      return {};
    }
    if (operation === "GlobalSignOut") {
      const payload = decodeJwtPayload(String(body["AccessToken"] ?? ""));
      const user = [...this.users].find(([, u]) => u.sub === payload?.["sub"]);
      if (!user) throw new ServiceError("NotAuthorizedException", "Invalid Access Token");
      user[1].revokedBefore = this.world.seq();
      return {};
    }
    if (operation === "GetUser") {
      const payload = decodeJwtPayload(String(body["AccessToken"] ?? ""));
      const user = [...this.users].find(([, u]) => u.sub === payload?.["sub"]);
      if (!user) throw new ServiceError("NotAuthorizedException", "Invalid Access Token");
      return { Username: user[0], UserAttributes: [{ Name: "sub", Value: user[1].sub }] };
    }
    throw new ServiceError("UnknownOperationException", `Unknown operation ${operation}`);
  }

  // --- identity pool ------------------------------------------------------------------------------

  private getId(body: Record<string, unknown>): string {
    if (body["IdentityPoolId"] !== IDENTITY_POOL_ID) throw new ServiceError("ResourceNotFoundException", "IdentityPool not found.");
    const logins = this.validate(body["Logins"]);
    const owner = logins.size ? this.ownerOf(logins) : undefined;
    if (owner) return owner;
    const id = `eu-west-1:${String(++this.ids).padStart(8, "0")}-0000-4000-8000-${String(this.ids).padStart(12, "0")}`;
    this.identities.set(id, { logins, disabled: false });
    return id;
  }

  private getCredentials(body: Record<string, unknown>, mode: NetworkMode): unknown {
    const id = String(body["IdentityId"] ?? "");
    const identity = this.identities.get(id);
    if (!identity) throw new ServiceError("ResourceNotFoundException", `Identity '${id}' not found.`);
    const logins = this.validate(body["Logins"]);
    let resultId = id;
    if (logins.size === 0) {
      if (identity.disabled || identity.logins.size > 0) throw new ServiceError("NotAuthorizedException", `Access to Identity '${id}' is forbidden.`);
    } else if (identity.logins.size === 0) {
      const owner = identity.disabled ? identity.mergedInto : this.ownerOf(logins);
      if (owner) {
        identity.disabled = true;
        identity.mergedInto = owner;
        resultId = owner;
      } else {
        identity.logins = logins;
      }
    } else {
      const own = [...logins].some(([provider, principal]) => identity.logins.get(provider) === principal);
      if (!own) {
        // A login new to this authenticated identity: Cognito links it only when it is free; here, another user's.
        throw new ServiceError("NotAuthorizedException", "Logins don't match. Please include at least one valid login for this identity or identity pool.");
      }
    }
    const n = ++this.issued;
    const now = this.world.trueNow();
    const expirationMs = mode === "alreadyExpired" ? now - 30_000 : now + this.credentialLifetimeMs;
    const issued: IssuedCredentials = {
      accessKeyId: `ASIAMODEL${String(n).padStart(8, "0")}`,
      secretAccessKey: `wJalrXUtnFEMI/K7MDENG/${hex(n, 18)}`,
      sessionToken: `IQoJb3JpZ2luX2VjE${hex(n * 7, 30)}`,
      identityId: resultId,
      expirationMs,
    };
    this.credentials.set(issued.accessKeyId, issued);
    this.secrets.add(issued.secretAccessKey);
    this.secrets.add(issued.sessionToken);
    const expiration = mode === "badExpiration" ? (n % 2 ? "soon" : 1e20) : expirationMs / 1000;
    return {
      IdentityId: mode === "noIdentityId" ? undefined : resultId,
      Credentials: { AccessKeyId: issued.accessKeyId, SecretKey: issued.secretAccessKey, SessionToken: issued.sessionToken, Expiration: expiration },
    };
  }

  /** Login tokens are JWTs of the user pool or of the OIDC provider; the principal is their `sub`'s owner. */
  private validate(raw: unknown): Map<string, string> {
    const result = new Map<string, string>();
    for (const [provider, token] of Object.entries((raw ?? {}) as Record<string, string>)) {
      const claims = decodeJwtPayload(token);
      const issuer = typeof claims?.["iss"] === "string" ? claims["iss"].replace(/^https:\/\//, "") : undefined;
      if (provider !== USER_POOL_ISSUER_KEY && provider !== OIDC_ISSUER_KEY)
        throw new ServiceError("NotAuthorizedException", "Token is not from a supported provider of this identity pool.");
      if (!claims || issuer !== provider || typeof claims["sub"] !== "string")
        throw new ServiceError("NotAuthorizedException", "Invalid login token. Couldn't verify signed token.");
      if (typeof claims["exp"] !== "number" || claims["exp"] * 1000 <= this.world.trueNow())
        throw new ServiceError("NotAuthorizedException", "Invalid login token. Token expired.");
      const principal = provider === USER_POOL_ISSUER_KEY ? String(claims["cognito:username"]) : claims["sub"];
      result.set(provider, principal);
    }
    return result;
  }

  private ownerOf(logins: Map<string, string>): string | undefined {
    for (const [id, identity] of this.identities) {
      if (identity.disabled) continue;
      for (const [provider, principal] of logins) if (identity.logins.get(provider) === principal) return id;
    }
    return undefined;
  }

  // --- user pool ----------------------------------------------------------------------------------

  private initiateAuth(body: Record<string, unknown>, tab: number, at: number, mode: NetworkMode): unknown {
    if (body["ClientId"] !== CLIENT_ID) throw new ServiceError("ResourceNotFoundException", "User pool client does not exist.");
    const params = (body["AuthParameters"] ?? {}) as Record<string, string>;
    if (body["AuthFlow"] === "USER_PASSWORD_AUTH") {
      const user = this.users.get(params["USERNAME"] ?? "");
      if (!user || user.password !== params["PASSWORD"]) throw new ServiceError("NotAuthorizedException", "Incorrect username or password.");
      const name = params["USERNAME"]!;
      const refreshToken = `refresh.${name}.${hex(++this.issued, 40)}`;
      this.secrets.add(refreshToken);
      this.tokens.push({ token: refreshToken, principal: name, requestedAt: at, tab });
      return { AuthenticationResult: this.authResult(name, tab, at, mode, refreshToken), ChallengeParameters: {} };
    }
    if (body["AuthFlow"] === "REFRESH_TOKEN_AUTH") {
      const refreshToken = params["REFRESH_TOKEN"] ?? "";
      const name = refreshToken.split(".")[1] ?? "";
      const user = this.users.get(name);
      const issuedAt = this.tokens.find((t) => t.token === refreshToken)?.requestedAt ?? 0;
      if (!user || this.revoked.has(refreshToken) || issuedAt < user.revokedBefore)
        throw new ServiceError("NotAuthorizedException", "Refresh Token has been revoked");
      return { AuthenticationResult: this.authResult(name, tab, at, mode), ChallengeParameters: {} };
    }
    throw new ServiceError("InvalidParameterException", "Unsupported auth flow.");
  }

  private authResult(user: string, tab: number, at: number, mode: NetworkMode, refreshToken?: string) {
    const idToken = mode === "noIdentityId" ? "not-a-jwt" : this.idToken(user, tab, at);
    const sub = this.users.get(user)!.sub;
    const iat = Math.floor(this.world.trueNow() / 1000);
    const accessToken = jwt({
      sub,
      iss: `https://${USER_POOL_ISSUER_KEY}`,
      client_id: CLIENT_ID,
      token_use: "access",
      username: user,
      iat,
      exp: iat + 3600,
      n: ++this.issued,
    });
    this.secrets.add(accessToken);
    this.tokens.push({ token: accessToken, principal: user, requestedAt: at, tab });
    return {
      IdToken: idToken,
      AccessToken: accessToken,
      ExpiresIn: Math.round(this.idTokenLifetimeMs / 1000),
      TokenType: "Bearer",
      ...(refreshToken ? { RefreshToken: refreshToken } : {}),
    };
  }

  private idToken(user: string, tab: number, at: number): string {
    const sub = this.users.get(user)!.sub;
    const iat = Math.floor(this.world.trueNow() / 1000);
    const exp = iat + Math.round(this.idTokenLifetimeMs / 1000);
    const token = jwt({ sub, iss: `https://${USER_POOL_ISSUER_KEY}`, aud: CLIENT_ID, token_use: "id", "cognito:username": user, iat, exp, n: ++this.issued });
    this.secrets.add(token);
    this.tokens.push({ token, principal: user, requestedAt: at, tab });
    return token;
  }

  // --- transport ----------------------------------------------------------------------------------

  private wait(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const handle = this.world.timers.setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        this.world.timers.clearTimeout(handle);
        reject(abortError());
      };
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private stall(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const release = () => {
        signal.removeEventListener("abort", onAbort);
        this.world.touch();
        resolve();
      };
      const onAbort = () => {
        this.stalls.delete(release);
        this.world.touch();
        reject(abortError());
      };
      this.stalls.add(release);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Headers now, then a body that never ends (until the SDK aborts or the connection resets). */
  private stalledBody(json: string, signal: AbortSignal): Response {
    const bytes = new TextEncoder().encode(json);
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => {
        controller.enqueue(bytes.slice(0, Math.floor(bytes.length / 3)));
        this.stall(signal).then(
          () => controller.error(new TypeError("terminated: other side closed")),
          (error: unknown) => controller.error(error),
        );
      },
    });
    return new Response(stream, { status: 200, headers: this.headers() });
  }

  private error(type: string, message: string, status = 400): Response {
    return new Response(JSON.stringify({ __type: type, message }), {
      status,
      headers: { ...this.headers(), "x-amzn-errortype": `${type}:`, "x-amzn-errormessage": message },
    });
  }

  private dateHeader(): Record<string, string> {
    return { date: new Date(this.world.trueNow()).toUTCString() };
  }

  private headers(): Record<string, string> {
    return { "content-type": "application/x-amz-json-1.1", ...this.dateHeader(), "x-amzn-requestid": `req-${this.requests.length}` };
  }
}

function hex(seed: number, length: number): string {
  let out = "";
  let x = (seed * 2654435761) >>> 0;
  while (out.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += (x >>> 8).toString(16).padStart(6, "0");
  }
  return out.slice(0, length);
}

function abortError(): Error {
  return new DOMException("The operation was aborted.", "AbortError");
}
