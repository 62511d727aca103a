import { inflateRawSync } from "node:zlib";
import {
  AdminGetUserCommand,
  CreateIdentityProviderCommand,
  DescribeIdentityProviderCommand,
  UpdateIdentityProviderCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import type { SamlResponseRequest } from "../testing/control.js";
import { claimsOf, idpClient } from "../../test/idp-harness.js";
import { authorizeUrl, Browser, CALLBACK, codeOf, exchange, formOf, hostedPool, pageError, type HostedPool } from "../../test/hosted-ui-harness.js";

/**
 * Managed login federated to a SAML 2.0 IdP (SP-initiated): the emulator's SAML IdP stand-in,
 * configured in the pool from its metadata, signs the user in and posts its response to the pool's
 * `/saml2/idpresponse`, which verifies it as AWS does before signing the user in.
 */

const IDP = "corp-idp";
const ENTITY_ID = `urn:cognito-idpool-emulator:saml:${IDP}`;
const EMAIL_ATTRIBUTE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";

let emulator: TestEmulator;
let pool: HostedPool;
beforeAll(async () => {
  emulator = await startTestEmulator();
  const metadata = await emulator.control.samlMetadata(IDP);
  pool = await hostedPool(emulator, { SupportedIdentityProviders: ["COGNITO", "Corp", "CorpByUrl"] }, {}, async ({ poolId }) => {
    const idp = idpClient(emulator);
    await idp.send(
      new CreateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: "Corp",
        ProviderType: "SAML",
        ProviderDetails: { MetadataFile: metadata },
        AttributeMapping: { email: EMAIL_ATTRIBUTE },
      }),
    );
    await idp.send(
      new CreateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: "CorpByUrl",
        ProviderType: "SAML",
        ProviderDetails: { MetadataURL: `${emulator.url}/_emulator/saml/${IDP}/metadata.xml` },
        AttributeMapping: { email: EMAIL_ATTRIBUTE },
      }),
    );
  });
});
afterAll(() => emulator.stop());

const acs = () => `${pool.base}/saml2/idpresponse`;

/** `/oauth2/authorize` for the SAML provider, up to the redirect to the IdP: the AuthnRequest sent and the RelayState. */
async function startSignIn(browser: Browser, provider = "Corp", state = "saml") {
  const toIdp = await browser.follow(authorizeUrl(pool, { identity_provider: provider, state, scope: "openid email" }), pool.base);
  expect(toIdp.location?.startsWith(`${emulator.url}/_emulator/saml/${IDP}/sso?`), toIdp.html).toBe(true);
  const url = new URL(toIdp.location!);
  const xml = inflateRawSync(Buffer.from(url.searchParams.get("SAMLRequest")!, "base64")).toString("utf8");
  return { url: toIdp.location!, xml, requestId: /\bID="([^"]+)"/.exec(xml)![1]!, relayState: url.searchParams.get("RelayState")! };
}

/** Posts a response to the pool's ACS as the IdP's self-submitting form would. */
async function postToAcs(browser: Browser, samlResponse: string, relayState: string) {
  return browser.follow(acs(), pool.base, { form: { SAMLResponse: samlResponse, RelayState: relayState } });
}

/** A response from the stand-in `idp` that answers the request, unless `request` changes it. */
async function minted(requestId: string, request: SamlResponseRequest = {}, idp = IDP): Promise<string> {
  const answer = await emulator.control.samlResponse(idp, {
    nameId: "mallory@corp.example",
    attributes: { [EMAIL_ATTRIBUTE]: "mallory@corp.example" },
    audience: `urn:amazon:cognito:sp:${pool.poolId}`,
    recipient: acs(),
    inResponseTo: requestId,
    ...request,
  });
  return answer.samlResponse;
}

/** The app's callback with Cognito's error for a refused response (server_error), the app's state and a description matching `why`. */
function expectRefused(location: string | undefined, why: RegExp, state = "saml"): void {
  expect(location?.startsWith(`${CALLBACK}?`), location).toBe(true);
  const params = new URL(location!).searchParams;
  expect(params.get("error")).toBe("server_error");
  expect(params.get("error_description")).toMatch(/^Invalid SAML response received: /);
  expect(params.get("state")).toBe(state);
  expect(params.get("code")).toBeNull();
  expect(params.get("error_description")).toMatch(why);
}

