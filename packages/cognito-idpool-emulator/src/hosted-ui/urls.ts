import type { EmulatorRequest } from "../core/types.js";
import type { ServiceContext } from "../service.js";

/**
 * Where a user-pool domain is served. AWS serves a prefix domain at
 * `https://<prefix>.auth.<region>.amazoncognito.com`; the emulator serves every domain at
 * `<emulator>/_domain/<domain>` (no DNS needed), and also under its AWS host name when a request
 * arrives with that `Host:` (a proxy or a hosts-file entry in front of the emulator).
 */

/** A prefix domain's AWS host name. */
const AWS_HOST = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.auth\.[a-z0-9-]+\.amazoncognito\.com(?::\d+)?$/;

/** Which domain a request is for, and the path inside it; undefined when it is not a domain request. */
export interface DomainRequest {
  domain: string;
  /** The path inside the domain, e.g. `/oauth2/authorize`. */
  path: string;
  /** How this request reached the domain: the base URL its pages link to. */
  viaHost?: string;
}

export function domainRequest(request: EmulatorRequest): DomainRequest | undefined {
  const prefixed = /^\/_domain\/([a-z0-9.-]{1,253})(\/.*)?$/.exec(request.rawPath);
  if (prefixed) return { domain: prefixed[1]!, path: prefixed[2] ?? "/" };
  const host = (request.headers["x-forwarded-host"] ?? request.headers["host"] ?? "").toLowerCase();
  const aws = AWS_HOST.exec(host);
  if (aws) return { domain: aws[1]!, path: request.rawPath, viaHost: host };
  return undefined;
}

/** A stand-in social provider's page (federation.ts), served beside the domain's own: `<domain>/_idp/<Provider>/authorize`. */
export function standInPath(path: string): { provider: string } | undefined {
  const match = /^\/_idp\/(Google|Facebook|SignInWithApple|LoginWithAmazon)\/authorize$/.exec(path);
  return match ? { provider: match[1]! } : undefined;
}

/** The base URL of a domain as the current request sees it (its endpoints are `<base>/oauth2/…`). */
export function domainBaseUrl(ctx: ServiceContext, domain: string): string {
  const found = domainRequest(ctx.request);
  if (found?.viaHost && found.domain === domain) {
    const proto = ctx.request.headers["x-forwarded-proto"] ?? "https";
    return `${proto}://${found.viaHost}`;
  }
  return `${ctx.baseUrl}/_domain/${domain}`;
}

/** The cookie path of a domain's pages, so two domains on one emulator keep separate cookies. */
export function cookiePath(ctx: ServiceContext, domain: string): string {
  return domainRequest(ctx.request)?.viaHost ? "/" : `/_domain/${domain}/`;
}
