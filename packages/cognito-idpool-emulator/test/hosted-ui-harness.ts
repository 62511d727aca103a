import { createHash, randomBytes } from "node:crypto";
import { CreateUserPoolClientCommand, CreateUserPoolDomainCommand, type CreateUserPoolClientCommandInput } from "@aws-sdk/client-cognito-identity-provider";
import type { TestEmulator } from "../src/testing/harness.js";
import { createPool, idpClient } from "./idp-harness.js";

/**
 * Test helpers for managed login: a tiny cookie-keeping browser over fetch (no redirects followed
 * by fetch itself) and a pool with a domain and an OAuth app client.
 */

export const CALLBACK = "http://localhost:3000/callback";
export const SIGNED_OUT = "http://localhost:3000/signed-out";

export interface HostedPool {
  poolId: string;
  clientId: string;
  clientSecret?: string;
  domain: string;
  /** `<emulator>/_domain/<domain>`, what an app takes as its OAuth domain. */
  base: string;
}

let domains = 0;

/** `beforeClient` sets up what the client will name (identity providers), once the pool and its domain exist. */
export async function hostedPool(
  emulator: TestEmulator,
  client: Partial<CreateUserPoolClientCommandInput> = {},
  pool = {},
  beforeClient?: (pool: { poolId: string; domain: string; base: string }) => Promise<void>,
): Promise<HostedPool> {
  const created = await createPool(emulator, pool);
  const idp = idpClient(emulator);
  const domain = `app-${process.pid}-${++domains}`;
  await idp.send(new CreateUserPoolDomainCommand({ UserPoolId: created.poolId, Domain: domain }));
  const base = `${emulator.url}/_domain/${domain}`;
  await beforeClient?.({ poolId: created.poolId, domain, base });
  const app = await idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: created.poolId,
      ClientName: "hosted",
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthScopes: ["openid", "email", "profile", "aws.cognito.signin.user.admin"],
      CallbackURLs: [CALLBACK],
      LogoutURLs: [SIGNED_OUT],
      SupportedIdentityProviders: ["COGNITO"],
      ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
      ...client,
    }),
  );
  return {
    poolId: created.poolId,
    clientId: app.UserPoolClient!.ClientId!,
    ...(app.UserPoolClient!.ClientSecret ? { clientSecret: app.UserPoolClient!.ClientSecret } : {}),
    domain,
    base,
  };
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

export function authorizeUrl(pool: HostedPool, params: Record<string, string> = {}): string {
  const search = new URLSearchParams({ response_type: "code", client_id: pool.clientId, redirect_uri: CALLBACK, ...params });
  return `${pool.base}/oauth2/authorize?${search.toString()}`;
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, "&")
    .replace(/&quot;/g, '"');
}

/** The first POST form of a page: its action and its fields (hidden and prefilled). */
export function formOf(html: string, name?: string): { action: string; fields: Record<string, string> } {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => name === undefined || f[1]!.includes(`name="${name}"`));
  if (!form) throw new Error(`no form${name ? ` ${name}` : ""} in page:\n${html}`);
  const action = unescapeHtml(/action="([^"]*)"/.exec(form[1]!)![1]!);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b([^>]*)>/g)) {
    const attrs = input[1]!;
    const fieldName = /name="([^"]*)"/.exec(attrs)?.[1];
    const value = /value="([^"]*)"/.exec(attrs)?.[1];
    if (fieldName && value !== undefined && !/type="radio"/.test(attrs)) fields[unescapeHtml(fieldName)] = unescapeHtml(value);
  }
  return { action, fields };
}

/** The error message the page shows, if any. */
export function pageError(html: string): string | undefined {
  const found = /<p class="error"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return found ? unescapeHtml(found[1]!) : undefined;
}

/** A browser: keeps cookies per host (paths ignored), never follows redirects by itself. */
export class Browser {
  readonly cookies = new Map<string, Map<string, string>>();

  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const { host } = new URL(url);
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    const headers: Record<string, string> = { ...init.headers };
    if (jar.size) headers["cookie"] = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    if (init.form) headers["content-type"] = "application/x-www-form-urlencoded";
    const response = await fetch(url, {
      method: init.method ?? (init.form ? "POST" : "GET"),
      headers,
      redirect: "manual",
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (attributes.some((a) => /max-age=0/i.test(a.trim())) || value === "") jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(host, jar);
    return response;
  }

  /**
   * Follows redirects from `url` while they stay on `origin`; returns the last response (a page)
   * or the first redirect that leaves (`location`).
   */
  async follow(url: string, origin: string, init: { form?: Record<string, string> } = {}): Promise<{ response: Response; location?: string; html?: string }> {
    let response = await this.request(url, init);
    for (let hops = 0; hops < 10; hops++) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return { response, html: await response.text() };
      const next = new URL(location, url).toString();
      if (!next.startsWith(origin)) return { response, location: next };
      url = next;
      response = await this.request(next);
    }
    throw new Error("too many redirects");
  }

  /** Opens the login page for `authorize` and submits the sign-in form; returns where the browser ends up. */
  async signIn(authorize: string, origin: string, username: string, password: string): Promise<{ location?: string; html?: string }> {
    const login = await this.follow(authorize, origin);
    if (!login.html) return login;
    const { action, fields } = formOf(login.html, "signin");
    return this.follow(action, origin, { form: { ...fields, username, password } });
  }
}

export async function exchange(
  pool: HostedPool,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${pool.base}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function codeOf(location: string | undefined): string {
  const code = location ? new URL(location).searchParams.get("code") : null;
  if (!code) throw new Error(`no code in ${location}`);
  return code;
}