describe("federation to a SAML IdP", () => {
  it("signs in SP-initiated through the stand-in: AuthnRequest, signed response at /saml2/idpresponse, user Corp_<NameID> with the mapped email", async () => {
    const browser = new Browser();
    const started = await startSignIn(browser);
    expect(started.xml).toContain(`<saml:Issuer>urn:amazon:cognito:sp:${pool.poolId}</saml:Issuer>`);
    expect(started.xml).toContain(`AssertionConsumerServiceURL="${acs()}"`);

    const signInPage = await browser.follow(started.url, emulator.url);
    const { action, fields } = formOf(signInPage.html!);
    const postBack = await browser.follow(new URL(action, emulator.url).toString(), emulator.url, { form: { ...fields, email: "sam@corp.example" } });
    const form = formOf(postBack.html!);
    expect(form.action).toBe(acs());
    expect(form.fields["RelayState"]).toBe(started.relayState);
    const response = Buffer.from(form.fields["SAMLResponse"]!, "base64").toString("utf8");
    expect(response).toContain(`InResponseTo="${started.requestId}"`);
    expect(response).toContain(`<saml:Audience>urn:amazon:cognito:sp:${pool.poolId}</saml:Audience>`);

    const back = await browser.follow(form.action, pool.base, { form: form.fields });
    expect(back.location?.startsWith(`${CALLBACK}?code=`), back.html).toBe(true);
    expect(new URL(back.location!).searchParams.get("state")).toBe("saml");
    const tokens = (await exchange(pool, { grant_type: "authorization_code", client_id: pool.clientId, code: codeOf(back.location), redirect_uri: CALLBACK }))
      .body;
    const id = claimsOf(tokens["id_token"] as string);
    expect(id).toMatchObject({ "cognito:username": "Corp_sam@corp.example", email: "sam@corp.example" });
    expect(id["identities"]).toEqual([expect.objectContaining({ providerName: "Corp", providerType: "SAML", userId: "sam@corp.example", issuer: ENTITY_ID })]);
    const user = await idpClient(emulator).send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "Corp_sam@corp.example" }));
    expect(user.UserStatus).toBe("EXTERNAL_PROVIDER");
  });

  it("reads a provider's MetadataURL when it has no MetadataFile", async () => {
    const browser = new Browser();
    const started = await startSignIn(browser, "CorpByUrl", "by-url");
    const back = await postToAcs(browser, await minted(started.requestId), started.relayState);
    expect(back.location?.startsWith(`${CALLBACK}?code=`), back.html).toBe(true);
    expect(new URL(back.location!).searchParams.get("state")).toBe("by-url");
  });

  it("refuses a response signed by another key, even one naming the provider's entity id", async () => {
    await emulator.control.seed({ samlIdentityProviders: [{ name: "impostor", entityId: ENTITY_ID }] });
    const browser = new Browser();
    const { requestId, relayState } = await startSignIn(browser);
    const back = await postToAcs(browser, await minted(requestId, {}, "impostor"), relayState);
    expectRefused(back.location, /SAML Assertion signature is invalid\./);
  });

  it("refuses a response meant for AWS (audience urn:amazon:webservices, as for an identity pool)", async () => {
    const browser = new Browser();
    const { requestId, relayState } = await startSignIn(browser);
    const back = await postToAcs(browser, await minted(requestId, { audience: "urn:amazon:webservices" }), relayState);
    expectRefused(back.location, /audience/);
  });

  it("refuses a response that has expired on the emulator clock", async () => {
    const browser = new Browser();
    const { requestId, relayState } = await startSignIn(browser);
    const samlResponse = await minted(requestId);
    // Past the assertion's five minutes and the five minutes' allowance for clock skew.
    await emulator.control.setClock(11 * 60);
    try {
      const back = await postToAcs(browser, samlResponse, relayState);
      expectRefused(back.location, /Token expired/);
    } finally {
      await emulator.control.setClock(0);
    }
  });

  it("refuses a response whose InResponseTo names another request", async () => {
    const browser = new Browser();
    const { relayState } = await startSignIn(browser);
    const back = await postToAcs(browser, await minted("_another-request"), relayState);
    expectRefused(back.location, /InResponseTo/);
  });

  it("refuses an unsolicited (IdP-initiated) response and a replayed RelayState", async () => {
    const browser = new Browser();
    const unsolicited = await postToAcs(browser, await minted("_none", { inResponseTo: undefined }), "");
    expect(unsolicited.response.status).toBe(400);
    expect(pageError(unsolicited.html!)).toMatch(/SP-initiated/);

    const { requestId, relayState } = await startSignIn(browser);
    const samlResponse = await minted(requestId);
    expect((await postToAcs(browser, samlResponse, relayState)).location?.startsWith(`${CALLBACK}?code=`)).toBe(true);
    const replayed = await postToAcs(browser, samlResponse, relayState);
    expect(replayed.response.status).toBe(400);
    expect(pageError(replayed.html!)).toMatch(/Invalid relayState/);
  });
});

