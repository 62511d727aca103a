/**
 * Choice-based sign-in (USER_AUTH) and remembered devices through the SDK's session against our
 * emulator: the first factor chosen from SELECT_CHALLENGE or named up front, one-time codes by
 * email, the password sent or proved by SRP, sign-in straight after sign-up confirmation, and a
 * device that the SDK confirms after sign-in and proves at the next one so that MFA is skipped.
 * Passkeys need a browser's WebAuthn: e2e/passkeys.spec.ts drives them in Chromium.
 */
import {
  AdminForgetDeviceCommand,
  AdminListDevicesCommand,
  SetUserPoolMfaConfigCommand,
  type CreateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "cognito-idpool-emulator/testing";
import type { UserPoolSession } from "../../packages/cognito-idpool/src/user-pool/contract.js";
import { createUserPoolSession } from "../../packages/cognito-idpool/src/user-pool/session.js";
import { createLiveHost, MemoryStore, type FakeHost } from "../../packages/cognito-idpool/test/fakes/userpool-host.js";
import { createUserPoolEnv, errorOf, totp, type UserPoolEnv } from "./userpool-env.js";

const PASSWORD = "Correct-Horse-1";
let emulator: TestEmulator;
const sessions: UserPoolSession[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator();
});

afterAll(async () => {
  for (const session of sessions) session.dispose();
  await emulator?.stop();
});

/** A session on `store` (one browser's storage), recording the user-pool operations it sends. */
function open(env: UserPoolEnv, store = new MemoryStore()): { host: FakeHost; session: UserPoolSession; sent: { target: string; body: string }[] } {
  const host = createLiveHost({ userPoolId: env.userPoolId, clientId: env.clientId, endpoint: emulator.url, store });
  const sent: { target: string; body: string }[] = [];
  host.fetch = async (input, init) => {
    const request = new Request(input, init);
    sent.push({ target: (request.headers.get("x-amz-target") ?? "").replace(/^.*\./, ""), body: await request.clone().text() });
    return fetch(request);
  };
  const session = createUserPoolSession(host);
  sessions.push(session);
  return { host, session, sent };
}

/** A pool that offers one-time codes by email besides the password, and an app client that allows choice-based sign-in. */
function passwordlessPool(pool: Partial<CreateUserPoolCommandInput> = {}): Promise<UserPoolEnv> {
  return createUserPoolEnv(emulator, {
    pool: { Policies: { PasswordPolicy: { MinimumLength: 8 }, SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "EMAIL_OTP"] } }, ...pool },
    client: { ExplicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] },
  });
}

const signInCode = async (env: UserPoolEnv, username: string) => (await env.lastCode(username)).code;

