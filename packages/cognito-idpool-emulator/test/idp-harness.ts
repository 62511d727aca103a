import { createHmac } from "node:crypto";
import { createRequire } from "node:module";
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession, type ICognitoStorage } from "amazon-cognito-identity-js";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { HOTP, Secret, TOTP } from "otpauth";
import { REGION, ROOT_CREDENTIALS, type TestEmulator } from "../src/testing/harness.js";

/**
 * Helpers for the user-pool conformance tests. Everything here drives the emulator through
 * clients we did not write: the AWS SDK v3 user-pool client for set-up, amazon-cognito-identity-js
 * (AWS's own SRP client) for sign-in, jose for token checks, otpauth for authenticator codes.
 */

export const PASSWORD = "Corr3ct-horse!";

export function idpClient(emulator: TestEmulator, credentials = ROOT_CREDENTIALS): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ endpoint: emulator.url, region: REGION, credentials, maxAttempts: 1 });
}

/** amazon-cognito-identity-js wants a Web Storage; Node has none, so each user pool gets a Map. */
export class MemoryStorage implements ICognitoStorage {
  private readonly items = new Map<string, string>();
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  clear(): void {
    this.items.clear();
  }
}

export interface TestPool {
  poolId: string;
  clientId: string;
  /** amazon-cognito-identity-js's view of the pool, pointed at the emulator. */
  jsPool: CognitoUserPool;
}

/** Creates a pool and one app client through the AWS SDK. */
export async function createPool(
  emulator: TestEmulator,
  pool: Partial<CreateUserPoolCommandInput> = {},
  client: Partial<CreateUserPoolClientCommandInput> = {},
): Promise<TestPool> {
  const idp = idpClient(emulator);
  const created = await idp.send(new CreateUserPoolCommand({ PoolName: "test-pool", ...pool }));
  const poolId = created.UserPool!.Id!;
  const app = await idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      ...client,
    }),
  );
  const clientId = app.UserPoolClient!.ClientId!;
  return { poolId, clientId, jsPool: jsPool(emulator, poolId, clientId) };
}

export function jsPool(emulator: TestEmulator, poolId: string, clientId: string): CognitoUserPool {
  return new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: `${emulator.url}/`, Storage: new MemoryStorage() });
}

/** A confirmed user with a permanent password, made the administrator's way. */
export async function createUser(
  emulator: TestEmulator,
  poolId: string,
  username: string,
  attributes: Record<string, string> = {},
  password = PASSWORD,
): Promise<void> {
  const idp = idpClient(emulator);
  await idp.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: "SUPPRESS",
      TemporaryPassword: `Tmp-${password}`,
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
}

/** Where amazon-cognito-identity-js's authenticateUser ended up. */
export type SignInOutcome =
  | { kind: "success"; session: CognitoUserSession }
  | { kind: "failure"; error: { code?: string; name?: string; message: string } }
  | { kind: "newPasswordRequired"; userAttributes: Record<string, string>; requiredAttributes: string[] }
  | { kind: "mfaRequired" | "totpRequired" | "mfaSetup" | "selectMFAType"; challengeName: string; parameters: Record<string, string> };

/** Callbacks that settle one promise with whatever amazon-cognito-identity-js reports next. */
export function outcome(): { callbacks: Parameters<CognitoUser["authenticateUser"]>[1]; result: Promise<SignInOutcome> } {
  let settle!: (value: SignInOutcome) => void;
  const result = new Promise<SignInOutcome>((resolve) => (settle = resolve));
  return {
    result,
    callbacks: {
      onSuccess: (session) => settle({ kind: "success", session }),
      onFailure: (error) => settle({ kind: "failure", error }),
      newPasswordRequired: (userAttributes, requiredAttributes) => settle({ kind: "newPasswordRequired", userAttributes, requiredAttributes }),
      mfaRequired: (challengeName, parameters) => settle({ kind: "mfaRequired", challengeName, parameters }),
      totpRequired: (challengeName, parameters) => settle({ kind: "totpRequired", challengeName, parameters }),
      mfaSetup: (challengeName, parameters) => settle({ kind: "mfaSetup", challengeName, parameters }),
      selectMFAType: (challengeName, parameters) => settle({ kind: "selectMFAType", challengeName, parameters }),
    },
  };
}

/** Signs in with amazon-cognito-identity-js (SRP unless told otherwise) and reports the outcome. */
export function signIn(
  pool: CognitoUserPool,
  username: string,
  password: string,
  flow: "USER_SRP_AUTH" | "USER_PASSWORD_AUTH" = "USER_SRP_AUTH",
): { user: CognitoUser; result: Promise<SignInOutcome> } {
  const user = new CognitoUser({ Username: username, Pool: pool, Storage: new MemoryStorage() });
  user.setAuthenticationFlowType(flow);
  const { callbacks, result } = outcome();
  user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), callbacks);
  return { user, result };
}

