// A typed client of the emulator's control API (`/_emulator/…`). Only `fetch`, no Node modules:
// browser tests import it as `cognito-idpool-emulator/testing/control`.
import type { Fault, RequestLogEntry } from "../core/runtime.js";
import type { Seed, SeedResult } from "../seed.js";

export type { Seed, SeedResult } from "../seed.js";

/** One request the emulator served, as `GET /_emulator/requests` lists it (oldest first). */
export type LoggedRequest = RequestLogEntry;

/** A fault still waiting to fire, as `POST /_emulator/faults` lists them. */
export type PendingFault = Fault;

/** What {@link ControlClient.addFault} asks for. */
export interface FaultRequest {
  /** An operation name (`GetId`, `InitiateAuth`, `GetObject`, …) or `*` for any operation. */
  target: string;
  /**
   * The AWS error code to answer with (`TooManyRequestsException`, `InternalErrorException`,
   * `SlowDown`, …), or `network` to drop the connection. May be left out when `latencyMs` is given.
   */
  error?: string;
  /** How many matching requests it applies to; default 1. */
  count?: number;
  /** Delay before answering (or failing), 0 to 60000 ms; default 0. */
  latencyMs?: number;
  /** The error message; default `Injected fault: <error>`. */
  message?: string;
  /**
   * Send the status and headers, then hold the body back until the client closes the connection
   * (or `stallMs` elapses): a request whose headers arrive but whose answer never completes.
   * Combines with `error` (a stalled error answer) and `malformed`, not with `error: "network"`.
   */
  stallBody?: boolean;
  /** With `stallBody`: send the held body after this many milliseconds, 1 to 600000; default never. */
  stallMs?: number;
  /**
   * Answer 200 with the real JSON answer cut in half (invalid JSON); the operation itself still runs.
   * awsJson operations (Cognito) only: with `target: "*"`, S3 and query requests pass untouched. Not with `error`.
   */
  malformed?: boolean;
}

/** The emulator clock: how far it is shifted from the host's, and what time it says. */
export interface ClockState {
  /** Seconds the emulator clock is ahead of the host's (negative: behind). */
  offsetSeconds: number;
  /** ISO 8601. */
  now: string;
}

/** A code the emulated user pool "sent" (it sends nothing; tests read codes here instead). */
export interface SentCode {
  /** The code, as the user would have received it. */
  code: string;
  /**
   * What it was sent for: sign-up confirmation, password reset, an SMS or email MFA challenge, or
   * verifying an email address or phone number (UpdateUserAttributes, GetUserAttributeVerificationCode),
   * or a one-time password to sign in with (USER_AUTH's EMAIL_OTP or SMS_OTP first factor).
   */
  kind: "confirmation" | "reset" | "mfa" | "verification" | "sign-in";
}

/** What `GET /_emulator/health` answers. */
export interface Health {
  /** Always true: an answer at all means the emulator is up. */
  ok: true;
  /** ISO 8601 on the emulator clock. */
  now: string;
}

/** The credential lifetime now in force. */
export interface CredentialLifetime {
  /** Seconds; 3600 when the default was restored. */
  lifetimeSeconds: number;
}

/** A social provider the emulator stands in for: its name or its `Logins` key. */
export type SocialProviderName =
  | "google"
  | "apple"
  | "facebook"
  | "amazon"
  | "twitter"
  | "accounts.google.com"
  | "appleid.apple.com"
  | "graph.facebook.com"
  | "www.amazon.com"
  | "api.twitter.com";

/** What {@link ControlClient.mintSocialToken} asks for. */
export interface SocialTokenRequest {
  /** The app the token is issued to: the value the identity pool lists for the provider in SupportedLoginProviders (Twitter: `consumerKey;consumerSecret`). */
  audience: string;
  /** The provider's user id; default a new user. The same `sub` always resolves to the same identity. */
  sub?: string;
  /** Put in Google and Apple ID tokens as `email` (with `email_verified: true`). */
  email?: string;
  /** Put in Google ID tokens as `name`. */
  name?: string;
  /** Lifetime; default 3600 (Twitter: never expires). Negative for a token that has already expired. */
  expiresInSeconds?: number;
}

/** A token a social provider stand-in issued. */
export interface SocialToken {
  /** What goes in `Logins` under the provider's key: an ID token (Google, Apple), an access token (Facebook, Amazon) or `token;secret` (Twitter). */
  token: string;
  /** The user id it names. */
  sub: string;
  /** Epoch seconds; absent when the token does not expire. */
  expiresAt?: number;
}

