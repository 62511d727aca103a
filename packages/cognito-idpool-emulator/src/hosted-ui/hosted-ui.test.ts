import {
  AdminGetUserCommand,
  CreateIdentityProviderCommand,
  CreateUserPoolDomainCommand,
  DeleteUserPoolCommand,
  DeleteUserPoolDomainCommand,
  DescribeIdentityProviderCommand,
  DescribeUserPoolCommand,
  DescribeUserPoolDomainCommand,
  ListIdentityProvidersCommand,
  SetUserPoolMfaConfigCommand,
  CreateUserPoolClientCommand,
  UpdateUserPoolClientCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { claimsOf, createPool, createUser, idpClient, PASSWORD, rejection, verifyToken } from "../../test/idp-harness.js";
import {
  authorizeUrl,
  Browser,
  CALLBACK,
  codeOf,
  exchange,
  formOf,
  hostedPool,
  pageError,
  pkce,
  SIGNED_OUT,
  type HostedPool,
} from "../../test/hosted-ui-harness.js";

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());

/** Signs `username` in on the login page with PKCE; returns the code and the verifier. */
async function codeFor(pool: HostedPool, username: string, params: Record<string, string> = {}, browser = new Browser()) {
  const { verifier, challenge } = pkce();
  const url = authorizeUrl(pool, { scope: "openid email", state: "st-1", code_challenge: challenge, code_challenge_method: "S256", ...params });
  const end = await browser.signIn(url, emulator.url, username, PASSWORD);
  expect(end.location?.startsWith(CALLBACK), end.html).toBe(true);
  expect(new URL(end.location!).searchParams.get("state")).toBe(params["state"] ?? "st-1");
  return { code: codeOf(end.location), verifier, browser };
}

function grant(pool: HostedPool, code: string, verifier: string) {
  return exchange(pool, { grant_type: "authorization_code", client_id: pool.clientId, code, redirect_uri: CALLBACK, code_verifier: verifier });
}

