import { createHash, randomUUID } from "node:crypto";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import type { EmulatorResponse } from "../core/types.js";
import { userKey } from "../cognito-idp/lookup.js";
import { newUser } from "../cognito-idp/users.js";
import type { PoolIdentityProvider, PoolUser, UserPool } from "../cognito-idp/state.js";
import type { ServiceContext } from "../service.js";
import { providerOf, type AuthorizeRequest } from "./authorize-request.js";
import { oauthSignIn, redirectError, signInAndComplete } from "./complete.js";
import { escape, formOf, hidden, page, redirect, withParams } from "./http.js";
import { FEDERATION_MS, memoryOf, randomId } from "./memory.js";
import { domainBaseUrl } from "./urls.js";
import { own } from "../core/records.js";
import type { SamlMetadata } from "../iam/saml-metadata.js";
import { readSamlMetadata } from "../cognito-idp/identity-providers.js";
import { AwsError } from "../core/errors.js";
import { encodeAuthnRequest } from "../iam/saml-request.js";
import { SamlRejection, verifySamlResponse, type VerifiedSamlResponse } from "../iam/saml-response.js";

/**
 * Sign-in through a third-party provider. Social providers (Google, Facebook, Sign in with Apple,
 * Login with Amazon) are played by the emulator's stand-in page at `<domain>/_idp/<Provider>/authorize`
 * (beside the domain's pages, so the browser stays on one origin): a "Continue as <email>" form, no network. OIDC providers are real: discovered from their issuer,
 * sent the browser, and their code exchanged and ID token verified at `/oauth2/idpresponse`. Either
 * way the user is created or updated in the pool as `<ProviderName>_<sub>` and the sign-in ends
 * like any other. SAML providers are real too (SP-initiated only): the browser takes an
 * AuthnRequest to the IdP's SSO URL from its metadata, the IdP posts the signed response back to
 * `/saml2/idpresponse`, and the user is `<ProviderName>_<NameID>`.
 */

interface OidcMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
}

const discovered = new Map<string, Promise<OidcMetadata>>();

/** The provider's endpoints: those given in ProviderDetails, else its discovery document. */
async function oidcMetadata(provider: PoolIdentityProvider): Promise<OidcMetadata> {
  const details = provider.ProviderDetails;
  const issuer = details["oidc_issuer"]!.replace(/\/$/, "");
  if (details["authorize_url"] && details["token_url"] && details["jwks_uri"]) {
    return { issuer, authorization_endpoint: details["authorize_url"], token_endpoint: details["token_url"], jwks_uri: details["jwks_uri"] };
  }
  let found = discovered.get(issuer);
  if (!found) {
    found = fetch(`${issuer}/.well-known/openid-configuration`).then(async (response) => {
      if (!response.ok) throw new Error(`discovery answered ${response.status}`);
      return (await response.json()) as OidcMetadata;
    });
    discovered.set(issuer, found);
    found.catch(() => discovered.delete(issuer));
  }
  return found;
}

/** `/oauth2/authorize` with an external identity_provider: off to the provider's sign-in page. */
export async function startFederation(ctx: ServiceContext, domain: string, pool: UserPool, request: AuthorizeRequest): Promise<EmulatorResponse> {
  const provider = providerOf(pool, request.identityProvider!)!;
  const memory = memoryOf(ctx.state);
  const ref = randomId(24);
  const nonce = randomId(16);
  memory.federations.set(ref, { domain, provider: provider.ProviderName, request, nonce, expiresAt: ctx.clock.now() + FEDERATION_MS });
  const callback = `${domainBaseUrl(ctx, domain)}/oauth2/idpresponse`;
  const scope = provider.ProviderDetails["authorize_scopes"] ?? "openid";
  const fragment = request.responseType === "token";
  if (provider.ProviderType === "OIDC") {
    let metadata: OidcMetadata;
    try {
      metadata = await oidcMetadata(provider);
    } catch {
      return redirectError(
        request.redirectUri,
        "invalid_request",
        `${provider.ProviderName} Error - could not read the provider's discovery document`,
        request.state,
        fragment,
      );
    }
    return redirect(
      withParams(metadata.authorization_endpoint, {
        client_id: provider.ProviderDetails["client_id"],
        redirect_uri: callback,
        response_type: "code",
        scope,
        state: ref,
        nonce,
      }),
    );
  }
  if (provider.ProviderType === "SAML") {
    const metadata = await samlMetadata(provider);
    if (typeof metadata === "string") return redirectError(request.redirectUri, "invalid_request", metadata, request.state, fragment);
    const sso = metadata.redirectSso;
    // An xsd:ID may not start with a digit (nor a dash): the underscore makes any random id one.
    const id = `_${randomId(20)}`;
    memory.federations.get(ref)!.samlRequestId = id;
    const samlRequest = encodeAuthnRequest(
      { id, issuer: samlSpEntityId(pool), assertionConsumerServiceUrl: `${domainBaseUrl(ctx, domain)}/saml2/idpresponse` },
      sso,
      ctx.clock.date(),
    );
    return redirect(withParams(sso, { SAMLRequest: samlRequest, RelayState: ref }));
  }
  return redirect(
    withParams(`${domainBaseUrl(ctx, domain)}/_idp/${provider.ProviderType}/authorize`, {
      client_id: provider.ProviderDetails["client_id"],
      redirect_uri: callback,
      response_type: "code",
      scope,
      state: ref,
      login_hint: request.loginHint,
    }),
  );
}

