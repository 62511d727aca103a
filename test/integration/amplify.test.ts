/**
 * Conformance with a client we did not write: Amplify v6's `aws-amplify/auth` (Cognito provider),
 * pointed at the emulator with `userPoolEndpoint` / `identityPoolEndpoint`, run in Node. Amplify
 * decides every request itself (SRP maths, MFA set-up, renewal, revocation); the emulator must
 * answer each as Cognito would for Amplify to reach the state asserted here. Tokens are then checked
 * independently of Amplify: ID tokens against the pool's JWKS, credentials by calling STS with them,
 * refresh tokens by presenting them to the AWS SDK.
 */
import { DescribeIdentityCommand } from "@aws-sdk/client-cognito-identity";
import {
  AdminGetUserCommand,
  GetTokensFromRefreshTokenCommand,
  SetUserPoolMfaConfigCommand,
  type CreateUserPoolClientCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Amplify } from "aws-amplify";
import { confirmSignIn, fetchAuthSession, fetchMFAPreference, signIn, signOut, type AuthSession } from "aws-amplify/auth";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";
import { ConsoleLogger, type KeyValueStorageInterface } from "aws-amplify/utils";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { TriggerEvent, TriggerTable } from "cognito-idpool-emulator";
import {
  REGION,
  createTestPool,
  startIdentityKit,
  startTestEmulator,
  type IdentityKit,
  type LoggedRequest,
  type TestEmulator,
} from "cognito-idpool-emulator/testing";
import { userPoolProvider } from "./core-kit.js";
import { createUserPoolEnv, mathChallengeTriggers, totp, verifyIdToken, type UserPoolEnv } from "./userpool-env.js";

const PASSWORD = "Correct-Horse-1";
/** Only SRP can sign in on these clients: a sign-in that works proves Amplify's SRP exchange was verified. */
const SRP_ONLY: CreateUserPoolClientCommandInput["ExplicitAuthFlows"] = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];

let kit: IdentityKit;
let emulator: TestEmulator;
/** In-process Lambda triggers of the custom-challenge emulator, by user pool id. */
const triggers: TriggerTable = {};
let triggerEmulator: TestEmulator;

beforeAll(async () => {
  // Amplify warns on every configure that a custom endpoint is in use; that is the point here.
  ConsoleLogger.LOG_LEVEL = "ERROR";
  kit = await startIdentityKit();
  emulator = kit.emulator;
  triggerEmulator = await startTestEmulator({ triggers });
});

afterAll(async () => {
  await kit?.stop();
  await triggerEmulator?.stop();
});

afterEach(async () => {
  // Amplify is a process-wide singleton: end any session (and half-finished sign-in) before the next test.
  await signOut();
  await emulator.control.setClock(0);
});

/** Amplify's token store, kept where the test can read it (Node has no localStorage; Amplify would fall back to memory anyway). */
const stored = new Map<string, string>();
const memoryStorage: KeyValueStorageInterface = {
  setItem: async (key, value) => void stored.set(key, value),
  getItem: async (key) => stored.get(key) ?? null,
  removeItem: async (key) => void stored.delete(key),
  clear: async () => stored.clear(),
};

/** Points Amplify at `target` for this pool and client (and identity pool, if given), with the readable token store. */
function configure(target: TestEmulator, env: UserPoolEnv, clientId = env.clientId, identityPoolId?: string): void {
  const userPool = { userPoolId: env.userPoolId, userPoolClientId: clientId, userPoolEndpoint: target.url };
  if (identityPoolId) Amplify.configure({ Auth: { Cognito: { ...userPool, identityPoolId, identityPoolEndpoint: target.url } } });
  else Amplify.configure({ Auth: { Cognito: userPool } });
  // configure() re-installs the default storage, so this comes after it.
  cognitoUserPoolsTokenProvider.setKeyValueStorage(memoryStorage);
}

/** The refresh token Amplify keeps for the signed-in user. */
function storedRefreshToken(): string {
  const entries = [...stored].filter(([key]) => key.endsWith(".refreshToken"));
  expect(entries, "Amplify keeps exactly one refresh token").toHaveLength(1);
  return entries[0]![1];
}

function idTokenOf(session: AuthSession): string {
  const token = session.tokens?.idToken?.toString();
  if (!token) throw new Error("expected an ID token in the session");
  return token;
}

/** What an Amplify call rejected with (its AuthError carries the service's exception name). */
async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e as { name: string; message: string },
  );
  if (!error) throw new Error("expected the call to be refused");
  return { name: error.name, message: error.message };
}

