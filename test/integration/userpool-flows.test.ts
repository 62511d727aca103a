/**
 * Every user-pool flow of the SDK's session against our emulator's user pool, over HTTP through the
 * AWS SDK client the session uses: SRP and password sign-in, each challenge, sign-up, password
 * reset, each error mapping, renewal before expiry, revocation, and network faults.
 */
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AssociateSoftwareTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestEmulator, type TestEmulator } from "cognito-idpool-emulator/testing";
import type { UserPoolSession } from "../../packages/cognito-idpool/src/user-pool/contract.js";
import { createUserPoolSession } from "../../packages/cognito-idpool/src/user-pool/session.js";
import { createLiveHost, type FakeHost } from "../../packages/cognito-idpool/test/fakes/userpool-host.js";
import { createUserPoolEnv, errorOf, totp, type UserPoolEnv } from "./userpool-env.js";

let emulator: TestEmulator;
let env: UserPoolEnv;
const sessions: UserPoolSession[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator();
  env = await createUserPoolEnv(emulator);
});

afterAll(async () => {
  for (const session of sessions) session.dispose();
  await emulator?.stop();
});

function open(clientId = env.clientId, store?: FakeHost["store"]): { host: FakeHost; session: UserPoolSession } {
  const host = createLiveHost({ userPoolId: env.userPoolId, clientId, endpoint: emulator.url, ...(store ? { store } : {}) });
  const session = createUserPoolSession(host);
  sessions.push(session);
  return { host, session };
}

const issuer = () => `https://cognito-idp.eu-west-1.amazonaws.com/${env.userPoolId}`;
const jwks = () => createRemoteJWKSet(new URL(`${emulator.url}/${env.userPoolId}/.well-known/jwks.json`));

function stored(host: FakeHost) {
  return host.store.data.get(host.tokensKey) as { idToken: string; accessToken: string; refreshToken: string } | undefined;
}

async function loginToken(host: FakeHost): Promise<string> {
  const logins = host.loginsSet.at(-1)!;
  return (logins[`cognito-idp.eu-west-1.amazonaws.com/${env.userPoolId}`] as () => Promise<string>)();
}

