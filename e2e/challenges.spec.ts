// Sign-ins beyond the password, in Chromium through the script-tag build on e2e/sessions-page.html:
// a new user of a pool that requires MFA enrols an authenticator app at the first sign-in and is
// asked for it at the next one (codes from `otpauth`, as from an authenticator app); a custom
// challenge asked by the pool's Lambda triggers, served here as a local HTTP endpoint; and a Google
// login from the emulator's stand-in, handed to `setLogins`. The pools are this file's own, added to
// the demo identity pool (with Google as a provider) for the length of the file.
import { CognitoIdentityClient } from "@aws-sdk/client-cognito-identity";
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  SetUserPoolMfaConfigCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { expect, test, type Page } from "@playwright/test";
import { createControlClient } from "cognito-idpool-emulator/testing/control";
import { createServer, type Server } from "node:http";
import { URI, type TOTP } from "otpauth";
import { close, listen } from "./servers.js";
import {
  adminConfig,
  DEMO_BUCKET,
  emulatorClock,
  emulatorUrl,
  extendDemoIdentityPool,
  IDENTITY_POOL_ID,
  PASSWORD,
  scriptTagUrl,
  unique,
  userPoolProvider,
} from "./support.js";

let idp: CognitoIdentityProviderClient;
let identity: CognitoIdentityClient;
let restoreIdentityPool: (() => Promise<void>) | undefined;
const pool = { userPoolId: "", clientId: "" };
/** A pool like `pool` that also remembers devices, so that a remembered browser skips MFA. */
const devicePool = { userPoolId: "", clientId: "" };
/** The custom-challenge pool, whose triggers are `triggerServer`'s endpoint. */
const customPool = { userPoolId: "", clientId: "" };
let triggerServer: Server | undefined;
/** The answers VerifyAuthChallengeResponse saw. */
const answersSeen: string[] = [];
/** The app id the identity pool expects in Google ID tokens (`aud`). */
const GOOGLE_APP = "e2e-app.apps.googleusercontent.com";

/**
 * The pool's Lambda triggers as one local HTTP endpoint (the emulator POSTs each event as JSON): ask
 * "what is 2+3?", allow three tries, accept "5".
 */
function answerTrigger(event: { triggerSource: string; request: Record<string, unknown>; response: Record<string, unknown> }): Record<string, unknown> {
  const session = (event.request["session"] ?? []) as { challengeName: string; challengeResult: boolean }[];
  const last = session.at(-1);
  switch (event.triggerSource) {
    case "DefineAuthChallenge_Authentication":
      if (last?.challengeResult) return { issueTokens: true, failAuthentication: false };
      if (session.length >= 3) return { issueTokens: false, failAuthentication: true };
      return { challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false };
    case "CreateAuthChallenge_Authentication":
      return { publicChallengeParameters: { question: "what is 2+3?" }, privateChallengeParameters: { answer: "5" }, challengeMetadata: "MATH" };
    case "VerifyAuthChallengeResponse_Authentication":
      answersSeen.push(String(event.request["challengeAnswer"]));
      return { answerCorrect: event.request["challengeAnswer"] === "5" };
  }
  throw new Error(`unexpected trigger ${event.triggerSource}`);
}

async function startTriggerServer(): Promise<string> {
  triggerServer = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const event = JSON.parse(body) as Parameters<typeof answerTrigger>[0];
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ...event, response: { ...event.response, ...answerTrigger(event) } }));
    });
  });
  return listen(triggerServer);
}

test.beforeAll(async () => {
  idp = new CognitoIdentityProviderClient(adminConfig());
  identity = new CognitoIdentityClient(adminConfig());
  const created = await idp.send(new CreateUserPoolCommand({ PoolName: unique("mfa") }));
  pool.userPoolId = created.UserPool!.Id!;
  await idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.userPoolId, MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } }));
  const client = await idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: pool.userPoolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  pool.clientId = client.UserPoolClient!.ClientId!;

  const tracking = await idp.send(
    new CreateUserPoolCommand({
      PoolName: unique("devices"),
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false },
    }),
  );
  devicePool.userPoolId = tracking.UserPool!.Id!;
  await idp.send(
    new SetUserPoolMfaConfigCommand({ UserPoolId: devicePool.userPoolId, MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } }),
  );
  const trackingClient = await idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: devicePool.userPoolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  devicePool.clientId = trackingClient.UserPoolClient!.ClientId!;

  const url = await startTriggerServer();
  const custom = await idp.send(
    new CreateUserPoolCommand({
      PoolName: unique("custom"),
      LambdaConfig: { DefineAuthChallenge: url, CreateAuthChallenge: url, VerifyAuthChallengeResponse: url },
    }),
  );
  customPool.userPoolId = custom.UserPool!.Id!;
  const customClient = await idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: customPool.userPoolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  customPool.clientId = customClient.UserPoolClient!.ClientId!;

  // The identity pool takes ID tokens only from the user pools and app clients it lists, and
  // Google tokens only for the app it names.
  restoreIdentityPool = await extendDemoIdentityPool(identity, (original) => ({
    CognitoIdentityProviders: [
      ...(original.CognitoIdentityProviders ?? []),
      ...[pool, customPool, devicePool].map((p) => userPoolProvider(p.userPoolId, p.clientId)),
    ],
    SupportedLoginProviders: { ...original.SupportedLoginProviders, "accounts.google.com": GOOGLE_APP },
  }));
});