describe("user pool domains", () => {
  it("creates, describes and deletes a prefix domain, as DescribeUserPool shows it", async () => {
    const idp = idpClient(emulator);
    const pool = await createPool(emulator);
    const domain = `crud-${Date.now()}`;
    expect((await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: pool.poolId, Domain: domain }))).ManagedLoginVersion).toBe(1);
    const described = await idp.send(new DescribeUserPoolDomainCommand({ Domain: domain }));
    expect(described.DomainDescription).toMatchObject({ UserPoolId: pool.poolId, Domain: domain, Status: "ACTIVE", AWSAccountId: "000000000000" });
    expect((await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool?.Domain).toBe(domain);
    // A pool with a domain cannot be deleted until the domain is.
    expect(await rejection(idp.send(new DeleteUserPoolCommand({ UserPoolId: pool.poolId })))).toMatch(/InvalidParameterException: .*domain configured/);
    await idp.send(new DeleteUserPoolDomainCommand({ UserPoolId: pool.poolId, Domain: domain }));
    expect((await idp.send(new DescribeUserPoolDomainCommand({ Domain: domain }))).DomainDescription).toEqual({});
    await idp.send(new DeleteUserPoolCommand({ UserPoolId: pool.poolId }));
  });

  it("refuses a taken prefix, a reserved word, a second domain for a pool, and a malformed prefix", async () => {
    const idp = idpClient(emulator);
    const first = await createPool(emulator);
    const second = await createPool(emulator);
    const domain = `taken-${Date.now()}`;
    await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: first.poolId, Domain: domain }));
    expect(await rejection(idp.send(new CreateUserPoolDomainCommand({ UserPoolId: second.poolId, Domain: domain })))).toBe(
      "InvalidParameterException: Domain already associated with another user pool.",
    );
    expect(await rejection(idp.send(new CreateUserPoolDomainCommand({ UserPoolId: second.poolId, Domain: "my-cognito-app" })))).toMatch(
      /^InvalidParameterException: .*reserved word: cognito/,
    );
    expect(await rejection(idp.send(new CreateUserPoolDomainCommand({ UserPoolId: first.poolId, Domain: `${domain}-2` })))).toMatch(
      /^InvalidParameterException: .*already has a domain/,
    );
    expect(await rejection(idp.send(new CreateUserPoolDomainCommand({ UserPoolId: second.poolId, Domain: "Upper_Case" })))).toMatch(
      /^InvalidParameterException: .*regular expression pattern/,
    );
    expect(await rejection(idp.send(new DeleteUserPoolDomainCommand({ UserPoolId: second.poolId, Domain: domain })))).toBe(
      "InvalidParameterException: No such domain or user pool exists.",
    );
  });

  it("lists the domain's OAuth endpoints in the pool's discovery document, without an end_session_endpoint", async () => {
    const pool = await hostedPool(emulator);
    const config = (await (await fetch(`${emulator.url}/${pool.poolId}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    expect(config).toMatchObject({
      authorization_endpoint: `${pool.base}/oauth2/authorize`,
      token_endpoint: `${pool.base}/oauth2/token`,
      userinfo_endpoint: `${pool.base}/oauth2/userInfo`,
      revocation_endpoint: `${pool.base}/oauth2/revoke`,
    });
    expect(config["end_session_endpoint"]).toBeUndefined();
  });
});

describe("/oauth2/authorize", () => {
  it("shows an error page, never a redirect to the app, for an unknown client or an unregistered redirect_uri", async () => {
    const pool = await hostedPool(emulator);
    for (const url of [authorizeUrl({ ...pool, clientId: "nosuchclient" }), authorizeUrl(pool, { redirect_uri: "https://evil.example/callback" })]) {
      const response = await fetch(url, { redirect: "manual" });
      expect(response.status).toBe(302);
      const location = response.headers.get("location")!;
      expect(location.startsWith(`${pool.base}/error?`)).toBe(true);
      const page = await fetch(location);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain("An error was encountered with the requested page.");
    }
    const mismatch = await fetch(authorizeUrl(pool, { redirect_uri: "https://evil.example/callback" }), { redirect: "manual" });
    expect(new URL(mismatch.headers.get("location")!).searchParams.get("error")).toBe("redirect_mismatch");
  });

  it("sends other problems back to the registered redirect_uri with error and state", async () => {
    const pool = await hostedPool(emulator);
    const cases: [Record<string, string>, string][] = [
      [{ scope: "openid phone", state: "s1" }, "invalid_scope"],
      [{ scope: "email", state: "s1" }, "invalid_scope"],
      [{ code_challenge: pkce().challenge, code_challenge_method: "plain", state: "s1" }, "invalid_request"],
      [{ response_type: "token", state: "s1" }, "unauthorized_client"],
      [{ identity_provider: "Google", state: "s1" }, "invalid_request"],
    ];
    for (const [params, error] of cases) {
      const response = await fetch(authorizeUrl(pool, params), { redirect: "manual" });
      const location = new URL(response.headers.get("location")!.replace("#", "?"));
      expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
      expect({ error: location.searchParams.get("error"), state: location.searchParams.get("state") }).toEqual({ error, state: "s1" });
    }
  });

  it("sends a valid request to the login page with the same parameters", async () => {
    const pool = await hostedPool(emulator);
    const response = await fetch(authorizeUrl(pool, { state: "abc", scope: "openid" }), { redirect: "manual" });
    const location = new URL(response.headers.get("location")!);
    expect(`${location.origin}${location.pathname}`).toBe(`${pool.base}/login`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ client_id: pool.clientId, redirect_uri: CALLBACK, state: "abc", scope: "openid" });
  });
});

describe("the login page and the token endpoint", () => {
  it("signs in with a password and exchanges the code with PKCE for tokens carrying scope, nonce and at_hash", async () => {
    const pool = await hostedPool(emulator);
    await createUser(emulator, pool.poolId, "alice", { email: "alice@example.com", email_verified: "true" });
    const { code, verifier } = await codeFor(pool, "alice", { nonce: "n-42" });
    const answer = await grant(pool, code, verifier);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    const id = await verifyToken(emulator, pool.poolId, answer.body["id_token"] as string, { audience: pool.clientId });
    expect(id).toMatchObject({ "cognito:username": "alice", email: "alice@example.com", nonce: "n-42", token_use: "id" });
    expect(typeof id["at_hash"]).toBe("string");
    const access = await verifyToken(emulator, pool.poolId, answer.body["access_token"] as string);
    expect(access["scope"]).toBe("openid email");
    expect(answer.body["refresh_token"]).toMatch(/^[\w-]+(\.[\w-]+){4}$/);
  });

  it("shows Cognito's message for a wrong password and locks out after repeated failures", async () => {
    const pool = await hostedPool(emulator, {}, {});
    await createUser(emulator, pool.poolId, "bob");
    const browser = new Browser();
    const login = await browser.follow(authorizeUrl(pool), emulator.url);
    const { action, fields } = formOf(login.html!, "signin");
    const wrong = await browser.follow(action, emulator.url, { form: { ...fields, username: "bob", password: "Wrong-pass1!" } });
    expect(wrong.response.status).toBe(200);
    expect(pageError(wrong.html!)).toBe("Incorrect username or password.");
    for (let i = 0; i < 4; i++) await browser.follow(action, emulator.url, { form: { ...fields, username: "bob", password: "Wrong-pass1!" } });
    const locked = await browser.follow(action, emulator.url, { form: { ...fields, username: "bob", password: PASSWORD } });
    expect(pageError(locked.html!)).toBe("Password attempts exceeded");
  });

  it("refuses a form posted without the CSRF token", async () => {
    const pool = await hostedPool(emulator);
    await createUser(emulator, pool.poolId, "carol");
    const browser = new Browser();
    const login = await browser.follow(authorizeUrl(pool), emulator.url);
    const { action } = formOf(login.html!, "signin");
    const response = await browser.request(action, { form: { username: "carol", password: PASSWORD } });
    expect(response.status).toBe(403);
    expect(response.headers.get("location")).toBeNull();
  });

  it("answers invalid_grant for a wrong verifier, a reused code, a code past five minutes and another redirect_uri", async () => {
    const pool = await hostedPool(emulator);
    await createUser(emulator, pool.poolId, "dave");
    const first = await codeFor(pool, "dave");
    expect(await grant(pool, first.code, pkce().verifier)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const second = await codeFor(pool, "dave");
    expect((await grant(pool, second.code, second.verifier)).status).toBe(200);
    expect(await grant(pool, second.code, second.verifier)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });

    const third = await codeFor(pool, "dave");
    await emulator.control.setClock(301);
    try {
      expect(await grant(pool, third.code, third.verifier)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    } finally {
      await emulator.control.setClock(0);
    }

    const fourth = await codeFor(pool, "dave");
    const other = await exchange(pool, {
      grant_type: "authorization_code",
      client_id: pool.clientId,
      code: fourth.code,
      redirect_uri: `${CALLBACK}2`,
      code_verifier: fourth.verifier,
    });
    expect(other).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("answers Cognito's OAuth error codes for bad clients and grants, with CORS for browser apps", async () => {
    const pool = await hostedPool(emulator, { GenerateSecret: true });
    expect(await exchange(pool, { grant_type: "authorization_code", client_id: pool.clientId, code: "x", redirect_uri: CALLBACK })).toMatchObject({
      status: 400,
      body: { error: "invalid_client" },
    });
    const basic = { authorization: `Basic ${Buffer.from(`${pool.clientId}:${pool.clientSecret}`).toString("base64")}` };
    expect(await exchange(pool, { grant_type: "password", username: "x" }, basic)).toMatchObject({ body: { error: "unsupported_grant_type" } });
    expect(await exchange(pool, { grant_type: "authorization_code", redirect_uri: CALLBACK }, basic)).toMatchObject({ body: { error: "invalid_request" } });
    expect(await exchange(pool, { grant_type: "authorization_code", code: "nosuchcode", redirect_uri: CALLBACK }, basic)).toMatchObject({
      body: { error: "invalid_grant" },
    });
    const preflight = await fetch(`${pool.base}/oauth2/token`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:3000", "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
  });

  it("signs a confidential client's user in and exchanges the code with client_secret_basic", async () => {
    const pool = await hostedPool(emulator, { GenerateSecret: true });
    await createUser(emulator, pool.poolId, "erin");
    const { code, verifier } = await codeFor(pool, "erin");
    const basic = { authorization: `Basic ${Buffer.from(`${pool.clientId}:${pool.clientSecret}`).toString("base64")}` };
    const answer = await exchange(pool, { grant_type: "authorization_code", code, redirect_uri: CALLBACK, code_verifier: verifier }, basic);
    expect(answer.status).toBe(200);
    expect(typeof answer.body["id_token"]).toBe("string");
  });

  it("goes through email MFA on the login page, answering the challenge session the API opened", async () => {
    const pool = await hostedPool(emulator);
    await idpClient(emulator).send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: "ON", EmailMfaConfiguration: { Subject: "Your code" } }),
    );
    await createUser(emulator, pool.poolId, "frank", { email: "frank@example.com", email_verified: "true" });
    const browser = new Browser();
    const mfa = await browser.signIn(authorizeUrl(pool, { state: "m" }), emulator.url, "frank", PASSWORD);
    expect(mfa.html).toContain("Multi-factor authentication");
    const { action, fields } = formOf(mfa.html!, "challenge");
    expect(fields["challenge"]).toBe("EMAIL_OTP");
    const wrong = await browser.follow(action, emulator.url, { form: { ...fields, code: "000000" } });
    expect(pageError(wrong.html!)).toBe("Invalid code or auth state for the user.");
    const { code } = await emulator.control.lastCode(pool.poolId, "frank");
    const done = await browser.follow(action, emulator.url, { form: { ...formOf(wrong.html!, "challenge").fields, code } });
    expect(done.location?.startsWith(`${CALLBACK}?code=`)).toBe(true);
  });

  it("asks for a new password on the login page when the user has a temporary one", async () => {
    const pool = await hostedPool(emulator);
    await idpClient(emulator).send(
      new (await import("@aws-sdk/client-cognito-identity-provider")).AdminCreateUserCommand({
        UserPoolId: pool.poolId,
        Username: "gina",
        TemporaryPassword: "Temp-Pass1!",
        MessageAction: "SUPPRESS",
      }),
    );
    const browser = new Browser();
    const login = await browser.follow(authorizeUrl(pool), emulator.url);
    const signin = formOf(login.html!, "signin");
    const change = await browser.follow(signin.action, emulator.url, { form: { ...signin.fields, username: "gina", password: "Temp-Pass1!" } });
    const { action, fields } = formOf(change.html!, "challenge");
    expect(fields["challenge"]).toBe("NEW_PASSWORD_REQUIRED");
    const done = await browser.follow(action, emulator.url, { form: { ...fields, new_password: PASSWORD, confirm_password: PASSWORD } });
    expect(done.location?.startsWith(`${CALLBACK}?code=`)).toBe(true);
    const user = await idpClient(emulator).send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "gina" }));
    expect(user.UserStatus).toBe("CONFIRMED");
  });
});

describe("refresh, userInfo, revoke and logout", () => {
  it("refreshes through the token endpoint, serves userInfo for the openid scope, and revokes the session", async () => {
    const pool = await hostedPool(emulator);
    await createUser(emulator, pool.poolId, "hana", { email: "hana@example.com", email_verified: "true", name: "Hana" });
    const { code, verifier } = await codeFor(pool, "hana");
    const tokens = (await grant(pool, code, verifier)).body;

    const refreshed = await exchange(pool, { grant_type: "refresh_token", client_id: pool.clientId, refresh_token: tokens["refresh_token"] as string });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body["refresh_token"]).toBeUndefined();
    expect(claimsOf(refreshed.body["access_token"] as string)["scope"]).toBe("openid email");
    expect(claimsOf(refreshed.body["id_token"] as string)["nonce"]).toBeUndefined();

    const info = await fetch(`${pool.base}/oauth2/userInfo`, { headers: { authorization: `Bearer ${refreshed.body["access_token"]}` } });
    expect(info.status).toBe(200);
    const body = (await info.json()) as Record<string, string>;
    // "openid email" releases email and email_verified, not name.
    expect(body).toMatchObject({ email: "hana@example.com", email_verified: "true", username: "hana" });
    expect(body["name"]).toBeUndefined();

    const revoke = await fetch(`${pool.base}/oauth2/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tokens["refresh_token"] as string, client_id: pool.clientId }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect(await exchange(pool, { grant_type: "refresh_token", client_id: pool.clientId, refresh_token: tokens["refresh_token"] as string })).toMatchObject({
      status: 400,
      body: { error: "invalid_grant" },
    });
    const after = await fetch(`${pool.base}/oauth2/userInfo`, { headers: { authorization: `Bearer ${tokens["access_token"]}` } });
    expect(after.status).toBe(401);
    expect(after.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("lets the user-pool API accept an OAuth access token only with the aws.cognito.signin.user.admin scope", async () => {
    const pool = await hostedPool(emulator);
    await createUser(emulator, pool.poolId, "lena");
    const { GetUserCommand } = await import("@aws-sdk/client-cognito-identity-provider");
    const narrow = await codeFor(pool, "lena");
    const narrowTokens = (await grant(pool, narrow.code, narrow.verifier)).body;
    expect(await rejection(idpClient(emulator).send(new GetUserCommand({ AccessToken: narrowTokens["access_token"] as string })))).toBe(
      "NotAuthorizedException: Access Token does not have required scopes",
    );
    const wide = await codeFor(pool, "lena", { scope: "openid aws.cognito.signin.user.admin" });
    const wideTokens = (await grant(pool, wide.code, wide.verifier)).body;
    expect((await idpClient(emulator).send(new GetUserCommand({ AccessToken: wideTokens["access_token"] as string }))).Username).toBe("lena");
  });

  it("refuses userInfo for an access token of the user-pool API (no openid scope)", async () => {
    const pool = await hostedPool(emulator, { ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] });
    await createUser(emulator, pool.poolId, "ivan");
    const { InitiateAuthCommand } = await import("@aws-sdk/client-cognito-identity-provider");
    const signedIn = await idpClient(emulator).send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "ivan", PASSWORD } }),
    );
    const info = await fetch(`${pool.base}/oauth2/userInfo`, { headers: { authorization: `Bearer ${signedIn.AuthenticationResult!.AccessToken}` } });
    expect(info.status).toBe(401);
    expect(await info.json()).toMatchObject({ error: "invalid_token", error_description: "Access token does not contain openid scope" });
  });

  it("skips the login page while managed login's session lasts, and logs out only to a registered LogoutURL", async () => {
    const pool = await hostedPool(emulator);
    await createUser(emulator, pool.poolId, "jane");
    const { browser } = await codeFor(pool, "jane");
    // Signed in to the domain: the next authorize answers with a code at once.
    const again = await browser.follow(authorizeUrl(pool, { state: "again" }), emulator.url);
    expect(again.location?.startsWith(`${CALLBACK}?code=`)).toBe(true);

    const refused = await browser.request(`${pool.base}/logout?${new URLSearchParams({ client_id: pool.clientId, logout_uri: "https://evil.example/" })}`);
    expect(refused.status).toBe(302);
    expect(refused.headers.get("location")!.startsWith(`${pool.base}/error?`)).toBe(true);

    const out = await browser.request(`${pool.base}/logout?${new URLSearchParams({ client_id: pool.clientId, logout_uri: SIGNED_OUT })}`);
    expect(out.headers.get("location")).toBe(SIGNED_OUT);
    const afterLogout = await browser.follow(authorizeUrl(pool), emulator.url);
    expect(afterLogout.html).toContain('name="signin"');
  });
});

