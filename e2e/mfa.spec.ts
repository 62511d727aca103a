// MFA at sign-in in Chromium: a new user of a pool that requires MFA enrols an authenticator app at
// the first sign-in and is asked for it at the next one, through the script-tag build on
// e2e/sessions-page.html. The pool is this file's own (MFA required, TOTP), added to the demo
// identity pool for the length of the file; codes come from `otpauth`, as from an authenticator app.
import {
  CognitoIdentityClient,
  DescribeIdentityPoolCommand,
  UpdateIdentityPoolCommand,
  type UpdateIdentityPoolCommandInput,
} from "@aws-sdk/client-cognito-identity";
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
import { URI, type TOTP } from "otpauth";
import { emulatorClock, emulatorUrl, PASSWORD, scriptTagUrl, seed, unique } from "./support.js";

const IDENTITY_POOL_ID = seed.identityPools[0]!.IdentityPoolId;
const BUCKET = seed.buckets[0]!.Name;
const admin = { region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } };
let idp: CognitoIdentityProviderClient;
let identity: CognitoIdentityClient;
let originalPool: UpdateIdentityPoolCommandInput | undefined;
const pool = { userPoolId: "", clientId: "" };

test.beforeAll(async () => {
  idp = new CognitoIdentityProviderClient({ ...admin, endpoint: emulatorUrl() });
  identity = new CognitoIdentityClient({ ...admin, endpoint: emulatorUrl() });
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
  // The identity pool takes ID tokens only from the user pools and app clients it lists.
  const { $metadata: _, ...described } = await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: IDENTITY_POOL_ID }));
  originalPool = described as UpdateIdentityPoolCommandInput;
  const provider = { ProviderName: `cognito-idp.eu-west-1.amazonaws.com/${pool.userPoolId}`, ClientId: pool.clientId };
  await identity.send(
    new UpdateIdentityPoolCommand({ ...originalPool, CognitoIdentityProviders: [...(originalPool.CognitoIdentityProviders ?? []), provider] }),
  );
});

test.afterAll(async () => {
  if (originalPool) await identity.send(new UpdateIdentityPoolCommand(originalPool));
  if (pool.userPoolId) await idp.send(new DeleteUserPoolCommand({ UserPoolId: pool.userPoolId }));
  await emulatorClock.set(0);
  idp?.destroy();
  identity?.destroy();
});

async function createUser(username: string): Promise<void> {
  await idp.send(new AdminCreateUserCommand({ UserPoolId: pool.userPoolId, Username: username, MessageAction: "SUPPRESS" }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
}

async function openPage(page: Page): Promise<void> {
  const query = new URLSearchParams({ endpoint: emulatorUrl(), identityPoolId: IDENTITY_POOL_ID, ...pool, bucket: BUCKET });
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
