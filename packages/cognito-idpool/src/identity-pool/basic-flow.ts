/**
 * The basic (classic) flow, loaded with `import()` by the first credentials of `flow: "basic"`:
 * the identity's OpenID token from Cognito, then STS `AssumeRoleWithWebIdentity` (unsigned, as
 * the call is on AWS) through the AWS SDK's own STS operation schema and awsQuery protocol. It
 * also checks the options only it takes, so that pages on the enhanced flow download neither.
 * Everything else comes from the page in a {@link BasicFlowKit}: this module imports nothing of
 * the page's, and the build bundles it with what it alone uses of the AWS SDK
 * (scripts/lazy-chunk.mjs says why).
 */
import { AwsQueryProtocol } from "@aws-sdk/core/protocols";
import { AssumeRoleWithWebIdentity$, errorTypeRegistries, type AssumeRoleWithWebIdentityResponse } from "@aws-sdk/client-sts";
import type { CognitoIdpoolError, ErrorCode, invalidOption } from "../errors.js";
import type { createJsonRpcSend, JsonRpcTransportOptions, OperationSchema } from "../aws/json-rpc.js";
import type { classify, serviceUrl } from "../aws/outcome.js";
import type { IssuedCredentials, issued } from "./credentials.js";

/** The options of `createAuth` the basic flow takes, as given (checked here), and `customRoleArn`, which it refuses. */
export interface BasicFlowOptions {
  roles?: unknown;
  sessionPolicy?: unknown;
  durationSeconds?: unknown;
  customRoleArn?: unknown;
}

/** What the identity-pool client hands the module: its config and calls, and the page's code it needs. */
export interface BasicFlowKit {
  config: Omit<JsonRpcTransportOptions, "url"> & {
    region: string;
    endpoint: string | undefined;
    basic?: BasicFlowOptions | undefined;
  };
  api: { getOpenIdToken(identityId: string, logins?: Record<string, string>): Promise<{ identityId: string; token: string }> };
  createSend: typeof createJsonRpcSend;
  serviceUrl: typeof serviceUrl;
  classify: typeof classify;
  issued: typeof issued;
  Error: typeof CognitoIdpoolError;
  invalidOption: typeof invalidOption;
}

/** Credentials of the role for an identity: a guest's without `logins`. */
export type BasicFlow = (identityId: string, logins?: Record<string, string>) => Promise<IssuedCredentials>;

const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** STS's refusals, as the SDK's codes: what the caller can do about each. */
const STS_ERRORS: Record<string, [ErrorCode, string]> = {
  InvalidIdentityToken: ["login-rejected", "STS refused the identity's OpenID token"],
  ExpiredTokenException: ["login-rejected", "STS found the identity's OpenID token expired"],
  AccessDenied: ["identity-pool-misconfigured", "the role's trust policy does not let this identity assume it"],
  RegionDisabledException: ["identity-pool-misconfigured", "STS is not activated in this region for the account"],
  MalformedPolicyDocument: ["invalid-options", "STS refused the sessionPolicy"],
  PackedPolicyTooLarge: ["invalid-options", "the sessionPolicy is too large once packed"],
  ValidationError: ["invalid-options", "STS refused a parameter (durationSeconds longer than the role allows?)"],
  Throttling: ["throttled", "STS is throttling requests"],
};

/** Checks the options (throwing `invalid-options` naming the first bad one), then makes the STS client. */
export function createBasicFlow(kit: BasicFlowKit): BasicFlow {
  const { config, invalidOption: invalid } = kit;
  const { roles, sessionPolicy, durationSeconds, customRoleArn } = config.basic ?? {};
  const { authenticated, guest, ...other } = (typeof roles === "object" && roles !== null ? roles : {}) as Record<string, unknown>;
  const isRole = (value: unknown) => typeof value === "string" && ROLE_ARN.test(value);
  if (!isRole(authenticated) || (guest !== undefined && !isRole(guest)) || Object.keys(other).length)
    throw invalid("roles", 'must be { authenticated, guest? } with flow: "basic", each an IAM role ARN such as "arn:aws:iam::123456789012:role/Name"', roles);
  const policy = sessionPolicy === undefined ? undefined : policyText(sessionPolicy);
  if (policy === null) throw invalid("sessionPolicy", "must be a policy document (an object, or JSON text of one) of at most 2048 characters", sessionPolicy);
  if (durationSeconds !== undefined && !(Number.isInteger(durationSeconds) && (durationSeconds as number) >= 900 && (durationSeconds as number) <= 43_200))
    throw invalid("durationSeconds", "must be a whole number of seconds from 900 to 43200", durationSeconds);
  if (customRoleArn !== undefined) throw invalid("customRoleArn", 'is for the enhanced flow; with flow: "basic" the role comes from roles', customRoleArn);

  const send = kit.createSend({
    ...config,
    url: config.endpoint ?? kit.serviceUrl("sts", config.region),
    protocol: new AwsQueryProtocol({
      defaultNamespace: "com.amazonaws.sts",
      xmlNamespace: "https://sts.amazonaws.com/doc/2011-06-15/",
      version: "2011-06-15",
      errorTypeRegistries,
    }),
  });

  return async (asked, logins) => {
    const RoleArn = logins ? authenticated : guest;
    if (!RoleArn) throw new kit.Error("identity-pool-misconfigured", 'flow: "basic" has no roles.guest, so guests get no credentials.');
    // The identity the token is for: Cognito names it, as it does with credentials in the enhanced flow.
    const { identityId, token } = await kit.api.getOpenIdToken(asked, logins);
    let answer;
    try {
      answer = await send<AssumeRoleWithWebIdentityResponse>(AssumeRoleWithWebIdentity$ as unknown as OperationSchema, {
        RoleArn,
        // Session names allow [\w+=,.@-]: the identity's uuid, which CloudTrail then shows.
        RoleSessionName: `cognito-${identityId.slice(identityId.indexOf(":") + 1)}`,
        WebIdentityToken: token,
        Policy: policy,
        DurationSeconds: durationSeconds,
      });
    } catch (error) {
      const { status, type, message } = kit.classify(error);
      if (status === undefined) throw new kit.Error("network-error", "STS could not be reached.", { cause: error });
      const [code, what] = STS_ERRORS[type] ?? ["service-error", `STS ${status >= 500 ? "failed" : "answered"} ${type || `HTTP ${status}`}`];
      throw new kit.Error(code, `${what}: ${message}`, { cause: error, retryable: code === "throttled" || status >= 500 });
    }
    const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = answer.output.Credentials ?? {};
    return kit.issued(identityId, [AccessKeyId, SecretAccessKey, SessionToken], Expiration, answer.dateMs, "STS");
  };
}

/** A session policy as STS takes it (JSON text of an object, at most 2048 characters), or null. */
function policyText(value: unknown): string | null {
  try {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) && text.length <= 2048 ? text : null;
  } catch {
    return null;
  }
}