async function userPoolOperations(target: TestEmulator): Promise<string[]> {
  const requests: LoggedRequest[] = await target.control.requests();
  return requests.filter((r) => r.service === "cognito-idp").map((r) => `${r.operation}:${r.status}`);
}

/** The emulator's clock in epoch milliseconds, for TOTP codes it will accept. */
async function emulatorNow(target: TestEmulator): Promise<number> {
  return Date.parse((await target.control.clock()).now);
}

/** The AWS SDK's renewal call, outside Amplify: tells whether the pool still honours a refresh token. */
async function renewWithSdk(env: UserPoolEnv, clientId: string, refreshToken: string): Promise<string> {
  return env.admin.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken })).then(
    () => "renewed",
    (error: { name?: string }) => error.name ?? String(error),
  );
}

describe("SRP sign-in", () => {
  it("signs in with SRP; the ID token verifies against the pool's JWKS; the identity pool gives the user's identity and role credentials", async () => {
    const env = await createUserPoolEnv(emulator, { client: { ExplicitAuthFlows: SRP_ONLY } });
    await env.createUser("alice", PASSWORD, { email: "alice@example.com" });
    const identityPool = await createTestPool(kit, {
      AllowUnauthenticatedIdentities: false,
      CognitoIdentityProviders: [userPoolProvider(env.userPoolId, env.clientId)],
    });
    configure(emulator, env, env.clientId, identityPool.poolId);

    // A wrong password fails the SRP proof.
    expect((await rejection(signIn({ username: "alice", password: "Wrong-Horse-1" }))).name).toBe("NotAuthorizedException");

    await emulator.control.clearRequests();
    expect(await signIn({ username: "alice", password: PASSWORD })).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    // USER_SRP_AUTH: SRP_A, then the PASSWORD_VERIFIER answer.
    expect(await userPoolOperations(emulator)).toEqual(["InitiateAuth:200", "RespondToAuthChallenge:200"]);

    const session = await fetchAuthSession();
    const claims = await verifyIdToken(emulator, env.userPoolId, env.clientId, idTokenOf(session));
    expect(claims).toMatchObject({ token_use: "id", "cognito:username": "alice", email: "alice@example.com", sub: session.userSub });
    expect(session.tokens?.accessToken.payload).toMatchObject({ token_use: "access", client_id: env.clientId, username: "alice", sub: claims.sub });

    // The identity pool: an identity linked to this user-pool login, and credentials of its authenticated role.
    expect(session.identityId).toMatch(/^eu-west-1:[0-9a-f-]{36}$/);
    const described = await kit.identity.send(new DescribeIdentityCommand({ IdentityId: session.identityId }));
    expect(described.Logins).toEqual([userPoolProvider(env.userPoolId, env.clientId).ProviderName]);
    expect(session.credentials?.expiration?.getTime()).toBeGreaterThan(Date.now());
    const sts = new STSClient({ region: REGION, endpoint: emulator.url, credentials: session.credentials! });
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    const authRoleName = identityPool.authRoleArn.slice(identityPool.authRoleArn.lastIndexOf("/") + 1);
    expect(caller.Arn).toMatch(new RegExp(`^arn:aws:sts::\\d{12}:assumed-role/${authRoleName}/`));

    // Sign-out revokes the refresh token (the access token carries origin_jti), so it renews nothing afterwards.
    const refreshToken = storedRefreshToken();
    expect(session.tokens?.accessToken.payload["origin_jti"]).toBeTypeOf("string");
    await emulator.control.clearRequests();
    await signOut();
    expect(await userPoolOperations(emulator)).toEqual(["RevokeToken:200"]);
    expect(await renewWithSdk(env, env.clientId, refreshToken)).toBe("NotAuthorizedException");
  });
});

