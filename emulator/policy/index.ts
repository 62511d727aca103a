/**
 * IAM policy evaluation: identity policies for S3 requests, trust policies for role assumption.
 * STUB: owned by the S3/policy work; the signatures below are the contract others code against.
 */

/** A parsed policy document (`{"Version": "2012-10-17", "Statement": [...]}`). */
export type PolicyDocument = { Version?: string; Statement: unknown };

export interface PolicyRequest {
  /** e.g. `s3:GetObject`, `sts:AssumeRoleWithWebIdentity`. */
  action: string;
  /** e.g. `arn:aws:s3:::bucket/key`, or the role ARN for a trust policy. */
  resource: string;
  /** Condition keys and policy variables, e.g. `cognito-identity.amazonaws.com:sub`, `s3:prefix`. Multi-valued keys are arrays. */
  context: Record<string, string | string[]>;
  /** For resource and trust policies: who is asking, e.g. `{ Federated: "cognito-identity.amazonaws.com" }`. */
  principal?: { Federated?: string; AWS?: string; Service?: string };
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

/** Evaluates policies the way IAM does: an explicit Deny wins, then any Allow, else implicit deny. */
export function evaluatePolicies(_policies: PolicyDocument[], _request: PolicyRequest): Decision {
  return "ImplicitDeny";
}
