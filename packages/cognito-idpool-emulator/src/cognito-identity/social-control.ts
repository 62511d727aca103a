import type { EmulatorClock } from "../core/clock.js";
import { AwsError } from "../core/errors.js";
import type { SeedContext } from "../service.js";
import { socialProvider, SOCIAL_STAND_INS, type SocialProvider } from "./social-providers.js";
import { mintSocialToken, publishedKeys, socialState, type MintedToken } from "./social-tokens.js";
import type { CognitoIdentityState } from "./state.js";

/**
 * A user of a social provider stand-in, in a seed file. `provider` is the login key
 * (`accounts.google.com`) or the stand-in's name (`google`). Tokens minted for `sub` carry its
 * `email` and `name`. Facebook, Amazon and Twitter users may also get a fixed, non-expiring
 * `token` issued to `audience`, so a demo knows a working login in advance.
 */
export interface SocialUserSeed {
  provider: string;
  sub: string;
  email?: string;
  name?: string;
  /** With `token`: the app id it is issued to (Twitter: `consumerKey;consumerSecret`). */
  audience?: string;
  /** Facebook / Amazon: the access token; Twitter: `accessToken;accessTokenSecret`. Not for Google or Apple, whose ID tokens expire. */
  token?: string;
}

const ROUTE = /^\/_emulator\/social\/([^/]+)\/(token|jwks\.json|\.well-known\/openid-configuration)$/;

export interface SocialControlContext {
  slice: CognitoIdentityState;
  clock: EmulatorClock;
  baseUrl: string;
  method: string;
  path: string;
  /** Parses the JSON request body (called for POST only). */
  body(): Record<string, unknown>;
}

/**
 * The stand-ins' control routes under `/_emulator/social/<name>/`: `POST token` mints a token,
 * `GET jwks.json` and `GET .well-known/openid-configuration` publish Google's and Apple's keys.
 * Resolves to the JSON answer, or undefined when the path is not one of these routes.
 */
export async function socialControl(ctx: SocialControlContext): Promise<unknown> {
  const match = ROUTE.exec(ctx.path);
  if (!match) return undefined;
  const provider = socialProvider(decodeURIComponent(match[1]!));
  if (!provider)
    throw new AwsError("ResourceNotFoundException", `No social provider stand-in ${match[1]}; one of ${SOCIAL_STAND_INS.map((p) => p.name).join(", ")}.`);
  const [, , route] = match;
  if (route === "token" && ctx.method === "POST") return mint(ctx, provider, ctx.body());
  if (route !== "token" && ctx.method === "GET") {
    if (provider.kind !== "jwt") throw new AwsError("ResourceNotFoundException", `${provider.loginKey} issues opaque access tokens; it publishes no keys.`);
    if (route === "jwks.json") return publishedKeys(ctx.slice, provider);
    return {
      issuer: provider.issuer,
      jwks_uri: `${ctx.baseUrl.replace(/\/+$/, "")}/_emulator/social/${provider.name}/jwks.json`,
      response_types_supported: ["id_token"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      claims_supported: ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "sub"],
    };
  }
  return undefined;
}

function mint(ctx: SocialControlContext, provider: SocialProvider, input: Record<string, unknown>): Promise<MintedToken> {
  const { sub, email, name, audience, expiresInSeconds } = input;
  if (typeof audience !== "string" || audience === "")
    throw invalid("audience", "the app id the identity pool lists for the provider in SupportedLoginProviders");
  for (const [field, value] of Object.entries({ sub, email, name })) {
    if (value !== undefined && (typeof value !== "string" || value === "" || value.includes(";"))) throw invalid(field, "a non-empty string without ';'");
  }
  if (expiresInSeconds !== undefined && (typeof expiresInSeconds !== "number" || !Number.isInteger(expiresInSeconds)))
    throw invalid("expiresInSeconds", "an integer number of seconds (negative for an already expired token)");
  return mintSocialToken(ctx.slice, ctx.clock, provider, {
    audience,
    ...(sub === undefined ? {} : { sub: sub as string }),
    ...(email === undefined ? {} : { email: email as string }),
    ...(name === undefined ? {} : { name: name as string }),
    ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
  });
}

function invalid(field: string, expected: string): AwsError {
  return new AwsError("ValidationException", `${field} must be ${expected}.`);
}

/** Registers the seed's social users (and their fixed tokens). Applied again on every start with `--data`: entries are replaced, not duplicated. */
export function seedSocialUsers(seeds: SocialUserSeed[], ctx: SeedContext): void {
  if (!Array.isArray(seeds)) throw new TypeError("socialUsers must be a list");
  const social = socialState(ctx.state.cognitoIdentity);
  for (const [i, seed] of seeds.entries()) {
    const where = `socialUsers[${i}]`;
    if (typeof seed !== "object" || seed === null) throw new TypeError(`${where} must be an object`);
    const provider = typeof seed.provider === "string" ? socialProvider(seed.provider) : undefined;
    if (!provider) throw new TypeError(`${where}.provider must be one of ${SOCIAL_STAND_INS.map((p) => p.loginKey).join(", ")}`);
    if (typeof seed.sub !== "string" || seed.sub === "") throw new TypeError(`${where}.sub must be a non-empty string`);
    for (const field of ["email", "name", "audience", "token"] as const) {
      if (seed[field] !== undefined && (typeof seed[field] !== "string" || seed[field] === ""))
        throw new TypeError(`${where}.${field} must be a non-empty string`);
    }
    const users = (social.users[provider.loginKey] ??= {});
    users[seed.sub] = { ...(seed.email ? { email: seed.email } : {}), ...(seed.name ? { name: seed.name } : {}) };
    if (seed.token === undefined) continue;
    if (provider.kind === "jwt")
      throw new TypeError(`${where}.token is only for Facebook, Amazon and Twitter; mint ${provider.name} ID tokens instead (they expire)`);
    if (!seed.audience) throw new TypeError(`${where}.audience must name the app the token is issued to`);
    const [key, secret] = provider.kind === "pair" ? seed.token.split(";", 2) : [seed.token, undefined];
    if (provider.kind === "pair" && !secret) throw new TypeError(`${where}.token must be accessToken;accessTokenSecret`);
    social.accessTokens[key!] = { provider: provider.loginKey, subject: seed.sub, audience: seed.audience, ...(secret ? { secret } : {}) };
  }
}
