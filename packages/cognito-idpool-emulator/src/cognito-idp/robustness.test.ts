import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { createPool, createUser, signedIn, type TestPool } from "../../test/idp-harness.js";
import { cognitoIdpService } from "./index.js";

/**
 * Every user-pool operation, fed thousands of malformed inputs built from real member names and
 * hostile values, must answer with an AWS error (never crash with anything else) and leave the
 * state plain JSON.
 */

let emulator: TestEmulator;
let pool: TestPool;
let accessToken: string;
let refreshToken: string;
beforeAll(async () => {
  // Custom-auth and token triggers for every pool, so fuzzed CUSTOM_AUTH and CUSTOM_CHALLENGE calls reach them.
  emulator = await startTestEmulator({
    triggers: {
      "*": {
        DefineAuthChallenge: (event) => ({ ...event, response: { challengeName: "CUSTOM_CHALLENGE", issueTokens: event.request["session"].length > 1 } }),
        CreateAuthChallenge: (event) => ({ ...event, response: { publicChallengeParameters: { q: "?" }, privateChallengeParameters: { a: "1" } } }),
        VerifyAuthChallengeResponse: (event) => ({ ...event, response: { answerCorrect: event.request["challengeAnswer"] === "1" } }),
        PreTokenGeneration: (event) => ({ ...event, response: { claimsOverrideDetails: { claimsToAddOrOverride: { fuzzed: "yes" } } } }),
      },
    },
  });
  pool = await createPool(
    emulator,
    { AutoVerifiedAttributes: ["email"] },
    { ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"] },
  );
  await createUser(emulator, pool.poolId, "fuzz", { email: "fuzz@example.com", email_verified: "true" });
  const { session } = await signedIn(pool.jsPool, "fuzz");
  accessToken = session.getAccessToken().getJwtToken();
  refreshToken = session.getRefreshToken().getToken();
});
afterAll(() => emulator.stop());

/** Deterministic, so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const MEMBERS = [
  "UserPoolId",
  "ClientId",
  "Username",
  "Password",
  "PoolName",
  "ClientName",
  "AuthFlow",
  "AuthParameters",
  "ChallengeName",
  "ChallengeResponses",
  "Session",
  "AccessToken",
  "Token",
  "ConfirmationCode",
  "UserAttributes",
  "TemporaryPassword",
  "MessageAction",
  "Permanent",
  "GroupName",
  "Precedence",
  "Policies",
  "Schema",
  "ExplicitAuthFlows",
  "TokenValidityUnits",
  "IdTokenValidity",
  "AccessTokenValidity",
  "RefreshTokenValidity",
  "GenerateSecret",
  "UserCode",
  "SecretHash",
  "SoftwareTokenMfaSettings",
  "SMSMfaSettings",
  "EmailMfaSettings",
  "MfaConfiguration",
  "SoftwareTokenMfaConfiguration",
  "UsernameAttributes",
  "AliasAttributes",
  "PreviousPassword",
  "ProposedPassword",
  "ClientSecret",
  "RoleArn",
  "AutoVerifiedAttributes",
  "RefreshToken",
  "RefreshTokenRotation",
  "UserAttributeUpdateSettings",
  "AttributeName",
  "UserAttributeNames",
  "Code",
  "DeviceKey",
  "ClientMetadata",
  "LambdaConfig",
  "ValidationData",
];

function value(random: () => number, depth = 0): unknown {
  const choices: (() => unknown)[] = [
    () => pool.poolId,
    () => pool.clientId,
    () => "fuzz",
    () => accessToken,
    () => refreshToken,
    () => "Corr3ct-horse!",
    () => "",
    () => "x".repeat(Math.floor(random() * 3000)),
    () => "😀\u0000\ud800'\"<>%",
    () => Math.floor(random() * 2 ** 40) - 2 ** 39,
    () => random() * 10,
    () => random() < 0.5,
    () => null,
    () =>
      [
        "USER_SRP_AUTH",
        "USER_PASSWORD_AUTH",
        "REFRESH_TOKEN_AUTH",
        "PASSWORD_VERIFIER",
        "NEW_PASSWORD_REQUIRED",
        "SOFTWARE_TOKEN_MFA",
        "SMS_MFA",
        "EMAIL_OTP",
        "MFA_SETUP",
        "SELECT_MFA_TYPE",
        "CUSTOM_AUTH",
        "CUSTOM_CHALLENGE",
      ][Math.floor(random() * 12)],
    () =>
      depth > 2
        ? {}
        : Object.fromEntries(
            Array.from({ length: Math.floor(random() * 4) }, () => [
              [
                "USERNAME",
                "PASSWORD",
                "SRP_A",
                "REFRESH_TOKEN",
                "SECRET_HASH",
                "Name",
                "Value",
                "Enabled",
                "PasswordPolicy",
                "MinimumLength",
                "IdToken",
                "ANSWER",
                "CHALLENGE_NAME",
                "PreSignUp",
              ][Math.floor(random() * 14)]!,
              value(random, depth + 1),
            ]),
          ),
    () => (depth > 2 ? [] : Array.from({ length: Math.floor(random() * 3) }, () => value(random, depth + 1))),
  ];
  return choices[Math.floor(random() * choices.length)]!();
}

function context(): ServiceContext {
  const core = emulator.core;
  return {
    state: core.state,
    clock: core.clock,
    runtime: core.runtime,
    request: { method: "POST", rawPath: "/", url: new URL(emulator.url), headers: {}, body: Buffer.alloc(0) },
    baseUrl: emulator.url,
    requestId: "fuzz",
    region: "eu-west-1",
    log: {},
    triggers: core.triggers,
  };
}

/** A device key of the right shape (the fuzzed pool does not track devices, so no device has one). */
const FUZZ_DEVICE = "eu-west-1_00000000-0000-0000-0000-000000000000";

/** A plausible input per operation; the fuzzer mutates these so it gets past the first checks. */
function bases(): Record<string, Record<string, unknown>> {
  const user = { UserPoolId: pool.poolId, Username: "fuzz" };
  const password = "Corr3ct-horse!";
  return {
    CreateUserPool: {
      PoolName: "fuzzed",
      Policies: { PasswordPolicy: { MinimumLength: 8 } },
      Schema: [{ Name: "team", AttributeDataType: "String" }],
      AutoVerifiedAttributes: ["email"],
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] },
      LambdaConfig: { PreTokenGeneration: "arn:aws:lambda:eu-west-1:000000000000:function:tokens" },
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false },
    },
    DescribeUserPool: { UserPoolId: pool.poolId },
    UpdateUserPool: {
      UserPoolId: pool.poolId,
      AutoVerifiedAttributes: ["email"],
      LambdaConfig: { PreTokenGeneration: "arn:aws:lambda:eu-west-1:000000000000:function:tokens" },
    },
    SetUserPoolMfaConfig: { UserPoolId: pool.poolId, MfaConfiguration: "OPTIONAL", SoftwareTokenMfaConfiguration: { Enabled: true } },
    GetUserPoolMfaConfig: { UserPoolId: pool.poolId },
    CreateUserPoolClient: { UserPoolId: pool.poolId, ClientName: "c", IdTokenValidity: 5, TokenValidityUnits: { IdToken: "seconds" } },
    DescribeUserPoolClient: { UserPoolId: pool.poolId, ClientId: pool.clientId },
    CreateUserPoolDomain: { UserPoolId: pool.poolId, Domain: "fuzz-domain" },
    DescribeUserPoolDomain: { Domain: "fuzz-domain" },
    UpdateUserPoolDomain: { UserPoolId: pool.poolId, Domain: "fuzz-domain", ManagedLoginVersion: 2 },
    DeleteUserPoolDomain: { UserPoolId: pool.poolId, Domain: "fuzz-domain" },
    CreateIdentityProvider: {
      UserPoolId: pool.poolId,
      ProviderName: "Google",
      ProviderType: "Google",
      ProviderDetails: { client_id: "c", client_secret: "s", authorize_scopes: "openid email" },
      AttributeMapping: { email: "email" },
    },
    DescribeIdentityProvider: { UserPoolId: pool.poolId, ProviderName: "Google" },
    UpdateIdentityProvider: { UserPoolId: pool.poolId, ProviderName: "Google", AttributeMapping: { name: "name" } },
    ListIdentityProviders: { UserPoolId: pool.poolId },
    DeleteIdentityProvider: { UserPoolId: pool.poolId, ProviderName: "Google" },
    AdminCreateUser: {
      UserPoolId: pool.poolId,
      Username: "created",
      TemporaryPassword: password,
      MessageAction: "SUPPRESS",
      UserAttributes: [{ Name: "email", Value: "c@example.com" }],
    },
    AdminSetUserPassword: { ...user, Password: password, Permanent: true },
    AdminGetUser: user,
    AdminConfirmSignUp: user,
    AdminEnableUser: user,
    AdminResetUserPassword: user,
    AdminUpdateUserAttributes: { ...user, UserAttributes: [{ Name: "name", Value: "Fuzz" }] },
    CreateGroup: { UserPoolId: pool.poolId, GroupName: "g", Precedence: 1 },
    GetGroup: { UserPoolId: pool.poolId, GroupName: "g" },
    AdminAddUserToGroup: { ...user, GroupName: "g" },
    AdminRemoveUserFromGroup: { ...user, GroupName: "g" },
    AdminListGroupsForUser: user,
    SignUp: { ClientId: pool.clientId, Username: "signed", Password: password, UserAttributes: [{ Name: "email", Value: "s@example.com" }] },
    ConfirmSignUp: { ClientId: pool.clientId, Username: "signed", ConfirmationCode: "123456" },
    ResendConfirmationCode: { ClientId: pool.clientId, Username: "signed" },
    ForgotPassword: { ClientId: pool.clientId, Username: "fuzz" },
    ConfirmForgotPassword: { ClientId: pool.clientId, Username: "fuzz", ConfirmationCode: "123456", Password: password },
    InitiateAuth: {
      ClientId: pool.clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "fuzz", PASSWORD: password, SRP_A: "abc123", REFRESH_TOKEN: refreshToken },
    },
    AdminInitiateAuth: {
      UserPoolId: pool.poolId,
      ClientId: pool.clientId,
      AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: "fuzz", PASSWORD: password },
    },
    AdminRespondToAuthChallenge: {
      UserPoolId: pool.poolId,
      ClientId: pool.clientId,
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      Session: "A".repeat(40),
      ChallengeResponses: { USERNAME: "fuzz", NEW_PASSWORD: password },
    },
    RespondToAuthChallenge: {
      ClientId: pool.clientId,
      ChallengeName: "PASSWORD_VERIFIER",
      Session: "A".repeat(40),
      ChallengeResponses: {
        USERNAME: "fuzz",
        PASSWORD_CLAIM_SECRET_BLOCK: "AAAA",
        PASSWORD_CLAIM_SIGNATURE: "AAAA",
        TIMESTAMP: "Tue Nov 3 09:05:07 UTC 2026",
        NEW_PASSWORD: password,
        SOFTWARE_TOKEN_MFA_CODE: "123456",
      },
    },
    AssociateSoftwareToken: { AccessToken: accessToken },
    VerifySoftwareToken: { AccessToken: accessToken, UserCode: "123456" },
    SetUserMFAPreference: { AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: false } },
    GetUser: { AccessToken: accessToken },
    StartWebAuthnRegistration: { AccessToken: accessToken },
    CompleteWebAuthnRegistration: { AccessToken: accessToken, Credential: { id: "AAAA", rawId: "AAAA", type: "public-key", response: {} } },
    ListWebAuthnCredentials: { AccessToken: accessToken, MaxResults: 5 },
    DeleteWebAuthnCredential: { AccessToken: accessToken, CredentialId: "AAAA" },
    GetTokensFromRefreshToken: { ClientId: pool.clientId, RefreshToken: refreshToken, ClientMetadata: { a: "b" } },
    ConfirmDevice: {
      AccessToken: accessToken,
      DeviceKey: FUZZ_DEVICE,
      DeviceSecretVerifierConfig: { PasswordVerifier: "AAAA", Salt: "AAAA" },
      DeviceName: "fuzz",
    },
    UpdateDeviceStatus: { AccessToken: accessToken, DeviceKey: FUZZ_DEVICE, DeviceRememberedStatus: "remembered" },
    GetDevice: { AccessToken: accessToken, DeviceKey: FUZZ_DEVICE },
    ListDevices: { AccessToken: accessToken, Limit: 10 },
    ForgetDevice: { AccessToken: accessToken, DeviceKey: FUZZ_DEVICE },
    AdminGetDevice: { ...user, DeviceKey: FUZZ_DEVICE },
    AdminListDevices: { ...user, Limit: 10 },
    AdminUpdateDeviceStatus: { ...user, DeviceKey: FUZZ_DEVICE, DeviceRememberedStatus: "not_remembered" },
    AdminForgetDevice: { ...user, DeviceKey: FUZZ_DEVICE },
    UpdateUserAttributes: { AccessToken: accessToken, UserAttributes: [{ Name: "name", Value: "Fuzz" }] },
    GetUserAttributeVerificationCode: { AccessToken: accessToken, AttributeName: "email" },
    VerifyUserAttribute: { AccessToken: accessToken, AttributeName: "email", Code: "123456" },
    DeleteUserAttributes: { AccessToken: accessToken, UserAttributeNames: ["name"] },
    ChangePassword: { AccessToken: accessToken, PreviousPassword: password, ProposedPassword: password },
    // Destructive ones run last so the others keep a live pool, user and tokens.
    GlobalSignOut: { AccessToken: accessToken },
    RevokeToken: { ClientId: pool.clientId, Token: refreshToken },
    AdminUserGlobalSignOut: user,
    AdminDisableUser: user,
    DeleteUser: { AccessToken: accessToken },
    UpdateUserPoolClient: {
      UserPoolId: pool.poolId,
      ClientId: pool.clientId,
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 5 },
    },
    DeleteUserPoolClient: { UserPoolId: pool.poolId, ClientId: pool.clientId },
    AdminDeleteUser: user,
    DeleteUserPool: { UserPoolId: pool.poolId },
  };
}

