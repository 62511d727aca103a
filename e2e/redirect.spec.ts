// Sign-in through the user pool's managed login pages, in Chromium through the script-tag build on
// e2e/oauth-page.html (the app's redirect URI): the emulator's login page with a password (and with
// MFA), its Google stand-in in two browsers (linked, then merged), a popup, a cancelled sign-in, a
// replayed or tampered answer, sign-out through the login pages' /logout, and a company's OpenID
// Connect provider and SAML IdP behind the pool. The pool, its domain and app client are this
// file's own, added to the demo identity pool for the length of the file.
import { CognitoIdentityClient } from "@aws-sdk/client-cognito-identity";
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateIdentityProviderCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  CreateUserPoolDomainCommand,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  SetUserPoolMfaConfigCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { createControlClient } from "cognito-idpool-emulator/testing/control";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { TOTP } from "otpauth";
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
const pool = { userPoolId: "", clientId: "", domain: "", prefix: "" };
/** A real OpenID Connect provider (oidc-provider) behind the user pool, as a company's own would be. */
let corpServer: Server | undefined;
let corpIssuer = "";
/** The app's origin: Cognito takes plain-http callback URLs only on localhost. */
const appUrl = () => scriptTagUrl().replace("127.0.0.1", "localhost");

test.beforeAll(async () => {
  idp = new CognitoIdentityProviderClient(adminConfig());
  identity = new CognitoIdentityClient(adminConfig());
  const created = await idp.send(new CreateUserPoolCommand({ PoolName: unique("managed-login") }));
  pool.userPoolId = created.UserPool!.Id!;
  await idp.send(
    new SetUserPoolMfaConfigCommand({ UserPoolId: pool.userPoolId, MfaConfiguration: "OPTIONAL", SoftwareTokenMfaConfiguration: { Enabled: true } }),
  );
  pool.prefix = unique("app").toLowerCase();
  await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: pool.userPoolId, Domain: pool.prefix }));
  pool.domain = `${emulatorUrl()}/_domain/${pool.prefix}`;
  await idp.send(
    new CreateIdentityProviderCommand({
      UserPoolId: pool.userPoolId,
      ProviderName: "Google",
      ProviderType: "Google",
      ProviderDetails: { client_id: "e2e-google-client", client_secret: "e2e-google-secret", authorize_scopes: "openid email profile" },
      AttributeMapping: { email: "email" },
    }),
  );
  // The provider's one client is the user pool, which receives its answers at the domain's idpresponse.
  corpServer = createServer();
  await new Promise<void>((resolve) => corpServer!.listen(0, "127.0.0.1", resolve));
  corpIssuer = `http://127.0.0.1:${(corpServer.address() as AddressInfo).port}`;
  const provider = new Provider(corpIssuer, {
    clients: [
      {
        client_id: "cognito-pool",
        client_secret: "pool-secret",
        redirect_uris: [`${pool.domain}/oauth2/idpresponse`],
        token_endpoint_auth_method: "client_secret_post",
        response_types: ["code"],
        grant_types: ["authorization_code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    // The user pool maps attributes from the ID token.
    conformIdTokenClaims: false,
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, email: `${id}@corp.example`, email_verified: true }) }),
  });
  corpServer.on("request", provider.callback());
  await idp.send(
    new CreateIdentityProviderCommand({
      UserPoolId: pool.userPoolId,
      ProviderName: "Corp",
      ProviderType: "OIDC",
      ProviderDetails: {
        client_id: "cognito-pool",
        client_secret: "pool-secret",
        oidc_issuer: corpIssuer,
        authorize_scopes: "openid email",
        attributes_request_method: "GET",
      },
      AttributeMapping: { email: "email" },
    }),
  );
  // A company's SAML IdP: the emulator's signing stand-in, trusted through its metadata; email from its claim.
  await idp.send(
    new CreateIdentityProviderCommand({
      UserPoolId: pool.userPoolId,
      ProviderName: "CorpSaml",
      ProviderType: "SAML",
      ProviderDetails: { MetadataFile: await createControlClient(emulatorUrl()).samlMetadata(unique("e2e-saml")) },
      AttributeMapping: { email: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress" },
    }),
  );
  const callback = `${appUrl()}/oauth.html`;
  const client = await idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: pool.userPoolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ["code"],
      // The last one lets the user's own account calls (auth.mfa) use the access token.
      AllowedOAuthScopes: ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
      CallbackURLs: [callback],
      LogoutURLs: [callback],
      SupportedIdentityProviders: ["COGNITO", "Google", "Corp", "CorpSaml"],
    }),
  );
  pool.clientId = client.UserPoolClient!.ClientId!;
  restoreIdentityPool = await extendDemoIdentityPool(identity, (original) => ({
    CognitoIdentityProviders: [...(original.CognitoIdentityProviders ?? []), userPoolProvider(pool.userPoolId, pool.clientId)],
  }));
});