describe("federation through a stand-in social provider", () => {
  async function googlePool(): Promise<HostedPool> {
    return hostedPool(emulator, { SupportedIdentityProviders: ["COGNITO", "Google"] }, {}, async ({ poolId }) => {
      await idpClient(emulator).send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: "Google",
          ProviderType: "Google",
          ProviderDetails: { client_id: "google-client", client_secret: "google-secret", authorize_scopes: "openid email profile" },
          AttributeMapping: { email: "email", name: "name" },
        }),
      );
    });
  }

  it("creates the identity provider and lists it", async () => {
    const pool = await googlePool();
    const idp = idpClient(emulator);
    expect((await idp.send(new ListIdentityProvidersCommand({ UserPoolId: pool.poolId }))).Providers?.map((p) => p.ProviderName)).toEqual(["Google"]);
    expect((await idp.send(new DescribeIdentityProviderCommand({ UserPoolId: pool.poolId, ProviderName: "Google" }))).IdentityProvider).toMatchObject({
      ProviderType: "Google",
      AttributeMapping: { email: "email", name: "name" },
    });
    expect(
      await rejection(
        idp.send(
          new CreateIdentityProviderCommand({
            UserPoolId: pool.poolId,
            ProviderName: "Google",
            ProviderType: "Google",
            ProviderDetails: { client_id: "a", client_secret: "b", authorize_scopes: "openid" },
          }),
        ),
      ),
    ).toMatch(/^DuplicateProviderException/);
  });

  it("signs in as Google_<sub> through identity_provider=Google and maps the email", async () => {
    const pool = await googlePool();
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    const start = await browser.request(
      authorizeUrl(pool, {
        identity_provider: "Google",
        login_hint: "kim@example.com",
        state: "g",
        scope: "openid email",
        code_challenge: challenge,
        code_challenge_method: "S256",
      }),
    );
    // Off to the stand-in provider, a page of the emulator beside the domain's.
    expect(start.headers.get("location")!.startsWith(`${pool.base}/_idp/Google/authorize?`)).toBe(true);
    const providerPage = await browser.follow(start.headers.get("location")!, emulator.url);
    expect(providerPage.html).toContain("Continue as kim@example.com");
    const { action, fields } = formOf(providerPage.html!);
    const end = await browser.follow(new URL(action, emulator.url).toString(), emulator.url, { form: { ...fields, action: "continue" } });
    expect(new URL(end.location!).searchParams.get("state")).toBe("g");
    const tokens = (await grant(pool, codeOf(end.location), verifier)).body;
    const id = claimsOf(tokens["id_token"] as string);
    expect(id["cognito:username"]).toMatch(/^Google_\d{21}$/);
    expect(id["email"]).toBe("kim@example.com");
    expect(id["identities"]).toEqual([expect.objectContaining({ providerName: "Google", providerType: "Google", primary: "true" })]);
    const user = await idpClient(emulator).send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: id["cognito:username"] as string }));
    expect(user.UserStatus).toBe("EXTERNAL_PROVIDER");
  });

  it("returns access_denied to the app when the user cancels at the provider", async () => {
    const pool = await googlePool();
    const browser = new Browser();
    const start = await browser.request(authorizeUrl(pool, { identity_provider: "Google", state: "cancel-me" }));
    const providerPage = await browser.follow(start.headers.get("location")!, emulator.url);
    const { action, fields } = formOf(providerPage.html!);
    const end = await browser.follow(new URL(action, emulator.url).toString(), emulator.url, { form: { ...fields, action: "cancel" } });
    const back = new URL(end.location!);
    expect(`${back.origin}${back.pathname}`).toBe(CALLBACK);
    expect({ error: back.searchParams.get("error"), state: back.searchParams.get("state") }).toEqual({ error: "access_denied", state: "cancel-me" });
  });

  it("links to the provider from the login page", async () => {
    const pool = await googlePool();
    const login = await new Browser().follow(authorizeUrl(pool), emulator.url);
    expect(login.html).toContain("Continue with Google");
    expect(login.html).toContain("identity_provider=Google");
  });
});