/** What {@link ControlClient.samlResponse} asks of a SAML IdP stand-in. */
export interface SamlResponseRequest {
  /** The user's NameID; default a new persistent id. The same NameID always resolves to the same identity. */
  nameId?: string;
  /**
   * The roles the user may assume (the `https://aws.amazon.com/SAML/Attributes/Role` attribute):
   * role ARNs, each paired with `providerArn`, or ready-made `roleArn,providerArn` pairs (either order).
   */
  roles?: string[];
  /** The IAM SAML provider the role pairs name; default `arn:aws:iam::000000000000:saml-provider/<idp name>`. */
  providerArn?: string;
  /** More attributes, name → value or values (role-mapping rules and principal tags read them). */
  attributes?: Record<string, string | string[]>;
  /** Seconds until the assertion's NotOnOrAfter; default 300. Negative for one that has already expired. */
  expiresInSeconds?: number;
  /** The Audience; default `urn:amazon:webservices`. Anything else makes a response AWS refuses. */
  audience?: string;
  /** The Recipient; default `https://signin.aws.amazon.com/saml`. Anything else makes a response AWS refuses. */
  recipient?: string;
  /** Which element is signed: `assertion` (default) or the whole `response`. */
  sign?: "assertion" | "response";
  /** The AuthnRequest ID the response answers (InResponseTo), for a user pool's `/saml2/idpresponse`; default none (unsolicited). */
  inResponseTo?: string;
}

/** A SAML response a stand-in signed. */
export interface SamlResponse {
  /** Base64: what goes in `Logins` under the IAM SAML provider's ARN. */
  samlResponse: string;
  /** The user's NameID. */
  nameId: string;
  /** The assertion's NotOnOrAfter, epoch seconds. */
  expiresAt: number;
}

/** The typed calls of the control API. Every call rejects with {@link ControlApiError} on a non-2xx answer. */
export interface ControlClient {
  /** The base URL it talks to, e.g. `http://127.0.0.1:4566`. */
  readonly url: string;
  /** `GET /_emulator/health`: the emulator is up; `now` is its clock. */
  health(): Promise<Health>;
  /** `POST /_emulator/reset`: empties all state and restores the clock, credential lifetime, faults and request log. */
  reset(): Promise<void>;
  /** `GET /_emulator/clock`. */
  clock(): Promise<ClockState>;
  /** `POST /_emulator/clock`: shifts token times, credential expiry and the `Date` header by `offsetSeconds` (0 undoes it). */
  setClock(offsetSeconds: number): Promise<ClockState>;
  /** `POST /_emulator/credentials`: lifetime of credentials GetCredentialsForIdentity issues, 1 to 43200 s; `null` restores AWS's hour. */
  setCredentialLifetime(lifetimeSeconds: number | null): Promise<CredentialLifetime>;
  /** `POST /_emulator/faults`: the next `count` matching requests fail, wait, stall their body, answer malformed JSON or drop. Resolves to every pending fault. */
  addFault(fault: FaultRequest): Promise<PendingFault[]>;
  /** `POST /_emulator/faults {"clear": true}`: forgets pending faults. */
  clearFaults(): Promise<void>;
  /** `GET /_emulator/requests`: every AWS request served since the last clear (control calls are not logged). */
  requests(): Promise<LoggedRequest[]>;
  /** `DELETE /_emulator/requests`. */
  clearRequests(): Promise<void>;
  /** `GET /_emulator/codes/<userPoolId>/<username>`: the last code sent to that user; rejects with status 404 when there is none. */
  lastCode(userPoolId: string, username: string): Promise<SentCode>;
  /** `POST /_emulator/seed`: applies a seed document (the `--seed` format); resolves to the ids it created. */
  seed(seed: Seed): Promise<SeedResult>;
  /**
   * `POST /_emulator/social/<provider>/token`: a token of the social provider stand-in, as the provider
   * would issue it after a sign-in, accepted by identity pools that list the provider with `audience`.
   */
  mintSocialToken(provider: SocialProviderName, request: SocialTokenRequest): Promise<SocialToken>;
  /**
   * `GET /_emulator/saml/<idp>/metadata.xml`: the metadata document of the SAML IdP stand-in `idp`
   * (made on first use), to create the IAM SAML provider from (CreateSAMLProvider).
   */
  samlMetadata(idp: string): Promise<string>;
  /**
   * `POST /_emulator/saml/<idp>/response`: a SAML response signed by the stand-in `idp`, as it would
   * post it to AWS after a sign-in; identity pools listing the IAM SAML provider made from its metadata accept it.
   */
  samlResponse(idp: string, request?: SamlResponseRequest): Promise<SamlResponse>;
  /**
   * Any control route, for what the typed calls do not cover (malformed bodies in tests, say).
   * `path` is relative to `/_emulator/`. Resolves to the parsed JSON answer.
   */
  // The escape hatch answers whatever the route answers; callers narrow it.
  send(method: "GET" | "POST" | "DELETE", path: string, body?: unknown): Promise<any>;
}

