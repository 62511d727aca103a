import type { EmulatorResponse } from "../core/types.js";

/** Responses of managed login: HTML pages, redirects and OAuth JSON, never the awsJson shapes. */

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A whole page; `body` is HTML already escaped by its builder. */
export function page(title: string, body: string, status = 200, headers: Record<string, string> = {}): EmulatorResponse {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}label{display:block;margin:.6rem 0 .2rem}input[type=text],input[type=password],input[type=email]{width:100%;padding:.4rem;box-sizing:border-box}button,.idp{margin-top:1rem;padding:.5rem 1rem;display:inline-block}.error{color:#b00020}.note{color:#555;font-size:.9rem}</style>
</head><body>
<h1>${escape(title)}</h1>
${body}
</body></html>
`;
  return { status, headers: { "content-type": "text/html;charset=UTF-8", "cache-control": "no-store", ...headers }, body: html };
}

export function redirect(location: string, headers: Record<string, string> = {}): EmulatorResponse {
  return { status: 302, headers: { location, "cache-control": "no-store", ...headers } };
}

/** The OAuth endpoints' JSON (token, userInfo, revoke), never cached, as Cognito sends it. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return {
    status,
    headers: {
      "content-type": "application/json;charset=UTF-8",
      "cache-control": "no-cache, no-store, max-age=0, must-revalidate",
      pragma: "no-cache",
      ...headers,
    },
    body: body === undefined ? "" : JSON.stringify(body),
  };
}

/** An OAuth error answer (RFC 6749 5.2) with Cognito's codes. */
export function oauthError(error: string, description?: string, status = 400): EmulatorResponse {
  return json(status, { error, ...(description ? { error_description: description } : {}) });
}

/** A hidden form field. */
export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`;
}

export function cookies(header: string | undefined): Record<string, string> {
  const found: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) found[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return found;
}

export function setCookie(name: string, value: string, path: string, maxAgeSeconds?: number): string {
  const age = maxAgeSeconds === undefined ? "" : `; Max-Age=${maxAgeSeconds}`;
  return `${name}=${encodeURIComponent(value)}; Path=${path}${age}; HttpOnly; SameSite=Lax`;
}

/** A URL with `params` added to its query (or, for the implicit grant, its fragment). */
export function withParams(url: string, params: Record<string, string | undefined>, fragment = false): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) search.set(k, v);
  if (fragment) return `${url}#${search.toString()}`;
  return `${url}${url.includes("?") ? "&" : "?"}${search.toString()}`;
}

/** The form fields of a urlencoded body. */
export function formOf(body: Buffer): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body.toString("utf8"))) fields[k] = v;
  return fields;
}
