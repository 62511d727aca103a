/** A parsed policy document (`{"Version": "2012-10-17", "Statement": [...]}`). */
export type PolicyDocument = { Version?: string; Statement: unknown };

/** Who asks, for resource and trust policies, e.g. `{ Federated: "cognito-identity.amazonaws.com" }`. */
export interface PolicyPrincipal {
  Federated?: string;
  AWS?: string;
  Service?: string;
}

export interface PolicyRequest {
  /** e.g. `s3:GetObject`, `sts:AssumeRoleWithWebIdentity`. */
  action: string;
  /** e.g. `arn:aws:s3:::bucket/key`, or the role ARN for a trust policy. */
  resource: string;
  /** Condition keys and policy variables, e.g. `cognito-identity.amazonaws.com:sub`, `s3:prefix`. Multi-valued keys are arrays. */
  context: Record<string, string | string[]>;
  /** For resource and trust policies: who is asking. Absent for identity policies. */
  principal?: PolicyPrincipal;
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";
