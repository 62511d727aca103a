// Choice-based sign-in in Chromium through the script-tag build on e2e/sessions-page.html, served
// from http://localhost (a WebAuthn relying party id cannot be an IP address): a user signs in with
// a password, registers a passkey in the browser's virtual authenticator (CDP, resident key, user
// verification), signs out and signs in with the passkey into the same identity; a dismissed
// prompt is a typed error that leaves the challenge to be answered again; and a one-time code by
// email signs a user in without a password.
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
import { expect, test, type CDPSession, type Page } from "@playwright/test";
import { createControlClient } from "cognito-idpool-emulator/testing/control";
import {
  adminConfig,
  DEMO_BUCKET,
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

test.beforeAll(async () => {
  idp = new CognitoIdentityProviderClient(adminConfig());
  identity = new CognitoIdentityClient(adminConfig());
  const created = await idp.send(
    new CreateUserPoolCommand({
      PoolName: unique("passwordless"),
      Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"] } },
    }),
  );
  pool.userPoolId = created.UserPool!.Id!;
  await idp.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: pool.userPoolId,
      MfaConfiguration: "OFF",
      WebAuthnConfiguration: { RelyingPartyId: "localhost", UserVerification: "required" },
    }),
  );
  const client = await idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: pool.userPoolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  pool.clientId = client.UserPoolClient!.ClientId!;
  restoreIdentityPool = await extendDemoIdentityPool(identity, (original) => ({
    CognitoIdentityProviders: [...(original.CognitoIdentityProviders ?? []), userPoolProvider(pool.userPoolId, pool.clientId)],
  }));
});

test.afterAll(async () => {
  await restoreIdentityPool?.();
  if (pool.userPoolId) await idp.send(new DeleteUserPoolCommand({ UserPoolId: pool.userPoolId }));
  idp?.destroy();
  identity?.destroy();
});

async function createUser(username: string): Promise<void> {
  await idp.send(
    new AdminCreateUserCommand({
      UserPoolId: pool.userPoolId,
      Username: username,
      MessageAction: "SUPPRESS",
      UserAttributes: [
        { Name: "email", Value: `${username}@example.com` },
        { Name: "email_verified", Value: "true" },
      ],
    }),
  );
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
}

/** The harness page from http://localhost, where `localhost` is a valid relying party id. */
async function openPage(page: Page): Promise<void> {
  const query = new URLSearchParams({ endpoint: emulatorUrl(), identityPoolId: IDENTITY_POOL_ID, ...pool, bucket: DEMO_BUCKET });
  await page.goto(`${scriptTagUrl().replace("127.0.0.1", "localhost")}/sessions.html?${query}`);
  await page.waitForFunction(() => "harness" in window);
}

/** Chromium's virtual authenticator for this page: a platform authenticator with resident keys that verifies the user. */
async function addAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

/** Runs `auth.<path>(input)` in the page; resolves to its result or `{ error: code }`. */
function run(page: Page, path: string, input?: unknown) {
  return page.evaluate(
    async ([name, arg]) => {
      let target: unknown = (window as unknown as { harness: { auth: unknown } }).harness.auth;
      const parts = name.split(".");
      const method = parts.pop()!;
      for (const part of parts) target = (target as Record<string, unknown>)[part];
      try {
        const result = await (target as Record<string, (x: unknown) => Promise<unknown>>)[method]!(arg);
        return JSON.parse(JSON.stringify(result ?? null)) as unknown;
      } catch (error) {
        return { error: (error as { code?: string }).code ?? String(error) };
      }
    },
    [path, input] as const,
  );
}

test("a passkey registered after a password sign-in signs the user in later, into the same identity", async ({ page }) => {
  const username = unique("passkey-user");
  await createUser(username);
  await openPage(page);
  const { cdp, authenticatorId } = await addAuthenticator(page);

  expect(await run(page, "signIn", { username, password: PASSWORD })).toEqual({ status: "signedIn" });
  const identityId = await run(page, "getIdentityId");
  expect(await run(page, "passkeys.register")).toBeNull();
  const passkeys = (await run(page, "passkeys.list")) as { credentialId: string; relyingPartyId: string }[];
  expect(passkeys).toHaveLength(1);
  expect(passkeys[0]!.relyingPartyId).toBe("localhost");
  const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
  expect(credentials).toHaveLength(1);
  expect(credentials[0]!.isResidentCredential).toBe(true);
  await run(page, "signOut");

  // A dismissed prompt (here: the authenticator cannot verify the user) is passkey-cancelled, and
  // the pool's challenge stays, so the app can ask again.
  await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: false });
  const before = await run(page, "getState");
  expect(await run(page, "signIn", { username, authFlow: "USER_AUTH", preferredChallenge: "WEB_AUTHN" })).toEqual({ error: "passkey-cancelled" });
  expect(await run(page, "getState")).toEqual(before);
  await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: true });
  expect(await run(page, "confirmSignIn", { answer: "WEB_AUTHN" })).toEqual({ status: "signedIn" });
  expect(await run(page, "getIdentityId")).toBe(identityId);
  expect(await page.evaluate(() => (window as unknown as { harness: { listOwnNow(): Promise<string> } }).harness.listOwnNow())).toBe("ok");

  // Deleted at the pool: the passkey no longer signs in.
  await run(page, "passkeys.delete", passkeys[0]!.credentialId);
  expect(await run(page, "passkeys.list")).toEqual([]);
  await run(page, "signOut");
  const after = (await run(page, "signIn", { username, authFlow: "USER_AUTH" })) as { availableChallenges?: string[] };
  expect(after.availableChallenges).not.toContain("WEB_AUTHN");
});

test("a one-time code by email signs a user in without a password", async ({ page }) => {
  const username = unique("otp-user");
  await createUser(username);
  await openPage(page);
  const offered = (await run(page, "signIn", { username, authFlow: "USER_AUTH" })) as { challenge: string; availableChallenges: string[] };
  expect(offered.challenge).toBe("SELECT_CHALLENGE");
  expect(offered.availableChallenges).toContain("EMAIL_OTP");
  expect(await run(page, "confirmSignIn", { answer: "EMAIL_OTP" })).toMatchObject({ status: "challenge", challenge: "EMAIL_OTP" });
  const { code } = await createControlClient(emulatorUrl()).lastCode(pool.userPoolId, username);
  expect(await run(page, "confirmSignIn", { answer: code })).toEqual({ status: "signedIn" });
  expect(await run(page, "getUser")).toMatchObject({ username });
  expect(await page.evaluate(() => (window as unknown as { harness: { listOwnNow(): Promise<string> } }).harness.listOwnNow())).toBe("ok");
});
