import { AwsError } from "../core/errors.js";
import type { Principal } from "../core/credentials.js";
import { s3AuthError } from "../core/protocols.js";
import { verifySigV4 } from "../core/sigv4.js";
import type { ServiceContext } from "../service.js";
import { findRoleByArn } from "../iam/state.js";
import { evaluatePolicies, type Decision, type PolicyDocument } from "../policy/index.js";

/** What an S3 request may do, decided by the caller's identity policies. */
export interface Authorizer {
  /** Whether the caller may do `action` on `resource`; `extra` adds condition keys such as `s3:prefix`. */
  allows(action: string, resource: string, extra?: Record<string, string>): boolean;
  /** Like {@link allows}, throwing S3's AccessDenied when not. */
  require(action: string, resource: string, extra?: Record<string, string>): void;
  /** Whether the request was presigned (query-string auth). */
  presigned: boolean;
  /** The caller's ARN (the assumed-role session for temporary credentials), e.g. a multipart upload's Initiator. */
  caller: string;
}

export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
export const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

/**
 * Verifies the signature (every S3 request must be signed: there are no bucket policies or ACLs
 * that could let an anonymous caller in) and returns what the caller may do.
 */
export async function authenticate(ctx: ServiceContext): Promise<Authorizer> {
  checkPresignExpiry(ctx.request.url.searchParams);
  let result: Awaited<ReturnType<typeof verifySigV4>>;
  try {
    result = await verifySigV4(ctx.request, ctx.state, ctx.clock, { s3: true });
  } catch (error) {
    // The signer library throws on inputs it would never produce (dates, expiries, encodings); S3
    // refuses those as a malformed authorization, never with a 500.
    if (error instanceof AwsError) throw error;
    throw ctx.request.url.searchParams.has("X-Amz-Signature")
      ? authorizationQueryError(
          "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
        )
      : new AwsError("AuthorizationHeaderMalformed", "The authorization header is malformed.", 400);
  }
  if (!result.ok) throw s3AuthError(result.failure);
  if (result.service !== "s3") {
    throw new AwsError(
      "AuthorizationHeaderMalformed",
      `The authorization header is malformed; incorrect service "${result.service}". This endpoint belongs to "s3".`,
      400,
    );
  }
  ctx.principal = result.principal;
  ctx.region = result.region;
  const base = baseContext(ctx, result.principal, result.presigned);
  const policies = result.principal.kind === "temporary" ? rolePolicies(ctx, result.principal.credentials.roleArn) : [];
  const sessionPolicy = result.principal.kind === "temporary" ? parsedSessionPolicy(result.principal.credentials.sessionPolicy) : undefined;

  /** The decision, and which kind of policy made it when it is a refusal. */
  const decide = (action: string, resource: string, extra: Record<string, string> = {}): { decision: Decision; by: PolicyType } => {
    if (result.principal.kind === "root") return { decision: "Allow", by: "identity-based" };
    const request = { action, resource, context: { ...base, ...extra } };
    const decision = evaluatePolicies(policies, request);
    if (!sessionPolicy || decision === "ExplicitDeny") return { decision, by: "identity-based" };
    // A session policy limits the role: allowed only where both allow, and its Deny wins.
    const session = evaluatePolicies([sessionPolicy], request);
    if (session === "ExplicitDeny" || decision === "Allow") return { decision: session, by: "session" };
    return { decision, by: "identity-based" };
  };
  const caller = result.principal.kind === "temporary" ? result.principal.credentials.assumedRoleArn : result.principal.arn;
  return {
    presigned: result.presigned,
    caller,
    allows: (action, resource, extra) => decide(action, resource, extra).decision === "Allow",
    require(action, resource, extra) {
      const { decision, by } = decide(action, resource, extra);
      if (decision !== "Allow") throw policyDenied(caller, action, resource, decision === "ExplicitDeny", by);
    },
  };
}

const authorizationQueryError = (message: string) => new AwsError("AuthorizationQueryParametersError", message, 400);

/** S3 checks a presigned URL's X-Amz-Expires before the signature, with these messages. */
function checkPresignExpiry(query: URLSearchParams): void {
  if (!query.has("X-Amz-Signature")) return;
  const expires = query.get("X-Amz-Expires");
  if (expires === null) return; // verifySigV4 answers the missing parameter
  if (!/^-?\d+$/.test(expires.trim())) throw authorizationQueryError("X-Amz-Expires should be a number");
  const seconds = Number(expires);
  if (seconds < 0) throw authorizationQueryError("X-Amz-Expires must be non-negative");
  if (seconds > 604800) throw authorizationQueryError("X-Amz-Expires must be less than a week (in seconds) that is 604800");
}

/** The kind of policy an AccessDenied names. */
type PolicyType = "identity-based" | "session";

/**
 * S3's AccessDenied for a request from the bucket owner's own account, which since 2024 names the
 * caller, the action, the resource and the kind of policy that decided.
 */
export function policyDenied(caller: string, action: string, resource: string, explicit: boolean, by: PolicyType = "identity-based"): AwsError {
  const reason = explicit
    ? `with an explicit deny in ${by === "session" ? "a session" : "an identity-based"} policy`
    : `because no ${by} policy allows the ${action} action`;
  return new AwsError("AccessDenied", `User: ${caller} is not authorized to perform: ${action} on resource: "${resource}" ${reason}`, 403);
}

/** The role's inline policies; text that is not JSON could never have been stored by IAM and is skipped. */
function rolePolicies(ctx: ServiceContext, roleArn: string): PolicyDocument[] {
  const role = findRoleByArn(ctx.state.iam, roleArn);
  if (!role) return [];
  const documents: PolicyDocument[] = [];
  for (const text of Object.values(role.Policies)) {
    try {
      documents.push(JSON.parse(text) as PolicyDocument);
    } catch {
      // IAM rejects such a document at PutRolePolicy; here it simply grants nothing.
    }
  }
  return documents;
}

/** The session policy of the credentials (checked when STS issued them). */
function parsedSessionPolicy(text: string | undefined): PolicyDocument | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as PolicyDocument;
  } catch {
    // STS refuses such a policy; it could not have been attached.
    return { Statement: [] } as unknown as PolicyDocument;
  }
}

/** Global and S3 condition keys every request carries, plus the session's own (Cognito `sub`, `aud`, `amr`). */
function baseContext(ctx: ServiceContext, principal: Principal, presigned: boolean): Record<string, string | string[]> {
  const now = ctx.clock.date();
  const context: Record<string, string | string[]> = {
    "aws:SecureTransport": "false",
    "aws:CurrentTime": now.toISOString(),
    "aws:EpochTime": String(Math.floor(now.getTime() / 1000)),
    "aws:RequestedRegion": ctx.region,
    "aws:PrincipalAccount": "000000000000",
    "s3:authType": presigned ? "REST-QUERY-STRING" : "REST-HEADER",
    "s3:signatureversion": "AWS4-HMAC-SHA256",
  };
  const sha = ctx.request.headers["x-amz-content-sha256"];
  if (sha) context["s3:x-amz-content-sha256"] = sha;
  if (principal.kind === "temporary") {
    const c = principal.credentials;
    const role = findRoleByArn(ctx.state.iam, c.roleArn);
    Object.assign(context, {
      "aws:PrincipalArn": c.roleArn,
      "aws:PrincipalType": "AssumedRole",
      "aws:userid": `${role?.RoleId ?? "AROA"}:${c.sessionName}`,
    });
    Object.assign(context, c.context);
  }
  return context;
}
