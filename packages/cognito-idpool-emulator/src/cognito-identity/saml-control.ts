import type { EmulatorClock } from "../core/clock.js";
import { AwsError } from "../core/errors.js";
import type { SeedContext } from "../service.js";
import { importSamlIdp, samlIdp, samlIdpMetadata, signSamlResponse, type SamlResponseRequest, type SignedSamlResponse } from "./saml-idp.js";
import type { CognitoIdentityState } from "./state.js";

/**
 * A SAML IdP stand-in in a seed file. Without a key pair one is generated on first use and kept
 * in state (with `--data`, across restarts). `privateKey` is a PEM private key, `certificate` its
 * X.509 certificate as PEM or base64 DER.
 */
export interface SamlIdpSeed {
  name: string;
  /** Default `urn:cognito-idpool-emulator:saml:<name>`. */
  entityId?: string;
  privateKey?: string;
  certificate?: string;
}

const ROUTE = /^\/_emulator\/saml\/([^/]+)\/(response|metadata\.xml)$/;

export interface SamlControlContext {
  slice: CognitoIdentityState;
  clock: EmulatorClock;
  baseUrl: string;
  method: string;
  path: string;
  /** Parses the JSON request body (called for POST only). */
  body(): Record<string, unknown>;
}

/** A control answer: JSON, or the metadata document as XML. */
export type SamlControlAnswer = { json: SignedSamlResponse } | { xml: string };

/**
 * The stand-ins' control routes under `/_emulator/saml/<name>/`: `GET metadata.xml` is the IdP's
 * metadata (create the IAM SAML provider from it), `POST response` signs a SAML response for a
 * user. Undefined when the path is not one of these routes.
 */
export function samlControl(ctx: SamlControlContext): SamlControlAnswer | undefined {
  const match = ROUTE.exec(ctx.path);
  if (!match) return undefined;
  const name = decodeURIComponent(match[1]!);
  if (match[2] === "metadata.xml" && ctx.method === "GET") return { xml: samlIdpMetadata(samlIdp(ctx.slice, name), ctx.baseUrl, name) };
  if (match[2] === "response" && ctx.method === "POST")
    return { json: signSamlResponse(samlIdp(ctx.slice, name), name, ctx.clock, responseRequest(ctx.body())) };
  return undefined;
}

function responseRequest(input: Record<string, unknown>): SamlResponseRequest {
  const { nameId, roles, providerArn, attributes, expiresInSeconds, audience, recipient, sign } = input;
  const request: SamlResponseRequest = {};
  for (const [field, value] of Object.entries({ nameId, providerArn, audience, recipient })) {
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "") throw invalid(field, "a non-empty string");
    request[field as "nameId" | "providerArn" | "audience" | "recipient"] = value;
  }
  if (roles !== undefined) {
    if (!Array.isArray(roles) || !roles.every((r) => typeof r === "string" && r !== "")) throw invalid("roles", "a list of role ARNs or role,provider pairs");
    request.roles = roles as string[];
  }
  if (attributes !== undefined) {
    const ok =
      typeof attributes === "object" &&
      attributes !== null &&
      !Array.isArray(attributes) &&
      Object.values(attributes).every((v) => typeof v === "string" || (Array.isArray(v) && v.every((item) => typeof item === "string")));
    if (!ok) throw invalid("attributes", "an object of attribute name to a string or a list of strings");
    request.attributes = attributes as Record<string, string | string[]>;
  }
  if (expiresInSeconds !== undefined) {
    if (typeof expiresInSeconds !== "number" || !Number.isInteger(expiresInSeconds))
      throw invalid("expiresInSeconds", "an integer number of seconds (negative for an already expired response)");
    request.expiresInSeconds = expiresInSeconds;
  }
  if (sign !== undefined) {
    if (sign !== "assertion" && sign !== "response") throw invalid("sign", "assertion or response");
    request.sign = sign;
  }
  return request;
}

function invalid(field: string, expected: string): AwsError {
  return new AwsError("ValidationException", `${field} must be ${expected}.`);
}

/** Registers the seed's stand-ins (with their key pairs, when given). Applied again on every start with `--data`. */
export function seedSamlIdps(seeds: SamlIdpSeed[], ctx: SeedContext): void {
  if (!Array.isArray(seeds)) throw new TypeError("samlIdentityProviders must be a list");
  for (const [i, seed] of seeds.entries()) {
    if (typeof seed !== "object" || seed === null || typeof seed.name !== "string") throw new TypeError(`samlIdentityProviders[${i}].name must be a string`);
    for (const field of ["entityId", "privateKey", "certificate"] as const) {
      if (seed[field] !== undefined && (typeof seed[field] !== "string" || seed[field] === ""))
        throw new TypeError(`samlIdentityProviders[${i}].${field} must be a non-empty string`);
    }
    importSamlIdp(ctx.state.cognitoIdentity, seed.name, seed);
  }
}

/** The metadata of a seeded or generated stand-in, for a seed's IAM SAML provider that names it. */
export function standInMetadata(ctx: SeedContext, name: string): string {
  return samlIdpMetadata(samlIdp(ctx.state.cognitoIdentity, name), ctx.baseUrl, name);
}