/** A control call answered with a non-2xx status. */
export class ControlApiError extends Error {
  constructor(
    /** The client method that failed, with the route it called. */
    readonly call: string,
    /** The HTTP status of the answer. */
    readonly status: number,
    /** The AWS-style error code from the answer (`ValidationException`, …), when it carries one. */
    readonly type: string | undefined,
    detail: string,
  ) {
    super(`cognito-idpool-emulator control API ${call}: ${status}${type ? ` ${type}` : ""}: ${detail}`);
    this.name = "ControlApiError";
  }
}

/** Options of {@link createControlClient}. */
export interface ControlClientOptions {
  /** The fetch to use; default the global one. */
  fetch?: typeof fetch;
}

/**
 * A client of a running emulator's control API.
 *
 * @param baseUrl The emulator's URL, e.g. `http://127.0.0.1:4566` (`RunningEmulator.url`).
 * @example
 * ```ts
 * import { createControlClient } from "cognito-idpool-emulator/testing/control";
 *
 * const control = createControlClient("http://127.0.0.1:4566");
 * await control.reset();
 * await control.addFault({ target: "GetId", error: "TooManyRequestsException", count: 2 });
 * await control.setClock(3601); // an hour and a second later: credentials have expired
 * const calls = (await control.requests()).filter((r) => r.operation === "GetCredentialsForIdentity");
 * ```
 */
export function createControlClient(baseUrl: string, options: ControlClientOptions = {}): ControlClient {
  const url = baseUrl.replace(/\/+$/, "");
  // Looked up per call by default, so a test that stubs the global fetch is heard.
  const fetcher: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function request<T>(call: string, method: string, path: string, body?: unknown, as: "json" | "text" = "json"): Promise<T> {
    const response = await fetcher(`${url}/_emulator/${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) {
      let type: string | undefined;
      let detail = text;
      try {
        const parsed = JSON.parse(text) as { __type?: unknown; message?: unknown };
        if (typeof parsed.__type === "string") type = parsed.__type;
        if (typeof parsed.message === "string") detail = parsed.message;
      } catch {
        // Not JSON (a proxy's error page, say): the text is the detail.
      }
      throw new ControlApiError(`${call} (${method} /_emulator/${path})`, response.status, type, detail);
    }
    if (as === "text") return text as T;
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    url,
    health: () => request("health", "GET", "health"),
    reset: async () => {
      await request("reset", "POST", "reset", {});
    },
    clock: () => request("clock", "GET", "clock"),
    setClock: (offsetSeconds) => request("setClock", "POST", "clock", { offsetSeconds }),
    setCredentialLifetime: (lifetimeSeconds) => request("setCredentialLifetime", "POST", "credentials", { lifetimeSeconds }),
    addFault: async (fault) => (await request<{ pending: PendingFault[] }>("addFault", "POST", "faults", fault)).pending,
    clearFaults: async () => {
      await request("clearFaults", "POST", "faults", { clear: true });
    },
    requests: async () => (await request<{ requests: LoggedRequest[] }>("requests", "GET", "requests")).requests,
    clearRequests: async () => {
      await request("clearRequests", "DELETE", "requests");
    },
    lastCode: (userPoolId, username) => request("lastCode", "GET", `codes/${encodeURIComponent(userPoolId)}/${encodeURIComponent(username)}`),
    seed: (seed) => request("seed", "POST", "seed", seed),
    mintSocialToken: (provider, input) => request("mintSocialToken", "POST", `social/${encodeURIComponent(provider)}/token`, input),
    samlMetadata: (idp) => request("samlMetadata", "GET", `saml/${encodeURIComponent(idp)}/metadata.xml`, undefined, "text"),
    samlResponse: (idp, input = {}) => request("samlResponse", "POST", `saml/${encodeURIComponent(idp)}/response`, input),
    send: (method, path, body) => request("send", method, path.replace(/^\/+/, ""), body),
  };
}
