import type { EmulatorClock } from "../core/clock.js";
import { AwsError } from "../core/errors.js";
import type { EmulatorResponse } from "../core/types.js";
import { escape, hidden, page } from "../hosted-ui/http.js";
import { decodeAuthnRequest, type AuthnRequest } from "../iam/saml-request.js";
import type { SeedContext } from "../service.js";
import { importSamlIdp, samlIdp, samlIdpMetadata, signSamlResponse, type SamlResponseRequest, type SignedSamlResponse } from "./saml-idp.js";
import type { CognitoIdentityState } from "./state.js";

/**
 * A SAML IdP stand-in in a seed file. Without a key pair one is generated on first use and kept
 * in state (with `--data`, across restarts). `privateKey` is a PEM private key, `certificate` its
 * X.509 certificate as PEM or base64 DER.
 */
export interface SamlIdpSeed {
  name: string;
  /** Default `urn:cognito-idpool-emulator:saml:<name>`. */
  entityId?: string;
  privateKey?: string;
  certificate?: string;
}

const ROUTE = /^\/_emulator\/saml\/([^/]+)\/(response|metadata\.xml|sso)$/;
/** The claims a sign-in at the stand-in's SSO page sends, named as AD FS and Entra ID name them. */
const EMAIL_ATTRIBUTE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress";
const NAME_ATTRIBUTE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";

export interface SamlControlContext {
  slice: CognitoIdentityState;
  clock: EmulatorClock;
  baseUrl: string;
  method: string;
  path: string;
  /** Parses the JSON request body (called for POST only). */
  body(): Record<string, unknown>;
  /** The query string and the urlencoded form body: the SSO page's parameters. */
  params(): URLSearchParams;
}

/** A control answer: JSON, the metadata document as XML, or the SSO endpoint's HTML page. */
export type SamlControlAnswer = { json: SignedSamlResponse } | { xml: string } | { page: EmulatorResponse };

/**
 * The stand-ins' control routes under `/_emulator/saml/<name>/`: `GET metadata.xml` is the IdP's
 * metadata (create the IAM SAML provider from it), `POST response` signs a SAML response for a
 * user, and `sso` is the IdP's sign-in page for SP-initiated sign-in (a user pool's managed login
 * sends the browser there). Undefined when the path is not one of these routes.
 */
export function samlControl(ctx: SamlControlContext): SamlControlAnswer | undefined {
  const match = ROUTE.exec(ctx.path);
  if (!match) return undefined;
  const name = decodeURIComponent(match[1]!);
  if (match[2] === "metadata.xml" && ctx.method === "GET") return { xml: samlIdpMetadata(samlIdp(ctx.slice, name), ctx.baseUrl, name) };
  if (match[2] === "response" && ctx.method === "POST")
    return { json: signSamlResponse(samlIdp(ctx.slice, name), name, ctx.clock, responseRequest(ctx.body())) };
  if (match[2] === "sso" && (ctx.method === "GET" || ctx.method === "POST")) return { page: ssoPage(ctx, name) };
  return undefined;
}

/**
 * The stand-in's SingleSignOnService (HTTP-Redirect binding in, HTTP-POST binding out). GET shows
 * "Continue as <email>" for the AuthnRequest in `SAMLRequest`; POST signs the user's response for
 * that request (audience its Issuer, recipient its ACS URL, InResponseTo its ID) and answers the
 * self-submitting form that posts it, with the RelayState, to the ACS, as IdPs do.
 */
