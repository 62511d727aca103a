import { SignedXml } from "xml-crypto";
import type { ServiceContext } from "../service.js";
import { certificatePem, child, children, is, NS, parseXml, text } from "../iam/saml-xml.js";
import { samlProviders, type IamSamlProvider } from "../iam/state.js";
import { EXPIRY_GRACE_SECONDS, invalid, notSupported } from "./login-errors.js";
import { AWS_SAML_AUDIENCE, AWS_SAML_RECIPIENT, ROLE_ATTRIBUTE } from "./saml-idp.js";
import type { IdentityPoolRecord } from "./state.js";
import type { VerifiedLogin } from "./verified-login.js";

/** The `Logins` key of a SAML login: the IAM SAML provider's ARN. */
export const SAML_PROVIDER_ARN = /^arn:aws:iam::\d{12}:saml-provider\/[\w._-]+$/;
/** The claim SAML principal-tag defaults read the user from; NameID fills it when no attribute has that name. */
export const NAME_IDENTIFIER_CLAIM = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";
/** Regional sign-in endpoints are AWS's ACS URLs too. */
const REGIONAL_RECIPIENT = /^https:\/\/[a-z0-9-]+\.signin\.aws\.amazon\.com\/saml$/;

// AWS's wording for SAML failures was not captured; these follow its messages for tokens.
const malformed = () => invalid("Invalid login token. Not a valid SAML response.");
const unverified = () => invalid("Invalid login token. Couldn't verify signed token.");

/**
 * Checks a base64 SAML response as AWS does before trusting it: the provider is one the pool lists
 * and IAM knows; the response reports success; the response or its assertion carries an XML
 * signature that verifies with a certificate from the provider's metadata; the assertion was issued
 * by the metadata's entity, for AWS (audience `urn:amazon:webservices`, recipient AWS's sign-in
 * endpoint) and is within its validity window on the emulator clock (with the same five minutes'
 * allowance as tokens). Only what the signature covers is read afterwards.
 */
export function verifySamlLogin(ctx: ServiceContext, pool: IdentityPoolRecord, providerArn: string, response: string): VerifiedLogin {
  if (!(pool.SamlProviderARNs ?? []).includes(providerArn)) throw notSupported();
  const providers = samlProviders(ctx.state.iam);
  const provider = Object.hasOwn(providers, providerArn) ? providers[providerArn] : undefined;
  if (!provider) throw notSupported();

  const compact = response.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw malformed();
  const xml = Buffer.from(compact, "base64").toString("utf8");
  const doc = parseXml(xml);
  const root = doc?.documentElement;
  if (!is(root, NS.samlp, "Response")) throw malformed();
  const status = child(child(root, NS.samlp, "Status"), NS.samlp, "StatusCode")?.getAttribute("Value");
  if (status !== "urn:oasis:names:tc:SAML:2.0:status:Success") throw invalid("Invalid login token. The SAML response does not report success.");
  // One plain assertion: a second one, or an encrypted one, is not something this check could vouch for.
  if (children(root, NS.samlp, "Assertion").length + children(root, NS.saml, "EncryptedAssertion").length > 0) throw malformed();
  if (children(root, NS.saml, "Assertion").length !== 1) throw malformed();

  const assertion = signedAssertion(xml, root, provider);
  if (text(child(assertion, NS.saml, "Issuer")) !== provider.EntityId) throw invalid("Invalid login token. Issuer doesn't match providerName");
  checkConditions(ctx, assertion);

  const subject = child(assertion, NS.saml, "Subject");
  const nameId = text(child(subject, NS.saml, "NameID"));
  if (!nameId) throw invalid("Invalid login token. Missing a required claim: NameID");
  const attributes = readAttributes(assertion);
  const roles = rolesFor(attributes[ROLE_ATTRIBUTE], providerArn);
  const claims: Record<string, unknown> = { ...attributes };
  claims[NAME_IDENTIFIER_CLAIM] ??= nameId;
  return { provider: providerArn, subject: nameId, claims, amr: [providerArn, `${providerArn}:${nameId}`], mappingKeys: [providerArn], samlRoles: roles };
}

/**
 * The assertion as the signature covers it. A signature on the Response (a direct child, naming
 * the Response's ID) covers the assertion inside it; otherwise the assertion must carry its own.
 * The element is read back from the signed bytes xml-crypto returns, so nothing outside the
 * signature (a second, wrapped copy, say) can stand in for it.
 */
