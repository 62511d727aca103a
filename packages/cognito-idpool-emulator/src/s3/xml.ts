import { parseXML } from "@aws-sdk/xml-builder";
import { escapeXml } from "../core/protocols.js";
import type { EmulatorResponse } from "../core/types.js";
import { malformedXml } from "./errors.js";

export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";

/** `<name>value</name>`, or nothing for undefined; S3 lists are flattened, so callers repeat elements. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? "" : `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function xmlResponse(root: string, inner: string, headers: Record<string, string> = {}): EmulatorResponse {
  return {
    status: 200,
    headers: { "content-type": "application/xml", ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}">${inner}</${root}>`,
  };
}

/**
 * Parses a request body with the AWS SDK's own XML reader (the one that reads S3's responses) and
 * returns the content of `root`. Anything else — not XML, another root — is S3's MalformedXML.
 */
export function parseXmlBody(body: Buffer, root: string): Record<string, unknown> {
  let document: Record<string, unknown>;
  try {
    document = parseXML(body.toString("utf8").replace(/^\uFEFF/, "")) as Record<string, unknown>;
  } catch {
    throw malformedXml();
  }
  const content = Object.hasOwn(document, root) ? document[root] : undefined;
  if (typeof content !== "object" || content === null || Array.isArray(content)) throw malformedXml();
  return content as Record<string, unknown>;
}

/** An element that may repeat, as a list (the reader gives one value or an array). */
export function list(value: unknown): unknown[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** An element whose content must be text. */
export function text(value: unknown): string {
  if (typeof value !== "string") throw malformedXml();
  return value;
}