describe("choice-based sign-in (USER_AUTH)", () => {
  it("without a preference: SELECT_CHALLENGE lists the first factors; EMAIL_OTP is chosen, a wrong code may be retried, the right one signs in", async () => {
    const env = await passwordlessPool();
    await env.createUser("otp-user", PASSWORD, { email: "otp@example.com", email_verified: "true" });
    const { session, sent } = open(env);

    const offered = await session.signIn({ username: "otp-user", authFlow: "USER_AUTH" });
    expect(offered).toMatchObject({ status: "challenge", challenge: "SELECT_CHALLENGE" });
    expect(offered.status === "challenge" && offered.availableChallenges).toEqual(expect.arrayContaining(["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]));
    // Not offered: refused before any request, the choice still open.
    expect((await errorOf(session.confirmSignIn({ answer: "SMS_OTP" }))).code).toBe("invalid-argument");

    const asked = await session.confirmSignIn({ answer: "EMAIL_OTP" });
    expect(asked).toMatchObject({ status: "challenge", challenge: "EMAIL_OTP" });
    expect(asked.status === "challenge" && asked.codeDeliveryDestination).toMatch(/\*/);
    const code = await signInCode(env, "otp-user");
    expect((await errorOf(session.confirmSignIn({ answer: code === "00000000" ? "11111111" : "00000000" }))).code).toBe("code-mismatch");
    expect(await session.confirmSignIn({ answer: code })).toEqual({ status: "signedIn" });
    expect((await session.getUser())?.username).toBe("otp-user");
    // No password was asked for or sent.
    expect(sent.some((s) => s.body.includes(PASSWORD))).toBe(false);
  });

  it("preferredChallenge EMAIL_OTP goes straight to the code; PASSWORD signs in with the password", async () => {
    const env = await passwordlessPool();
    await env.createUser("direct", PASSWORD, { email: "direct@example.com", email_verified: "true" });
    const { session } = open(env);
    expect(await session.signIn({ username: "direct", authFlow: "USER_AUTH", preferredChallenge: "EMAIL_OTP" })).toMatchObject({
      status: "challenge",
      challenge: "EMAIL_OTP",
    });
    expect(await session.confirmSignIn({ answer: await signInCode(env, "direct") })).toEqual({ status: "signedIn" });
    await session.signOut({});
    expect(await session.signIn({ username: "direct", authFlow: "USER_AUTH", preferredChallenge: "PASSWORD", password: PASSWORD })).toEqual({
      status: "signedIn",
    });
  });

  it("PASSWORD_SRP, chosen or preferred, proves the password by SRP without sending it", async () => {
    const env = await passwordlessPool();
    await env.createUser("srp-user", PASSWORD, { email: "srp@example.com", email_verified: "true" });
    const { session, sent } = open(env);
    await session.signIn({ username: "srp-user", authFlow: "USER_AUTH" });
    // The password is asked for in a step of its own once PASSWORD_SRP is chosen.
    expect(await session.confirmSignIn({ answer: "PASSWORD_SRP" })).toEqual({ status: "challenge", challenge: "PASSWORD_SRP" });
    expect((await errorOf(session.confirmSignIn({ answer: "Wrong-Horse-1" }))).code).toBe("incorrect-username-or-password");
    await session.signIn({ username: "srp-user", authFlow: "USER_AUTH" });
    await session.confirmSignIn({ answer: "PASSWORD_SRP" });
    expect(await session.confirmSignIn({ answer: PASSWORD })).toEqual({ status: "signedIn" });
    await session.signOut({});
    expect(await session.signIn({ username: "srp-user", password: PASSWORD, authFlow: "USER_AUTH", preferredChallenge: "PASSWORD_SRP" })).toEqual({
      status: "signedIn",
    });
    expect(sent.filter((s) => s.target === "RespondToAuthChallenge" && s.body.includes("PASSWORD_CLAIM_SIGNATURE"))).toHaveLength(3);
    expect(sent.some((s) => s.body.includes(PASSWORD))).toBe(false);
  });

  it("checks its input before any request", async () => {
    const env = await passwordlessPool();
    const { session, sent } = open(env);
    expect((await errorOf(session.signIn({ username: "a", preferredChallenge: "EMAIL_OTP" }))).code).toBe("invalid-argument");
    expect((await errorOf(session.signIn({ username: "a", authFlow: "USER_AUTH", preferredChallenge: "MAGIC_LINK" as "EMAIL_OTP" }))).code).toBe(
      "invalid-argument",
    );
    expect((await errorOf(session.signIn({ username: "a", authFlow: "USER_AUTH", preferredChallenge: "PASSWORD" }))).message).toMatch(/password/);
    expect(sent).toEqual([]);
  });

  it("sign-up without a password, then confirmSignUp({ signIn: true }) signs the user in with the confirmation's session", async () => {
    const env = await passwordlessPool({ AutoVerifiedAttributes: ["email"] });
    const { session } = open(env);
    const signedUp = await session.signUp({ username: "new-user", userAttributes: { email: "new@example.com" } });
    expect(signedUp.userConfirmed).toBe(false);
    const code = await signInCode(env, "new-user");
    expect(await session.confirmSignUp({ username: "new-user", code, signIn: true })).toEqual({ status: "signedIn" });
    expect((await session.getUser())?.username).toBe("new-user");
    // Signed in by email code from then on: the user has no password.
    await session.signOut({});
    const offered = await session.signIn({ username: "new-user", authFlow: "USER_AUTH" });
    expect(offered.status === "challenge" && offered.availableChallenges).toEqual(["EMAIL_OTP"]);
  });
});

describe("remembered devices", () => {
  /** A pool that requires TOTP MFA and remembers devices, so that a remembered device skips it. */
  async function devicePool(onPrompt: boolean): Promise<UserPoolEnv> {
    const env = await createUserPoolEnv(emulator, {
      pool: { DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: onPrompt } },
    });
    await env.admin.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: env.userPoolId, MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } }),
    );
    return env;
  }

  /** Signs a new user in for the first time: TOTP enrolment at MFA_SETUP. Returns the authenticator's secret. */
  async function enrol(session: UserPoolSession, host: FakeHost, username: string): Promise<string> {
    const setup = await session.signIn({ username, password: PASSWORD });
    if (setup.status !== "challenge" || !setup.totpSetup) throw new Error(`expected TOTP set-up, got ${JSON.stringify(setup)}`);
    expect(await session.confirmSignIn({ answer: totp(setup.totpSetup.secret, host.serverNow()) })).toEqual({ status: "signedIn" });
    return setup.totpSetup.secret;
  }

  it("the SDK confirms the new device after sign-in; the next sign-in proves it and skips MFA; a forgotten device is asked for MFA again", async () => {
    const env = await devicePool(false);
    await env.createUser("device-user", PASSWORD);
    const store = new MemoryStore();
    const { host, session, sent } = open(env, store);
    const secret = await enrol(session, host, "device-user");
    expect(sent.map((s) => s.target)).toContain("ConfirmDevice");
    const listed = await session.devices.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ current: true, remembered: true });
    // The device survives sign-out: it is the browser's, not the session's.
    await session.signOut({});

    sent.length = 0;
    expect(await session.signIn({ username: "device-user", password: PASSWORD })).toEqual({ status: "signedIn" });
    expect(sent.map((s) => s.target)).toEqual(["InitiateAuth", "RespondToAuthChallenge", "RespondToAuthChallenge", "RespondToAuthChallenge"]);
    expect(sent.slice(1).map((s) => (JSON.parse(s.body) as { ChallengeName: string }).ChallengeName)).toEqual([
      "PASSWORD_VERIFIER",
      "DEVICE_SRP_AUTH",
      "DEVICE_PASSWORD_VERIFIER",
    ]);
    // Renewals name the device, as the pool requires of tokens issued to one.
    await session.getTokens({ forceRefresh: true });
    expect(JSON.parse(sent.at(-1)!.body)).toMatchObject({ DeviceKey: listed[0]!.deviceKey });

    // Another browser (its own storage) is a new device: MFA.
    const other = open(env);
    expect(await other.session.signIn({ username: "device-user", password: PASSWORD })).toEqual({ status: "challenge", challenge: "SOFTWARE_TOKEN_MFA" });

    await session.devices.forget();
    await session.signOut({});
    expect(await session.signIn({ username: "device-user", password: PASSWORD })).toEqual({ status: "challenge", challenge: "SOFTWARE_TOKEN_MFA" });
    expect(await session.confirmSignIn({ answer: totp(secret, host.serverNow() + 30_000) })).toEqual({ status: "signedIn" });
  });

  it("where the pool remembers devices only when the user agrees, MFA is asked until devices.remember()", async () => {
    const env = await devicePool(true);
    await env.createUser("prompt-user", PASSWORD);
    const { host, session } = open(env);
    const secret = await enrol(session, host, "prompt-user");
    await session.signOut({});
    expect(await session.signIn({ username: "prompt-user", password: PASSWORD })).toEqual({ status: "challenge", challenge: "SOFTWARE_TOKEN_MFA" });
    expect(await session.confirmSignIn({ answer: totp(secret, host.serverNow() + 30_000) })).toEqual({ status: "signedIn" });
    await session.devices.remember();
    await session.signOut({});
    expect(await session.signIn({ username: "prompt-user", password: PASSWORD })).toEqual({ status: "signedIn" });
  });

  it("a stored device the pool no longer knows is dropped, and the sign-in goes on without it", async () => {
    const env = await devicePool(false);
    await env.createUser("stale-device", PASSWORD);
    const { host, session } = open(env);
    const secret = await enrol(session, host, "stale-device");
    await session.signOut({});
    // Forgotten by an administrator, unknown to this browser.
    const [device] = (await env.admin.send(new AdminListDevicesCommand({ UserPoolId: env.userPoolId, Username: "stale-device" }))).Devices!;
    await env.admin.send(new AdminForgetDeviceCommand({ UserPoolId: env.userPoolId, Username: "stale-device", DeviceKey: device!.DeviceKey! }));
    expect(await session.signIn({ username: "stale-device", password: PASSWORD })).toEqual({ status: "challenge", challenge: "SOFTWARE_TOKEN_MFA" });
    expect(host.store.data.get(host.deviceKey("stale-device"))).toBeUndefined();
    expect(await session.confirmSignIn({ answer: totp(secret, host.serverNow() + 30_000) })).toEqual({ status: "signedIn" });
  });
});
