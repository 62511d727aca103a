import type { EmulatorState } from "../state.js";
import type { ServiceContext } from "../service.js";
import { ACCOUNT_ID } from "../core/account.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import { requirePool } from "./lookup.js";
import type { UserPool, UserPoolDomain } from "./state.js";

/**
 * User-pool domains (CreateUserPoolDomain and friends): the name managed login and the OAuth 2.0
 * endpoints are served under. A prefix domain is `<prefix>.auth.<region>.amazoncognito.com` on AWS;
 * the emulator serves it at `/_domain/<prefix>/` (hosted-ui/).
 */

/** Prefix domains: lower-case letters, digits and inner hyphens, as CreateUserPoolDomain's Domain shape. */
const DOMAIN_SHAPE = { min: 1, max: 63, pattern: "^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$" };
/** Custom domains are full host names. */
const CUSTOM_DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** AWS refuses prefixes containing these words (its own brands). */
const RESERVED = ["aws", "amazon", "cognito"];

/** The pool a domain belongs to, by its prefix (or full custom name). */
export function poolByDomain(state: EmulatorState, domain: string): UserPool | undefined {
  return Object.values(state.cognitoIdp.pools).find((pool) => pool.domain?.Domain === domain);
}

function readDomainInput(input: Record<string, unknown>, withConfig: boolean) {
  const check = new InputCheck(input);
  const domain = check.string("Domain", { required: true, min: 1, max: 63 });
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const custom = withConfig ? check.object("CustomDomainConfig") : undefined;
  const version = withConfig ? check.integer("ManagedLoginVersion", { min: 1, max: 2 }) : undefined;
  check.done();
  return { domain: domain!, poolId, custom, version };
}

function readCustomConfig(custom: Record<string, unknown> | undefined): UserPoolDomain["CustomDomainConfig"] | undefined {
  if (!custom) return undefined;
  const check = new InputCheck(custom, "customDomainConfig.");
  const arn = check.string("CertificateArn", {
    required: true,
    min: 20,
    max: 2048,
    pattern: "arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?",
  })!;
  check.done();
  return { CertificateArn: arn };
}

export function createUserPoolDomain(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { domain, poolId, custom, version } = readDomainInput(input, true);
  const config = readCustomConfig(custom);
  // A prefix must match Coral's pattern; a custom domain is a host name (long names allowed there).
  const valid = config ? CUSTOM_DOMAIN.test(domain) : new RegExp(DOMAIN_SHAPE.pattern).test(domain);
  if (!valid)
    throw idpErrors.invalidParameter(
      `1 validation error detected: Value '${domain}' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: ${DOMAIN_SHAPE.pattern}`,
    );
  const pool = requirePool(ctx.state, poolId);
  if (!config) {
    const reserved = RESERVED.find((word) => domain.includes(word));
    // [INF] AWS refuses these prefixes with InvalidParameterException; the wording is the emulator's.
    if (reserved) throw idpErrors.invalidParameter(`Domain cannot contain reserved word: ${reserved}`);
  }
  if (poolByDomain(ctx.state, domain)) throw idpErrors.invalidParameter("Domain already associated with another user pool.");
  if (pool.domain) throw idpErrors.invalidParameter(`User pool ${poolId} already has a domain configured.`);
  pool.domain = { Domain: domain, ...(config ? { CustomDomainConfig: config } : {}), ManagedLoginVersion: version ?? 1, Version: "20130630" };
  return { ...(config ? { CloudFrontDomain: cloudFront(domain) } : {}), ManagedLoginVersion: pool.domain.ManagedLoginVersion };
}

/** An unknown domain is not an error: AWS answers an empty DomainDescription. */
export function describeUserPoolDomain(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const check = new InputCheck(input);
  const domain = check.string("Domain", { required: true, min: 1, max: 63 })!;
  check.done();
  const pool = poolByDomain(ctx.state, domain);
  if (!pool?.domain) return { DomainDescription: {} };
  const d = pool.domain;
  return {
    DomainDescription: {
      UserPoolId: pool.Id,
      AWSAccountId: ACCOUNT_ID,
      Domain: d.Domain,
      S3Bucket: "aws-cognito-prod-emulator-assets",
      CloudFrontDistribution: cloudFront(d.Domain),
      Version: d.Version,
      Status: "ACTIVE",
      ...(d.CustomDomainConfig ? { CustomDomainConfig: d.CustomDomainConfig } : {}),
      ManagedLoginVersion: d.ManagedLoginVersion,
    },
  };
}

export function updateUserPoolDomain(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { domain, poolId, custom, version } = readDomainInput(input, true);
  const config = readCustomConfig(custom);
  const pool = requirePool(ctx.state, poolId);
  if (pool.domain?.Domain !== domain) throw idpErrors.invalidParameter("No such domain or user pool exists.");
  if (config) pool.domain.CustomDomainConfig = config;
  if (version !== undefined) pool.domain.ManagedLoginVersion = version;
  return { ...(pool.domain.CustomDomainConfig ? { CloudFrontDomain: cloudFront(domain) } : {}), ManagedLoginVersion: pool.domain.ManagedLoginVersion };
}

export function deleteUserPoolDomain(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { domain, poolId } = readDomainInput(input, false);
  const pool = requirePool(ctx.state, poolId);
  if (pool.domain?.Domain !== domain) throw idpErrors.invalidParameter("No such domain or user pool exists.");
  delete pool.domain;
  return {};
}

/** DescribeUserPool's Domain (a prefix) or CustomDomain member. */
export function describedDomain(pool: UserPool): Record<string, string> {
  if (!pool.domain) return {};
  return pool.domain.CustomDomainConfig ? { CustomDomain: pool.domain.Domain } : { Domain: pool.domain.Domain };
}

/** A stable, made-up CloudFront name: nothing serves it; the emulator serves the domain itself. */
function cloudFront(domain: string): string {
  let hash = 0;
  for (const char of domain) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `d${hash.toString(36).padStart(12, "0").slice(0, 12)}.cloudfront.net`;
}