test.afterAll(async () => {
  await restoreIdentityPool?.();
  if (pool.prefix) await idp.send(new DeleteUserPoolDomainCommand({ UserPoolId: pool.userPoolId, Domain: pool.prefix }));
  if (pool.userPoolId) await idp.send(new DeleteUserPoolCommand({ UserPoolId: pool.userPoolId }));
  idp?.destroy();
  identity?.destroy();
  await new Promise((resolve) => (corpServer ? corpServer.close(resolve) : resolve(undefined)));
});

async function createUser(username: string): Promise<void> {
  await idp.send(new AdminCreateUserCommand({ UserPoolId: pool.userPoolId, Username: username, MessageAction: "SUPPRESS" }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
}

type Harness = {
  auth: Record<string, (...args: unknown[]) => Promise<unknown>> & { getState(): { status: string; identityId?: string } };
  redirect: Promise<unknown>;
  identityChanges: { reason: string; identityId?: string; previousIdentityId?: string }[];
  put(name: string): Promise<void>;
  list(): Promise<string[]>;
  settle(promise: Promise<unknown>): Promise<unknown>;
};
declare const harness: Harness;

/** A browser context whose pages get the harness's configuration before they run. */
async function browserContext(page: Page): Promise<BrowserContext> {
  const context = page.context();
  await context.addInitScript((config) => Object.assign(window, { E2E_OAUTH: config }), {
    endpoint: emulatorUrl(),
    identityPoolId: IDENTITY_POOL_ID,
    bucket: DEMO_BUCKET,
    userPoolId: pool.userPoolId,
    clientId: pool.clientId,
    domain: pool.domain,
    redirectUri: `${appUrl()}/oauth.html`,
    logoutUri: `${appUrl()}/oauth.html`,
    scopes: ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
  });
  return context;
}

/** Loads the app's page and waits for what `handleRedirect()` answered on this load. */
async function load(page: Page, url = `${appUrl()}/oauth.html`): Promise<unknown> {
  await page.goto(url);
  return afterLoad(page);
}

async function afterLoad(page: Page): Promise<unknown> {
  await page.waitForFunction(() => "harness" in window);
  return page.evaluate(() => harness.redirect);
}

const state = (page: Page) => page.evaluate(() => harness.auth.getState());
const identityId = (page: Page) => page.evaluate(() => harness.auth["getIdentityId"]!() as Promise<string>);

/** Starts a redirect sign-in in the page; resolves once the browser is on the login pages. */
async function startRedirect(page: Page, input: Record<string, unknown> = {}): Promise<void> {
  await Promise.all([page.waitForURL((url) => !url.href.startsWith(appUrl())), page.evaluate((arg) => void harness.auth["signInWithRedirect"]!(arg), input)]);
}

/** `signOut({ redirect: true })`: resolves with what the app's page answered once the browser is back on it (through the login pages' /logout). */
async function signOutByRedirect(page: Page): Promise<unknown> {
  const navigation = (prefix: string) => page.waitForRequest((request) => request.isNavigationRequest() && request.url().startsWith(prefix));
  const loggedOut = navigation(`${pool.domain}/logout`);
  const back = navigation(`${appUrl()}/oauth.html`);
  await page.evaluate(() => void harness.auth["signOut"]!({ redirect: true }));
  await loggedOut;
  await back;
  await page.waitForLoadState("load");
  return afterLoad(page);
}

async function submitPassword(page: Page, username: string): Promise<void> {
  await page.fill("#signInFormUsername", username);
  await page.fill("#signInFormPassword", PASSWORD);
  await page.click("button[name=signInSubmitButton]");
}

test("a guest signs in on the login page by redirect: linked, files kept, the answer gone from the address; a reload stays signed in; signOut({ redirect: true }) ends as a guest", async ({
  page,
}) => {
  await browserContext(page);
  const username = unique("redirect-user");
  await createUser(username);
  expect(await load(page)).toEqual({ status: "none" });
  await page.evaluate(() => harness.put("guest-note.txt"));
  const guestId = await identityId(page);

  await startRedirect(page, { state: "/after-sign-in" });
  await submitPassword(page, username);
  await page.waitForURL(/\/oauth\.html/);
  expect(await afterLoad(page)).toEqual({ status: "signedIn", state: "/after-sign-in" });
  // The code and state are gone: a reload or the back button cannot replay them.
  expect(new URL(page.url()).search).toBe("");
  expect(await state(page)).toMatchObject({ status: "authenticated", identityId: guestId });
  expect(await page.evaluate(() => harness.identityChanges)).toContainEqual(expect.objectContaining({ reason: "linked", identityId: guestId }));
  expect(await page.evaluate(() => harness.list())).toEqual(["guest-note.txt"]);
  expect(await page.evaluate(() => harness.auth["getUser"]!())).toMatchObject({ username });

  // A reload is signed in from storage, with no new exchange.
  expect(await load(page)).toEqual({ status: "none" });
  await page.waitForFunction(() => harness.auth.getState().status === "authenticated");

  expect(await signOutByRedirect(page)).toEqual({ status: "none" });
  // Signed out: the next credentials are a new guest's.
  expect(await identityId(page)).not.toBe(guestId);
  expect(await state(page)).toMatchObject({ status: "guest" });
  // The login pages' own session is over too: the next redirect asks for the password again.
  await startRedirect(page);
  await expect(page.locator("#signInFormPassword")).toBeVisible();
});

test("the same answer used twice exchanges nothing the second time; a state this tab never issued is state-mismatch", async ({ page }) => {
  await browserContext(page);
  const username = unique("replay-user");
  await createUser(username);
  await load(page);
  await startRedirect(page);
  // Read the answer's URL before the app consumes it.
  const answered = page.waitForRequest((request) => request.url().includes("/oauth.html?"));
  await submitPassword(page, username);
  const answerUrl = (await answered).url();
  await page.waitForURL(/\/oauth\.html/);
  expect(await afterLoad(page)).toMatchObject({ status: "signedIn" });
  await page.evaluate(() => harness.auth["signOut"]!());

  const exchanges: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/oauth2/token")) exchanges.push(request.url());
  });
  expect(await load(page, answerUrl)).toMatchObject({ error: "state-mismatch" });
  expect(exchanges).toEqual([]);
  expect(new URL(page.url()).search).toBe("");
  const tampered = new URL(answerUrl);
  tampered.searchParams.set("state", "not-a-state-of-this-tab");
  expect(await load(page, tampered.href)).toMatchObject({ error: "state-mismatch" });
  expect(exchanges).toEqual([]);
});