test.afterAll(async () => {
  await restoreIdentityPool?.();
  for (const { userPoolId } of [pool, customPool, devicePool]) if (userPoolId) await idp.send(new DeleteUserPoolCommand({ UserPoolId: userPoolId }));
  if (triggerServer) await close(triggerServer);
  await emulatorClock.set(0);
  idp?.destroy();
  identity?.destroy();
});

async function createUser(username: string, userPoolId = pool.userPoolId): Promise<void> {
  await idp.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: username, MessageAction: "SUPPRESS" }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
}

/** The page's identity id. */
const identityIdOf = (page: Page) =>
  page.evaluate(async () => (window as unknown as { harness: { auth: { getIdentityId(): Promise<string> } } }).harness.auth.getIdentityId());

async function openPage(page: Page, userPool = pool): Promise<void> {
  const query = new URLSearchParams({ endpoint: emulatorUrl(), identityPoolId: IDENTITY_POOL_ID, ...userPool, bucket: DEMO_BUCKET });
  await page.goto(`${scriptTagUrl()}/sessions.html?${query}`);
  await page.waitForFunction(() => "harness" in window);
}

/** Runs `auth.<method>(input)` in the page; resolves to its result (functions dropped) or `{ error: code }`. */
function call(page: Page, method: "signIn" | "confirmSignIn", input: Record<string, unknown>) {
  return page.evaluate(
    async ([name, arg]) => {
      const auth = (window as unknown as { harness: { auth: Record<string, (x: unknown) => Promise<Record<string, unknown>>> } }).harness.auth;
      try {
        const result = await auth[name]!(arg);
        // The QR-code URI, as the app would render it from the set-up.
        const setup = result["totpSetup"] as { uri(issuer: string): string } | undefined;
        return setup ? { ...result, totpSetup: undefined, uri: setup.uri("Example Corp") } : result;
      } catch (error) {
        return { error: (error as { code?: string }).code ?? String(error) };
      }
    },
    [method, input] as const,
  );
}

test("a new user of a pool that requires MFA enrols an authenticator app at first sign-in, then is asked for it", async ({ page }) => {
  const username = unique("mfa-user");
  await createUser(username);
  await openPage(page);

  const setup = await call(page, "signIn", { username, password: PASSWORD });
  expect(setup).toMatchObject({ status: "challenge", challenge: "MFA_SETUP", mfaTypes: ["totp"], setup: "totp" });
  const app = URI.parse(String(setup["uri"])) as TOTP;
  expect(app.issuer).toBe("Example Corp");
  expect(app.label).toBe(username);
  // The emulator's clock is the host's here (offset 0): the app and the pool agree on the time step.
  const first = app.generate();
  expect(await call(page, "confirmSignIn", { answer: first === "000000" ? "111111" : "000000" })).toEqual({ error: "code-mismatch" });
  expect(await call(page, "confirmSignIn", { answer: first, deviceName: "Test phone" })).toEqual({ status: "signedIn" });
  const identityId = await page.evaluate(
    async () => await (window as unknown as { harness: { auth: { getIdentityId(): Promise<string> } } }).harness.auth.getIdentityId(),
  );
  expect(await page.evaluate(() => (window as unknown as { harness: { listOwnNow(): Promise<string> } }).harness.listOwnNow())).toBe("ok");
  await page.evaluate(() => (window as unknown as { harness: { auth: { signOut(): Promise<void> } } }).harness.auth.signOut());

  // A later time step, so the code is not the one just used to enrol; the page learns the pool's
  // time from its answers, as it would on a device whose clock is off.
  await emulatorClock.set(30);
  await openPage(page);
  expect(await call(page, "signIn", { username, password: PASSWORD })).toEqual({ status: "challenge", challenge: "SOFTWARE_TOKEN_MFA" });
  expect(await call(page, "confirmSignIn", { answer: app.generate({ timestamp: Date.now() + 30_000 }) })).toEqual({ status: "signedIn" });
  // The same user, so the same identity as at the first sign-in.
  expect(
    await page.evaluate(async () => await (window as unknown as { harness: { auth: { getIdentityId(): Promise<string> } } }).harness.auth.getIdentityId()),
  ).toBe(identityId);
});