// ---- the stand-in social provider page ----

const STAND_IN_NAMES: Record<string, string> = { Google: "Google", Facebook: "Facebook", SignInWithApple: "Apple", LoginWithAmazon: "Amazon" };

/** GET shows "Continue as <email>"; POST continues (a code back to the pool) or cancels (access_denied). */
export function standInProvider(ctx: ServiceContext, providerType: string): EmulatorResponse {
  const params = ctx.request.method === "POST" ? new URLSearchParams(formOf(ctx.request.body)) : ctx.request.url.searchParams;
  const redirectUri = params.get("redirect_uri") ?? "";
  const state = params.get("state") ?? undefined;
  // The stand-in answers only user-pool domains' idpresponse endpoints: its only relying parties.
  if (!/^https?:\/\/[^?#]+\/oauth2\/idpresponse$/.test(redirectUri)) {
    return page("Error", `<p class="error">redirect_uri must be a user pool domain's /oauth2/idpresponse.</p>`, 400);
  }
  const label = STAND_IN_NAMES[providerType] ?? providerType;
  if (ctx.request.method === "POST") {
    if (params.get("action") === "cancel")
      return redirect(withParams(redirectUri, { error: "access_denied", error_description: "The user cancelled the sign-in.", state }));
    const email = (params.get("email") ?? "").trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) return standInForm(ctx, label, redirectUri, state, email, "Enter an email address.");
    const code = randomId(24);
    memoryOf(ctx.state).standInCodes.set(code, {
      provider: providerType,
      email,
      sub: standInSub(providerType, email),
      ...(params.get("name") ? { name: params.get("name")! } : {}),
      expiresAt: ctx.clock.now() + FEDERATION_MS,
    });
    return redirect(withParams(redirectUri, { code, state }));
  }
  return standInForm(ctx, label, redirectUri, state, params.get("login_hint") ?? "", undefined);
}

function standInForm(
  ctx: ServiceContext,
  label: string,
  redirectUri: string,
  state: string | undefined,
  email: string,
  error: string | undefined,
): EmulatorResponse {
  const action = ctx.request.url.pathname;
  const body = `<p class="note">The emulator stands in for ${escape(label)}: no account or password, any email address.</p>
${error ? `<p class="error">${escape(error)}</p>` : ""}
<form method="post" action="${escape(action)}">${hidden("redirect_uri", redirectUri)}${state !== undefined ? hidden("state", state) : ""}
<label for="email">Email</label><input id="email" type="email" name="email" value="${escape(email)}">
<label for="name">Name (optional)</label><input id="name" type="text" name="name">
<button type="submit" name="action" value="continue">Continue${email ? ` as ${escape(email)}` : ""}</button>
<button type="submit" name="action" value="cancel">Cancel</button></form>`;
  return page(`Sign in with ${label}`, body, error ? 400 : 200);
}

/** A stable subject per provider and email, in the provider's style (Google's are 21 digits). */
function standInSub(provider: string, email: string): string {
  const digest = createHash("sha256").update(`${provider}:${email.toLowerCase()}`).digest();
  if (provider === "Google" || provider === "Facebook")
    return BigInt("0x" + digest.subarray(0, 9).toString("hex"))
      .toString()
      .padStart(21, "1")
      .slice(0, 21);
  return `${provider === "LoginWithAmazon" ? "amzn1.account." : "000123."}${digest.subarray(0, 12).toString("hex").toUpperCase()}`;
}

// ---- back at the pool: /oauth2/idpresponse ----