test("Google through the login pages in two browsers: the first guest is linked, the second guest is merged into the same identity", async ({ page }) => {
  await browserContext(page);
  const email = `${unique("google")}@example.com`;
  await load(page);
  const firstGuest = await identityId(page);
  await startRedirect(page, { provider: "Google", loginHint: email });
  await page.click("button[value=continue]");
  await page.waitForURL(/\/oauth\.html/);
  expect(await afterLoad(page)).toEqual({ status: "signedIn" });
  expect(await identityId(page)).toBe(firstGuest);
  expect(String(((await page.evaluate(() => harness.auth["getUser"]!())) as { username: string }).username)).toMatch(/^Google_/);

  const other = await page.context().browser()!.newContext();
  try {
    const second = await other.newPage();
    await browserContext(second);
    await load(second);
    const secondGuest = await identityId(second);
    await second.evaluate(() => harness.put("second-guest.txt"));
    await startRedirect(second, { provider: "Google", loginHint: email });
    await second.click("button[value=continue]");
    await second.waitForURL(/\/oauth\.html/);
    expect(await afterLoad(second)).toEqual({ status: "signedIn" });
    expect(await identityId(second)).toBe(firstGuest);
    expect(await second.evaluate(() => harness.identityChanges)).toContainEqual(
      expect.objectContaining({ reason: "merged", identityId: firstGuest, previousIdentityId: secondGuest }),
    );
  } finally {
    await other.close();
  }
});

test("a user who cancels at the provider comes back with oauth-error access_denied, and the guest identity is untouched", async ({ page }) => {
  await browserContext(page);
  await load(page);
  const guestId = await identityId(page);
  await startRedirect(page, { provider: "Google" });
  await page.click("button[value=cancel]");
  await page.waitForURL(/\/oauth\.html/);
  expect(await afterLoad(page)).toMatchObject({ error: "oauth-error", cause: { error: "access_denied" } });
  expect(await state(page)).toMatchObject({ status: "guest", identityId: guestId });
});

