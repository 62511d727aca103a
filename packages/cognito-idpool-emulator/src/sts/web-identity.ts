import { decodeJwt, jwtVerify, type JWTPayload } from "jose";
import { verifyOpenIdToken, COGNITO_ISSUER, COGNITO_LOGIN_KEY } from "../cognito-identity/openid-token.js";
import { issuerKeys } from "../cognito-identity/oidc-keys.js";
import { principalTagContext, trustAllows } from "../cognito-identity/roles.js";
import { issueCredentials } from "../core/credentials.js";
import { policyProblem } from "../policy/index.js";
import { AwsError } from "../core/errors.js";
import type { XmlValue } from "../core/types.js";
import type { ServiceContext } from "../service.js";
import { isoDate, QueryInput, type QueryParams } from "../iam/params.js";
import { findOidcProviderByIssuer, issuerWithoutScheme } from "../iam/state.js";

/** STS's wording for tokens it cannot validate (service model documentation of InvalidIdentityToken). */
const NOT_VALIDATED =
  "The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.";
const invalidToken = (message = NOT_VALIDATED) => new AwsError("InvalidIdentityToken", message, 400);
const expired = (now: number, exp: number) =>
  new AwsError("ExpiredTokenException", `Token expired: current date/time ${now} must be before the expiration date/time ${exp}`, 400);

/** Who the token says the caller is, in the terms the trust policy and the response use. */
interface WebIdentity {
  federated: string;
  provider: string;
  subject: string;
  audience: string;
  context: Record<string, string | string[]>;
}

/**
 * The classic flow's second step: a web identity token (the emulator's own Cognito OpenID token,
 * or an ID token of an OIDC issuer registered with IAM) exchanged for the role's credentials.
 */
export async function assumeRoleWithWebIdentity(params: QueryParams, ctx: ServiceContext): Promise<XmlValue> {
  const q = new QueryInput(params);
  const roleArn = q.string("RoleArn", { required: true, min: 20, max: 2048 })!;
  const sessionName = q.string("RoleSessionName", { required: true, min: 2, max: 64, pattern: /^[\w+=,.@-]*$/, patternText: "[\\w+=,.@-]*" })!;
  const token = q.string("WebIdentityToken", { required: true, min: 4, max: 20000 })!;
  q.string("ProviderId", { min: 4, max: 2048 });
  const duration = q.integer("DurationSeconds", { min: 900, max: 43200 });
  const sessionPolicy = q.string("Policy", { min: 1, max: 2048 });
  q.done();
  if (params["PolicyArns.member.1.arn"] !== undefined) {
    // Managed session policies would narrow the credentials; the emulator has no managed policies,
    // and rather than silently grant more than AWS would, it refuses them.
    throw new AwsError("ValidationError", "Managed session policies (PolicyArns) are not supported by the emulator.", 400);
  }
  // An inline session policy narrows the role's permissions (S3 checks both); one IAM could not
  // evaluate is refused as STS refuses it.
  if (sessionPolicy !== undefined) checkSessionPolicy(sessionPolicy);

  const identity = await webIdentity(ctx, token);
  const role = trustAllows(ctx.state, roleArn, identity.federated, identity.context);
  if (!role) throw new AwsError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403);
  if (duration !== undefined && duration > role.MaxSessionDuration) {
    throw new AwsError("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", 400);
  }
  const credentials = issueCredentials(ctx.state, ctx.clock, {
    roleArn: role.Arn,
    sessionName,
    lifetimeSeconds: duration ?? 3600,
    context: identity.context,
    sessionPolicy,
  });
  return {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: isoDate(credentials.expiration),
    },
    SubjectFromWebIdentityToken: identity.subject,
    AssumedRoleUser: { AssumedRoleId: `${role.RoleId}:${sessionName}`, Arn: credentials.assumedRoleArn },
    Provider: identity.provider,
    Audience: identity.audience,
  };
}

function checkSessionPolicy(text: string): void {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new AwsError("MalformedPolicyDocument", "This policy contains invalid Json", 400);
  }
  const problem = policyProblem(document, "identity");
  if (problem) throw new AwsError("MalformedPolicyDocument", problem, 400);
}

async function webIdentity(ctx: ServiceContext, token: string): Promise<WebIdentity> {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw invalidToken();
  }
  if (claims.iss === COGNITO_ISSUER) return cognitoIdentity(ctx, token);
  if (typeof claims.iss !== "string") throw invalidToken();
  return oidcIdentity(ctx, token, claims.iss);
}

async function cognitoIdentity(ctx: ServiceContext, token: string): Promise<WebIdentity> {
  const result = await verifyOpenIdToken(ctx.state.cognitoIdentity, ctx.clock, token, 0);
  if (!result.ok) {
    if (result.failure.kind === "expired") throw expired(result.failure.now, result.failure.exp);
    throw invalidToken();
  }
  const { sub, aud, amr } = result.claims;
  return {
    federated: COGNITO_LOGIN_KEY,
    provider: COGNITO_LOGIN_KEY,
    subject: sub,
    audience: aud,
    context: {
      "cognito-identity.amazonaws.com:sub": sub,
      "cognito-identity.amazonaws.com:aud": aud,
      "cognito-identity.amazonaws.com:amr": amr,
      ...principalTagContext(result.claims),
    },
  };
}

/** Messages as STS words them for OIDC tokens (seen in CI systems' AssumeRoleWithWebIdentity failures). */
async function oidcIdentity(ctx: ServiceContext, token: string, issuer: string): Promise<WebIdentity> {
  const host = issuerWithoutScheme(issuer);
  const provider = findOidcProviderByIssuer(ctx.state.iam, host);
  if (!provider) throw invalidToken(`No OpenIDConnect provider found in your account for ${issuer}`);
  let payload: JWTPayload;
  try {
    const keys = await issuerKeys(provider.Url).catch(() => {
      throw invalidToken(
        "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
      );
    });
    ({ payload } = await jwtVerify(token, keys, { currentDate: ctx.clock.date() }));
  } catch (error) {
    if (error instanceof AwsError) throw error;
    const { code, payload: expiredPayload } = error as { code?: string; payload?: JWTPayload };
    if (code === "ERR_JWT_EXPIRED") throw expired(ctx.clock.nowSeconds(), Number(expiredPayload?.exp));
    throw invalidToken();
  }
  const audiences = payload.aud === undefined ? [] : Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const candidates = typeof payload["azp"] === "string" ? [payload["azp"]] : audiences;
  const audience = candidates.find((a) => provider.ClientIDList.includes(a));
  if (audience === undefined) throw invalidToken("Incorrect token audience");
  const subject = typeof payload.sub === "string" ? payload.sub : "";
  return {
    federated: provider.Arn,
    provider: host,
    subject,
    audience,
    context: { [`${host}:sub`]: subject, [`${host}:aud`]: audience },
  };
}
