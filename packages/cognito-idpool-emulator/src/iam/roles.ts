import { randomBytes } from "node:crypto";
import { ACCOUNT_ID } from "../core/account.js";
import { AwsError } from "../core/errors.js";
import type { XmlValue } from "../core/types.js";
import { isoDate, QueryInput, type QueryParams } from "./params.js";
import { checkPolicyDocument } from "./policy-document.js";
import type { IamRole, IamState, IamTag } from "./state.js";
import { own } from "../core/records.js";

const ROLE_NAME = { required: true, min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, patternText: "[\\w+=,.@-]+" };
const POLICY_NAME = { required: true, min: 1, max: 128, pattern: /^[\w+=,.@-]+$/, patternText: "[\\w+=,.@-]+" };
// IAM's own pattern for policy text names tab, line feed and carriage return.
const POLICY_TEXT = {
  required: true,
  min: 1,
  max: 131072,
  // eslint-disable-next-line no-control-regex
  pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
  patternText: "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+",
};
const PATH = { min: 1, max: 512, pattern: /^(\/|\/[\u0021-\u007E]+\/)$/, patternText: "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)" };

/** IAM's default quotas: trust policy length per role, and all inline policies of a role together (whitespace not counted). */
const TRUST_POLICY_QUOTA = 2048;
const INLINE_POLICIES_QUOTA = 10240;

interface CreateRoleInput {
  RoleName: string;
  AssumeRolePolicyDocument: string;
  Path?: string;
  Description?: string;
  MaxSessionDuration?: number;
  Tags?: IamTag[];
}

/** Creates a role after IAM's checks (name clash ignoring case, policy grammar, quota). */
function createRole(iam: IamState, input: CreateRoleInput, now: number): IamRole {
  const clash = Object.keys(iam.roles).find((name) => name.toLowerCase() === input.RoleName.toLowerCase());
  if (clash) throw new AwsError("EntityAlreadyExists", `Role with name ${input.RoleName} already exists.`, 409);
  checkTrustPolicy(input.AssumeRolePolicyDocument);
  const path = input.Path ?? "/";
  const role: IamRole = {
    RoleName: input.RoleName,
    RoleId: `AROA${randomId(17)}`,
    Arn: `arn:aws:iam::${ACCOUNT_ID}:role${path}${input.RoleName}`,
    Path: path,
    AssumeRolePolicyDocument: input.AssumeRolePolicyDocument,
    MaxSessionDuration: input.MaxSessionDuration ?? 3600,
    CreateDate: now,
    Policies: {},
  };
  if (input.Description !== undefined) role.Description = input.Description;
  if (input.Tags) role.Tags = input.Tags;
  iam.roles[role.RoleName] = role;
  return role;
}

export function checkTrustPolicy(text: string): void {
  checkPolicyDocument(text, "trust");
  if (minifiedLength(text) > TRUST_POLICY_QUOTA) {
    throw new AwsError("LimitExceeded", `Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_QUOTA}`, 409);
  }
}

function putRolePolicy(iam: IamState, roleName: string, policyName: string, document: string): void {
  const role = requireRole(iam, roleName);
  checkPolicyDocument(document, "identity");
  const others = Object.entries(role.Policies).filter(([name]) => name !== policyName);
  const total = others.reduce((sum, [, text]) => sum + minifiedLength(text), minifiedLength(document));
  if (total > INLINE_POLICIES_QUOTA) {
    throw new AwsError("LimitExceeded", `Maximum policy size of ${INLINE_POLICIES_QUOTA} bytes exceeded for role ${roleName}`, 409);
  }
  role.Policies[policyName] = document;
}

