/**
 * The challenges a user can meet at sign-in beyond the password, through the SDK's session against
 * our emulator: choosing one of two MFA methods (SELECT_MFA_TYPE), enrolling in a pool that
 * requires MFA (MFA_SETUP), with TOTP codes computed by `otpauth` as an authenticator app would, and
 * a custom challenge asked by the pool's Lambda triggers (CUSTOM_AUTH, CUSTOM_WITH_SRP).
 */
import { SetUserPoolMfaConfigCommand } from "@aws-sdk/client-cognito-identity-provider";
import { URI, type TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TriggerEvent, TriggerTable } from "cognito-idpool-emulator";
import { startTestEmulator, type TestEmulator } from "cognito-idpool-emulator/testing";
import type { SignInResult, TotpSetup, UserPoolSession } from "../../packages/cognito-idpool/src/user-pool/contract.js";
import { createUserPoolSession } from "../../packages/cognito-idpool/src/user-pool/session.js";
import { createLiveHost, type FakeHost } from "../../packages/cognito-idpool/test/fakes/userpool-host.js";
import { createUserPoolEnv, errorOf, mathChallengeTriggers, type UserPoolEnv } from "./userpool-env.js";

const PASSWORD = "Correct-Horse-1";
let emulator: TestEmulator;
const sessions: UserPoolSession[] = [];
/** In-process Lambda triggers by user pool id, filled in by the tests that need them. */
const triggers: TriggerTable = {};

beforeAll(async () => {
  emulator = await startTestEmulator({ triggers });
});

afterAll(async () => {
  for (const session of sessions) session.dispose();
  await emulator?.stop();
});

function open(env: UserPoolEnv): { host: FakeHost; session: UserPoolSession } {
  const host = createLiveHost({ userPoolId: env.userPoolId, clientId: env.clientId, endpoint: emulator.url });
  const session = createUserPoolSession(host);
  sessions.push(session);
  return { host, session };
}

/** A pool whose MFA is `mode`, with TOTP and (if asked) email codes as methods. */
async function poolWithMfa(mode: "OPTIONAL" | "ON", email: boolean): Promise<UserPoolEnv> {
  const env = await createUserPoolEnv(emulator);
  await env.admin.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: env.userPoolId,
      MfaConfiguration: mode,
      SoftwareTokenMfaConfiguration: { Enabled: true },
      ...(email ? { EmailMfaConfiguration: { Message: "Your code is {####}", Subject: "Code" } } : {}),
    }),
  );
  return env;
}

/** The authenticator app the user scans the QR code into. */
function authenticator(setup: TotpSetup | undefined): TOTP {
  if (!setup) throw new Error("expected a TOTP set-up");
  const app = URI.parse(setup.uri("Example Corp")) as TOTP;
  expect(app.secret.base32).toBe(setup.secret);
  expect(app.issuer).toBe("Example Corp");
  return app;
}

const totpSetupOf = (result: SignInResult) => (result.status === "challenge" ? result.totpSetup : undefined);

describe("SELECT_MFA_TYPE", () => {
  it("a user with TOTP and email MFA and no preference chooses email, then answers the emailed code", async () => {
    const env = await poolWithMfa("OPTIONAL", true);
    await env.createUser("two-factors", PASSWORD, { email: "two@example.com", email_verified: "true" });
    const { host, session } = open(env);
    expect(await session.signIn({ username: "two-factors", password: PASSWORD })).toEqual({ status: "signedIn" });
    // Enrol TOTP and email, preferring neither, through the SDK's own MFA calls.
    const app = authenticator(await session.mfa.setUpTotp());
    await session.mfa.verifyTotp({ code: app.generate({ timestamp: host.serverNow() }) });
    await session.mfa.setPreference({ totp: "enabled", email: "enabled" });
    await session.signOut({});

    const chosen = await session.signIn({ username: "two-factors", password: PASSWORD });
    expect(chosen).toMatchObject({ status: "challenge", challenge: "SELECT_MFA_TYPE" });
    expect(chosen.status === "challenge" && [...(chosen.mfaTypes ?? [])].sort()).toEqual(["email", "totp"]);
    // Not offered: refused before any request, and the challenge stays.
    expect((await errorOf(session.confirmSignIn({ answer: "sms" }))).code).toBe("invalid-argument");
    expect(await session.confirmSignIn({ answer: "email" })).toMatchObject({ status: "challenge", challenge: "EMAIL_OTP" });
    const { code } = await env.lastCode("two-factors");
    expect(await session.confirmSignIn({ answer: code })).toEqual({ status: "signedIn" });
    expect((await session.getUser())?.username).toBe("two-factors");
  });
});

