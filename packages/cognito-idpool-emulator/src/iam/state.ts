import { ACCOUNT_ID } from "../core/account.js";

/** IAM state (roles, inline policies, OIDC and SAML providers). Owned by emulator/iam; read by S3 (policies) and Cognito Identity (roles, OIDC). */
export interface IamRole {
  RoleName: string;
  /** `AROA` + 17 characters, as IAM shows it in assumed-role user ids. */
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
  Tags?: IamTag[];
}

export interface IamTag {
  Key: string;
  Value: string;
}

export interface IamOidcProvider {
  Arn: string;
  /** As given, e.g. `https://accounts.example.com` or `http://127.0.0.1:4000/realms/x`. */
  Url: string;
  ClientIDList: string[];
  ThumbprintList: string[];
  CreateDate: number;
  Tags?: IamTag[];
}

/** A SAML 2.0 identity provider registered with IAM (CreateSAMLProvider), with what its metadata says. */
export interface IamSamlProvider {
  Arn: string;
  Name: string;
  /** Generated at creation, as IAM shows it in GetSAMLProvider. */
  SAMLProviderUUID: string;
  /** The metadata document as given (IAM returns it as given). */
  SAMLMetadataDocument: string;
  /** The IdP's `entityID`: assertions must name it as their Issuer. */
  EntityId: string;
  /** The IdP's signing certificates from the metadata, base64 DER (as in `<ds:X509Certificate>`). */
  Certificates: string[];
  /** Epoch milliseconds. */
  CreateDate: number;
  /** Epoch milliseconds, from the metadata's `validUntil` when it has one. */
  ValidUntil?: number;
  Tags?: IamTag[];
}

export interface IamState {
  /** Keyed by RoleName. */
  roles: Record<string, IamRole>;
  /** Keyed by ARN. */
  oidcProviders: Record<string, IamOidcProvider>;
  /** Keyed by ARN. Absent in states saved before SAML providers existed; use {@link samlProviders}. */
  samlProviders?: Record<string, IamSamlProvider>;
}

export function emptyIamState(): IamState {
  return { roles: {}, oidcProviders: {}, samlProviders: {} };
}

/** The SAML providers, made on first use for states saved before they existed. */
export function samlProviders(state: IamState): Record<string, IamSamlProvider> {
  state.samlProviders ??= {};
  return state.samlProviders;
}

export function samlProviderArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT_ID}:saml-provider/${name}`;
}

/** The role an ARN names (`arn:aws:iam::000000000000:role/path/Name`), if it exists. */
export function findRoleByArn(state: IamState, roleArn: string): IamRole | undefined {
  const name = roleArn.split("/").pop() ?? "";
  const role = state.roles[name];
  return role && role.Arn === roleArn ? role : undefined;
}

/** An OIDC issuer URL without its scheme and trailing slash: the form IAM puts in ARNs and Cognito uses as a login key. */
export function issuerWithoutScheme(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/+$/, "");
}

export function oidcProviderArn(url: string): string {
  return `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${issuerWithoutScheme(url)}`;
}

/** The OIDC provider registered for an issuer, found by the issuer without its scheme (`127.0.0.1:4000/realms/x`). */
export function findOidcProviderByIssuer(state: IamState, issuerNoScheme: string): IamOidcProvider | undefined {
  return state.oidcProviders[oidcProviderArn(issuerNoScheme)];
}
