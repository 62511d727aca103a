import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AdminGetUserCommand, CreateIdentityProviderCommand } from "@aws-sdk/client-cognito-identity-provider";
import Provider from "oidc-provider";
import { InMemoryWebStorage, OidcClient, WebStorageStateStore } from "oidc-client-ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { claimsOf, createUser, idpClient, PASSWORD, verifyToken } from "../../test/idp-harness.js";
import { authorizeUrl, Browser, CALLBACK, codeOf, exchange, formOf, hostedPool, pkce } from "../../test/hosted-ui-harness.js";

/**
 * Managed login against clients and providers the emulator did not write: a real OpenID Connect
 * provider (oidc-provider) federated to by the pool, and oidc-client-ts's OidcClient driving the
 * pool's own endpoints from its discovery document.
 */

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());

/** A running oidc-provider whose one client is the pool (redirect_uri: the domain's idpresponse). */
async function startProvider(idpResponse: string): Promise<{ issuer: string; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: "cognito-pool",
        client_secret: "pool-secret",
        redirect_uris: [idpResponse],
        token_endpoint_auth_method: "client_secret_post",
        response_types: ["code"],
        grant_types: ["authorization_code"],
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    // Cognito reads the user's attributes from the ID token.
    conformIdTokenClaims: false,
    pkce: { required: () => false },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, email: `${id}@corp.example`, email_verified: true }) }),
  });
  server.on("request", provider.callback());
  return { issuer, server };
}

describe("federation to an OIDC provider", () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it("signs in through a real OIDC provider: code exchanged, ID token verified, user Corp_<sub> with the mapped email", async () => {
    let issuer = "";
    const pool = await hostedPool(emulator, { SupportedIdentityProviders: ["COGNITO", "Corp"] }, {}, async ({ poolId, base }) => {
      const started = await startProvider(`${base}/oauth2/idpresponse`);
      server = started.server;
      issuer = started.issuer;
      await idpClient(emulator).send(
        new CreateIdentityProviderCommand({
          UserPoolId: poolId,
          ProviderName: "Corp",
          ProviderType: "OIDC",
          ProviderDetails: {
            client_id: "cognito-pool",
            client_secret: "pool-secret",
            oidc_issuer: issuer,
            authorize_scopes: "openid email",
            attributes_request_method: "GET",
          },
          AttributeMapping: { email: "email" },
          IdpIdentifiers: ["corp.example"],
        }),
      );
    });
    const browser = new Browser();
    const { verifier, challenge } = pkce();
    // idp_identifier names the provider without its name, as an email domain would.
    const toProvider = await browser.follow(
      authorizeUrl(pool, { idp_identifier: "corp.example", state: "oidc", scope: "openid email", code_challenge: challenge, code_challenge_method: "S256" }),
      emulator.url,
    );
    expect(toProvider.location!.startsWith(`${issuer}/auth?`)).toBe(true);
    let step = await browser.follow(toProvider.location!, issuer);
    // oidc-provider's own pages: login, then consent.
    for (let i = 0; i < 3 && step.html; i++) {
      const { action, fields } = formOf(step.html);
      step = await browser.follow(new URL(action, issuer).toString(), issuer, { form: { ...fields, login: "pat", password: "any" } });
    }
    expect(step.location!.startsWith(`${pool.base}/oauth2/idpresponse?`)).toBe(true);
    const back = await browser.follow(step.location!, emulator.url);
    expect(back.location!.startsWith(`${CALLBACK}?code=`), back.html).toBe(true);
    expect(new URL(back.location!).searchParams.get("state")).toBe("oidc");
    const tokens = (
      await exchange(pool, {
        grant_type: "authorization_code",
        client_id: pool.clientId,
        code: codeOf(back.location),
        redirect_uri: CALLBACK,
        code_verifier: verifier,
      })
    ).body;
    const id = claimsOf(tokens["id_token"] as string);
    expect(id).toMatchObject({ "cognito:username": "Corp_pat", email: "pat@corp.example" });
    expect(id["identities"]).toEqual([expect.objectContaining({ providerName: "Corp", providerType: "OIDC", userId: "pat", issuer: issuer })]);
    const user = await idpClient(emulator).send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "Corp_pat" }));
    expect(user.UserStatus).toBe("EXTERNAL_PROVIDER");
  });
});

describe("oidc-client-ts against the pool's discovery document", () => {
  it("creates a sign-in request, follows the login page and processes the response into verified tokens", async () => {
    const pool = await hostedPool(emulator);
    await createUser(emulator, pool.poolId, "olga", { email: "olga@example.com", email_verified: "true" });
    const client = new OidcClient({
      authority: `${emulator.url}/${pool.poolId}`,
      client_id: pool.clientId,
      redirect_uri: CALLBACK,
      response_type: "code",
      scope: "openid email",
      stateStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    });
    const request = await client.createSigninRequest({ state: { returnTo: "/home" } });
    expect(request.url.startsWith(`${pool.base}/oauth2/authorize?`)).toBe(true);
    const end = await new Browser().signIn(request.url, emulator.url, "olga", PASSWORD);
    expect(end.location!.startsWith(`${CALLBACK}?code=`), end.html).toBe(true);
    const response = await client.processSigninResponse(end.location!);
    expect(response.profile).toMatchObject({ "cognito:username": "olga", email: "olga@example.com" });
    expect(response.userState).toEqual({ returnTo: "/home" });
    expect(response.scope).toBe("openid email");
    await verifyToken(emulator, pool.poolId, response.id_token!, { audience: pool.clientId });
    expect(claimsOf(response.access_token)["scope"]).toBe("openid email");
  });
});
