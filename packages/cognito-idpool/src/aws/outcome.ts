/**
 * What every Cognito call shares besides the wire code in ./json-rpc.ts: how a call ended, and
 * the services' public endpoints. Kept apart from the wire code so that the lazily loaded sign-in
 * module can use these without importing the AWS SDK's protocol classes itself (it gets the
 * sender from the core), which keeps that code in the page's own bundle instead of a chunk that
 * bundlers would otherwise split out and share.
 */

/** How a call ended, for the error mappers. */
export interface CallOutcome {
  /** The answer's HTTP status; undefined when there was no answer. */
  status: number | undefined;
  /** The error type Cognito named, e.g. `NotAuthorizedException`; "" when it named none or the answer was unreadable. */
  type: string;
  /** Cognito's message, or why there was no answer; "" for an unreadable answer. */
  message: string;
}

/**
 * The one rule for "did Cognito answer", used by both services' error mappers: an answer has an
 * HTTP status; offline, DNS, CORS, a dropped connection or the deadline have none.
 */
export function classify(error: unknown): CallOutcome {
  const { name, message, $metadata } = Object(error) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return { status: $metadata?.httpStatusCode, type: name ?? "", message: message ?? String(error) };
}

/** DNS suffixes of the AWS partitions other than `aws` (`amazonaws.com`), by region prefix. */
const PARTITION_DNS_SUFFIXES: [RegExp, string][] = [
  [/^cn-/, "amazonaws.com.cn"],
  [/^us-iso-/, "c2s.ic.gov"],
  [/^us-isob-/, "sc2s.sgov.gov"],
  [/^eu-isoe-/, "cloud.adc-e.uk"],
  [/^us-isof-/, "csp.hci.ic.gov"],
];

/**
 * A Cognito service's public endpoint in a region: what the generated clients' endpoint rules
 * resolve for these services without FIPS or dual-stack, e.g.
 * `https://cognito-identity.eu-west-1.amazonaws.com`.
 */
export function serviceUrl(service: "cognito-identity" | "cognito-idp" | "sts", region: string): string {
  const suffix = PARTITION_DNS_SUFFIXES.find(([prefix]) => prefix.test(region))?.[1] ?? "amazonaws.com";
  return `https://${service}.${region}.${suffix}`;
}
