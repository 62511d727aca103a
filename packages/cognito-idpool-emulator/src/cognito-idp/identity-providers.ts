import { AwsError } from "../core/errors.js";
import { parseSamlMetadata, type SamlMetadata } from "../iam/saml-metadata.js";
import { own } from "../core/records.js";
import type { ServiceContext } from "../service.js";
import { idpErrors, InputCheck, shapes } from "./errors.js";
import { requirePool } from "./lookup.js";
import type { PoolIdentityProvider, UserPool } from "./state.js";

/**
 * Third-party identity providers of a user pool (CreateIdentityProvider and friends), which
 * managed login federates to (hosted-ui/federation.ts). Social providers are played by the
 * emulator's stand-in pages; OIDC and SAML providers are real ones, reached over HTTP.
 */

const TYPES = ["SAML", "Facebook", "Google", "LoginWithAmazon", "SignInWithApple", "OIDC"] as const;
/** Social providers must be named after their type. */
const SOCIAL = new Set(["Facebook", "Google", "LoginWithAmazon", "SignInWithApple"]);
const NAME = { min: 1, max: 32, pattern: "[^_\\p{Z}][\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}][^_\\p{Z}]+" };

/** ProviderDetails each type requires, as AWS documents them. */
const REQUIRED_DETAILS: Record<string, string[]> = {
  Google: ["client_id", "client_secret", "authorize_scopes"],
  Facebook: ["client_id", "client_secret", "authorize_scopes"],
  LoginWithAmazon: ["client_id", "client_secret", "authorize_scopes"],
  SignInWithApple: ["client_id", "team_id", "key_id", "private_key", "authorize_scopes"],
  OIDC: ["client_id", "attributes_request_method", "oidc_issuer", "authorize_scopes"],
  SAML: [],
};

export function identityProviders(pool: UserPool): Record<string, PoolIdentityProvider> {
  return (pool.identityProviders ??= {});
}

function readProvider(input: Record<string, unknown>, creating: boolean) {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const name = check.string("ProviderName", { required: true, ...NAME })!;
  const type = creating ? check.oneOf("ProviderType", TYPES, true) : undefined;
  const details = check.stringMap("ProviderDetails", creating);
  const mapping = check.stringMap("AttributeMapping");
  const identifiers = check.stringList("IdpIdentifiers");
  check.done();
  return { poolId, name, type, details, mapping, identifiers };
}

function checkDetails(type: string, details: Record<string, string>): void {
  for (const key of REQUIRED_DETAILS[type] ?? []) {
    if (details[key] === undefined || details[key] === "") throw idpErrors.invalidParameter(`${key} is required for ${type} identity provider.`);
  }
  if (type === "SAML" && !details["MetadataURL"] && !details["MetadataFile"]) {
    throw idpErrors.invalidParameter("MetadataURL or MetadataFile is required for SAML identity provider.");
  }
  if (type === "OIDC") {
    if (!["GET", "POST"].includes(details["attributes_request_method"]!)) throw idpErrors.invalidParameter("attributes_request_method must be GET or POST.");
    if (!details["authorize_scopes"]!.split(" ").includes("openid")) throw idpErrors.invalidParameter("authorize_scopes must contain openid.");
  }
}

/**
 * A SAML provider's metadata as Cognito reads it when the provider is saved and at each sign-in:
 * `MetadataFile` as given, or the document at `MetadataURL`. Cognito refuses metadata it cannot
 * read, and metadata without an HTTP-Redirect SingleSignOnService (where it sends the
 * AuthnRequest), with InvalidParameterException; the messages are the ones users report from
 * Cognito, except the one for a URL that cannot be reached at all, which is the emulator's.
 */
export async function readSamlMetadata(details: Record<string, string>): Promise<SamlMetadata & { redirectSso: string }> {
  let document = details["MetadataFile"];
  if (!document) {
    const url = details["MetadataURL"] ?? "";
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    } catch {
      throw idpErrors.invalidParameter(`Unable to retrieve remote metadata source ${url}`);
    }
    if (!response.ok) throw idpErrors.invalidParameter(`Non-ok status code ${response.status} returned from remote metadata source ${url}`);
    document = await response.text();
  }
  let metadata: SamlMetadata;
  try {
    metadata = parseSamlMetadata(document);
  } catch {
    throw idpErrors.invalidParameter("Unable to unmarshall metadata");
  }
  const { redirectSso } = metadata;
  if (!redirectSso) throw idpErrors.invalidParameter("No SingleSignOn Http redirect binding location found in metadata.");
  return { ...metadata, redirectSso };
}

/** SAML metadata is read when the provider is saved; what Cognito derives from it (the IdP's sign-in URL) joins the details. */
async function withSamlDetails(type: string, details: Record<string, string>): Promise<Record<string, string>> {
  if (type !== "SAML") return details;
  const { redirectSso } = await readSamlMetadata(details);
  return { ...details, SSORedirectBindingURI: redirectSso };
}

function withoutMetadata(details: Record<string, string>): Record<string, string> {
  const { MetadataFile: _file, MetadataURL: _url, ...rest } = details;
  return rest;
}

