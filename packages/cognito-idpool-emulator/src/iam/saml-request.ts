import { deflateRawSync, inflateRawSync } from "node:zlib";
import { child, escapeXml, is, NS, parseXml, text } from "./saml-xml.js";

/**
 * A SAML 2.0 AuthnRequest in the HTTP-Redirect binding: the XML raw-deflated, base64'd and sent as
 * the `SAMLRequest` query parameter (unsigned: the stand-in's metadata says it does not want them
 * signed, and Cognito signs its requests only when the provider is set up to ask for it).
 */

export interface AuthnRequest {
  /** The request's ID, which the response names in InResponseTo. */
  id: string;
  /** The service provider's entity id: the audience the response is for. */
  issuer: string;
  /** Where the IdP posts the response (HTTP-POST binding). */
  assertionConsumerServiceUrl: string;
}

/** The `SAMLRequest` value for an AuthnRequest sent to `destination` (the IdP's SSO URL). */
export function encodeAuthnRequest(request: AuthnRequest, destination: string, issueInstant: Date): string {
  const x = escapeXml;
  const xml =
    `<samlp:AuthnRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${x(request.id)}" Version="2.0" ` +
    `IssueInstant="${issueInstant.toISOString().replace(/\.\d{3}Z$/, "Z")}" Destination="${x(destination)}" ` +
    `AssertionConsumerServiceURL="${x(request.assertionConsumerServiceUrl)}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
    `<saml:Issuer>${x(request.issuer)}</saml:Issuer>` +
    `<samlp:NameIDPolicy Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent" AllowCreate="true"/>` +
    `</samlp:AuthnRequest>`;
  return deflateRawSync(Buffer.from(xml, "utf8")).toString("base64");
}

/** An HTTP-Redirect `SAMLRequest` read back; undefined when it is not a deflated AuthnRequest with an ID, an Issuer and an ACS URL. */
export function decodeAuthnRequest(samlRequest: string): AuthnRequest | undefined {
  const compact = samlRequest.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  let xml: string;
  try {
    // A request is a few hundred bytes; the cap keeps a deflate bomb from costing memory.
    xml = inflateRawSync(Buffer.from(compact, "base64"), { maxOutputLength: 100_000 }).toString("utf8");
  } catch {
    return undefined;
  }
  const root = parseXml(xml)?.documentElement;
  if (!is(root, NS.samlp, "AuthnRequest")) return undefined;
  const id = root.getAttribute("ID") ?? "";
  const issuer = text(child(root, NS.saml, "Issuer"));
  const assertionConsumerServiceUrl = root.getAttribute("AssertionConsumerServiceURL") ?? "";
  if (!id || !issuer || !assertionConsumerServiceUrl) return undefined;
  return { id, issuer, assertionConsumerServiceUrl };
}
