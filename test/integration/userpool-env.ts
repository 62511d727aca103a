/**
 * Set-up for user-pool tests against our emulator, done through the real AWS SDK client
 * (@aws-sdk/client-cognito-identity-provider, admin calls signed with the root test credentials),
 * plus the emulator's control API for the codes a real pool would e-mail or text.
 */
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CreateUserPoolClientCommandInput,
  type CreateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import type { TriggerEvent, TriggerTable } from "cognito-idpool-emulator";
import type { TestEmulator } from "cognito-idpool-emulator/testing";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import { Secret, TOTP } from "otpauth";
import { expect } from "vitest";
import { isCognitoIdpoolError } from "../../packages/cognito-idpool/src/errors.js";

export const REGION = "eu-west-1";
export const PASSWORD_POLICY = { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: false };

export interface UserPoolEnv {
  userPoolId: string;
  clientId: string;
  admin: CognitoIdentityProviderClient;
  /** A confirmed user with a permanent password (optionally with attributes). */
  createUser(username: string, password: string, attributes?: Record<string, string>): Promise<void>;
  /** Adds another app client to the pool. */
  createClient(input?: Partial<CreateUserPoolClientCommandInput>): Promise<string>;
  /** The last code the pool "sent" to a user. */
  lastCode(username: string): Promise<{ code: string; kind: string }>;
}

export async function createUserPoolEnv(
  emulator: TestEmulator,
  input: { pool?: Partial<CreateUserPoolCommandInput>; client?: Partial<CreateUserPoolClientCommandInput> } = {},
): Promise<UserPoolEnv> {
  const admin = new CognitoIdentityProviderClient({ region: REGION, endpoint: emulator.url, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  const pool = await admin.send(
    new CreateUserPoolCommand({
      PoolName: `pool-${Math.random().toString(36).slice(2, 8)}`,
      Policies: { PasswordPolicy: PASSWORD_POLICY },
      AutoVerifiedAttributes: ["email"],
      ...input.pool,
    }),
  );
  const userPoolId = pool.UserPool!.Id!;
  async function createClient(client: Partial<CreateUserPoolClientCommandInput> = {}) {
    const created = await admin.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: "web",
        ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ...client,
      }),
    );
    return created.UserPoolClient!.ClientId!;
  }
  const clientId = await createClient(input.client);
  return {
    userPoolId,
    clientId,
    admin,
    createClient,
    async createUser(username, password, attributes = {}) {
      await admin.send(
        new AdminCreateUserCommand({
          UserPoolId: userPoolId,
          Username: username,
          MessageAction: "SUPPRESS",
          TemporaryPassword: "Temporary-1",
          UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
      await admin.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: password, Permanent: true }));
    },
    lastCode: (username) => emulator.control(`codes/${encodeURIComponent(userPoolId)}/${encodeURIComponent(username)}`),
  };
}

/**
 * RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) from the base32 secret AssociateSoftwareToken returned,
 * as an authenticator app computes it (with otpauth).
 */
export function totp(secretBase32: string, epochMs: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secretBase32), algorithm: "SHA1", digits: 6, period: 30, timestamp: epochMs });
}

/**
 * Verifies a user pool's ID token as a resource server would: signature against the pool's JWKS
 * served by the emulator, AWS's issuer, and the app client as audience. Resolves to its claims.
 */
export async function verifyIdToken(
  emulator: TestEmulator,
  userPoolId: string,
  clientId: string,
  token: string,
  currentDate: Date = new Date(),
): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${emulator.url}/${userPoolId}/.well-known/jwks.json`));
  const issuer = `https://cognito-idp.${userPoolId.slice(0, userPoolId.indexOf("_"))}.amazonaws.com/${userPoolId}`;
  const { payload } = await jwtVerify(token, jwks, { issuer, audience: clientId, algorithms: ["RS256"], currentDate });
  return payload;
}

/** The error a call rejected with, checked to be a CognitoIdpoolError (the SDK's one error boundary). */
export async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCognitoIdpoolError(error), `expected a CognitoIdpoolError, got ${String(error)}`).toBe(true);
  return error as { code: string; message: string };
}

/**
 * Lambda triggers for a custom challenge "what is 2+3?" (answer "5", metadata "MATH"): after an
 * SRP step (CUSTOM_WITH_SRP) the password verifier, then the question, at most three times; every
 * event they see is pushed to `events`.
 */
export function mathChallengeTriggers(events: TriggerEvent[]): TriggerTable[string] {
  const answer = (event: TriggerEvent, response: Record<string, unknown>) => {
    events.push(event);
    return { ...event, response: { ...event.response, ...response } };
  };
  return {
    DefineAuthChallenge: (event) => {
      const session = event.request["session"] as { challengeName: string; challengeResult: boolean }[];
      const last = session.at(-1);
      if (last?.challengeName === "SRP_A") return answer(event, { challengeName: "PASSWORD_VERIFIER", issueTokens: false, failAuthentication: false });
      if (last?.challengeName === "CUSTOM_CHALLENGE" && last.challengeResult) return answer(event, { issueTokens: true, failAuthentication: false });
      if (session.filter((s) => s.challengeName === "CUSTOM_CHALLENGE").length >= 3) return answer(event, { issueTokens: false, failAuthentication: true });
      return answer(event, { challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false });
    },
    CreateAuthChallenge: (event) =>
      answer(event, { publicChallengeParameters: { question: "what is 2+3?" }, privateChallengeParameters: { answer: "5" }, challengeMetadata: "MATH" }),
    VerifyAuthChallengeResponse: (event) =>
      answer(event, { answerCorrect: event.request["challengeAnswer"] === (event.request["privateChallengeParameters"] as { answer: string }).answer }),
  };
}