describe("MFA_SETUP with TOTP", () => {
  it("a new user of a pool requiring TOTP enrols at first sign-in, then is asked for a code at the next", async () => {
    const env = await createUserPoolEnv(emulator, { client: { ExplicitAuthFlows: SRP_ONLY } });
    await env.admin.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: env.userPoolId, MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } }),
    );
    await env.createUser("new-user", PASSWORD);
    configure(emulator, env);

    await emulator.control.clearRequests();
    const setup = await signIn({ username: "new-user", password: PASSWORD });
    expect(setup.isSignedIn).toBe(false);
    expect(setup.nextStep.signInStep).toBe("CONTINUE_SIGN_IN_WITH_TOTP_SETUP");
    const secret = setup.nextStep.signInStep === "CONTINUE_SIGN_IN_WITH_TOTP_SETUP" ? setup.nextStep.totpSetupDetails.sharedSecret : "";
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);

    expect(await confirmSignIn({ challengeResponse: totp(secret, await emulatorNow(emulator)) })).toEqual({
      isSignedIn: true,
      nextStep: { signInStep: "DONE" },
    });
    // SRP, MFA_SETUP → AssociateSoftwareToken (session) → VerifySoftwareToken (session) → MFA_SETUP answered.
    expect(await userPoolOperations(emulator)).toEqual([
      "InitiateAuth:200",
      "RespondToAuthChallenge:200",
      "AssociateSoftwareToken:200",
      "VerifySoftwareToken:200",
      "RespondToAuthChallenge:200",
    ]);
    await verifyIdToken(emulator, env.userPoolId, env.clientId, idTokenOf(await fetchAuthSession()));
    expect(await fetchMFAPreference()).toEqual({ enabled: ["TOTP"], preferred: "TOTP" });
    const user = await env.admin.send(new AdminGetUserCommand({ UserPoolId: env.userPoolId, Username: "new-user" }));
    expect(user).toMatchObject({ UserMFASettingList: ["SOFTWARE_TOKEN_MFA"], PreferredMfaSetting: "SOFTWARE_TOKEN_MFA" });
    await signOut();

    // The next time step, so the code is not the one used to enrol.
    await emulator.control.setClock(30);
    const asked = await signIn({ username: "new-user", password: PASSWORD });
    expect(asked).toEqual({ isSignedIn: false, nextStep: { signInStep: "CONFIRM_SIGN_IN_WITH_TOTP_CODE" } });
    const code = totp(secret, await emulatorNow(emulator));
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    expect((await rejection(confirmSignIn({ challengeResponse: wrong }))).name).toBe("CodeMismatchException");

    // A fresh sign-in, answered with the right code.
    expect((await signIn({ username: "new-user", password: PASSWORD })).nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_TOTP_CODE");
    expect(await confirmSignIn({ challengeResponse: code })).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    const claims = await verifyIdToken(emulator, env.userPoolId, env.clientId, idTokenOf(await fetchAuthSession()), new Date(await emulatorNow(emulator)));
    expect(claims["cognito:username"]).toBe("new-user");
  });
});

describe("token renewal", () => {
  /** Signs in, moves the emulator clock, forces a renewal; returns the tokens and refresh tokens before and after. */
  async function renewOnce(target: TestEmulator, env: UserPoolEnv, clientId: string, offsetSeconds: number) {
    const before = await fetchAuthSession();
    const refreshBefore = storedRefreshToken();
    await target.control.setClock(offsetSeconds);
    await target.control.clearRequests();
    const after = await fetchAuthSession({ forceRefresh: true });
    const operations = await userPoolOperations(target);
    const now = new Date(await emulatorNow(target));
    const claimsBefore = await verifyIdToken(target, env.userPoolId, clientId, idTokenOf(before), now);
    const claimsAfter = await verifyIdToken(target, env.userPoolId, clientId, idTokenOf(after), now);
    return { before, after, claimsBefore, claimsAfter, operations, refreshBefore, refreshAfter: storedRefreshToken() };
  }

  it("fetchAuthSession({ forceRefresh: true }) renews with GetTokensFromRefreshToken; the refresh token stays", async () => {
    const env = await createUserPoolEnv(emulator, { client: { ExplicitAuthFlows: SRP_ONLY } });
    await env.createUser("renewer", PASSWORD);
    configure(emulator, env);
    expect((await signIn({ username: "renewer", password: PASSWORD })).isSignedIn).toBe(true);

    const renewed = await renewOnce(emulator, env, env.clientId, 60);
    expect(renewed.operations).toEqual(["GetTokensFromRefreshToken:200"]);
    expect(idTokenOf(renewed.after)).not.toBe(idTokenOf(renewed.before));
    expect(renewed.claimsAfter.iat).toBeGreaterThanOrEqual(renewed.claimsBefore.iat! + 60);
    expect(renewed.claimsAfter.sub).toBe(renewed.claimsBefore.sub);
    expect(renewed.after.tokens?.accessToken.toString()).not.toBe(renewed.before.tokens?.accessToken.toString());
    // Without rotation Cognito returns no new refresh token: Amplify keeps the one it has, which still works.
    expect(renewed.refreshAfter).toBe(renewed.refreshBefore);
    expect(await renewWithSdk(env, env.clientId, renewed.refreshAfter)).toBe("renewed");
  });

  it("on a client with refresh-token rotation (no grace period) Amplify stores the rotated token; the old one is refused at once", async () => {
    const env = await createUserPoolEnv(emulator, { client: { ExplicitAuthFlows: SRP_ONLY } });
    const rotating = await env.createClient({ ExplicitAuthFlows: SRP_ONLY, RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 0 } });
    await env.createUser("rotator", PASSWORD);
    configure(emulator, env, rotating);
    expect((await signIn({ username: "rotator", password: PASSWORD })).isSignedIn).toBe(true);

    const first = await renewOnce(emulator, env, rotating, 60);
    expect(first.operations).toEqual(["GetTokensFromRefreshToken:200"]);
    expect(first.claimsAfter.iat).toBeGreaterThanOrEqual(first.claimsBefore.iat! + 60);
    expect(first.refreshAfter).not.toBe(first.refreshBefore);
    // GetTokensFromRefreshToken's own error for a token rotation has invalidated.
    expect(await renewWithSdk(env, rotating, first.refreshBefore)).toBe("RefreshTokenReuseException");

    // Amplify renews again with the token it stored: the rotated one is honoured, and rotated in turn.
    const second = await renewOnce(emulator, env, rotating, 120);
    expect(second.operations).toEqual(["GetTokensFromRefreshToken:200"]);
    expect(second.refreshBefore).toBe(first.refreshAfter);
    expect(second.refreshAfter).not.toBe(second.refreshBefore);
    expect(second.claimsAfter.iat).toBeGreaterThanOrEqual(first.claimsAfter.iat! + 60);
  });
});