describe("sign-in", () => {
  beforeAll(async () => {
    await env.createUser("srp-user", "Correct-Horse-1", { email: "srp@example.com" });
  });

  it("SRP (the default): signed in, login under the AWS issuer, a token the pool's JWKS verifies", async () => {
    const { host, session } = open();
    expect(await session.signIn({ username: "srp-user", password: "Correct-Horse-1" })).toEqual({ status: "signedIn" });
    expect(Object.keys(host.loginsSet[0]!)).toEqual([`cognito-idp.eu-west-1.amazonaws.com/${env.userPoolId}`]);
    const { payload } = await jwtVerify(await loginToken(host), jwks(), { issuer: issuer(), audience: env.clientId });
    expect(payload).toMatchObject({ token_use: "id", "cognito:username": "srp-user", email: "srp@example.com" });
    const user = await session.getUser();
    expect(user).toMatchObject({ username: "srp-user", sub: payload.sub, claims: { email: "srp@example.com" } });
  });

  it("USER_PASSWORD_AUTH", async () => {
    const { host, session } = open();
    expect(await session.signIn({ username: "srp-user", password: "Correct-Horse-1", authFlow: "USER_PASSWORD_AUTH" })).toEqual({ status: "signedIn" });
    await jwtVerify(await loginToken(host), jwks(), { issuer: issuer(), audience: env.clientId });
  });

  it("wrong password, both flows: incorrect-username-or-password, no password in the message", async () => {
    for (const authFlow of ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"] as const) {
      const { session } = open();
      const error = await errorOf(session.signIn({ username: "srp-user", password: "Wrong-Horse-1", authFlow }));
      expect(error.code, authFlow).toBe("incorrect-username-or-password");
      expect(error.message).not.toContain("Wrong-Horse-1");
      expect(await session.getUser()).toBeUndefined();
    }
  });

  it("unknown user: user-not-found on a client without user-existence protection", async () => {
    const clientId = await env.createClient({ PreventUserExistenceErrors: "LEGACY" });
    const { session } = open(clientId);
    expect((await errorOf(session.signIn({ username: "nobody", password: "Whatever-1" }))).code).toBe("user-not-found");
    expect((await errorOf(session.signIn({ username: "nobody", password: "Whatever-1", authFlow: "USER_PASSWORD_AUTH" }))).code).toBe("user-not-found");
  });

  it("password reset required", async () => {
    await env.createUser("reset-user", "Correct-Horse-1");
    const pool = emulator.core.state.cognitoIdp.pools[env.userPoolId]!;
    // No public API sets RESET_REQUIRED (AdminResetUserPassword is not emulated): set it in state.
    const user = Object.values(pool.users).find((u) => u.Username === "reset-user")!;
    user.status = "RESET_REQUIRED";
    const { session } = open();
    expect((await errorOf(session.signIn({ username: "reset-user", password: "Correct-Horse-1" }))).code).toBe("password-reset-required");
  });

  it("too many wrong passwords: too-many-attempts", async () => {
    await env.createUser("locked-user", "Correct-Horse-1");
    const { session } = open();
    const codes: string[] = [];
    for (let i = 0; i < 8; i++)
      codes.push((await errorOf(session.signIn({ username: "locked-user", password: `Wrong-Horse-${i}`, authFlow: "USER_PASSWORD_AUTH" }))).code);
    expect(codes[0]).toBe("incorrect-username-or-password");
    expect(codes.at(-1)).toBe("too-many-attempts");
  });

  it("throttling and network failures are typed and retryable", async () => {
    const { session } = open();
    await emulator.control("faults", { target: "InitiateAuth", error: "TooManyRequestsException", count: 5 });
    const throttled = await errorOf(session.signIn({ username: "srp-user", password: "Correct-Horse-1" }));
    expect(throttled).toMatchObject({ code: "throttled", retryable: true });
    await emulator.control("faults", { clear: true });
    await emulator.control("faults", { target: "InitiateAuth", error: "network", count: 5 });
    const offline = await errorOf(session.signIn({ username: "srp-user", password: "Correct-Horse-1" }));
    expect(offline).toMatchObject({ code: "network-error", retryable: true });
    await emulator.control("faults", { clear: true });
    expect(await session.signIn({ username: "srp-user", password: "Correct-Horse-1" })).toEqual({ status: "signedIn" });
  });

  it("a second sign-in while signed in is refused; after signOut it works", async () => {
    const { session } = open();
    await session.signIn({ username: "srp-user", password: "Correct-Horse-1" });
    expect((await errorOf(session.signIn({ username: "srp-user", password: "Correct-Horse-1" }))).code).toBe("invalid-argument");
    await session.signOut({});
    expect(await session.signIn({ username: "srp-user", password: "Correct-Horse-1" })).toEqual({ status: "signedIn" });
  });
});