test("a remembered browser skips MFA at the next sign-in; another browser, or this one once it forgets itself, is asked again", async ({ page }) => {
  const username = unique("device-user");
  await createUser(username, devicePool.userPoolId);
  await openPage(page, devicePool);
  const setup = await call(page, "signIn", { username, password: PASSWORD });
  expect(setup).toMatchObject({ status: "challenge", challenge: "MFA_SETUP", setup: "totp" });
  const app = URI.parse(String(setup["uri"])) as TOTP;
  expect(await call(page, "confirmSignIn", { answer: app.generate() })).toEqual({ status: "signedIn" });
  const devices = await page.evaluate(() =>
    (window as unknown as { harness: { auth: { devices: { list(): Promise<{ current: boolean; remembered: boolean }[]> } } } }).harness.auth.devices.list(),
  );
  expect(devices).toEqual([expect.objectContaining({ current: true, remembered: true })]);
  await page.evaluate(() => (window as unknown as { harness: { auth: { signOut(): Promise<void> } } }).harness.auth.signOut());

  // After a reload, the same browser (its IndexedDB keeps the device secret through sign-out): no MFA.
  await openPage(page, devicePool);
  expect(await call(page, "signIn", { username, password: PASSWORD })).toEqual({ status: "signedIn" });
  expect(await page.evaluate(() => (window as unknown as { harness: { listOwnNow(): Promise<string> } }).harness.listOwnNow())).toBe("ok");

  // Another browser is a new device.
  const other = await page.context().browser()!.newContext();
  try {
    const otherPage = await other.newPage();
    await openPage(otherPage, devicePool);
    expect(await call(otherPage, "signIn", { username, password: PASSWORD })).toEqual({ status: "challenge", challenge: "SOFTWARE_TOKEN_MFA" });
  } finally {
    await other.close();
  }

  await page.evaluate(() => (window as unknown as { harness: { auth: { devices: { forget(): Promise<void> } } } }).harness.auth.devices.forget());
  await page.evaluate(() => (window as unknown as { harness: { auth: { signOut(): Promise<void> } } }).harness.auth.signOut());
  expect(await call(page, "signIn", { username, password: PASSWORD })).toEqual({ status: "challenge", challenge: "SOFTWARE_TOKEN_MFA" });
});

test("a custom challenge from the pool's triggers: the question is shown, a wrong answer is asked again, the right one signs in", async ({ page }) => {
  const username = unique("solver");
  await createUser(username, customPool.userPoolId);
  await openPage(page, customPool);
  answersSeen.length = 0;

  const asked = await call(page, "signIn", { username, authFlow: "CUSTOM_AUTH" });
  expect(asked).toMatchObject({ status: "challenge", challenge: "CUSTOM_CHALLENGE", parameters: { question: "what is 2+3?" } });
  expect(await call(page, "confirmSignIn", { answer: "4" })).toMatchObject({ status: "challenge", challenge: "CUSTOM_CHALLENGE" });
  expect(await call(page, "confirmSignIn", { answer: "5" })).toEqual({ status: "signedIn" });
  expect(answersSeen).toEqual(["4", "5"]);
  expect(await page.evaluate(() => (window as unknown as { harness: { listOwnNow(): Promise<string> } }).harness.listOwnNow())).toBe("ok");
});

test("a Google login from the emulator's stand-in through setLogins: authenticated, and the same Google user gets the same identity again", async ({
  page,
}) => {
  const control = createControlClient(emulatorUrl());
  const sub = unique("google-user");
  const setGoogle = async () => {
    const { token } = await control.mintSocialToken("accounts.google.com", { audience: GOOGLE_APP, sub, email: `${sub}@example.com` });
    return page.evaluate(async (idToken) => {
      const { auth } = (window as unknown as { harness: { auth: { setLogins(l: Record<string, string>): Promise<void>; getState(): { status: string } } } })
        .harness;
      await auth.setLogins({ "accounts.google.com": idToken });
      return auth.getState().status;
    }, token);
  };
  await openPage(page);
  expect(await setGoogle()).toBe("authenticated");
  const first = await identityIdOf(page);
  expect(await page.evaluate(() => (window as unknown as { harness: { listOwnNow(): Promise<string> } }).harness.listOwnNow())).toBe("ok");

  // Another browser, the same Google account: the same identity, so the same private files.
  const other = await page.context().browser()!.newPage();
  try {
    await openPage(other);
    const { token } = await control.mintSocialToken("accounts.google.com", { audience: GOOGLE_APP, sub });
    await other.evaluate(async (idToken) => {
      await (window as unknown as { harness: { auth: { setLogins(l: Record<string, string>): Promise<void> } } }).harness.auth.setLogins({
        "accounts.google.com": idToken,
      });
    }, token);
    expect(await identityIdOf(other)).toBe(first);
  } finally {
    await other.close();
  }
  // A token for another app is refused with a typed error, and the page keeps its identity.
  const { token: foreign } = await control.mintSocialToken("accounts.google.com", { audience: "another-app", sub });
  const refused = await page.evaluate(async (idToken) => {
    const { auth } = (window as unknown as { harness: { auth: { setLogins(l: Record<string, string>): Promise<void> } } }).harness;
    return auth.setLogins({ "accounts.google.com": idToken }).then(
      () => "accepted",
      (error: { code?: string }) => error.code,
    );
  }, foreign);
  expect(refused).toBe("unsupported-login-provider");
  expect(await identityIdOf(page)).toBe(first);
});
