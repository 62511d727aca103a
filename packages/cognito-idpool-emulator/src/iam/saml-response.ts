import { SignedXml } from "xml-crypto";
import { certificatePem, child, children, is, NS, parseXml, text } from "./saml-xml.js";

/**
 * Verification of a SAML 2.0 response as AWS performs it, shared by its two service providers in
 * the emulator: an identity pool taking a SAML response as a login (trust from an IAM SAML
 * provider, audience `urn:amazon:webservices`) and a user pool's managed login receiving one at
 * its ACS URL (trust from the pool's SAML identity provider's metadata, audience
 * `urn:amazon:cognito:sp:<poolId>`). What differs between them is a parameter; each caller words
 * the rejection as its own API does.
 */

/** Whom the response must come from: the IdP metadata's entity id and its signing certificates (base64 DER). */
export interface SamlTrust {
  entityId: string;
  certificates: string[];
}

export interface SamlExpectations {
  /** The service provider's entity id, which every AudienceRestriction must name. */
  audience: string;
  /** Whether a bearer confirmation's Recipient is this service provider's ACS URL. */
  acceptsRecipient(recipient: string): boolean;
  /** The ACS URL as a rejection names it. */
  recipient: string;
  /** The ID of the AuthnRequest this answers (SP-initiated); an InResponseTo naming anything else is refused. */
  inResponseTo?: string;
  /** Epoch seconds of the caller's clock. */
  nowSeconds: number;
}

/**
 * How far either side of a response's validity window it is still taken (clock skew between the
 * IdP and AWS): the five minutes AWS allows tokens, for both of its SAML service providers.
 */
const CLOCK_SKEW_SECONDS = 300;

export type SamlRejectionReason =
  "malformed" | "status" | "unverified" | "issuer" | "expired" | "not-yet-valid" | "audience" | "recipient" | "in-response-to" | "name-id";

/** Why a response was refused; `message` is neutral, each caller prefixes or replaces it as its API answers. */
export class SamlRejection extends Error {
  constructor(
    readonly reason: SamlRejectionReason,
    message: string,
  ) {
    super(message);
    this.name = "SamlRejection";
  }
}

export interface VerifiedSamlResponse {
  /** The assertion's Issuer (the trusted entity id). */
  issuer: string;
  nameId: string;
  /** Attribute name → its value, or values when there are several. */
  attributes: Record<string, string | string[]>;
}

const malformed = () => new SamlRejection("malformed", "Not a valid SAML response.");
const unverified = () => new SamlRejection("unverified", "Couldn't verify signed token.");

/**
 * Checks a base64 SAML response: it reports success; it holds one plain assertion; the response or
 * the assertion carries an XML signature that verifies with one of the trusted certificates; the
 * assertion was issued by the trusted entity, for this service provider (audience, recipient,
 * InResponseTo when a request is expected) and is within its validity window (with the clock skew allowed).
 * Only what the signature covers is read afterwards.
 */
export function verifySamlResponse(response: string, trust: SamlTrust, expect: SamlExpectations): VerifiedSamlResponse {
  const compact = response.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw malformed();
  const xml = Buffer.from(compact, "base64").toString("utf8");
  const doc = parseXml(xml);
  const root = doc?.documentElement;
  if (!is(root, NS.samlp, "Response")) throw malformed();
  const status = child(child(root, NS.samlp, "Status"), NS.samlp, "StatusCode")?.getAttribute("Value");
  if (status !== "urn:oasis:names:tc:SAML:2.0:status:Success") throw new SamlRejection("status", "The SAML response does not report success.");
  // One plain assertion: a second one, or an encrypted one, is not something this check could vouch for.
  if (children(root, NS.samlp, "Assertion").length + children(root, NS.saml, "EncryptedAssertion").length > 0) throw malformed();
  if (children(root, NS.saml, "Assertion").length !== 1) throw malformed();

  const assertion = signedAssertion(xml, root, trust);
  const issuer = text(child(assertion, NS.saml, "Issuer"));
  if (issuer !== trust.entityId) throw new SamlRejection("issuer", "Issuer doesn't match providerName");
  const data = checkConditions(assertion, expect);
  if (expect.inResponseTo !== undefined) checkInResponseTo(root, data, expect.inResponseTo);

  const subject = child(assertion, NS.saml, "Subject");
  const nameId = text(child(subject, NS.saml, "NameID"));
  if (!nameId) throw new SamlRejection("name-id", "Missing a required claim: NameID");
  return { issuer, nameId, attributes: readAttributes(assertion) };
}