describe("challenges", () => {
  it("NEW_PASSWORD_REQUIRED after an admin-created user's temporary password", async () => {
    await env.admin.send(
      new AdminCreateUserCommand({
        UserPoolId: env.userPoolId,
        Username: "new-user",
        TemporaryPassword: "Temporary-9",
        MessageAction: "SUPPRESS",
        UserAttributes: [{ Name: "email", Value: "new@example.com" }],
      }),
    );
    const { session } = open();
    const first = await session.signIn({ username: "new-user", password: "Temporary-9" });
    expect(first).toMatchObject({ status: "challenge", challenge: "NEW_PASSWORD_REQUIRED", userAttributes: { email: "new@example.com" } });
    // A password the policy refuses can be retried within the same challenge.
    expect((await errorOf(session.confirmSignIn({ answer: "short" }))).code).toBe("invalid-password");
    expect(await session.confirmSignIn({ answer: "Brand-New-Pass-1" })).toEqual({ status: "signedIn" });
    await session.signOut({});
    expect(await session.signIn({ username: "new-user", password: "Brand-New-Pass-1" })).toEqual({ status: "signedIn" });
    const status = await env.admin.send(new AdminGetUserCommand({ UserPoolId: env.userPoolId, Username: "new-user" }));
    expect(status.UserStatus).toBe("CONFIRMED");
  });

  it("SOFTWARE_TOKEN_MFA with a TOTP computed from the AssociateSoftwareToken secret", async () => {
    await env.admin.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: env.userPoolId, MfaConfiguration: "OPTIONAL", SoftwareTokenMfaConfiguration: { Enabled: true } }),
    );
    await env.createUser("totp-user", "Correct-Horse-1");
    const { host, session } = open();
    await session.signIn({ username: "totp-user", password: "Correct-Horse-1" });
    const accessToken = stored(host)!.accessToken;
    const { SecretCode } = await env.admin.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    const serverNow = () => Date.now() + host.offsetMs;
    await env.admin.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(SecretCode!, serverNow()) }));
    await env.admin.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
    await session.signOut({});
    // Next time step, so the code is not the one just used to verify.
    await emulator.control("clock", { offsetSeconds: 30 });
    try {
      expect(await session.signIn({ username: "totp-user", password: "Correct-Horse-1" })).toEqual({ status: "challenge", challenge: "SOFTWARE_TOKEN_MFA" });
      const good = totp(SecretCode!, serverNow());
      const wrong = good === "000000" ? "111111" : "000000";
      expect((await errorOf(session.confirmSignIn({ answer: wrong }))).code).toBe("code-mismatch");
      expect(await session.confirmSignIn({ answer: good })).toEqual({ status: "signedIn" });
      expect((await session.getUser())?.username).toBe("totp-user");
    } finally {
      await emulator.control("clock", { offsetSeconds: 0 });
    }
  });

  it("SMS_MFA and EMAIL_OTP with the code the pool sent", async () => {
    await env.admin.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: env.userPoolId,
        MfaConfiguration: "OPTIONAL",
        SmsMfaConfiguration: { SmsConfiguration: { SnsCallerArn: "arn:aws:iam::000000000000:role/sns" } },
        EmailMfaConfiguration: { Message: "Your code is {####}", Subject: "Code" },
        SoftwareTokenMfaConfiguration: { Enabled: true },
      }),
    );
    for (const [method, settings] of [
      ["SMS_MFA", { SMSMfaSettings: { Enabled: true, PreferredMfa: true } }],
      ["EMAIL_OTP", { EmailMfaSettings: { Enabled: true, PreferredMfa: true } }],
    ] as const) {
      const username = `${method.toLowerCase()}-user`;
      await env.createUser(username, "Correct-Horse-1", {
        email: `${username}@example.com`,
        email_verified: "true",
        phone_number: "+15555550100",
        phone_number_verified: "true",
      });
      const { host, session } = open();
      await session.signIn({ username, password: "Correct-Horse-1" });
      await env.admin.send(new SetUserMFAPreferenceCommand({ AccessToken: stored(host)!.accessToken, ...settings }));
      await session.signOut({});
      const challenge = await session.signIn({ username, password: "Correct-Horse-1" });
      expect(challenge).toMatchObject({ status: "challenge", challenge: method });
      expect((challenge as { codeDeliveryDestination?: string }).codeDeliveryDestination).toBeTruthy();
      const { code, kind } = await env.lastCode(username);
      expect(kind).toBe("mfa");
      expect((await errorOf(session.confirmSignIn({ answer: code === "000000" ? "111111" : "000000" }))).code).toBe("code-mismatch");
      expect(await session.confirmSignIn({ answer: code }), method).toEqual({ status: "signedIn" });
    }
  });

  it("confirmSignIn with no challenge pending", async () => {
    const { session } = open();
    expect((await errorOf(session.confirmSignIn({ answer: "123456" }))).code).toBe("no-pending-challenge");
  });
});

