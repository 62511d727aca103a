// Every kind of identity-pool login, in Chromium through the script-tag build on
// e2e/federation-page.html: developer-authenticated identities through the example backend (linked,
// then merged in a second browser), SAML with two roles in the assertion and customRoleArn,
// getOpenIdToken() verified against the published keys,
// removeLogin(), user-pool groups mapped to roles by the token, a principal tag in a role's
// policy, and the basic (classic) flow with a session policy. The demo identity pool is extended
// for the length of the file and restored after; the bucket, roles, SAML providers and user pool
// are this file's own.
import {
  CognitoIdentityClient,
  DescribeIdentityCommand,
  GetIdentityPoolRolesCommand,
  SetIdentityPoolRolesCommand,
  SetPrincipalTagAttributeMapCommand,
  type SetIdentityPoolRolesCommandInput,
} from "@aws-sdk/client-cognito-identity";
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { CreateRoleCommand, CreateSAMLProviderCommand, DeleteSAMLProviderCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { expect, test, type Browser, type Page, type Request } from "@playwright/test";
import { cognitoTrustPolicy } from "cognito-idpool-emulator/testing";
import { createControlClient } from "cognito-idpool-emulator/testing/control";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { startDeveloperBackend, type DeveloperBackend } from "../examples/developer-backend/server.mjs";
import { adminConfig, DEMO_BUCKET, emulator, emulatorUrl, extendDemoIdentityPool, IDENTITY_POOL_ID, PASSWORD, scriptTagUrl, unique } from "./support.js";

const REGION = "eu-west-1";
const DEVELOPER_PROVIDER = "login.federation.example";
const GOOGLE_APP = "federation-e2e.apps.googleusercontent.com";
const APPLE_APP = "com.example.federation-e2e";
/** Where Cognito publishes the keys of its OpenID tokens (`iss` https://cognito-identity.amazonaws.com). */
const COGNITO_JWKS_PATH = "/.well-known/jwks_uri";

let identity: CognitoIdentityClient;
let idp: CognitoIdentityProviderClient;
let iam: IAMClient;
let s3: S3Client;
let backend: DeveloperBackend | undefined;
let restoreIdentityPool: (() => Promise<void>) | undefined;
let originalRoles: SetIdentityPoolRolesCommandInput | undefined;
/** This file's bucket, created with CORS for the pages. */
const BUCKET = unique("federation").toLowerCase();
const userPool = { userPoolId: "", clientId: "", provider: "" };
/** The SAML IdP stand-ins: `corp` offers two roles, `teams` one role and a department attribute. */
const saml = { corp: "", corpArn: "", teams: "", teamsArn: "" };
const roles = { reader: "", writer: "", admins: "", team: "", basic: "" };

/** A role that Cognito identities of the demo pool may assume (and tag their sessions with), with these inline policies. */
async function createRole(prefix: string, amr: "authenticated" | "unauthenticated", statements: Record<string, unknown>[]): Promise<string> {
  const RoleName = unique(prefix);
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: cognitoTrustPolicy(IDENTITY_POOL_ID, amr) }));
  await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName: "files", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
  return Role!.Arn!;
}