export async function idpResponse(ctx: ServiceContext, domain: string, pool: UserPool): Promise<EmulatorResponse> {
  const params = ctx.request.url.searchParams;
  const memory = memoryOf(ctx.state);
  const ref = params.get("state") ?? "";
  const pending = memory.federations.get(ref);
  if (!pending || pending.domain !== domain || pending.expiresAt < ctx.clock.now()) {
    return page("Error", `<p class="error">Invalid state: this sign-in is unknown or has expired. Go back to the application and sign in again.</p>`, 400);
  }
  memory.federations.delete(ref);
  const { request } = pending;
  const fragment = request.responseType === "token";
  const provider = providerOf(pool, pending.provider);
  if (!provider)
    return redirectError(
      request.redirectUri,
      "invalid_request",
      `${pending.provider} is no longer an identity provider of the user pool.`,
      request.state,
      fragment,
    );
  const error = params.get("error");
  if (error) return redirectError(request.redirectUri, error, params.get("error_description") ?? undefined, request.state, fragment);
  const code = params.get("code") ?? "";
  let claims: Record<string, unknown>;
  if (provider.ProviderType === "OIDC") {
    const verified = await oidcClaims(ctx, domain, provider, code, pending.nonce);
    if (typeof verified === "string") return redirectError(request.redirectUri, "invalid_request", verified, request.state, fragment);
    claims = verified;
  } else {
    const standIn = memory.standInCodes.get(code);
    memory.standInCodes.delete(code);
    if (!standIn || standIn.provider !== provider.ProviderType || standIn.expiresAt < ctx.clock.now()) {
      return redirectError(request.redirectUri, "invalid_request", `${provider.ProviderName} Error - 400 invalid_grant`, request.state, fragment);
    }
    claims = { sub: standIn.sub, email: standIn.email, email_verified: true, ...(standIn.name ? { name: standIn.name } : {}) };
  }
  const client = own(pool.clients, request.clientId);
  if (!client) return page("Error", `<p class="error">Invalid client id</p>`, 400);
  const { key, user } = federatedUser(ctx, pool, provider, claims);
  if (!user.enabled) return redirectError(request.redirectUri, "invalid_request", "User is disabled.", request.state, fragment);
  return signInAndComplete(ctx, domain, oauthSignIn(ctx, pool, client, key, user, request), request);
}

/** The provider's code exchanged (client_secret_post) and its ID token verified; a string is the error to report. */
async function oidcClaims(ctx: ServiceContext, domain: string, provider: PoolIdentityProvider, code: string, nonce: string): Promise<JWTPayload | string> {
  const details = provider.ProviderDetails;
  try {
    const metadata = await oidcMetadata(provider);
    const response = await fetch(metadata.token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: `${domainBaseUrl(ctx, domain)}/oauth2/idpresponse`,
        client_id: details["client_id"]!,
        ...(details["client_secret"] ? { client_secret: details["client_secret"] } : {}),
      }),
    });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok || typeof answer["id_token"] !== "string") {
      return `${provider.ProviderName} Error - ${response.status} ${typeof answer["error"] === "string" ? answer["error"] : "error getting token"}`;
    }
    const { payload } = await jwtVerify(answer["id_token"], createRemoteJWKSet(new URL(metadata.jwks_uri)), {
      issuer: metadata.issuer,
      audience: details["client_id"]!,
      currentDate: ctx.clock.date(),
    });
    if (payload["nonce"] !== nonce) return `${provider.ProviderName} Error - invalid nonce in the ID token`;
    return payload;
  } catch (error) {
    return `${provider.ProviderName} Error - ${(error as Error).message}`;
  }
}

// ---- SAML: the pool as service provider ----

/** A user pool's SAML entity id: the audience its responses must name. */
export function samlSpEntityId(pool: UserPool): string {
  return `urn:amazon:cognito:sp:${pool.Id}`;
}

/**
 * The provider's metadata, read again at each sign-in (Cognito checked it when the provider was
 * saved, and refreshes a `MetadataURL`); a string is the error to report to the app.
 */
async function samlMetadata(provider: PoolIdentityProvider): Promise<(SamlMetadata & { redirectSso: string }) | string> {
  try {
    return await readSamlMetadata(provider.ProviderDetails);
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return `${provider.ProviderName} Error - ${error.message}`;
  }
}

/**
 * `POST /saml2/idpresponse`, the pool's assertion consumer service: the IdP's SAMLResponse for a
 * sign-in this pool sent there (its RelayState), verified (iam/saml-response.ts: the checks the
 * identity pool makes, with the pool as audience, this URL as recipient and the AuthnRequest's ID
 * as InResponseTo), then the user `<ProviderName>_<NameID>` signed in like any federated one.
 * Unsolicited (IdP-initiated) responses are refused whatever `IDPInit` says: the emulator only
 * implements SP-initiated sign-in.
 */
