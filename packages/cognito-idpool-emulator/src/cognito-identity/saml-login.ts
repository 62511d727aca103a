import type { ServiceContext } from "../service.js";
import { SamlRejection, verifySamlResponse, type VerifiedSamlResponse } from "../iam/saml-response.js";
import { samlProviders } from "../iam/state.js";
import { invalid, notSupported } from "./login-errors.js";
import { AWS_SAML_AUDIENCE, AWS_SAML_RECIPIENT, ROLE_ATTRIBUTE } from "./saml-idp.js";
import type { IdentityPoolRecord } from "./state.js";
import type { VerifiedLogin } from "./verified-login.js";

/** The `Logins` key of a SAML login: the IAM SAML provider's ARN. */
export const SAML_PROVIDER_ARN = /^arn:aws:iam::\d{12}:saml-provider\/[\w._-]+$/;
/** The claim SAML principal-tag defaults read the user from; NameID fills it when no attribute has that name. */
export const NAME_IDENTIFIER_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";
/** Regional sign-in endpoints are AWS's ACS URLs too. */
const REGIONAL_RECIPIENT = /^https:\/\/[a-z0-9-]+\.signin\.aws\.amazon\.com\/saml$/;

/**
 * Checks a base64 SAML response as AWS does before trusting it: the provider is one the pool lists
 * and IAM knows; then the shared SAML checks (iam/saml-response.ts) with the IAM provider's entity
 * id and certificates, for AWS (audience `urn:amazon:webservices`, recipient AWS's sign-in
 * endpoint), on the emulator clock with the same five minutes' allowance as tokens.
 */
export function verifySamlLogin(ctx: ServiceContext, pool: IdentityPoolRecord, providerArn: string, response: string): VerifiedLogin {
  if (!(pool.SamlProviderARNs ?? []).includes(providerArn)) throw notSupported();
  const providers = samlProviders(ctx.state.iam);
  const provider = Object.hasOwn(providers, providerArn) ? providers[providerArn] : undefined;
  if (!provider) throw notSupported();

  let verified: VerifiedSamlResponse;
  try {
    verified = verifySamlResponse(
      response,
      { entityId: provider.EntityId, certificates: provider.Certificates },
      {
        audience: AWS_SAML_AUDIENCE,
        recipient: AWS_SAML_RECIPIENT,
        acceptsRecipient: (r) => r === AWS_SAML_RECIPIENT || REGIONAL_RECIPIENT.test(r),
        nowSeconds: ctx.clock.nowSeconds(),
      },
    );
  } catch (error) {
    if (!(error instanceof SamlRejection)) throw error;
    // AWS's wording for SAML failures was not captured; these follow its messages for tokens.
    // A response for another audience is, to GetId, a token of a provider the pool does not list.
    if (error.reason === "audience") throw notSupported();
    throw invalid(`Invalid login token. ${error.message}`);
  }
  const { nameId, attributes } = verified;
  const roles = rolesFor(attributes[ROLE_ATTRIBUTE], providerArn);
  const claims: Record<string, unknown> = { ...attributes };
  claims[NAME_IDENTIFIER_CLAIM] ??= nameId;
  return { provider: providerArn, subject: nameId, claims, amr: [providerArn, `${providerArn}:${nameId}`], mappingKeys: [providerArn], samlRoles: roles };
}

/** Role ARNs of the `role,provider` pairs (either order) that name this provider. */
function rolesFor(values: string | string[] | undefined, providerArn: string): string[] {
  const roles: string[] = [];
  for (const pair of values === undefined ? [] : Array.isArray(values) ? values : [values]) {
    const parts = pair.split(",").map((p) => p.trim());
    if (parts.length !== 2 || !parts.includes(providerArn)) continue;
    const role = parts.find((p) => p !== providerArn)!;
    if (/^arn:aws:iam::\d{12}:role\//.test(role) && !roles.includes(role)) roles.push(role);
  }
  return roles;
}