export const roleOperations = {
  CreateRole(params: QueryParams, iam: IamState, now: number): XmlValue {
    const q = new QueryInput(params);
    const RoleName = q.string("RoleName", ROLE_NAME)!;
    const AssumeRolePolicyDocument = q.string("AssumeRolePolicyDocument", POLICY_TEXT)!;
    const Path = q.string("Path", PATH);
    const Description = q.string("Description", { max: 1000 });
    const MaxSessionDuration = q.integer("MaxSessionDuration", { min: 3600, max: 43200 });
    q.string("PermissionsBoundary", { min: 20, max: 2048 });
    const Tags = q.tags();
    q.done();
    const role = createRole(iam, { RoleName, AssumeRolePolicyDocument, Path, Description, MaxSessionDuration, Tags }, now);
    return { Role: roleXml(role) };
  },

  GetRole(params: QueryParams, iam: IamState): XmlValue {
    const q = new QueryInput(params);
    const RoleName = q.string("RoleName", ROLE_NAME)!;
    q.done();
    return { Role: { ...roleXml(requireRole(iam, RoleName)), RoleLastUsed: {} } };
  },

  ListRoles(params: QueryParams, iam: IamState): XmlValue {
    const q = new QueryInput(params);
    const prefix = q.string("PathPrefix", { min: 1, max: 512, pattern: /^\u002F[\u0021-\u007F]*$/, patternText: "\\u002F[\\u0021-\\u007F]*" }) ?? "/";
    const marker = q.string("Marker", { min: 1, max: 320 });
    const maxItems = q.integer("MaxItems", { min: 1, max: 1000 }) ?? 100;
    q.done();
    const roles = Object.values(iam.roles)
      .filter((r) => r.Path.startsWith(prefix))
      .sort((a, b) => (a.RoleName < b.RoleName ? -1 : a.RoleName > b.RoleName ? 1 : 0));
    const start = marker === undefined ? 0 : roles.findIndex((r) => r.RoleName > decodeMarker(marker));
    const page = start < 0 ? [] : roles.slice(start, start + maxItems);
    const truncated = start >= 0 && start + maxItems < roles.length;
    return {
      Roles: page.map(roleXml),
      IsTruncated: truncated,
      Marker: truncated ? Buffer.from(page.at(-1)!.RoleName).toString("base64url") : undefined,
    };
  },

  PutRolePolicy(params: QueryParams, iam: IamState): XmlValue {
    const q = new QueryInput(params);
    const RoleName = q.string("RoleName", ROLE_NAME)!;
    const PolicyName = q.string("PolicyName", POLICY_NAME)!;
    const PolicyDocument = q.string("PolicyDocument", POLICY_TEXT)!;
    q.done();
    putRolePolicy(iam, RoleName, PolicyName, PolicyDocument);
    return undefined;
  },

  GetRolePolicy(params: QueryParams, iam: IamState): XmlValue {
    const q = new QueryInput(params);
    const RoleName = q.string("RoleName", ROLE_NAME)!;
    const PolicyName = q.string("PolicyName", POLICY_NAME)!;
    q.done();
    const role = requireRole(iam, RoleName);
    const document = role.Policies[PolicyName];
    if (document === undefined) throw new AwsError("NoSuchEntity", `The role policy with name ${PolicyName} cannot be found.`, 404);
    return { RoleName: role.RoleName, PolicyName, PolicyDocument: encodeURIComponent(document) };
  },
};

function requireRole(iam: IamState, roleName: string): IamRole {
  const role = own(iam.roles, roleName);
  if (!role) throw new AwsError("NoSuchEntity", `The role with name ${roleName} cannot be found.`, 404);
  return role;
}

/** IAM returns policy documents URL-encoded; clients decode them themselves. */
function roleXml(role: IamRole): Record<string, XmlValue> {
  return {
    Path: role.Path,
    RoleName: role.RoleName,
    RoleId: role.RoleId,
    Arn: role.Arn,
    CreateDate: isoDate(role.CreateDate),
    AssumeRolePolicyDocument: encodeURIComponent(role.AssumeRolePolicyDocument),
    Description: role.Description,
    MaxSessionDuration: role.MaxSessionDuration,
    Tags: role.Tags?.map((t) => ({ Key: t.Key, Value: t.Value })),
  };
}

function decodeMarker(marker: string): string {
  const name = Buffer.from(marker, "base64url").toString("utf8");
  if (!/^[\w+=,.@-]+$/.test(name)) throw new AwsError("InvalidInput", "Invalid Marker.", 400);
  return name;
}

function minifiedLength(text: string): number {
  return JSON.stringify(JSON.parse(text)).length;
}

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function randomId(length: number): string {
  return [...randomBytes(length)].map((b) => ID_ALPHABET[b % 32]).join("");
}