describe("sign-up and password reset", () => {
  it("signUp, a wrong code, confirmSignUp, then sign-in", async () => {
    const { session } = open();
    const result = await session.signUp({ username: "signup-user", password: "Sign-Up-Pass-1", userAttributes: { email: "signup@example.com" } });
    expect(result.userConfirmed).toBe(false);
    expect(result.userSub).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.codeDelivery).toMatchObject({ deliveryMedium: "EMAIL", attributeName: "email" });
    expect((await errorOf(session.signIn({ username: "signup-user", password: "Sign-Up-Pass-1" }))).code).toBe("user-not-confirmed");
    const { code, kind } = await env.lastCode("signup-user");
    expect(kind).toBe("confirmation");
    expect((await errorOf(session.confirmSignUp({ username: "signup-user", code: code === "000000" ? "111111" : "000000" }))).code).toBe("code-mismatch");
    await session.confirmSignUp({ username: "signup-user", code });
    expect(await session.signIn({ username: "signup-user", password: "Sign-Up-Pass-1" })).toEqual({ status: "signedIn" });
    expect((await session.getUser())?.sub).toBe(result.userSub);
  });

  it("resendSignUpCode sends a new code that confirms", async () => {
    const { session } = open();
    await session.signUp({ username: "resend-user", password: "Sign-Up-Pass-1", userAttributes: { email: "resend@example.com" } });
    const delivery = await session.resendSignUpCode({ username: "resend-user" });
    expect(delivery).toMatchObject({ deliveryMedium: "EMAIL" });
    const second = await env.lastCode("resend-user");
    expect(second.kind).toBe("confirmation");
    await session.confirmSignUp({ username: "resend-user", code: second.code });
    expect(await session.signIn({ username: "resend-user", password: "Sign-Up-Pass-1" })).toEqual({ status: "signedIn" });
  });

  it("signUp errors: username-exists, invalid-password, invalid-argument", async () => {
    const { session } = open();
    await session.signUp({ username: "taken-user", password: "Sign-Up-Pass-1", userAttributes: { email: "taken@example.com" } });
    expect((await errorOf(session.signUp({ username: "taken-user", password: "Sign-Up-Pass-1" }))).code).toBe("username-exists");
    const weak = await errorOf(session.signUp({ username: "weak-user", password: "weakpass" }));
    expect(weak.code).toBe("invalid-password");
    expect(weak.message).not.toContain("weakpass");
    expect((await errorOf(session.signUp({ username: "", password: "Sign-Up-Pass-1" }))).code).toBe("invalid-argument");
  });

  it("an expired confirmation code: code-expired", async () => {
    const { session } = open();
    await session.signUp({ username: "late-user", password: "Sign-Up-Pass-1", userAttributes: { email: "late@example.com" } });
    const { code } = await env.lastCode("late-user");
    await emulator.control("clock", { offsetSeconds: 25 * 3600 });
    try {
      expect((await errorOf(session.confirmSignUp({ username: "late-user", code }))).code).toBe("code-expired");
    } finally {
      await emulator.control("clock", { offsetSeconds: 0 });
    }
  });

  it("forgotPassword + confirmForgotPassword: the new password works, the old one does not", async () => {
    await env.createUser("forgot-user", "Old-Password-1", { email: "forgot@example.com", email_verified: "true" });
    const { session } = open();
    const delivery = await session.forgotPassword({ username: "forgot-user" });
    expect(delivery).toMatchObject({ deliveryMedium: "EMAIL", attributeName: "email" });
    const { code, kind } = await env.lastCode("forgot-user");
    expect(kind).toBe("reset");
    expect(
      (await errorOf(session.confirmForgotPassword({ username: "forgot-user", code: code === "000000" ? "111111" : "000000", newPassword: "New-Password-1" })))
        .code,
    ).toBe("code-mismatch");
    expect((await errorOf(session.confirmForgotPassword({ username: "forgot-user", code, newPassword: "weak" }))).code).toBe("invalid-password");
    await session.confirmForgotPassword({ username: "forgot-user", code, newPassword: "New-Password-1" });
    expect((await errorOf(session.signIn({ username: "forgot-user", password: "Old-Password-1" }))).code).toBe("incorrect-username-or-password");
    expect(await session.signIn({ username: "forgot-user", password: "New-Password-1" })).toEqual({ status: "signedIn" });
  });
});

