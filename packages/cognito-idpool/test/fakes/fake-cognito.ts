import type { Clock } from "../../src/platform/types.js";

/**
 * A scripted Cognito identity pool behind a `fetch` function, for unit tests of the SDK through the
 * real `@aws-sdk/client-cognito-identity` serialization. It implements GetId and
 * GetCredentialsForIdentity with Cognito's rules for linking and merging (a guest that presents a new
 * login is linked to it; one whose login already has an identity is merged into it and disabled; an
 * authenticated identity needs one of its own logins) and Cognito's error messages, on a server
 * clock that can differ from the device clock. The integration tests check the same behaviour
 * against the emulator; this fake exists so unit tests never touch a socket or a real timer.
 *
 * Tokens are `token:<subject>` (valid) or `expired:<subject>`; only providers in `providers` are accepted.
 */
export interface FakeIdentity {
  logins: Map<string, string>;
  disabled: boolean;
  mergedInto?: string;
}

export interface RecordedRequest {
  operation: string;
  identityId?: string;
  loginKeys: string[];
}

type Fault = { operation: string; kind: "network" } | { operation: string; kind: "error"; type: string; message: string; status?: number };

export class FakeCognito {
  readonly identities = new Map<string, FakeIdentity>();
  readonly requests: RecordedRequest[] = [];
  readonly providers = new Set(["accounts.google.com", "login.example.com"]);
  allowGuests = true;
  /** Server clock minus device clock. */
  serverOffsetMs = 0;
  lifetimeSeconds = 3600;
  /** Every raw request body, so tests can check what went on the wire. */
  readonly bodies: string[] = [];
  private readonly faults: Fault[] = [];
  private issued = 0;
  private ids = 0;

  constructor(
    private readonly clock: Clock,
    readonly identityPoolId = "eu-west-1:00000000-0000-4000-8000-000000000000",
  ) {}

  serverNow(): number {
    return this.clock.now() + this.serverOffsetMs;
  }

  count(operation: string): number {
    return this.requests.filter((r) => r.operation === operation).length;
  }

  /** The next `count` calls of `operation` fail: the connection drops (`network`) or Cognito answers with the error. */
  failNext(operation: string, fault: "network" | { type: string; message: string; status?: number }, count = 1): void {
    for (let i = 0; i < count; i++) {
      this.faults.push(fault === "network" ? { operation, kind: "network" } : { operation, kind: "error", ...fault });
    }
  }

  /** DeleteIdentities. */
  delete(identityId: string): void {
    this.identities.delete(identityId);
  }

  /** A guest identity that already exists (e.g. made by another tab). */
  createGuest(): string {
    const id = this.newId();
    this.identities.set(id, { logins: new Map(), disabled: false });
    return id;
  }

  readonly fetch: typeof globalThis.fetch = async (input, init) => {
    const request = input instanceof Request ? input : new Request(input, init);
    const operation = (request.headers.get("x-amz-target") ?? "").split(".").pop() ?? "";
    const text = await request.text();
    this.bodies.push(text);
    const body = JSON.parse(text || "{}") as { IdentityPoolId?: string; IdentityId?: string; Logins?: Record<string, string> };
    const record: RecordedRequest = { operation, loginKeys: Object.keys(body.Logins ?? {}) };
    if (body.IdentityId) record.identityId = body.IdentityId;
    this.requests.push(record);

    const faultIndex = this.faults.findIndex((f) => f.operation === operation || f.operation === "*");
    if (faultIndex >= 0) {
      const [fault] = this.faults.splice(faultIndex, 1);
      if (fault!.kind === "network") throw new TypeError("fetch failed");
      return this.error(fault!.type, fault!.message, fault!.status);
    }
    try {
      if (operation === "GetId") return this.ok({ IdentityId: this.getId(body) });
      if (operation === "GetCredentialsForIdentity") return this.ok(this.getCredentials(body));
      return this.error("UnknownOperationException", `Unknown operation ${operation}`);
    } catch (error) {
      if (error instanceof ServiceError) return this.error(error.type, error.message);
      throw error;
    }
  };