describe("custom challenge (Lambda triggers)", () => {
  const QUESTION = "what is 2+3?";

  /** A pool whose triggers ask QUESTION, allow three attempts, and record every event. */
  async function mathPool(): Promise<{ env: UserPoolEnv; events: TriggerEvent[] }> {
    const env = await createUserPoolEnv(triggerEmulator, { client: { ExplicitAuthFlows: ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] } });
    const events: TriggerEvent[] = [];
    triggers[env.userPoolId] = mathChallengeTriggers(events);
    return { env, events };
  }

  it("CUSTOM_WITHOUT_SRP: the public question is shown, a wrong answer is asked again, the right one signs in", async () => {
    const { env, events } = await mathPool();
    await env.createUser("solver", PASSWORD);
    configure(triggerEmulator, env);

    const asked = await signIn({ username: "solver", options: { authFlowType: "CUSTOM_WITHOUT_SRP" } });
    expect(asked.isSignedIn).toBe(false);
    expect(asked.nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE");
    const info = asked.nextStep.signInStep === "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE" ? asked.nextStep.additionalInfo : undefined;
    expect(info).toMatchObject({ question: QUESTION });
    expect(info).not.toHaveProperty("answer");

    const again = await confirmSignIn({ challengeResponse: "4" });
    expect(again.nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE");
    expect(again.nextStep.signInStep === "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE" && again.nextStep.additionalInfo).toMatchObject({ question: QUESTION });

    expect(await confirmSignIn({ challengeResponse: "5" })).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    const claims = await verifyIdToken(triggerEmulator, env.userPoolId, env.clientId, idTokenOf(await fetchAuthSession()));
    expect(claims["cognito:username"]).toBe("solver");

    // What the triggers saw: the answers Amplify sent, and the history DefineAuthChallenge decided on.
    expect(events.filter((e) => e.triggerSource === "VerifyAuthChallengeResponse_Authentication").map((e) => e.request["challengeAnswer"])).toEqual(["4", "5"]);
    expect(events.filter((e) => e.triggerSource === "DefineAuthChallenge_Authentication").map((e) => e.request["session"])).toEqual([
      [],
      [{ challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "MATH" }],
      [
        { challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "MATH" },
        { challengeName: "CUSTOM_CHALLENGE", challengeResult: true, challengeMetadata: "MATH" },
      ],
    ]);
  });

  it("when DefineAuthChallenge fails the authentication after three wrong answers, Amplify surfaces NotAuthorizedException", async () => {
    const { env } = await mathPool();
    await env.createUser("guesser", PASSWORD);
    configure(triggerEmulator, env);

    expect((await signIn({ username: "guesser", options: { authFlowType: "CUSTOM_WITHOUT_SRP" } })).nextStep.signInStep).toBe(
      "CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE",
    );
    expect((await confirmSignIn({ challengeResponse: "6" })).nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE");
    expect((await confirmSignIn({ challengeResponse: "7" })).nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE");
    expect((await rejection(confirmSignIn({ challengeResponse: "8" }))).name).toBe("NotAuthorizedException");
    expect((await fetchAuthSession()).tokens).toBeUndefined();
  });
});

describe("choice-based sign-in (USER_AUTH)", () => {
  /** A pool offering email one-time codes besides the password, on a client that allows USER_AUTH. */
  async function otpPool(): Promise<UserPoolEnv> {
    const env = await createUserPoolEnv(emulator, {
      pool: { Policies: { PasswordPolicy: { MinimumLength: 8 }, SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "EMAIL_OTP"] } } },
      client: { ExplicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] },
    });
    await env.createUser("otp-user", PASSWORD, { email: "otp@example.com", email_verified: "true" });
    configure(emulator, env);
    return env;
  }

  it("EMAIL_OTP as the preferred first factor: the emailed code signs in, and the ID token verifies", async () => {
    const env = await otpPool();
    const asked = await signIn({ username: "otp-user", options: { authFlowType: "USER_AUTH", preferredChallenge: "EMAIL_OTP" } });
    expect(asked.nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_EMAIL_CODE");
    const { code } = await env.lastCode("otp-user");
    expect(await confirmSignIn({ challengeResponse: code })).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    const claims = await verifyIdToken(emulator, env.userPoolId, env.clientId, idTokenOf(await fetchAuthSession()));
    expect(claims["cognito:username"]).toBe("otp-user");
  });

  it("without a preference Amplify shows the first factors offered; EMAIL_OTP chosen, a wrong code is refused, then the right one", async () => {
    const env = await otpPool();
    const offered = await signIn({ username: "otp-user", options: { authFlowType: "USER_AUTH" } });
    expect(offered.nextStep.signInStep).toBe("CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION");
    const factors = offered.nextStep.signInStep === "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION" ? offered.nextStep.availableChallenges : [];
    expect(factors).toEqual(expect.arrayContaining(["PASSWORD", "EMAIL_OTP"]));
    expect((await confirmSignIn({ challengeResponse: "EMAIL_OTP" })).nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_EMAIL_CODE");
    const { code } = await env.lastCode("otp-user");
    expect((await rejection(confirmSignIn({ challengeResponse: code === "00000000" ? "11111111" : "00000000" }))).name).toBe("CodeMismatchException");
    expect(await confirmSignIn({ challengeResponse: code })).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
  });
});

describe("remembered devices", () => {
  it("Amplify confirms the device after an MFA sign-in; the next sign-in proves it (DEVICE_SRP_AUTH) and skips MFA", async () => {
    const env = await createUserPoolEnv(emulator, {
      pool: { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false } },
      client: { ExplicitAuthFlows: SRP_ONLY },
    });
    await env.admin.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: env.userPoolId, MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } }),
    );
    await env.createUser("device-user", PASSWORD);
    configure(emulator, env);
    // Amplify names the device from `navigator` (as in a browser), which Node 20 does not have;
    // without it Amplify skips ConfirmDevice silently.
    vi.stubGlobal("navigator", { userAgent: "Amplify in Node" });
    const setup = await signIn({ username: "device-user", password: PASSWORD });
    const secret = setup.nextStep.signInStep === "CONTINUE_SIGN_IN_WITH_TOTP_SETUP" ? setup.nextStep.totpSetupDetails.sharedSecret : "";
    expect(await confirmSignIn({ challengeResponse: totp(secret, await emulatorNow(emulator)) })).toMatchObject({ isSignedIn: true });
    expect(await userPoolOperations(emulator)).toContain("ConfirmDevice:200");
    await signOut();

    await emulator.control.clearRequests();
    expect(await signIn({ username: "device-user", password: PASSWORD })).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    const challenges = (await emulator.control.requests())
      .filter((r: LoggedRequest) => r.operation === "RespondToAuthChallenge")
      .map((r: LoggedRequest) => r.status);
    expect(challenges).toEqual([200, 200, 200]);
    await verifyIdToken(emulator, env.userPoolId, env.clientId, idTokenOf(await fetchAuthSession()));
    vi.unstubAllGlobals();
  });
});
