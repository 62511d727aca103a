import { ACCOUNT_ID } from "../core/account.js";
import { AwsError } from "../core/errors.js";
import type { QueryOperation, QueryService } from "../service.js";
import type { SeedContext } from "../service.js";
import { decide, deniedMessage } from "./authorize.js";
import { oidcProviderOperations } from "./oidc-providers.js";
import { policyText } from "./policy-document.js";
import { checkTrustPolicy, roleOperations } from "./roles.js";
import { samlProviderOperations } from "./saml-providers.js";
import { oidcProviderArn, samlProviderArn, type IamState } from "./state.js";
import { own } from "../core/records.js";

/** A role in a seed file. Policy documents may be objects or JSON text. */
export interface RoleSeed {
  RoleName: string;
  AssumeRolePolicyDocument: unknown;
  /** Inline policies: name → document. */
  Policies?: Record<string, unknown>;
  Path?: string;
  Description?: string;
  MaxSessionDuration?: number;
}

/** An OpenID Connect provider in a seed file (`Url` with its scheme). */
export interface OidcProviderSeed {
  Url: string;
  ClientIDList: string[];
  ThumbprintList?: string[];
}

/**
 * Every IAM operation is signed and authorized: issued credentials need `iam:<Operation>` on the
 * resource from their role's policies, otherwise AccessDenied as IAM words it.
 */
function signed(
  action: string,
  resource: (params: Record<string, string>, iam: IamState) => string,
  handler: (params: Record<string, string>, iam: IamState, now: number) => ReturnType<QueryOperation["handler"]>,
): QueryOperation {
  return {
    auth: "sigv4",
    handler(params, ctx) {
      const target = resource(params, ctx.state.iam);
      const decision = decide(ctx.state, ctx.principal, `iam:${action}`, target);
      if (decision !== "Allow") throw new AwsError("AccessDenied", deniedMessage(ctx.principal, `iam:${action}`, target, decision), 403);
      return handler(params, ctx.state.iam, ctx.clock.now());
    },
  };
}

const ACCOUNT_ARN = `arn:aws:iam::${ACCOUNT_ID}`;
/** An existing role's ARN (with its path), else the ARN the call would create. */
const roleResource = (p: Record<string, string>, iam: IamState) => {
  const name = p["RoleName"] ?? "";
  return Object.hasOwn(iam.roles, name) ? iam.roles[name]!.Arn : `${ACCOUNT_ARN}:role${p["Path"] ?? "/"}${name}`;
};
const providerResource = (p: Record<string, string>) => p["OpenIDConnectProviderArn"] ?? (p["Url"] ? oidcProviderArn(p["Url"]) : "*");
const samlResource = (p: Record<string, string>) => p["SAMLProviderArn"] ?? (p["Name"] ? samlProviderArn(p["Name"]) : "*");

export const iamService: QueryService = {
  service: "iam",
  xmlns: "https://iam.amazonaws.com/doc/2010-05-08/",
  operations: {
    CreateRole: signed("CreateRole", roleResource, roleOperations.CreateRole),
    GetRole: signed("GetRole", roleResource, roleOperations.GetRole),
    ListRoles: signed("ListRoles", () => `${ACCOUNT_ARN}:role/`, roleOperations.ListRoles),
    PutRolePolicy: signed("PutRolePolicy", roleResource, roleOperations.PutRolePolicy),
    GetRolePolicy: signed("GetRolePolicy", roleResource, roleOperations.GetRolePolicy),
    CreateOpenIDConnectProvider: signed("CreateOpenIDConnectProvider", providerResource, oidcProviderOperations.CreateOpenIDConnectProvider),
    GetOpenIDConnectProvider: signed("GetOpenIDConnectProvider", providerResource, oidcProviderOperations.GetOpenIDConnectProvider),
    ListOpenIDConnectProviders: signed("ListOpenIDConnectProviders", () => "*", oidcProviderOperations.ListOpenIDConnectProviders),
    CreateSAMLProvider: signed("CreateSAMLProvider", samlResource, samlProviderOperations.CreateSAMLProvider),
    GetSAMLProvider: signed("GetSAMLProvider", samlResource, samlProviderOperations.GetSAMLProvider),
    ListSAMLProviders: signed("ListSAMLProviders", () => "*", samlProviderOperations.ListSAMLProviders),
    UpdateSAMLProvider: signed("UpdateSAMLProvider", samlResource, samlProviderOperations.UpdateSAMLProvider),
    DeleteSAMLProvider: signed("DeleteSAMLProvider", samlResource, samlProviderOperations.DeleteSAMLProvider),
  },
};

/**
 * Creates the seed's roles and OIDC providers through the same code (and checks) as the API. A seed
 * is applied again on every start with `--data`, so an entry that already exists is updated in place
 * (trust policy, inline policies and client ids replaced), keeping role ids and ARNs stable.
 * Returns the role ARNs in seed order.
 */
export async function seedIam(roles: RoleSeed[], providers: OidcProviderSeed[], ctx: SeedContext): Promise<string[]> {
  const iam = ctx.state.iam;
  const now = ctx.clock.now();
  const arns: string[] = [];
  for (const seed of roles) {
    const trust = policyText(seed.AssumeRolePolicyDocument);
    const existing = own(iam.roles, seed.RoleName);
    if (existing) {
      checkTrustPolicy(trust);
      existing.AssumeRolePolicyDocument = trust;
      existing.Policies = {};
      if (seed.MaxSessionDuration !== undefined) existing.MaxSessionDuration = seed.MaxSessionDuration;
    } else {
      roleOperations.CreateRole(
        defined({
          RoleName: seed.RoleName,
          AssumeRolePolicyDocument: trust,
          Path: seed.Path,
          Description: seed.Description,
          MaxSessionDuration: seed.MaxSessionDuration,
        }),
        iam,
        now,
      );
    }
    for (const [PolicyName, document] of Object.entries(seed.Policies ?? {})) {
      roleOperations.PutRolePolicy({ RoleName: seed.RoleName, PolicyName, PolicyDocument: policyText(document) }, iam);
    }
    arns.push(iam.roles[seed.RoleName]!.Arn);
  }
  for (const seed of providers) {
    const existing = iam.oidcProviders[oidcProviderArn(String(seed.Url))];
    if (existing) {
      existing.ClientIDList = [...new Set(seed.ClientIDList)];
      existing.ThumbprintList = seed.ThumbprintList ?? [];
      continue;
    }
    const params: Record<string, string> = { Url: seed.Url };
    (seed.ClientIDList ?? []).forEach((id, i) => (params[`ClientIDList.member.${i + 1}`] = id));
    (seed.ThumbprintList ?? []).forEach((t, i) => (params[`ThumbprintList.member.${i + 1}`] = t));
    oidcProviderOperations.CreateOpenIDConnectProvider(params, iam, now);
  }
  return arns;
}

/** Query parameters from a seed entry: every value as text, absent ones left out. */
function defined(values: Record<string, unknown>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) params[key] = String(value);
  return params;
}