/** Signs in and insists on tokens. */
export async function signedIn(
  pool: CognitoUserPool,
  username: string,
  password = PASSWORD,
  flow: "USER_SRP_AUTH" | "USER_PASSWORD_AUTH" = "USER_SRP_AUTH",
): Promise<{ user: CognitoUser; session: CognitoUserSession }> {
  const { user, result } = signIn(pool, username, password, flow);
  const done = await result;
  if (done.kind !== "success") throw new Error(`sign-in of ${username} ended in ${done.kind}: ${JSON.stringify(done)}`);
  return { user, session: done.session };
}

/** The error a failed sign-in reported, as `Type: message`. */
export async function failure(result: Promise<SignInOutcome>): Promise<string> {
  const done = await result;
  if (done.kind !== "failure") throw new Error(`expected a failure, got ${done.kind}`);
  return `${done.error.code ?? done.error.name}: ${done.error.message}`;
}

/** The AWS SDK's error for a rejected call, as `Type: message`. */
export async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name?: string; message: string };
    return `${e.name}: ${e.message}`;
  }
  throw new Error("expected the call to fail");
}

/** Node-style callbacks of amazon-cognito-identity-js as a promise. */
export function callback<T>(run: (done: (error: unknown, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))));
}

/** Verifies a token as a relying party would: RS256 against the served JWKS, AWS's issuer. */
export async function verifyToken(
  emulator: TestEmulator,
  poolId: string,
  token: string,
  options: { audience?: string; currentDate?: Date } = {},
): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${emulator.url}/${poolId}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(token, jwks, {
    issuer: `https://cognito-idp.${poolId.split("_")[0]}.amazonaws.com/${poolId}`,
    algorithms: ["RS256"],
    ...options,
  });
  return payload;
}

/** The code the emulator last "sent" to a user, read through the control API. */
export async function codeSent(emulator: TestEmulator, poolId: string, username: string): Promise<{ code: string; kind: string }> {
  return emulator.control.lastCode(poolId, username);
}

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) from a base32 secret, as an authenticator app computes it (with otpauth). */
export function totp(base32Secret: string, timeMs: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(base32Secret), algorithm: "SHA1", digits: 6, period: 30, timestamp: timeMs });
}

/** RFC 4226 HOTP (HMAC-SHA1) of a raw key and counter (with otpauth). */
export function hotp(key: Buffer, counter: number, digits = 6): string {
  return HOTP.generate({ secret: new Secret({ buffer: Uint8Array.from(key).buffer }), algorithm: "SHA1", digits, counter });
}

/** The payload of a JWT without verifying it (to look at claims jose already checked elsewhere). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
}

// amazon-cognito-identity-js ships its SRP helper without typings; these are the parts used here.
interface JsBigInteger {
  toString(radix: number): string;
}
interface JsAuthenticationHelper {
  getLargeAValue(done: (error: unknown, A: JsBigInteger) => void): void;
  getPasswordAuthenticationKey(username: string, password: string, B: JsBigInteger, salt: JsBigInteger, done: (error: unknown, key: Buffer) => void): void;
}
const require = createRequire(import.meta.url);
const jsSrp = require("amazon-cognito-identity-js") as {
  AuthenticationHelper: new (poolName: string) => JsAuthenticationHelper;
  DateHelper: new () => { getNowString(): string };
};
const JsBigInteger = require("amazon-cognito-identity-js/lib/BigInteger.js").default as new (hex: string, radix: number) => JsBigInteger;

/**
 * USER_SRP_AUTH by hand with amazon-cognito-identity-js's own SRP maths, for tests that must act
 * between InitiateAuth and RespondToAuthChallenge (session expiry, reuse, tampering).
 */
export async function srpStart(
  poolId: string,
): Promise<{ srpA: string; claim(parameters: Record<string, string>, password: string, timestamp?: string): Promise<Record<string, string>> }> {
  const poolName = poolId.split("_")[1]!;
  const helper = new jsSrp.AuthenticationHelper(poolName);
  const A = await callback<JsBigInteger>((done) => helper.getLargeAValue(done));
  return {
    srpA: A.toString(16),
    async claim(parameters, password, timestamp = new jsSrp.DateHelper().getNowString()) {
      const userId = parameters["USER_ID_FOR_SRP"]!;
      const key = await callback<Buffer>((done) =>
        helper.getPasswordAuthenticationKey(userId, password, new JsBigInteger(parameters["SRP_B"]!, 16), new JsBigInteger(parameters["SALT"]!, 16), done),
      );
      const message = Buffer.concat([Buffer.from(poolName), Buffer.from(userId), Buffer.from(parameters["SECRET_BLOCK"]!, "base64"), Buffer.from(timestamp)]);
      return {
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: parameters["SECRET_BLOCK"]!,
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: createHmac("sha256", key).update(message).digest("base64"),
      };
    },
  };
}