describe("tokens: renewal, revocation, faults, sign-out", () => {
  let shortClient: string;
  beforeAll(async () => {
    // ID and access tokens that last 8 seconds: renewal (at about exp − 2 s) happens during the test.
    shortClient = await env.createClient({ IdTokenValidity: 8, AccessTokenValidity: 8, TokenValidityUnits: { IdToken: "seconds", AccessToken: "seconds" } });
    await env.createUser("renew-user", "Correct-Horse-1");
  });

  it("renews a short-lived ID token before it expires, so the login never hands out an expired token", async () => {
    const { host, session } = open(shortClient);
    await session.signIn({ username: "renew-user", password: "Correct-Horse-1" });
    const seen = new Set<string>();
    // Across three lifetimes, every token the login function hands out is unexpired and verifies.
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      const token = await loginToken(host);
      seen.add(token);
      const { payload } = await jwtVerify(token, jwks(), { issuer: issuer(), audience: shortClient, currentDate: new Date(Date.now() + host.offsetMs) });
      expect(payload["cognito:username"]).toBe("renew-user");
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(host.sessionsEnded).toEqual([]);
  });

  it("a revoked refresh token ends the session: tokens forgotten, sessionExpired", async () => {
    const { host, session } = open(shortClient);
    await session.signIn({ username: "renew-user", password: "Correct-Horse-1" });
    await env.admin.send(new RevokeTokenCommand({ Token: stored(host)!.refreshToken, ClientId: shortClient }));
    await vi.waitFor(() => expect(host.sessionsEnded).toEqual(["sessionExpired"]), { timeout: 20_000, interval: 200 });
    expect(stored(host)).toBeUndefined();
    expect(await session.getUser()).toBeUndefined();
  });

  it("a network fault during renewal does not end the session; renewal succeeds once the network is back", async () => {
    const { host, session } = open(shortClient);
    await session.signIn({ username: "renew-user", password: "Correct-Horse-1" });
    const before = stored(host)!.idToken;
    await emulator.control("requests", undefined, "DELETE");
    await emulator.control("faults", { target: "GetTokensFromRefreshToken", error: "network", count: 6 });
    // Wait until renewal attempts have hit every injected fault (the request log shows status 0).
    await vi.waitFor(
      async () => {
        const { requests } = (await emulator.control("requests")) as { requests: { operation: string; status: number }[] };
        expect(requests.filter((r) => r.operation === "GetTokensFromRefreshToken" && r.status === 0).length).toBe(6);
      },
      { timeout: 40_000, interval: 250 },
    );
    expect(host.sessionsEnded).toEqual([]);
    expect(stored(host)).toBeDefined();
    await vi.waitFor(() => expect(stored(host)!.idToken).not.toBe(before), { timeout: 40_000, interval: 250 });
    expect(host.sessionsEnded).toEqual([]);
  });

  it("a reload restores the session; an expired ID token is renewed first", async () => {
    const first = open(shortClient);
    await first.session.signIn({ username: "renew-user", password: "Correct-Horse-1" });
    first.session.dispose();
    const oldToken = stored(first.host)!.idToken;
    // Nine seconds later (emulator and device alike), the stored ID token has expired.
    await emulator.control("clock", { offsetSeconds: 9 });
    try {
      const reloaded = open(shortClient, first.host.store);
      reloaded.host.offsetMs = 9000;
      expect(await reloaded.session.restore()).toBe(true);
      const token = await loginToken(reloaded.host);
      expect(token).not.toBe(oldToken);
      await jwtVerify(token, jwks(), { issuer: issuer(), audience: shortClient, currentDate: new Date(Date.now() + 9000) });
    } finally {
      await emulator.control("clock", { offsetSeconds: 0 });
    }
  });

  it("signOut revokes the refresh token at the pool", async () => {
    const { host, session } = open();
    await session.signIn({ username: "renew-user", password: "Correct-Horse-1" });
    const { refreshToken } = stored(host)!;
    await session.signOut({});
    expect(stored(host)).toBeUndefined();
    const refused = await env.admin
      .send(new InitiateAuthCommand({ AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: env.clientId, AuthParameters: { REFRESH_TOKEN: refreshToken } }))
      .catch((e: unknown) => e);
    expect((refused as Error).name).toBe("NotAuthorizedException");
  });

  it("global signOut invalidates the access token everywhere", async () => {
    const { host, session } = open();
    await session.signIn({ username: "renew-user", password: "Correct-Horse-1" });
    const { accessToken } = stored(host)!;
    await session.signOut({ global: true });
    const refused = await env.admin.send(new GetUserCommand({ AccessToken: accessToken })).catch((e: unknown) => e);
    expect((refused as Error).name).toBe("NotAuthorizedException");
  });

  it("signOut with the network down signs out locally, then reports the failed revocation", async () => {
    const { host, session } = open();
    await session.signIn({ username: "renew-user", password: "Correct-Horse-1" });
    const { refreshToken } = stored(host)!;
    await emulator.control("faults", { target: "RevokeToken", error: "network", count: 5 });
    let error: { code: string; message: string };
    try {
      error = await errorOf(session.signOut({}));
    } finally {
      await emulator.control("faults", { clear: true });
    }
    expect(error.code).toBe("network-error");
    expect(error.message).not.toContain(refreshToken);
    expect(stored(host)).toBeUndefined();
    expect(await session.getUser()).toBeUndefined();
    // Not revoked at the pool: the app was told, and the token still works there.
    const still = await env.admin.send(
      new InitiateAuthCommand({ AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: env.clientId, AuthParameters: { REFRESH_TOKEN: refreshToken } }),
    );
    expect(still.AuthenticationResult?.IdToken).toBeTruthy();
  });
});