test("the login page asks for the authenticator code of a user with MFA", async ({ page }) => {
  await browserContext(page);
  const username = unique("mfa-user");
  await createUser(username);
  // Enrol TOTP for the user through a first sign-in by redirect and auth.mfa.
  await load(page);
  await startRedirect(page);
  await submitPassword(page, username);
  await page.waitForURL(/\/oauth\.html/);
  expect(await afterLoad(page)).toEqual({ status: "signedIn" });
  const secret = await page.evaluate(async () => {
    const mfa = (harness.auth as unknown as { mfa: Record<string, (...a: unknown[]) => Promise<{ secret: string }>> }).mfa;
    return (await mfa["setUpTotp"]!()).secret;
  });
  const app = new TOTP({ secret });
  await page.evaluate(
    (code) => (harness.auth as unknown as { mfa: Record<string, (a: unknown) => Promise<void>> }).mfa["verifyTotp"]!({ code }),
    app.generate(),
  );
  await page.evaluate(() => (harness.auth as unknown as { mfa: Record<string, (a: unknown) => Promise<void>> }).mfa["setPreference"]!({ totp: "preferred" }));
  await signOutByRedirect(page);

  await startRedirect(page);
  await submitPassword(page, username);
  await expect(page.locator("#code")).toBeVisible();
  // The next time step, so the code is not the one used to enrol.
  await page.fill("#code", app.generate({ timestamp: Date.now() + 30_000 }));
  await page.click("button[name=submit]");
  await page.waitForURL(/\/oauth\.html/);
  expect(await afterLoad(page)).toEqual({ status: "signedIn" });
});

test("signInWithPopup: a popup closed before the end is popup-closed; the login page in a popup signs in, finished in the opening page", async ({ page }) => {
  await browserContext(page);
  const username = unique("popup-user");
  await createUser(username);
  await load(page);
  const guestId = await identityId(page);
  /** Starts signInWithPopup() in the page (its result kept in `window.result`); resolves with the popup. */
  const openPopup = async () => {
    const [popup] = await Promise.all([
      page.waitForEvent("popup"),
      page.evaluate(() => void Object.assign(window, { result: harness.settle(harness.auth["signInWithPopup"]!()) })),
    ]);
    await popup.waitForLoadState();
    return popup;
  };
  const result = () => page.evaluate(() => (window as unknown as { result: Promise<unknown> }).result);

  await (await openPopup()).close();
  expect(await result()).toEqual({ error: "popup-closed", cause: null });
  expect(await state(page)).toMatchObject({ status: "guest", identityId: guestId });

  const popup = await openPopup();
  await submitPassword(popup, username);
  expect(await result()).toEqual({ status: "signedIn" });
  expect(popup.isClosed()).toBe(true);
  expect(await state(page)).toMatchObject({ status: "authenticated", identityId: guestId });
});

test("a company's own OpenID Connect provider (oidc-provider) behind the user pool: its login and consent pages, then back signed in as Corp_<sub>", async ({
  page,
}) => {
  await browserContext(page);
  await load(page);
  const guestId = await identityId(page);
  await startRedirect(page, { provider: "Corp" });
  // oidc-provider's own pages: the login form, then consent.
  await page.waitForURL((url) => url.href.startsWith(corpIssuer));
  await page.fill("input[name=login]", "pat");
  await page.fill("input[name=password]", "any");
  await page.click("button[type=submit]");
  await page.waitForLoadState("load");
  // Consent, the first time this user meets the pool.
  if (page.url().startsWith(corpIssuer)) await page.click("button[type=submit]");
  await page.waitForURL(/\/oauth\.html/);
  expect(await afterLoad(page)).toEqual({ status: "signedIn" });
  expect(await page.evaluate(() => harness.auth["getUser"]!())).toMatchObject({ username: "Corp_pat", claims: { email: "pat@corp.example" } });
  expect(await state(page)).toMatchObject({ status: "authenticated", identityId: guestId });
});

test("a company's SAML IdP behind the user pool: the AuthnRequest, its sign-in page, the signed response at /saml2/idpresponse, then back signed in as CorpSaml_<NameID>", async ({
  page,
}) => {
  await browserContext(page);
  await load(page);
  const guestId = await identityId(page);
  await startRedirect(page, { provider: "CorpSaml" });
  // The IdP's page (the emulator's stand-in), reached with the pool's AuthnRequest.
  await page.waitForURL((url) => url.pathname.includes("/_emulator/saml/") && url.searchParams.has("SAMLRequest"));
  await page.fill("input[name=email]", "sam@corp.example");
  await page.click("button[type=submit]");
  // It posts the signed response to the pool's /saml2/idpresponse, which answers the app with a code.
  await page.waitForURL(/\/oauth\.html/);
  expect(await afterLoad(page)).toEqual({ status: "signedIn" });
  expect(await page.evaluate(() => harness.auth["getUser"]!())).toMatchObject({
    username: "CorpSaml_sam@corp.example",
    claims: { email: "sam@corp.example" },
  });
  expect(await state(page)).toMatchObject({ status: "authenticated", identityId: guestId });
});