  private getId(body: { IdentityPoolId?: string; Logins?: Record<string, string> }): string {
    if (body.IdentityPoolId !== this.identityPoolId) throw new ServiceError("ResourceNotFoundException", `IdentityPool '${body.IdentityPoolId}' not found.`);
    const logins = this.validate(body.Logins);
    if (logins.size === 0) {
      if (!this.allowGuests) throw new ServiceError("NotAuthorizedException", "Unauthenticated access is not supported for this identity pool.");
      return this.createGuest();
    }
    const owner = this.ownerOf(logins);
    if (owner) return owner;
    const id = this.newId();
    this.identities.set(id, { logins, disabled: false });
    return id;
  }

  private getCredentials(body: { IdentityId?: string; Logins?: Record<string, string> }) {
    const id = body.IdentityId ?? "";
    const identity = this.identities.get(id);
    if (!identity) throw new ServiceError("ResourceNotFoundException", `Identity '${id}' not found.`);
    const logins = this.validate(body.Logins);
    let resultId = id;
    if (logins.size === 0) {
      if (identity.disabled || identity.logins.size > 0) throw new ServiceError("NotAuthorizedException", `Access to Identity '${id}' is forbidden.`);
      if (!this.allowGuests) throw new ServiceError("NotAuthorizedException", "Unauthenticated access is not supported for this identity pool.");
    } else if (identity.logins.size === 0) {
      // A guest with logins is linked (new login) or merged into the login's identity.
      const owner = identity.disabled ? identity.mergedInto : this.ownerOf(logins);
      if (owner) {
        identity.disabled = true;
        identity.mergedInto = owner;
        resultId = owner;
      } else {
        identity.logins = logins;
      }
    } else {
      // An authenticated identity needs one of its own logins.
      const own = [...logins].some(([provider, subject]) => identity.logins.get(provider) === subject);
      if (!own)
        throw new ServiceError("NotAuthorizedException", "Logins don't match. Please include at least one valid login for this identity or identity pool.");
    }
    this.issued += 1;
    const n = this.issued;
    return {
      IdentityId: resultId,
      Credentials: {
        AccessKeyId: `ASIAFAKE${String(n).padStart(8, "0")}`,
        SecretKey: `fake-secret-${n}`,
        SessionToken: `fake-session-${n}`,
        Expiration: (this.serverNow() + this.lifetimeSeconds * 1000) / 1000,
      },
    };
  }

  private validate(logins: Record<string, string> | undefined): Map<string, string> {
    const result = new Map<string, string>();
    for (const [provider, token] of Object.entries(logins ?? {})) {
      if (!this.providers.has(provider)) throw new ServiceError("NotAuthorizedException", "Token is not from a supported provider of this identity pool.");
      const [kind, subject] = token.split(":");
      if (kind === "expired") {
        const now = Math.floor(this.serverNow() / 1000);
        throw new ServiceError("NotAuthorizedException", `Invalid login token. Token expired: ${now} >= ${now - 60}`);
      }
      if (kind !== "token" || !subject) throw new ServiceError("NotAuthorizedException", "Invalid login token. Couldn't verify signed token.");
      result.set(provider, subject);
    }
    return result;
  }

  private ownerOf(logins: Map<string, string>): string | undefined {
    for (const [id, identity] of this.identities) {
      if (identity.disabled) continue;
      for (const [provider, subject] of logins) if (identity.logins.get(provider) === subject) return id;
    }
    return undefined;
  }

  private newId(): string {
    this.ids += 1;
    return `eu-west-1:${String(this.ids).padStart(8, "0")}-0000-4000-8000-${String(this.ids).padStart(12, "0")}`;
  }

  private ok(body: unknown): Response {
    return new Response(JSON.stringify(body), { status: 200, headers: this.headers() });
  }

  private error(type: string, message: string, status = 400): Response {
    return new Response(JSON.stringify({ __type: type, message }), {
      status,
      headers: { ...this.headers(), "x-amzn-errortype": `${type}:`, "x-amzn-errormessage": message },
    });
  }

  private headers(): Record<string, string> {
    return { "content-type": "application/x-amz-json-1.1", date: new Date(this.serverNow()).toUTCString(), "x-amzn-requestid": crypto.randomUUID() };
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
