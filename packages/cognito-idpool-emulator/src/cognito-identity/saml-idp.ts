import { createPrivateKey, generateKeyPairSync, randomBytes, randomInt, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { SignedXml } from "xml-crypto";
import type { EmulatorClock } from "../core/clock.js";
import { AwsError } from "../core/errors.js";
import { certificatePem, escapeXml, NS } from "../iam/saml-xml.js";
import { samlProviderArn } from "../iam/state.js";
import type { CognitoIdentityState, SamlIdpRecord } from "./state.js";

/** What AWS expects of a SAML response meant for it: the audience (its SP entity id) and the recipient (its ACS URL). */
export const AWS_SAML_AUDIENCE = "urn:amazon:webservices";
export const AWS_SAML_RECIPIENT = "https://signin.aws.amazon.com/saml";
/** The attribute that lists the `role,provider` pairs a user may assume, and the one that names the session. */
export const ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role";
export const SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName";

/** A stand-in's name is also the default IAM provider name, so it follows IAM's pattern for names. */
export const SAML_IDP_NAME = /^[\w._-]{1,128}$/;

const SIGNATURE_ALGORITHM = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const DIGEST_ALGORITHM = "http://www.w3.org/2001/04/xmlenc#sha256";
const EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#";
const ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";

/** Default lifetime of a response: five minutes, what IdPs commonly give a bearer assertion. */
const DEFAULT_LIFETIME_SECONDS = 300;

/** The stand-in called `name`, made (with a new key and certificate) on first use and kept in state so its metadata stays valid. */
export function samlIdp(slice: CognitoIdentityState, name: string): SamlIdpRecord {
  if (!SAML_IDP_NAME.test(name)) throw new AwsError("ValidationException", `A SAML IdP stand-in's name must match ${SAML_IDP_NAME.source}.`);
  const idps = (slice.samlIdps ??= {});
  const existing = Object.hasOwn(idps, name) ? idps[name] : undefined;
  if (existing) return existing;
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
  const record: SamlIdpRecord = { entityId: defaultEntityId(name), privateKey: pem, certificate: selfSignedCertificate(pem, name) };
  idps[name] = record;
  return record;
}

/** Stable across restarts and ports, unlike a URL of the emulator would be. */
function defaultEntityId(name: string): string {
  return `urn:cognito-idpool-emulator:saml:${name}`;
}

/**
 * A self-signed certificate for the key (SAML metadata carries keys as X.509 certificates).
 * Node can read certificates but not make them; node-forge makes them.
 */
function selfSignedCertificate(privateKeyPem: string, name: string): string {
  const key = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `01${randomBytes(8).toString("hex")}`;
  cert.validity.notBefore = new Date(Date.UTC(2020, 0, 1));
  cert.validity.notAfter = new Date(Date.UTC(2100, 0, 1));
  const subject = [{ name: "commonName", value: `cognito-idpool-emulator SAML IdP ${name}` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(key, forge.md.sha256.create());
  return forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes());
}

/** A stand-in with a given key pair (from a seed): the certificate must be the key's. */
export function importSamlIdp(
  slice: CognitoIdentityState,
  name: string,
  input: { entityId?: string; privateKey?: string; certificate?: string },
): SamlIdpRecord {
  if (!SAML_IDP_NAME.test(name)) throw new TypeError(`a SAML IdP stand-in's name must match ${SAML_IDP_NAME.source}`);
  if ((input.privateKey === undefined) !== (input.certificate === undefined)) throw new TypeError(`SAML IdP ${name}: give privateKey and certificate together`);
  const idps = (slice.samlIdps ??= {});
  const current = Object.hasOwn(idps, name) ? idps[name] : undefined;
  let record: SamlIdpRecord;
  if (input.privateKey !== undefined) {
    const base64 = input.certificate!.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
    const pem = certificatePem(base64);
    if (!pem) throw new TypeError(`SAML IdP ${name}: certificate is not an X.509 certificate (PEM or base64 DER)`);
    let keyPem: string;
    try {
      keyPem = createPrivateKey(input.privateKey).export({ type: "pkcs8", format: "pem" }) as string;
    } catch {
      throw new TypeError(`SAML IdP ${name}: privateKey is not a PEM private key`);
    }
    if (!new X509Certificate(pem).checkPrivateKey(createPrivateKey(keyPem))) throw new TypeError(`SAML IdP ${name}: the certificate is not the private key's`);
    record = { entityId: input.entityId ?? current?.entityId ?? defaultEntityId(name), privateKey: keyPem, certificate: base64 };
  } else {
    record = { ...(current ?? samlIdp(slice, name)) };
    if (input.entityId !== undefined) record.entityId = input.entityId;
  }
  idps[name] = record;
  return record;
}

/** The stand-in's metadata document, to create the IAM SAML provider from (as one downloads it from a real IdP). */
export function samlIdpMetadata(idp: SamlIdpRecord, baseUrl: string, name: string): string {
  const sso = `${baseUrl.replace(/\/+$/, "")}/_emulator/saml/${encodeURIComponent(name)}/sso`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<md:EntityDescriptor xmlns:md="${NS.md}" xmlns:ds="${NS.ds}" entityID="${escapeXml(idp.entityId)}">`,
    `  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">`,
    `    <md:KeyDescriptor use="signing">`,
    `      <ds:KeyInfo><ds:X509Data><ds:X509Certificate>${idp.certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>`,
    `    </md:KeyDescriptor>`,
    `    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>`,
    `    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${escapeXml(sso)}"/>`,
    `  </md:IDPSSODescriptor>`,
    `</md:EntityDescriptor>`,
    ``,
  ].join("\n");
}

export interface SamlResponseRequest {
  /** The user's NameID; default a new persistent id. The same NameID resolves to the same identity. */
  nameId?: string;
  /**
   * Roles for the Role attribute: role ARNs, each paired with `providerArn`, or ready-made
   * `role,provider` pairs (either order) that are sent as they are.
   */
  roles?: string[];
  /** The IAM SAML provider the pairs name; default `arn:aws:iam::000000000000:saml-provider/<stand-in name>`. */
  providerArn?: string;
  /** More attributes: name → value(s). */
  attributes?: Record<string, string | string[]>;
  /** Seconds until NotOnOrAfter; default 300. Negative for a response that has already expired. */
  expiresInSeconds?: number;
  /** Default `urn:amazon:webservices`; anything else makes a response AWS refuses. */
  audience?: string;
  /** Default `https://signin.aws.amazon.com/saml`; anything else makes a response AWS refuses. */
  recipient?: string;
  /** Which element carries the signature: the assertion (default) or the whole response. */
  sign?: "assertion" | "response";
  /** The ID of the AuthnRequest answered (SP-initiated sign-in, as at a user pool's ACS); absent for an unsolicited response. */
  inResponseTo?: string;
}

export interface SignedSamlResponse {
  /** The base64 SAML response: what goes in `Logins` under the SAML provider's ARN. */
  samlResponse: string;
  nameId: string;
  /** NotOnOrAfter, epoch seconds. */
  expiresAt: number;
}

/** Issues a signed SAML response as the IdP would post it to AWS after a sign-in. */
export function signSamlResponse(idp: SamlIdpRecord, name: string, clock: EmulatorClock, request: SamlResponseRequest): SignedSamlResponse {
  const nameId = request.nameId ?? `${randomInt(100000, 999999)}-${randomBytes(8).toString("hex")}`;
  const providerArn = request.providerArn ?? samlProviderArn(name);
  const nowMs = clock.now();
  const expiresAt = Math.floor(nowMs / 1000) + (request.expiresInSeconds ?? DEFAULT_LIFETIME_SECONDS);
  const instant = iso(nowMs);
  const notOnOrAfter = iso(expiresAt * 1000);
  const notBefore = iso(nowMs - 60_000);
  const recipient = request.recipient ?? AWS_SAML_RECIPIENT;
  const attributes: Record<string, string[]> = {};
  if (request.roles?.length) attributes[ROLE_ATTRIBUTE] = request.roles.map((r) => (r.includes(",") ? r : `${r},${providerArn}`));
  for (const [key, value] of Object.entries(request.attributes ?? {})) attributes[key] = Array.isArray(value) ? value : [value];
  const responseId = `_${randomBytes(20).toString("hex")}`;
  const assertionId = `_${randomBytes(20).toString("hex")}`;
  const x = escapeXml;
  const answers = request.inResponseTo === undefined ? "" : ` InResponseTo="${x(request.inResponseTo)}"`;
  const attributeXml = Object.entries(attributes)
    .map(
      ([key, values]) =>
        `<saml:Attribute Name="${x(key)}">${values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${x(v)}</saml:AttributeValue>`).join("")}</saml:Attribute>`,
    )
    .join("");
  const assertion =
    `<saml:Assertion xmlns:saml="${NS.saml}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${assertionId}" Version="2.0" IssueInstant="${instant}">` +
    `<saml:Issuer>${x(idp.entityId)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${x(nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${answers} NotOnOrAfter="${notOnOrAfter}" Recipient="${x(recipient)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${notBefore}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${x(request.audience ?? AWS_SAML_AUDIENCE)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${instant}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributeXml ? `<saml:AttributeStatement>${attributeXml}</saml:AttributeStatement>` : "") +
    `</saml:Assertion>`;
  const response =
    `<samlp:Response xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${responseId}" Version="2.0" IssueInstant="${instant}" Destination="${x(recipient)}"${answers}>` +
    `<saml:Issuer>${x(idp.entityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    assertion +
    `</samlp:Response>`;
  const signed = sign(idp, response, request.sign === "response" ? "Response" : "Assertion");
  return { samlResponse: Buffer.from(signed, "utf8").toString("base64"), nameId, expiresAt };
}

/** An enveloped XML-DSig signature (RSA-SHA256, exclusive c14n) on the element, placed after its Issuer as the SAML schema orders it. */
function sign(idp: SamlIdpRecord, xml: string, element: "Response" | "Assertion"): string {
  const signer = new SignedXml({
    privateKey: idp.privateKey,
    publicCert: certificatePem(idp.certificate)!,
    signatureAlgorithm: SIGNATURE_ALGORITHM,
    canonicalizationAlgorithm: EXC_C14N,
  });
  const path = `//*[local-name(.)='${element}']`;
  signer.addReference({ xpath: path, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: DIGEST_ALGORITHM });
  signer.computeSignature(xml, { prefix: "ds", location: { reference: `${path}/*[local-name(.)='Issuer']`, action: "after" } });
  return signer.getSignedXml();
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}