describe("MFA_SETUP", () => {
  it("a new user of a pool that requires TOTP enrols at first sign-in (a wrong first code may be retried), then is asked for it", async () => {
    const env = await poolWithMfa("ON", false);
    await env.createUser("new-user", PASSWORD);
    const { host, session } = open(env);
    // One method can be set up: the secret comes at once, nothing to choose.
    const setup = await session.signIn({ username: "new-user", password: PASSWORD });
    expect(setup).toMatchObject({ status: "challenge", challenge: "MFA_SETUP", mfaTypes: ["totp"], setup: "totp" });
    const app = authenticator(totpSetupOf(setup));
    const good = app.generate({ timestamp: host.serverNow() });
    expect((await errorOf(session.confirmSignIn({ answer: good === "000000" ? "111111" : "000000" }))).code).toBe("code-mismatch");
    expect(await session.confirmSignIn({ answer: good, deviceName: "Phone" })).toEqual({ status: "signedIn" });
    expect(await session.mfa.getPreference()).toEqual({ enabled: ["totp"], preferred: "totp" });
    await session.signOut({});

    // The next time step, so the code is not the one used to enrol.
    await emulator.control("clock", { offsetSeconds: 30 });
    try {
      expect(await session.signIn({ username: "new-user", password: PASSWORD })).toEqual({ status: "challenge", challenge: "SOFTWARE_TOKEN_MFA" });
      expect(await session.confirmSignIn({ answer: app.generate({ timestamp: host.serverNow() + 30_000 }) })).toEqual({ status: "signedIn" });
    } finally {
      await emulator.control("clock", { offsetSeconds: 0 });
    }
  });

  it("with two methods to set up, the user picks TOTP first", async () => {
    const env = await poolWithMfa("ON", true);
    // No verified email yet: with one, the pool would send an email code instead of asking to set MFA up.
    await env.createUser("picker", PASSWORD);
    const { host, session } = open(env);
    const offered = await session.signIn({ username: "picker", password: PASSWORD });
    expect(offered).toMatchObject({ status: "challenge", challenge: "MFA_SETUP" });
    expect(offered.status === "challenge" && offered.setup).toBeUndefined();
    expect(offered.status === "challenge" && [...(offered.mfaTypes ?? [])].sort()).toEqual(["email", "totp"]);
    expect((await errorOf(session.confirmSignIn({ answer: "carrier pigeon" }))).code).toBe("invalid-argument");
    const setup = await session.confirmSignIn({ answer: "totp" });
    expect(setup).toMatchObject({ status: "challenge", challenge: "MFA_SETUP", setup: "totp" });
    const app = authenticator(totpSetupOf(setup));
    expect(await session.confirmSignIn({ answer: app.generate({ timestamp: host.serverNow() }) })).toEqual({ status: "signedIn" });
  });

  it("the user picks email: answers with the address, then the code sent there; email is then the user's MFA", async () => {
    const env = await poolWithMfa("ON", true);
    await env.createUser("emailer", PASSWORD);
    const { session } = open(env);
    expect(await session.signIn({ username: "emailer", password: PASSWORD })).toMatchObject({ status: "challenge", challenge: "MFA_SETUP" });
    expect(await session.confirmSignIn({ answer: "email" })).toEqual({
      status: "challenge",
      challenge: "MFA_SETUP",
      mfaTypes: expect.any(Array),
      setup: "email",
    });
    const emailed = await session.confirmSignIn({ answer: "emailer@example.com" });
    expect(emailed).toMatchObject({ status: "challenge", challenge: "EMAIL_OTP" });
    const { code } = await env.lastCode("emailer");
    expect(await session.confirmSignIn({ answer: code })).toEqual({ status: "signedIn" });
    expect(await session.mfa.getPreference()).toEqual({ enabled: ["email"], preferred: "email" });
    expect((await session.fetchUserAttributes())["email_verified"]).toBe("true");
  });
});