function mutate(random: () => number, base: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = structuredClone(base);
  for (let n = Math.floor(random() * 3); n > 0; n--) {
    const keys = Object.keys(input);
    const roll = random();
    if (roll < 0.5 && keys.length) input[keys[Math.floor(random() * keys.length)]!] = value(random);
    else if (roll < 0.7 && keys.length) delete input[keys[Math.floor(random() * keys.length)]!];
    else if (roll < 0.85) input[MEMBERS[Math.floor(random() * MEMBERS.length)]!] = value(random);
    else {
      const nested = keys.map((k) => input[k]).filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v));
      const target = nested[Math.floor(random() * nested.length)];
      const inner = target ? Object.keys(target) : [];
      if (target && inner.length) target[inner[Math.floor(random() * inner.length)]!] = value(random);
    }
  }
  return input;
}

describe("malformed input", () => {
  it("gets an AWS error from every operation, never a crash, and keeps the state JSON", async () => {
    const random = prng(20261122);
    const unexpected: string[] = [];
    const succeeded = new Set<string>();
    const plausible = bases();
    expect(Object.keys(plausible).sort()).toEqual(Object.keys(cognitoIdpService.operations).sort());
    for (const [name, base] of Object.entries(plausible)) {
      const operation = cognitoIdpService.operations[name]!;
      // CreateUserPool generates RSA keys: fewer rounds keep the test quick.
      const rounds = name === "CreateUserPool" ? 5 : 200;
      for (let i = 0; i < rounds; i++) {
        const input =
          i % 4 === 3
            ? Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 6) }, () => [MEMBERS[Math.floor(random() * MEMBERS.length)]!, value(random)]))
            : mutate(random, base);
        try {
          await operation.handler(input, context());
          succeeded.add(name);
        } catch (error) {
          if (!(error instanceof AwsError))
            unexpected.push(`${name} ${JSON.stringify(input).slice(0, 300)}: ${(error as Error).stack?.split("\n").slice(0, 3).join(" ")}`);
        }
      }
    }
    expect(unexpected).toEqual([]);
    // The plausible inputs do get through: most operations succeeded at least once.
    expect(succeeded.size).toBeGreaterThan(25);
    const state = emulator.core.state;
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});