describe("SAML metadata, read when the provider is saved", () => {
  const create = (ProviderName: string, ProviderDetails: Record<string, string>) =>
    idpClient(emulator).send(new CreateIdentityProviderCommand({ UserPoolId: pool.poolId, ProviderName, ProviderType: "SAML", ProviderDetails }));

  it("keeps the IdP's sign-in URL from the metadata (SSORedirectBindingURI), and refuses metadata Cognito could not use", async () => {
    const { IdentityProvider } = await idpClient(emulator).send(new DescribeIdentityProviderCommand({ UserPoolId: pool.poolId, ProviderName: "Corp" }));
    expect(IdentityProvider?.ProviderDetails?.["SSORedirectBindingURI"]).toBe(`${emulator.url}/_emulator/saml/${IDP}/sso`);

    await expect(create("Garbled", { MetadataFile: "<not-metadata/>" })).rejects.toMatchObject({
      name: "InvalidParameterException",
      message: "Unable to unmarshall metadata",
    });
    const metadata = await emulator.control.samlMetadata(IDP);
    const withoutRedirect = metadata.replace(/<md:SingleSignOnService[^>]*HTTP-Redirect[^>]*\/>/g, "");
    expect(withoutRedirect).not.toBe(metadata);
    await expect(create("NoSso", { MetadataFile: withoutRedirect })).rejects.toMatchObject({
      name: "InvalidParameterException",
      message: "No SingleSignOn Http redirect binding location found in metadata.",
    });
    const missing = `${emulator.url}/_emulator/saml/${IDP}/nowhere.xml`;
    await expect(create("Missing", { MetadataURL: missing })).rejects.toMatchObject({
      name: "InvalidParameterException",
      message: `Non-ok status code 404 returned from remote metadata source ${missing}`,
    });
  });

  it("an update with new metadata replaces the old and what came from it; bad new metadata changes nothing", async () => {
    const idp = idpClient(emulator);
    await create("Swap", { MetadataURL: `${emulator.url}/_emulator/saml/${IDP}/metadata.xml` });
    const other = await emulator.control.samlMetadata("swap-idp");
    await idp.send(new UpdateIdentityProviderCommand({ UserPoolId: pool.poolId, ProviderName: "Swap", ProviderDetails: { MetadataFile: other } }));
    const described = async () => (await idp.send(new DescribeIdentityProviderCommand({ UserPoolId: pool.poolId, ProviderName: "Swap" }))).IdentityProvider!;
    const details = (await described()).ProviderDetails!;
    expect(details["MetadataURL"]).toBeUndefined();
    expect(details["SSORedirectBindingURI"]).toBe(`${emulator.url}/_emulator/saml/swap-idp/sso`);
    await expect(
      idp.send(new UpdateIdentityProviderCommand({ UserPoolId: pool.poolId, ProviderName: "Swap", ProviderDetails: { MetadataFile: "<nope/>" } })),
    ).rejects.toMatchObject({ name: "InvalidParameterException" });
    expect((await described()).ProviderDetails).toEqual(details);
  });
});