describe("clientMetadata", () => {
  it("must be a map of strings: invalid-argument naming it, and nothing is sent", async () => {
    const env = await createUserPoolEnv(emulator);
    const { session } = open(env);
    await emulator.control("requests", undefined, "DELETE");
    const bad = { clientMetadata: { attempt: 1 } as unknown as Record<string, string> };
    for (const call of [
      () => session.signIn({ username: "x", password: PASSWORD, ...bad }),
      () => session.signUp({ username: "x", password: PASSWORD, ...bad }),
      () => session.forgotPassword({ username: "x", ...bad }),
    ]) {
      const error = await errorOf(call());
      expect(error.code).toBe("invalid-argument");
      expect(error.message).toContain("clientMetadata");
    }
    const { requests } = (await emulator.control("requests")) as { requests: unknown[] };
    expect(requests).toEqual([]);
  });
});

describe("CUSTOM_CHALLENGE", () => {
  /** A pool whose triggers ask "what is 2+3?" (after the password, for CUSTOM_WITH_SRP) and record what they saw. */
  async function mathPool(): Promise<{ env: UserPoolEnv; events: TriggerEvent[] }> {
    const env = await createUserPoolEnv(emulator, { client: { ExplicitAuthFlows: ["ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] } });
    const events: TriggerEvent[] = [];
    triggers[env.userPoolId] = mathChallengeTriggers(events);
    return { env, events };
  }

  it("CUSTOM_AUTH: no password, the trigger's question as parameters, a wrong answer asked again, the right one signs in; clientMetadata reaches the triggers", async () => {
    const { env, events } = await mathPool();
    await env.createUser("solver", PASSWORD);
    const { session } = open(env);
    const asked = await session.signIn({ username: "solver", authFlow: "CUSTOM_AUTH" });
    expect(asked).toMatchObject({ status: "challenge", challenge: "CUSTOM_CHALLENGE", parameters: { question: "what is 2+3?" } });
    // The private answer never reaches the page.
    expect(JSON.stringify(asked)).not.toContain('"5"');
    expect(await session.confirmSignIn({ answer: "4" })).toMatchObject({ status: "challenge", challenge: "CUSTOM_CHALLENGE" });
    expect(await session.confirmSignIn({ answer: "5", clientMetadata: { source: "test" } })).toEqual({ status: "signedIn" });
    expect((await session.getUser())?.username).toBe("solver");
    const verified = events.filter((e) => e.triggerSource === "VerifyAuthChallengeResponse_Authentication");
    expect(verified.map((e) => e.request["challengeAnswer"])).toEqual(["4", "5"]);
    expect(verified.at(-1)!.request["clientMetadata"]).toEqual({ source: "test" });
  });

  it("CUSTOM_WITH_SRP: the password is proved by SRP first, then the question is asked", async () => {
    const { env, events } = await mathPool();
    await env.createUser("srp-solver", PASSWORD);
    const { session } = open(env);
    expect((await errorOf(session.signIn({ username: "srp-solver", password: "Wrong-Horse-1", authFlow: "CUSTOM_WITH_SRP" }))).code).toBe(
      "incorrect-username-or-password",
    );
    expect(await session.signIn({ username: "srp-solver", password: PASSWORD, authFlow: "CUSTOM_WITH_SRP" })).toMatchObject({
      status: "challenge",
      challenge: "CUSTOM_CHALLENGE",
    });
    expect(await session.confirmSignIn({ answer: "5" })).toEqual({ status: "signedIn" });
    const histories = events.filter((e) => e.triggerSource === "DefineAuthChallenge_Authentication").map((e) => e.request["session"]);
    expect((histories.at(-1) as { challengeName: string }[]).map((h) => h.challengeName)).toEqual(["SRP_A", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE"]);
  });
});