export async function samlIdpResponse(ctx: ServiceContext, domain: string, pool: UserPool): Promise<EmulatorResponse> {
  if (ctx.request.method !== "POST") return page("Error", `<p class="error">The SAML assertion consumer service takes a POST (HTTP-POST binding).</p>`, 405);
  const form = formOf(ctx.request.body);
  const memory = memoryOf(ctx.state);
  const relayState = form["RelayState"] ?? "";
  const pending = memory.federations.get(relayState);
  if (!pending || pending.domain !== domain || pending.expiresAt < ctx.clock.now() || pending.samlRequestId === undefined) {
    const why = relayState
      ? "Invalid relayState from identity provider: this sign-in is unknown or has expired. Go back to the application and sign in again."
      : "Invalid relayState from identity provider: the emulator supports SP-initiated SAML sign-in only (start at /oauth2/authorize).";
    return page("Error", `<p class="error">${escape(why)}</p>`, 400);
  }
  memory.federations.delete(relayState);
  const { request } = pending;
  const fragment = request.responseType === "token";
  const fail = (description: string) => redirectError(request.redirectUri, "invalid_request", description, request.state, fragment);
  const provider = providerOf(pool, pending.provider);
  if (!provider || provider.ProviderType !== "SAML") return fail(`${pending.provider} is no longer a SAML identity provider of the user pool.`);
  const metadata = await samlMetadata(provider);
  if (typeof metadata === "string") return fail(metadata);
  const acs = `${domainBaseUrl(ctx, domain)}/saml2/idpresponse`;
  let verified: VerifiedSamlResponse;
  try {
    verified = verifySamlResponse(
      form["SAMLResponse"] ?? "",
      { entityId: metadata.entityId, certificates: metadata.certificates },
      {
        audience: samlSpEntityId(pool),
        recipient: acs,
        acceptsRecipient: (r) => r === acs,
        inResponseTo: pending.samlRequestId,
        nowSeconds: ctx.clock.nowSeconds(),
      },
    );
  } catch (error) {
    if (!(error instanceof SamlRejection)) throw error;
    // Cognito's answer for a response it refuses, as users report it for a bad signature
    // ("Invalid SAML response received: SAML Assertion signature is invalid."), with the
    // emulator's own reason for the other checks.
    const reason = error.reason === "unverified" ? "SAML Assertion signature is invalid." : error.message;
    return redirectError(request.redirectUri, "server_error", `Invalid SAML response received: ${reason}`, request.state, fragment);
  }
  const client = own(pool.clients, request.clientId);
  if (!client) return page("Error", `<p class="error">Invalid client id</p>`, 400);
  const { key, user } = federatedUser(ctx, pool, provider, { ...verified.attributes }, { subject: verified.nameId, issuer: verified.issuer });
  if (!user.enabled) return fail("User is disabled.");
  return signInAndComplete(ctx, domain, oauthSignIn(ctx, pool, client, key, user, request), request);
}

/**
 * The pool's user for a provider's subject, created on the first sign-in (status EXTERNAL_PROVIDER,
 * an `identities` attribute) and updated from the provider's claims through the AttributeMapping
 * on every sign-in, as Cognito does.
 */
export function federatedUser(
  ctx: ServiceContext,
  pool: UserPool,
  provider: PoolIdentityProvider,
  claims: Record<string, unknown>,
  identity?: { subject: string; issuer: string },
): { key: string; user: PoolUser } {
  // A SAML user is its NameID, not a claim: attributes are free to have any name.
  const sub = identity?.subject ?? String(claims["sub"]);
  const username = `${provider.ProviderName}_${sub}`;
  const key = userKey(pool, username);
  const now = ctx.clock.now();
  let user = own(pool.users, key);
  if (!user) {
    const identities = [
      {
        userId: sub,
        providerName: provider.ProviderName,
        providerType: provider.ProviderType,
        issuer: identity?.issuer ?? provider.ProviderDetails["oidc_issuer"] ?? null,
        primary: "true",
        dateCreated: String(now),
      },
    ];
    user = newUser(username, randomUUID(), { identities: JSON.stringify(identities) }, "EXTERNAL_PROVIDER", now);
    pool.users[key] = user;
  }
  for (const [attribute, claim] of Object.entries(provider.AttributeMapping)) {
    const value = claims[claim];
    if (value === undefined || value === null) continue;
    user.attributes[attribute] =
      typeof value === "string" ? value : typeof value === "boolean" || typeof value === "number" ? String(value) : JSON.stringify(value);
  }
  user.modified = now;
  return { key, user };
}
