/** IAM state (roles, inline policies, OIDC providers). Owned by emulator/iam; read by S3 (policies) and Cognito Identity (roles, OIDC). */
export interface IamRole {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  /** The trust policy as the JSON text the caller sent (IAM returns it URL-encoded). */
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  /** Epoch milliseconds. */
  CreateDate: number;
  /** Inline policies: policy name → JSON text. */
  Policies: Record<string, string>;
}

export interface IamOidcProvider {
  Arn: string;
  /** As given, e.g. `https://accounts.example.com` or `http://127.0.0.1:4000/realms/x`. */
  Url: string;
  ClientIDList: string[];
  ThumbprintList: string[];
  CreateDate: number;
}

export interface IamState {
  /** Keyed by RoleName. */
  roles: Record<string, IamRole>;
  /** Keyed by ARN. */
  oidcProviders: Record<string, IamOidcProvider>;
}

export function emptyIamState(): IamState {
  return { roles: {}, oidcProviders: {} };
}

/** The role an ARN names (`arn:aws:iam::000000000000:role/path/Name`), if it exists. */
export function findRoleByArn(state: IamState, roleArn: string): IamRole | undefined {
  const name = roleArn.split("/").pop() ?? "";
  const role = state.roles[name];
  return role && role.Arn === roleArn ? role : undefined;
}
