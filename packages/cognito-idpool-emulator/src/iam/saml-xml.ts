import { X509Certificate } from "node:crypto";
import { DOMParser } from "@xmldom/xmldom";

/** Namespaces of SAML 2.0 metadata, protocol and assertions, and of XML-DSig. */
export const NS = {
  md: "urn:oasis:names:tc:SAML:2.0:metadata",
  samlp: "urn:oasis:names:tc:SAML:2.0:protocol",
  saml: "urn:oasis:names:tc:SAML:2.0:assertion",
  ds: "http://www.w3.org/2000/09/xmldsig#",
} as const;

/**
 * Parses XML strictly: any well-formedness error or warning fails, where xmldom would otherwise
 * repair the document and carry on. Undefined when the text is not a well-formed document.
 */
export function parseXml(text: string): Document | undefined {
  let failed = false;
  const fail = () => {
    failed = true;
  };
  try {
    const doc = new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } }).parseFromString(text, "text/xml");
    // A DOCTYPE may declare entities; neither SAML metadata nor responses have a use for one.
    if (failed || !doc?.documentElement || doc.doctype) return undefined;
    return doc as unknown as Document;
  } catch {
    return undefined;
  }
}

/** The element children of `parent` with this namespace and local name (direct children only). */
export function children(parent: Element, ns: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).namespaceURI === ns && (node as Element).localName === localName) found.push(node as Element);
  }
  return found;
}

/** The one direct child with this name, or undefined when there is none or several. */
export function child(parent: Element | undefined, ns: string, localName: string): Element | undefined {
  if (!parent) return undefined;
  const found = children(parent, ns, localName);
  return found.length === 1 ? found[0] : undefined;
}

export function text(element: Element | undefined): string {
  return element?.textContent?.trim() ?? "";
}

/** Whether `element` is `<ns:localName>`. */
export function is(element: Element | null | undefined, ns: string, localName: string): element is Element {
  return !!element && element.namespaceURI === ns && element.localName === localName;
}

/** A base64 DER certificate (whitespace allowed) as PEM, or undefined when it is not a certificate. */
export function certificatePem(base64: string): string | undefined {
  const compact = base64.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  try {
    return new X509Certificate(Buffer.from(compact, "base64")).toString();
  } catch {
    return undefined;
  }
}

/** Escapes text for an XML element or a double-quoted attribute. */
export function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
