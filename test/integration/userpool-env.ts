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
import type { TestEmulator } from "cognito-idpool-emulator/testing";
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

/** The error a call rejected with, checked to be a CognitoIdpoolError (the SDK's one error boundary). */
export async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCognitoIdpoolError(error), `expected a CognitoIdpoolError, got ${String(error)}`).toBe(true);
  return error as { code: string; message: string };
}