const objects = (...keys: string[]) => keys.map((key) => `arn:aws:s3:::${BUCKET}/${key}`);
const listBucket = { Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${BUCKET}` };

test.beforeAll(async () => {
  identity = new CognitoIdentityClient(adminConfig());
  idp = new CognitoIdentityProviderClient(adminConfig());
  iam = new IAMClient(adminConfig());
  s3 = new S3Client({ ...adminConfig(), forcePathStyle: true });
  const control = createControlClient(emulatorUrl());

  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: BUCKET,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: ["http://127.0.0.1:*", "http://localhost:*"],
            AllowedMethods: ["GET", "PUT", "POST", "DELETE", "HEAD"],
            AllowedHeaders: ["*"],
            ExposeHeaders: ["ETag"],
          },
        ],
      },
    }),
  );
  for (const key of ["shared/read-me.txt", "admin/read-me.txt", "teams/eng/plan.txt", "teams/ops/plan.txt"]) {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: `the text of ${key}` }));
  }

  roles.reader = await createRole("fed-reader", "authenticated", [listBucket, { Effect: "Allow", Action: "s3:GetObject", Resource: objects("shared/*") }]);
  roles.writer = await createRole("fed-writer", "authenticated", [
    listBucket,
    { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: objects("shared/*") },
  ]);
  roles.admins = await createRole("fed-admins", "authenticated", [{ Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: objects("admin/*") }]);
  roles.team = await createRole("fed-team", "authenticated", [
    { Effect: "Allow", Action: "s3:GetObject", Resource: objects("teams/${aws:PrincipalTag/department}/*") },
  ]);
  // Everything on the bucket: only a session policy can narrow it.
  roles.basic = await createRole("fed-basic", "authenticated", [{ Effect: "Allow", Action: "s3:*", Resource: [`arn:aws:s3:::${BUCKET}`, ...objects("*")] }]);

  saml.corp = unique("corp");
  saml.corpArn = (
    await iam.send(new CreateSAMLProviderCommand({ Name: saml.corp, SAMLMetadataDocument: await control.samlMetadata(saml.corp) }))
  ).SAMLProviderArn!;
  saml.teams = unique("teams");
  saml.teamsArn = (
    await iam.send(new CreateSAMLProviderCommand({ Name: saml.teams, SAMLMetadataDocument: await control.samlMetadata(saml.teams) }))
  ).SAMLProviderArn!;

  const created = await idp.send(new CreateUserPoolCommand({ PoolName: unique("federation") }));
  userPool.userPoolId = created.UserPool!.Id!;
  const client = await idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPool.userPoolId,
      ClientName: "web",
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  userPool.clientId = client.UserPoolClient!.ClientId!;
  userPool.provider = `cognito-idp.${REGION}.amazonaws.com/${userPool.userPoolId}`;
  await idp.send(new CreateGroupCommand({ UserPoolId: userPool.userPoolId, GroupName: "admins", RoleArn: roles.admins, Precedence: 1 }));

  const { $metadata: _, ...rolesNow } = await identity.send(new GetIdentityPoolRolesCommand({ IdentityPoolId: IDENTITY_POOL_ID }));
  originalRoles = rolesNow as SetIdentityPoolRolesCommandInput;
  restoreIdentityPool = await extendDemoIdentityPool(identity, (original) => ({
    // The basic flow's GetOpenIdToken (AWS refuses it unless the pool allows the classic flow).
    AllowClassicFlow: true,
    DeveloperProviderName: DEVELOPER_PROVIDER,
    SupportedLoginProviders: { ...original.SupportedLoginProviders, "accounts.google.com": GOOGLE_APP, "appleid.apple.com": APPLE_APP },
    SamlProviderARNs: [...(original.SamlProviderARNs ?? []), saml.corpArn, saml.teamsArn],
    CognitoIdentityProviders: [...(original.CognitoIdentityProviders ?? []), { ProviderName: userPool.provider, ClientId: userPool.clientId }],
  }));
  // The `teams` IdP's `department` attribute becomes the session tag `department`.
  await identity.send(
    new SetPrincipalTagAttributeMapCommand({
      IdentityPoolId: IDENTITY_POOL_ID,
      IdentityProviderName: saml.teamsArn,
      UseDefaults: false,
      PrincipalTags: { department: "department" },
    }),
  );

  backend = await startDeveloperBackend({
    identityPoolId: IDENTITY_POOL_ID,
    developerProviderName: DEVELOPER_PROVIDER,
    endpoint: emulatorUrl(),
    credentials: adminConfig().credentials,
  });
});

test.afterAll(async () => {
  await backend?.stop();
  if (saml.teamsArn) {
    await identity.send(
      new SetPrincipalTagAttributeMapCommand({ IdentityPoolId: IDENTITY_POOL_ID, IdentityProviderName: saml.teamsArn, UseDefaults: false, PrincipalTags: {} }),
    );
  }
  if (originalRoles) await identity.send(new SetIdentityPoolRolesCommand(originalRoles));
  await restoreIdentityPool?.();
  for (const arn of [saml.corpArn, saml.teamsArn]) if (arn) await iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: arn }));
  if (userPool.userPoolId) await idp.send(new DeleteUserPoolCommand({ UserPoolId: userPool.userPoolId }));
  if (s3) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET })).catch(() => undefined);
    for (const { Key } of listed?.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key }));
    await s3.send(new DeleteBucketCommand({ Bucket: BUCKET })).catch(() => undefined);
  }
  for (const client of [identity, idp, iam, s3]) client?.destroy();
});

type S3Result = { ok: boolean; error?: string; body?: string; keys?: string[] };
type Harness = {
  auth: Record<string, (...args: any[]) => Promise<any>> & { getState(): { status: string; identityId?: string } };
  identityChanges: { reason: string; identityId?: string; previousIdentityId?: string }[];
  developerCalls: { user: string; guestIdentityId: string | null }[];
  settle(promise: Promise<unknown>): Promise<any>;
  developerSignIn(user: string): Promise<any>;
  put(key: string, body?: string): Promise<S3Result>;
  get(key: string): Promise<S3Result>;
  list(prefix: string): Promise<S3Result>;
};
declare const harness: Harness;

/** What the page sent to Cognito and STS: the operation and its parsed body. */
type Sent = { operation: string; body: Record<string, any> };

/** Opens the harness with createAuth's `options` for this test; resolves once `window.harness` is there, with the calls the page sends from then on. */
async function openPage(page: Page, options: Record<string, unknown> = {}, bucket = BUCKET): Promise<Sent[]> {
  const sent: Sent[] = [];
  page.on("request", (request: Request) => {
    if (request.method() !== "POST" || !request.url().startsWith(emulatorUrl())) return;
    const target = request.headers()["x-amz-target"];
    const text = request.postData() ?? "";
    if (target) sent.push({ operation: target.split(".").pop()!, body: JSON.parse(text || "{}") });
    else if (text.includes("Action=")) sent.push({ operation: new URLSearchParams(text).get("Action")!, body: Object.fromEntries(new URLSearchParams(text)) });
  });
  await page.context().addInitScript((config) => Object.assign(window, { E2E_FEDERATION: config }), {
    endpoint: emulatorUrl(),
    identityPoolId: IDENTITY_POOL_ID,
    bucket,
    backendUrl: backend!.url,
    options,
  });
  await page.goto(`${scriptTagUrl()}/federation.html`);
  await page.waitForFunction(() => "harness" in window);
  const refused = await page.evaluate(() => (window as unknown as { harnessError?: string }).harnessError);
  if (refused) throw new Error(`createAuth(${JSON.stringify(options)}) threw: ${refused}`);
  return sent;
}

const identityIdOf = (page: Page) => page.evaluate(() => harness.auth["getIdentityId"]!() as Promise<string>);
const stateOf = (page: Page) => page.evaluate(() => harness.auth.getState());
const loginsOf = async (identityId: string) => (await identity.send(new DescribeIdentityCommand({ IdentityId: identityId }))).Logins ?? [];

/** Runs `fn` with a page of a browser context of its own (another browser, as far as the app can tell). */
async function inOtherBrowser<T>(browser: Browser, fn: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext();
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

test("developer-authenticated: a guest signs in through the app's backend and is linked; the same user in another browser is merged into that identity", async ({
  page,
  browser,
}) => {
  const user = unique("dev-user");
  const sent = await openPage(page, {}, DEMO_BUCKET);
  const guest = await identityIdOf(page);
  expect(await page.evaluate((key) => harness.put(key), `private/${guest}/guest-note.txt`)).toEqual({ ok: true });

  expect(await page.evaluate((u) => harness.developerSignIn(u), user)).toBeNull();
  // The backend was handed the guest, and linked it: the identity id stays.
  expect(await page.evaluate(() => harness.developerCalls)).toEqual([{ user, guestIdentityId: guest }]);
  expect(await stateOf(page)).toMatchObject({ status: "authenticated", identityId: guest });
  expect(await page.evaluate(() => harness.identityChanges)).toContainEqual(expect.objectContaining({ reason: "linked", identityId: guest }));
  expect(await loginsOf(guest)).toEqual([DEVELOPER_PROVIDER]);
  // Credentials come from the backend's token under Cognito's own login, never from GetId.
  const exchanges = sent.filter((s) => s.operation === "GetCredentialsForIdentity" && s.body["Logins"]);
  expect(exchanges.at(-1)!.body).toMatchObject({ IdentityId: guest, Logins: { "cognito-identity.amazonaws.com": expect.any(String) } });
  expect(sent.filter((s) => s.operation === "GetId" && s.body["Logins"])).toEqual([]);
  // The authenticated role reads what the guest wrote.
  expect(await page.evaluate((key) => harness.get(key), `private/${guest}/guest-note.txt`)).toMatchObject({ ok: true });

  await inOtherBrowser(browser, async (second) => {
    await openPage(second, {}, DEMO_BUCKET);
    const secondGuest = await identityIdOf(second);
    expect(secondGuest).not.toBe(guest);
    expect(await second.evaluate((u) => harness.developerSignIn(u), user)).toBeNull();
    expect(await second.evaluate(() => harness.developerCalls)).toEqual([{ user, guestIdentityId: secondGuest }]);
    expect(await stateOf(second)).toMatchObject({ status: "authenticated", identityId: guest });
    expect(await second.evaluate(() => harness.identityChanges)).toContainEqual(
      expect.objectContaining({ reason: "merged", identityId: guest, previousIdentityId: secondGuest }),
    );
    // The first browser's files are this browser's now.
    expect(await second.evaluate((key) => harness.get(key), `private/${guest}/guest-note.txt`)).toMatchObject({
      ok: true,
      body: `private/${guest}/guest-note.txt`,
    });
  });
});

test("SAML: an assertion offering two roles, customRoleArn chooses which one's permissions apply", async ({ page, browser }) => {
  const control = createControlClient(emulatorUrl());
  const responseFor = async (nameId: string) =>
    (await control.samlResponse(saml.corp, { nameId, roles: [roles.reader, roles.writer], attributes: { department: "eng" } })).samlResponse;

  await openPage(page, { customRoleArn: roles.writer });
  const guest = await identityIdOf(page);
  expect(
    await page.evaluate(([arn, response]) => harness.settle(harness.auth["setLogins"]!({ [arn]: response })), [
      saml.corpArn,
      await responseFor("ada"),
    ] as const),
  ).toBeNull();
  expect(await stateOf(page)).toMatchObject({ status: "authenticated", identityId: guest });
  expect(await loginsOf(guest)).toEqual([saml.corpArn]);
  // The writer role: it may upload under shared/.
  expect(await page.evaluate(() => harness.put("shared/from-ada.txt"))).toEqual({ ok: true });
  expect(await page.evaluate(() => harness.get("shared/read-me.txt"))).toMatchObject({ ok: true });

  await inOtherBrowser(browser, async (second) => {
    await openPage(second, { customRoleArn: roles.reader });
    expect(
      await second.evaluate(([arn, response]) => harness.settle(harness.auth["setLogins"]!({ [arn]: response })), [
        saml.corpArn,
        await responseFor("grace"),
      ] as const),
    ).toBeNull();
    // The reader role: reading is allowed, uploading is not.
    expect(await second.evaluate(() => harness.get("shared/from-ada.txt"))).toMatchObject({ ok: true, body: "shared/from-ada.txt" });
    expect(await second.evaluate(() => harness.put("shared/from-grace.txt"))).toEqual({ ok: false, error: "AccessDenied" });
  });
});

test("getOpenIdToken(): a token that verifies with Cognito's published keys, naming the identity (sub) and the identity pool (aud), for a guest and after a login", async ({
  page,
}) => {
  const keys = createRemoteJWKSet(new URL(COGNITO_JWKS_PATH, emulatorUrl()));
  const verify = (token: string) =>
    jwtVerify(token, keys, { issuer: "https://cognito-identity.amazonaws.com", audience: IDENTITY_POOL_ID, algorithms: ["RS256"] });

  await openPage(page);
  const asGuest = await page.evaluate(async () => {
    const { identityId, token, expiration } = await harness.auth["getOpenIdToken"]!();
    return { identityId, token, expiration: new Date(expiration).getTime() };
  });
  expect(asGuest.identityId).toBe(await identityIdOf(page));
  const guestClaims = (await verify(asGuest.token)).payload;
  expect(guestClaims).toMatchObject({ sub: asGuest.identityId, aud: IDENTITY_POOL_ID, amr: ["unauthenticated"] });
  expect(Math.abs(asGuest.expiration - guestClaims.exp! * 1000)).toBeLessThan(60_000);

  const { token: google } = await createControlClient(emulatorUrl()).mintSocialToken("google", { audience: GOOGLE_APP, sub: unique("oidc-user") });
  expect(await page.evaluate((token) => harness.settle(harness.auth["setLogins"]!({ "accounts.google.com": token })), google)).toBeNull();
  const signedIn = await page.evaluate(async () => (await harness.auth["getOpenIdToken"]!()).token as string);
  expect((await verify(signedIn)).payload).toMatchObject({
    sub: asGuest.identityId,
    aud: IDENTITY_POOL_ID,
    amr: expect.arrayContaining(["authenticated", "accounts.google.com"]),
  });
  // A token signed with another key does not verify.
  const [header, payload] = signedIn.split(".");
  await expect(verify(`${header}.${payload}.${"A".repeat(342)}`)).rejects.toThrow();
});

test("removeLogin(): the login is unlinked from the identity and no longer sent; the identity and its other login stay", async ({ page }) => {
  const control = createControlClient(emulatorUrl());
  const google = (await control.mintSocialToken("google", { audience: GOOGLE_APP, sub: unique("g") })).token;
  const apple = (await control.mintSocialToken("apple", { audience: APPLE_APP, sub: unique("a") })).token;
  const sent = await openPage(page);
  const guest = await identityIdOf(page);
  expect(
    await page.evaluate(([g, a]) => harness.settle(harness.auth["setLogins"]!({ "accounts.google.com": g, "appleid.apple.com": a })), [google, apple]),
  ).toBeNull();
  expect((await loginsOf(guest)).sort()).toEqual(["accounts.google.com", "appleid.apple.com"]);

  expect(await page.evaluate(() => harness.settle(harness.auth["removeLogin"]!("appleid.apple.com")))).toBeNull();
  const unlink = sent.find((s) => s.operation === "UnlinkIdentity")!;
  expect(unlink.body).toMatchObject({ IdentityId: guest, Logins: { "appleid.apple.com": apple }, LoginsToRemove: ["appleid.apple.com"] });
  expect(await loginsOf(guest)).toEqual(["accounts.google.com"]);
  expect(await stateOf(page)).toMatchObject({ status: "authenticated", identityId: guest });

  // The page's logins: the next credentials are fetched for the same identity with Google only.
  const before = sent.length;
  await page.evaluate(() => harness.auth["getCredentials"]!({ forceRefresh: true }));
  const refreshed = sent.slice(before).filter((s) => s.operation === "GetCredentialsForIdentity");
  expect(refreshed.length).toBeGreaterThan(0);
  for (const call of refreshed) expect(call.body).toMatchObject({ IdentityId: guest, Logins: { "accounts.google.com": google } });
  for (const call of refreshed) expect(Object.keys(call.body["Logins"])).toEqual(["accounts.google.com"]);
  expect(await identityIdOf(page)).toBe(guest);
});

async function createPoolUser(username: string, group?: string): Promise<void> {
  await idp.send(new AdminCreateUserCommand({ UserPoolId: userPool.userPoolId, Username: username, MessageAction: "SUPPRESS" }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: userPool.userPoolId, Username: username, Password: PASSWORD, Permanent: true }));
  if (group) await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: userPool.userPoolId, Username: username, GroupName: group }));
}

test("role mapping by token: a user of the `admins` group gets the group's role and may write admin/; another user may not", async ({ page, browser }) => {
  const adminUser = unique("admin");
  const plainUser = unique("plain");
  await createPoolUser(adminUser, "admins");
  await createPoolUser(plainUser);
  const options = { userPool: { userPoolId: userPool.userPoolId, clientId: userPool.clientId } };
  const signIn = (p: Page, username: string) =>
    p.evaluate(([u, password]) => harness.settle(harness.auth["signIn"]!({ username: u, password })), [username, PASSWORD] as const);

  // The user pool's tokens choose the role (cognito:preferred_role: the group's); users in no group
  // get the pool's authenticated role. Only for this test: with role mappings the pool refuses the
  // basic flow's GetOpenIdToken, which other tests use.
  await identity.send(
    new SetIdentityPoolRolesCommand({
      IdentityPoolId: IDENTITY_POOL_ID,
      Roles: originalRoles!.Roles,
      // Keyed by the provider and its app client, as AWS keys user-pool role mappings.
      RoleMappings: {
        ...originalRoles!.RoleMappings,
        [`${userPool.provider}:${userPool.clientId}`]: { Type: "Token", AmbiguousRoleResolution: "AuthenticatedRole" },
      },
    }),
  );
  try {
    await roleMappingChecks();
  } finally {
    await identity.send(new SetIdentityPoolRolesCommand(originalRoles!));
  }

  async function roleMappingChecks() {
    await openPage(page, options);
    expect(await signIn(page, adminUser)).toEqual({ status: "signedIn" });
    expect(await page.evaluate(() => harness.put("admin/by-admin.txt"))).toEqual({ ok: true });
    expect(await page.evaluate(() => harness.get("admin/read-me.txt"))).toMatchObject({ ok: true });

    await inOtherBrowser(browser, async (second) => {
      await openPage(second, options);
      expect(await signIn(second, plainUser)).toEqual({ status: "signedIn" });
      expect(await stateOf(second)).toMatchObject({ status: "authenticated" });
      expect(await second.evaluate(() => harness.put("admin/by-plain.txt"))).toEqual({ ok: false, error: "AccessDenied" });
      expect(await second.evaluate(() => harness.get("admin/read-me.txt"))).toEqual({ ok: false, error: "AccessDenied" });
    });
  }
});

test("a principal tag from a SAML attribute: the role lets a user read only teams/${aws:PrincipalTag/department}/", async ({ page, browser }) => {
  const control = createControlClient(emulatorUrl());
  const signIn = async (p: Page, nameId: string, department: string) => {
    const { samlResponse } = await control.samlResponse(saml.teams, { nameId, roles: [roles.team], attributes: { department } });
    return p.evaluate(([arn, response]) => harness.settle(harness.auth["setLogins"]!({ [arn]: response })), [saml.teamsArn, samlResponse] as const);
  };

  await openPage(page);
  expect(await signIn(page, unique("eng-user"), "eng")).toBeNull();
  expect(await page.evaluate(() => harness.get("teams/eng/plan.txt"))).toEqual({ ok: true, body: "the text of teams/eng/plan.txt" });
  expect(await page.evaluate(() => harness.get("teams/ops/plan.txt"))).toEqual({ ok: false, error: "AccessDenied" });

  await inOtherBrowser(browser, async (second) => {
    await openPage(second);
    expect(await signIn(second, unique("ops-user"), "ops")).toBeNull();
    expect(await second.evaluate(() => harness.get("teams/ops/plan.txt"))).toEqual({ ok: true, body: "the text of teams/ops/plan.txt" });
    expect(await second.evaluate(() => harness.get("teams/eng/plan.txt"))).toEqual({ ok: false, error: "AccessDenied" });
  });
});

test("the basic flow with a session policy that denies s3:PutObject: the upload is refused while reading is allowed", async ({ page, browser }) => {
  const control = createControlClient(emulatorUrl());
  const basic = { flow: "basic", roles: { authenticated: roles.basic }, durationSeconds: 900 };
  const readOnly = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" }] };
  const signIn = async (p: Page) => {
    const { token } = await control.mintSocialToken("google", { audience: GOOGLE_APP, sub: unique("basic-user") });
    return p.evaluate((t) => harness.settle(harness.auth["setLogins"]!({ "accounts.google.com": t })), token);
  };
  const credentialsOf = (p: Page) =>
    p.evaluate(async () => {
      const c = await harness.auth["getCredentials"]!();
      return {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        expiresInMs: new Date(c.expiration).getTime() - Date.now(),
      };
    });
  /** Who AWS says the credentials are (STS GetCallerIdentity, from Node). */
  const callerArn = async (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string }) => {
    const sts = new STSClient({ region: REGION, endpoint: emulatorUrl(), credentials, maxAttempts: 1 });
    try {
      return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
    } finally {
      sts.destroy();
    }
  };
  const assumedRole = `:assumed-role/${roles.basic.split("/").pop()}/`;
  const written = async (prefix: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key);

  await emulator.clearRequests();
  await openPage(page, { ...basic, sessionPolicy: readOnly });
  expect(await signIn(page)).toBeNull();
  expect(await stateOf(page)).toMatchObject({ status: "authenticated" });
  const narrowed = await credentialsOf(page);
  // durationSeconds: 900, not AWS's hour.
  expect(narrowed.expiresInMs).toBeLessThanOrEqual(900_000 + 5_000);
  expect(narrowed.expiresInMs).toBeGreaterThan(900_000 - 60_000);
  expect(await callerArn(narrowed)).toContain(assumedRole);

  // The role allows s3:*, the session policy only reading: the upload is refused, reading works.
  expect(await page.evaluate(() => harness.put("basic/narrowed.txt"))).toEqual({ ok: false, error: "AccessDenied" });
  expect(await written("basic/")).toEqual([]);
  expect(await page.evaluate(() => harness.get("shared/read-me.txt"))).toEqual({ ok: true, body: "the text of shared/read-me.txt" });
  expect(await page.evaluate(() => harness.list("shared/"))).toMatchObject({ ok: true, keys: expect.arrayContaining(["shared/read-me.txt"]) });

  // Credentials from GetOpenIdToken and STS, never from GetCredentialsForIdentity.
  const log = await emulator.requests();
  const served = (operation: string) => log.filter((r) => r.operation === operation);
  expect(served("GetOpenIdToken").length).toBeGreaterThan(0);
  expect(served("GetOpenIdToken").every((r) => r.status === 200)).toBe(true);
  expect(served("AssumeRoleWithWebIdentity").length).toBeGreaterThan(0);
  expect(served("AssumeRoleWithWebIdentity").every((r) => r.service === "sts" && r.status === 200)).toBe(true);
  expect(served("GetCredentialsForIdentity")).toEqual([]);

  // The same role without the session policy may upload: the refusal was the session policy's.
  await inOtherBrowser(browser, async (second) => {
    await openPage(second, basic);
    expect(await signIn(second)).toBeNull();
    expect(await callerArn(await credentialsOf(second))).toContain(assumedRole);
    expect(await second.evaluate(() => harness.put("basic/full.txt"))).toEqual({ ok: true });
    expect(await second.evaluate(() => harness.get("basic/full.txt"))).toEqual({ ok: true, body: "basic/full.txt" });
  });
  expect(await written("basic/")).toEqual(["basic/full.txt"]);
  expect((await emulator.requests()).filter((r) => r.operation === "GetCredentialsForIdentity")).toEqual([]);
});