describe("app clients' OAuth settings", () => {
  it("refuses what AWS refuses: an unknown provider, a custom scope, plain http off localhost, OAuth without flows", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    const base = {
      UserPoolId: pool.poolId,
      ClientName: "oauth",
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ["code" as const],
      AllowedOAuthScopes: ["openid"],
    };
    expect(await rejection(idp.send(new CreateUserPoolClientCommand({ ...base, CallbackURLs: [CALLBACK], SupportedIdentityProviders: ["Google"] })))).toBe(
      `InvalidParameterException: The provider Google does not exist for User Pool ${pool.poolId}`,
    );
    expect(await rejection(idp.send(new CreateUserPoolClientCommand({ ...base, CallbackURLs: [CALLBACK], AllowedOAuthScopes: ["orders/read"] })))).toBe(
      "ScopeDoesNotExistException: Invalid scope requested: orders/read",
    );
    expect(await rejection(idp.send(new CreateUserPoolClientCommand({ ...base, CallbackURLs: ["http://app.example/callback"] })))).toMatch(
      /^InvalidParameterException: Invalid CallbackURL/,
    );
    expect(await rejection(idp.send(new CreateUserPoolClientCommand({ ...base, AllowedOAuthFlows: [], CallbackURLs: [CALLBACK] })))).toMatch(
      /^InvalidParameterException: AllowedOAuthFlows and AllowedOAuthScopes are required/,
    );
    const created = await idp.send(new CreateUserPoolClientCommand({ ...base, CallbackURLs: [CALLBACK, "myapp://signed-in"] }));
    expect(created.UserPoolClient).toMatchObject({
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ["code"],
      CallbackURLs: [CALLBACK, "myapp://signed-in"],
    });
    expect(
      await rejection(
        idp.send(
          new UpdateUserPoolClientCommand({
            ...base,
            ClientId: created.UserPoolClient!.ClientId!,
            AllowedOAuthFlows: ["code", "client_credentials"] as const,
            CallbackURLs: [CALLBACK],
          }),
        ),
      ),
    ).toMatch(/^InvalidOAuthFlowException/);
  });
});