function signedAssertion(xml: string, root: Element, provider: IamSamlProvider): Element {
  const onResponse = child(root, NS.ds, "Signature");
  if (onResponse) {
    const signed = verifiedElement(xml, onResponse, root, provider);
    const assertion = signed && is(signed, NS.samlp, "Response") ? child(signed, NS.saml, "Assertion") : undefined;
    if (assertion) return assertion;
  }
  const assertion = child(root, NS.saml, "Assertion")!;
  const onAssertion = child(assertion, NS.ds, "Signature");
  const signed = onAssertion ? verifiedElement(xml, onAssertion, assertion, provider) : undefined;
  if (!signed || !is(signed, NS.saml, "Assertion")) throw unverified();
  return signed;
}

/** The signed element re-read from what the signature covers, when the signature verifies with one of the provider's certificates. */
function verifiedElement(xml: string, signature: Element, element: Element, provider: IamSamlProvider): Element | undefined {
  const id = element.getAttribute("ID");
  if (!id) return undefined;
  for (const certificate of provider.Certificates) {
    const verifier = new SignedXml({ publicCert: certificatePem(certificate)!, getCertFromKeyInfo: () => null });
    try {
      verifier.loadSignature(signature as never);
      const references = verifier.getReferences();
      // Exactly one reference, to the element the signature sits in.
      if (references.length !== 1 || references[0]!.uri !== `#${id}`) return undefined;
      if (!verifier.checkSignature(xml)) continue;
      const signed = verifier.getSignedReferences();
      if (signed.length !== 1) return undefined;
      return parseXml(signed[0]!)?.documentElement ?? undefined;
    } catch {
      continue;
    }
  }
  return undefined;
}

/** NotBefore / NotOnOrAfter of the Conditions and the bearer confirmation, the audience and the recipient. */
function checkConditions(ctx: ServiceContext, assertion: Element): void {
  const now = ctx.clock.nowSeconds();
  const conditions = child(assertion, NS.saml, "Conditions");
  const confirmations = children(child(assertion, NS.saml, "Subject") ?? assertion, NS.saml, "SubjectConfirmation").filter(
    (c) => c.getAttribute("Method") === "urn:oasis:names:tc:SAML:2.0:cm:bearer",
  );
  const data = confirmations.map((c) => child(c, NS.saml, "SubjectConfirmationData")).filter((d): d is Element => !!d);
  if (!conditions || data.length === 0) throw malformed();

  const ends = [conditions, ...data].map((e) => e.getAttribute("NotOnOrAfter")).filter((v): v is string => !!v);
  if (ends.length === 0) throw malformed();
  const expiry = Math.min(...ends.map(seconds));
  if (Number.isNaN(expiry)) throw malformed();
  if (now >= expiry + EXPIRY_GRACE_SECONDS) throw invalid(`Invalid login token. Token expired: ${now} >= ${expiry}`);
  const start = conditions.getAttribute("NotBefore");
  if (start && Number.isNaN(seconds(start))) throw malformed();
  if (start && now + EXPIRY_GRACE_SECONDS < seconds(start)) throw invalid("Invalid login token. Token is not valid yet.");

  const audiences = children(conditions, NS.saml, "AudienceRestriction").map((r) => children(r, NS.saml, "Audience").map((a) => text(a)));
  // Every AudienceRestriction must name AWS (SAML: the restrictions are ANDed).
  if (audiences.length === 0 || !audiences.every((list) => list.includes(AWS_SAML_AUDIENCE))) throw notSupported();
  const recipients = data.map((d) => d.getAttribute("Recipient") ?? "");
  if (!recipients.some((r) => r === AWS_SAML_RECIPIENT || REGIONAL_RECIPIENT.test(r)))
    throw invalid(`Invalid login token. The SAML response's Recipient is not ${AWS_SAML_RECIPIENT}.`);
}

function seconds(isoTime: string): number {
  return Math.floor(Date.parse(isoTime) / 1000);
}

/** Attribute name → its value, or values when there are several (role mapping rules and principal tags read these). */
function readAttributes(assertion: Element): Record<string, string | string[]> {
  const attributes: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const statement of children(assertion, NS.saml, "AttributeStatement")) {
    for (const attribute of children(statement, NS.saml, "Attribute")) {
      const name = attribute.getAttribute("Name");
      if (!name) continue;
      const values = children(attribute, NS.saml, "AttributeValue").map((v) => text(v));
      const previous = Object.hasOwn(attributes, name) ? attributes[name]! : [];
      const all = [...(Array.isArray(previous) ? previous : [previous]), ...values];
      attributes[name] = all.length === 1 ? all[0]! : all;
    }
  }
  return attributes;
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