function checkIdentifiers(pool: UserPool, name: string, identifiers: string[] | undefined): void {
  for (const id of identifiers ?? []) {
    const other = Object.values(identityProviders(pool)).find((p) => p.ProviderName !== name && p.IdpIdentifiers.includes(id));
    if (other) throw new AwsError("DuplicateProviderException", `Identifier ${id} is already used by another provider in this user pool.`);
  }
}

export async function createIdentityProvider(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { poolId, name, type, details, mapping, identifiers } = readProvider(input, true);
  const pool = requirePool(ctx.state, poolId);
  if (SOCIAL.has(type!) && name !== type) throw idpErrors.invalidParameter(`ProviderName must be ${type} for the ${type} provider type.`);
  if (!SOCIAL.has(type!) && (SOCIAL.has(name) || name === "COGNITO")) throw idpErrors.invalidParameter(`ProviderName ${name} is reserved.`);
  if (Object.hasOwn(identityProviders(pool), name))
    throw new AwsError("DuplicateProviderException", `A provider with the name ${name} already exists in this user pool.`);
  checkDetails(type!, details!);
  checkIdentifiers(pool, name, identifiers);
  const providerDetails = await withSamlDetails(type!, details!);
  // Another request may have taken the name while the metadata was read.
  if (Object.hasOwn(identityProviders(pool), name))
    throw new AwsError("DuplicateProviderException", `A provider with the name ${name} already exists in this user pool.`);
  const now = ctx.clock.now() / 1000;
  const provider: PoolIdentityProvider = {
    ProviderName: name,
    ProviderType: type!,
    ProviderDetails: providerDetails,
    AttributeMapping: { ...(mapping ?? {}) },
    IdpIdentifiers: identifiers ?? [],
    CreationDate: now,
    LastModifiedDate: now,
  };
  identityProviders(pool)[name] = provider;
  return { IdentityProvider: describe(pool, provider) };
}

export function describeIdentityProvider(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { pool, provider } = find(input, ctx);
  return { IdentityProvider: describe(pool, provider) };
}

export async function updateIdentityProvider(input: Record<string, unknown>, ctx: ServiceContext): Promise<unknown> {
  const { poolId, name, details, mapping, identifiers } = readProvider(input, false);
  const pool = requirePool(ctx.state, poolId);
  const provider = own(identityProviders(pool), name);
  if (!provider) throw notFound(name);
  if (details) {
    // New metadata replaces the old and what was derived from it.
    const { SSORedirectBindingURI: _derived, ...kept } = provider.ProviderDetails;
    const replacesMetadata = details["MetadataFile"] !== undefined || details["MetadataURL"] !== undefined;
    const merged = { ...(replacesMetadata ? withoutMetadata(kept) : kept), ...details };
    checkDetails(provider.ProviderType, merged);
    provider.ProviderDetails = await withSamlDetails(provider.ProviderType, merged);
  }
  if (mapping) provider.AttributeMapping = { ...mapping };
  if (identifiers) {
    checkIdentifiers(pool, name, identifiers);
    provider.IdpIdentifiers = identifiers;
  }
  provider.LastModifiedDate = ctx.clock.now() / 1000;
  return { IdentityProvider: describe(pool, provider) };
}

export function deleteIdentityProvider(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const { pool, provider } = find(input, ctx);
  delete identityProviders(pool)[provider.ProviderName];
  return {};
}

export function listIdentityProviders(input: Record<string, unknown>, ctx: ServiceContext): unknown {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  check.integer("MaxResults", { min: 0, max: 60 });
  check.string("NextToken", { min: 1, max: 131072 });
  check.done();
  const pool = requirePool(ctx.state, poolId);
  return {
    Providers: Object.values(identityProviders(pool)).map((p) => ({
      ProviderName: p.ProviderName,
      ProviderType: p.ProviderType,
      LastModifiedDate: p.LastModifiedDate,
      CreationDate: p.CreationDate,
    })),
  };
}

function find(input: Record<string, unknown>, ctx: ServiceContext): { pool: UserPool; provider: PoolIdentityProvider } {
  const check = new InputCheck(input);
  const poolId = check.string("UserPoolId", { required: true, ...shapes.userPoolId })!;
  const name = check.string("ProviderName", { required: true, min: 1, max: 32 })!;
  check.done();
  const pool = requirePool(ctx.state, poolId);
  const provider = own(identityProviders(pool), name);
  if (!provider) throw notFound(name);
  return { pool, provider };
}

function notFound(name: string): AwsError {
  return new AwsError("ResourceNotFoundException", `Identity provider ${name} does not exist.`);
}

function describe(pool: UserPool, provider: PoolIdentityProvider): Record<string, unknown> {
  return {
    UserPoolId: pool.Id,
    ProviderName: provider.ProviderName,
    ProviderType: provider.ProviderType,
    ProviderDetails: provider.ProviderDetails,
    AttributeMapping: provider.AttributeMapping,
    IdpIdentifiers: provider.IdpIdentifiers,
    LastModifiedDate: provider.LastModifiedDate,
    CreationDate: provider.CreationDate,
  };
}