describe("more of authorize", () => {
  it("returns tokens in the fragment for the implicit grant, without a refresh token", async () => {
    const pool = await hostedPool(emulator, { AllowedOAuthFlows: ["implicit"] });
    await createUser(emulator, pool.poolId, "kate");
    const end = await new Browser().signIn(
      authorizeUrl(pool, { response_type: "token", scope: "openid", state: "imp", nonce: "nn" }),
      emulator.url,
      "kate",
      PASSWORD,
    );
    const fragment = new URLSearchParams(new URL(end.location!).hash.slice(1));
    expect(fragment.get("state")).toBe("imp");
    expect(fragment.get("token_type")).toBe("Bearer");
    expect(claimsOf(fragment.get("id_token")!)["nonce"]).toBe("nn");
    expect(claimsOf(fragment.get("access_token")!)["scope"]).toBe("openid");
    expect(fragment.get("refresh_token")).toBeNull();
  });

  it("answers login_required for prompt=none without managed login's session", async () => {
    const pool = await hostedPool(emulator);
    const response = await fetch(authorizeUrl(pool, { prompt: "none", state: "p" }), { redirect: "manual" });
    const location = new URL(response.headers.get("location")!);
    expect({ error: location.searchParams.get("error"), state: location.searchParams.get("state") }).toEqual({ error: "login_required", state: "p" });
  });

  it("serves the domain under its AWS host name too, linking its pages there", async () => {
    const pool = await hostedPool(emulator);
    const host = `${pool.domain}.auth.eu-west-1.amazoncognito.com`;
    const response = await fetch(`${emulator.url}/oauth2/authorize?${new URL(authorizeUrl(pool)).searchParams}`, {
      redirect: "manual",
      headers: { "x-forwarded-host": host, "x-forwarded-proto": "https" },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")!.startsWith(`https://${host}/login?`)).toBe(true);
  });
});
