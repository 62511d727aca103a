import { AwsError } from "../core/errors.js";
import { certificatePem, children, is, NS, parseXml, text } from "./saml-xml.js";

/** What IAM keeps from an IdP's SAML metadata: who it is and the certificates its signatures verify with. */
export interface SamlMetadata {
  entityId: string;
  /** Base64 DER, whitespace removed. */
  certificates: string[];
  /** Epoch milliseconds, when the document says until when it is valid. */
  validUntil?: number;
  /** The IdP's SingleSignOnService for the HTTP-Redirect binding, where a service provider sends its AuthnRequest. */
  redirectSso?: string;
}

const HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";

/** IAM's answer for metadata it cannot use (seen in CreateSAMLProvider failures). */
const unparsable = () => new AwsError("InvalidInput", "Could not parse metadata", 400);

/**
 * Reads an IdP's metadata document as IAM does when a SAML provider is created or updated: an
 * `md:EntityDescriptor` with an `entityID`, an `md:IDPSSODescriptor`, and at least one signing
 * certificate (a KeyDescriptor with `use="signing"` or no `use`) that is a real X.509 certificate.
 */
export function parseSamlMetadata(document: string): SamlMetadata {
  const doc = parseXml(document);
  const root = doc?.documentElement;
  if (!is(root, NS.md, "EntityDescriptor")) throw unparsable();
  const entityId = root.getAttribute("entityID") ?? "";
  if (!entityId) throw unparsable();
  const idp = children(root, NS.md, "IDPSSODescriptor");
  if (idp.length === 0) throw unparsable();
  const certificates: string[] = [];
  for (const descriptor of idp.flatMap((d) => children(d, NS.md, "KeyDescriptor"))) {
    const use = descriptor.getAttribute("use");
    if (use && use !== "signing") continue;
    for (const keyInfo of children(descriptor, NS.ds, "KeyInfo")) {
      for (const data of children(keyInfo, NS.ds, "X509Data")) {
        for (const cert of children(data, NS.ds, "X509Certificate")) {
          const base64 = text(cert).replace(/\s+/g, "");
          if (!certificatePem(base64)) throw unparsable();
          if (!certificates.includes(base64)) certificates.push(base64);
        }
      }
    }
  }
  if (certificates.length === 0) throw unparsable();
  const validUntilText = root.getAttribute("validUntil");
  const validUntil = validUntilText ? Date.parse(validUntilText) : undefined;
  if (validUntil !== undefined && Number.isNaN(validUntil)) throw unparsable();
  const redirectSso = idp
    .flatMap((d) => children(d, NS.md, "SingleSignOnService"))
    .find((s) => s.getAttribute("Binding") === HTTP_REDIRECT)
    ?.getAttribute("Location");
  return { entityId, certificates, ...(validUntil === undefined ? {} : { validUntil }), ...(redirectSso ? { redirectSso } : {}) };
}