/**
 * The assertion as the signature covers it. A signature on the Response (a direct child, naming
 * the Response's ID) covers the assertion inside it; otherwise the assertion must carry its own.
 * The element is read back from the signed bytes xml-crypto returns, so nothing outside the
 * signature (a second, wrapped copy, say) can stand in for it.
 */
function signedAssertion(xml: string, root: Element, trust: SamlTrust): Element {
  const onResponse = child(root, NS.ds, "Signature");
  if (onResponse) {
    const signed = verifiedElement(xml, onResponse, root, trust);
    const assertion = signed && is(signed, NS.samlp, "Response") ? child(signed, NS.saml, "Assertion") : undefined;
    if (assertion) return assertion;
  }
  const assertion = child(root, NS.saml, "Assertion")!;
  const onAssertion = child(assertion, NS.ds, "Signature");
  const signed = onAssertion ? verifiedElement(xml, onAssertion, assertion, trust) : undefined;
  if (!signed || !is(signed, NS.saml, "Assertion")) throw unverified();
  return signed;
}

/** The signed element re-read from what the signature covers, when the signature verifies with one of the trusted certificates. */
function verifiedElement(xml: string, signature: Element, element: Element, trust: SamlTrust): Element | undefined {
  const id = element.getAttribute("ID");
  if (!id) return undefined;
  for (const certificate of trust.certificates) {
    const publicCert = certificatePem(certificate);
    if (!publicCert) continue;
    const verifier = new SignedXml({ publicCert, getCertFromKeyInfo: () => null });
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

/**
 * NotBefore / NotOnOrAfter of the Conditions and the bearer confirmation, the audience and the
 * recipient. Answers the bearer confirmations' data, which InResponseTo is read from.
 */
function checkConditions(assertion: Element, expect: SamlExpectations): Element[] {
  const now = expect.nowSeconds;
  const grace = CLOCK_SKEW_SECONDS;
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
  if (now >= expiry + grace) throw new SamlRejection("expired", `Token expired: ${now} >= ${expiry}`);
  const start = conditions.getAttribute("NotBefore");
  if (start && Number.isNaN(seconds(start))) throw malformed();
  if (start && now + grace < seconds(start)) throw new SamlRejection("not-yet-valid", "Token is not valid yet.");

  const audiences = children(conditions, NS.saml, "AudienceRestriction").map((r) => children(r, NS.saml, "Audience").map((a) => text(a)));
  // Every AudienceRestriction must name this service provider (SAML: the restrictions are ANDed).
  if (audiences.length === 0 || !audiences.every((list) => list.includes(expect.audience)))
    throw new SamlRejection("audience", `The audience of the SAML response is not ${expect.audience}.`);
  const recipients = data.map((d) => d.getAttribute("Recipient") ?? "");
  if (!recipients.some((r) => expect.acceptsRecipient(r))) throw new SamlRejection("recipient", `The SAML response's Recipient is not ${expect.recipient}.`);
  return data;
}

/**
 * An answer to the service provider's own request names it: the Response's InResponseTo (not
 * always signed) and the bearer confirmation's (signed with the assertion) must each, when
 * present, be the request's ID, and one of them must be there. An unsolicited response has none.
 */
function checkInResponseTo(root: Element, data: Element[], requestId: string): void {
  const named = [root.getAttribute("InResponseTo"), ...data.map((d) => d.getAttribute("InResponseTo"))].filter((v): v is string => !!v);
  if (named.length === 0) throw new SamlRejection("in-response-to", "The SAML response does not answer a request (no InResponseTo).");
  if (named.some((id) => id !== requestId)) throw new SamlRejection("in-response-to", "The SAML response's InResponseTo does not match the request.");
}

function seconds(isoTime: string): number {
  return Math.floor(Date.parse(isoTime) / 1000);
}

/** Attribute name → its value, or values when there are several (role mapping rules, principal tags and attribute mappings read these). */
function readAttributes(assertion: Element): Record<string, string | string[]> {
  const attributes: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const statement of children(assertion, NS.saml, "AttributeStatement")) {
    for (const attribute of children(statement, NS.saml, "Attribute")) {
      const name = attribute.getAttribute("Name");
      if (!name) continue;
      const values = children(attribute, NS.saml, "AttributeValue").map((v) => text(v));
      const previous = Object.hasOwn(attributes, name) ? attributes[name]! : [];
      const all = [...(Array.isArray(previous) ? previous : [previous])];
      all.push(...values);
      attributes[name] = all.length === 1 ? all[0]! : all;
    }
  }
  return attributes;
}