function ssoPage(ctx: SamlControlContext, name: string): EmulatorResponse {
  const params = ctx.params();
  const samlRequest = params.get("SAMLRequest") ?? "";
  const relayState = params.get("RelayState") ?? undefined;
  const request = decodeAuthnRequest(samlRequest);
  if (!request) return page("Error", `<p class="error">SAMLRequest must be a deflated, base64 SAML AuthnRequest.</p>`, 400);
  // Its only relying parties are user pools, whose ACS is the domain's /saml2/idpresponse.
  if (!/^https?:\/\/[^?#]+\/saml2\/idpresponse$/.test(request.assertionConsumerServiceUrl))
    return page("Error", `<p class="error">The AuthnRequest's AssertionConsumerServiceURL must be a user pool domain's /saml2/idpresponse.</p>`, 400);
  const email = (params.get("email") ?? "").trim();
  if (ctx.method === "GET") return ssoForm(ctx, name, samlRequest, relayState, email, undefined);
  if (!/^[^@\s]+@[^@\s]+$/.test(email)) return ssoForm(ctx, name, samlRequest, relayState, email, "Enter an email address.");
  const displayName = (params.get("name") ?? "").trim();
  const signed = signSamlResponse(samlIdp(ctx.slice, name), name, ctx.clock, {
    nameId: (params.get("nameId") ?? "").trim() || email,
    attributes: { [EMAIL_ATTRIBUTE]: email, ...(displayName ? { [NAME_ATTRIBUTE]: displayName } : {}) },
    audience: request.issuer,
    recipient: request.assertionConsumerServiceUrl,
    inResponseTo: request.id,
  });
  return postBack(request, signed.samlResponse, relayState);
}

function ssoForm(
  ctx: SamlControlContext,
  name: string,
  samlRequest: string,
  relayState: string | undefined,
  email: string,
  error: string | undefined,
): EmulatorResponse {
  const body = `<p class="note">The emulator's SAML IdP stand-in ${escape(name)}: no account or password, any email address (the NameID, unless given).</p>
${error ? `<p class="error">${escape(error)}</p>` : ""}
<form method="post" action="${escape(ctx.path)}">${hidden("SAMLRequest", samlRequest)}${relayState !== undefined ? hidden("RelayState", relayState) : ""}
<label for="email">Email</label><input id="email" type="email" name="email" value="${escape(email)}">
<label for="name">Name (optional)</label><input id="name" type="text" name="name">
<label for="nameId">NameID (optional)</label><input id="nameId" type="text" name="nameId">
<button type="submit">Continue${email ? ` as ${escape(email)}` : ""}</button></form>`;
  return page(`Sign in to ${name}`, body, error ? 400 : 200);
}

/** The HTTP-POST binding: a form to the ACS that submits itself (the button is for browsers without scripts). */
function postBack(request: AuthnRequest, samlResponse: string, relayState: string | undefined): EmulatorResponse {
  const body = `<form method="post" action="${escape(request.assertionConsumerServiceUrl)}">${hidden("SAMLResponse", samlResponse)}${relayState !== undefined ? hidden("RelayState", relayState) : ""}
<button type="submit">Continue</button></form>
<script>document.forms[0].submit();</script>`;
  return page("Signing in…", body);
}

function responseRequest(input: Record<string, unknown>): SamlResponseRequest {
  const { nameId, roles, providerArn, attributes, expiresInSeconds, audience, recipient, sign, inResponseTo } = input;
  const request: SamlResponseRequest = {};
  for (const [field, value] of Object.entries({ nameId, providerArn, audience, recipient, inResponseTo })) {
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "") throw invalid(field, "a non-empty string");
    request[field as "nameId" | "providerArn" | "audience" | "recipient" | "inResponseTo"] = value;
  }
  if (roles !== undefined) {
    if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string" && r !== "")) throw invalid("roles", "a list of role ARNs or role,provider pairs");
    request.roles = roles as string[];
  }
  if (attributes !== undefined) {
    const ok =
      typeof attributes === "object" &&
      attributes !== null &&
      !Array.isArray(attributes) &&
      Object.values(attributes).every((v) => typeof v === "string" || (Array.isArray(v) && v.every((item) => typeof item === "string")));
    if (!ok) throw invalid("attributes", "an object of attribute name to a string or a list of strings");
    request.attributes = attributes as Record<string, string | string[]>;
  }
  if (expiresInSeconds !== undefined) {
    if (typeof expiresInSeconds !== "number" || !Number.isInteger(expiresInSeconds))
      throw invalid("expiresInSeconds", "an integer number of seconds (negative for an already expired response)");
    request.expiresInSeconds = expiresInSeconds;
  }
  if (sign !== undefined) {
    if (sign !== "assertion" && sign !== "response") throw invalid("sign", "assertion or response");
    request.sign = sign;
  }
  return request;
}

function invalid(field: string, expected: string): AwsError {
  return new AwsError("ValidationException", `${field} must be ${expected}.`);
}

/** Registers the seed's stand-ins (with their key pairs, when given). Applied again on every start with `--data`. */
export function seedSamlIdps(seeds: SamlIdpSeed[], ctx: SeedContext): void {
  if (!Array.isArray(seeds)) throw new TypeError("samlIdentityProviders must be a list");
  for (const [i, seed] of seeds.entries()) {
    if (typeof seed !== "object" || seed === null || typeof seed.name !== "string") throw new TypeError(`samlIdentityProviders[${i}].name must be a string`);
    for (const field of ["entityId", "privateKey", "certificate"] as const) {
      if (seed[field] !== undefined && (typeof seed[field] !== "string" || seed[field] === ""))
        throw new TypeError(`samlIdentityProviders[${i}].${field} must be a non-empty string`);
    }
    importSamlIdp(ctx.state.cognitoIdentity, seed.name, seed);
  }
}

/** The metadata of a seeded or generated stand-in, for a seed's IAM SAML provider that names it. */
export function standInMetadata(ctx: SeedContext, name: string): string {
  return samlIdpMetadata(samlIdp(ctx.state.cognitoIdentity, name), ctx.baseUrl, name);
}
