import {
  DescribeIdentityCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  ListIdentitiesCommand,
} from "@aws-sdk/client-cognito-identity";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, generateKeyPair, jwtVerify, SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { failure } from "../../test/identity-errors.js";
import { createTestPool, publicIdentityClient, startIdentityKit, type IdentityKit, type TestPool } from "../testing/identity-fixtures.js";
import { ControlApiError, type SocialProviderName } from "../testing/control.js";

/** Identity-pool logins with tokens of the emulator's Google, Apple, Facebook, Amazon and Twitter stand-ins. */
let kit: IdentityKit;
let pool: TestPool;
const device = () => publicIdentityClient(kit.emulator.url);

const APP_IDS = {
  "accounts.google.com": "1234-web.apps.googleusercontent.com",
  "appleid.apple.com": "com.example.photos",
  "graph.facebook.com": "123456789012345",
  "www.amazon.com": "amzn1.application.0123456789abcdef",
  "api.twitter.com": "consumerKey123;consumerSecret456",
};
type LoginKey = keyof typeof APP_IDS;
const PROVIDERS = Object.keys(APP_IDS) as LoginKey[];
const DEV = "login.example.com";

beforeAll(async () => {
  kit = await startIdentityKit();
});
afterAll(async () => {
  await kit.stop();
});
beforeEach(async () => {
  await kit.emulator.control.reset();
  pool = await createTestPool(kit, { SupportedLoginProviders: APP_IDS, DeveloperProviderName: DEV });
});

const mint = (provider: LoginKey, request: { sub?: string; email?: string; name?: string; audience?: string; expiresInSeconds?: number } = {}) =>
  kit.emulator.control.mintSocialToken(provider, { audience: APP_IDS[provider], ...request });
const getId = (Logins: Record<string, string>) => device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins }));
const identityState = () => JSON.stringify(kit.emulator.core.state.cognitoIdentity.identities);

/** A refused GetId, checked to have changed no identity. */
async function refused(Logins: Record<string, string>) {
  const before = identityState();
  const error = await failure(getId(Logins));
  expect(identityState()).toBe(before);
  return error;
}

describe.each(PROVIDERS)("%s stand-in", (provider) => {
  it("trades a minted token for authenticated credentials; the same user gets the same identity, another user another", async () => {
    const { token, sub } = await mint(provider, { sub: "user-1" });
    expect(sub).toBe("user-1");
    const { IdentityId } = await getId({ [provider]: token });
    const response = await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [provider]: token } }));
    expect(response.IdentityId).toBe(IdentityId);
    expect(response.Credentials?.SecretKey).toBeTruthy();
    const issued = kit.emulator.core.state.credentials[response.Credentials!.AccessKeyId!]!;
    expect(issued.roleArn).toBe(pool.authRoleArn);
    expect(issued.context["cognito-identity.amazonaws.com:amr"]).toEqual(["authenticated", provider, `${provider}:user-1`]);

    // A later sign-in of the same user is a new token naming the same user id.
    const again = await mint(provider, { sub: "user-1" });
    expect(again.token).not.toBe(token);
    expect((await getId({ [provider]: again.token })).IdentityId).toBe(IdentityId);
    expect((await getId({ [provider]: (await mint(provider, { sub: "user-2" })).token })).IdentityId).not.toBe(IdentityId);
    expect((await kit.identity.send(new DescribeIdentityCommand({ IdentityId }))).Logins).toEqual([provider]);
  });

  it("gives a token minted without sub a new user of its own", async () => {
    const one = await mint(provider);
    const two = await mint(provider);
    expect(one.sub).not.toBe(two.sub);
    expect((await getId({ [provider]: one.token })).IdentityId).not.toBe((await getId({ [provider]: two.token })).IdentityId);
  });

  it("refuses a token issued to another app: Token is not from a supported provider", async () => {
    const { token } = await mint(provider, { audience: provider === "api.twitter.com" ? "otherKey;otherSecret" : "another-app" });
    expect(await refused({ [provider]: token })).toEqual({
      code: "NotAuthorizedException",
      message: "Token is not from a supported provider of this identity pool.",
      status: 400,
    });
  });

  it("refuses an expired token: Token expired: <now> >= <exp>", async () => {
    const { token, expiresAt } = await mint(provider, { expiresInSeconds: 60 });
    expect(expiresAt).toBeGreaterThan(0);
    await kit.emulator.control.setClock(60 + 301);
    const error = await refused({ [provider]: token });
    expect(error.code).toBe("NotAuthorizedException");
    expect(error.message).toMatch(new RegExp(`^Invalid login token\\. Token expired: \\d+ >= ${expiresAt}$`));
  });

  it("answers ExternalServiceException for a token it did not issue (only the real provider could check it)", async () => {
    const foreign = await foreignToken(provider);
    const error = await refused({ [provider]: foreign });
    expect(error.code).toBe("ExternalServiceException");
    expect(error.message).toContain("was not issued by the emulator");
  });
});

/** A token of the provider's shape that the stand-in never issued. */
async function foreignToken(provider: LoginKey): Promise<string> {
  if (provider === "graph.facebook.com") return "EAAforeignTokenNeverIssued";
  if (provider === "www.amazon.com") return "Atza|foreignTokenNeverIssued";
  if (provider === "api.twitter.com") return "12345-foreign;secret";
  const { privateKey } = await generateKeyPair("RS256");
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ email: "someone@example.com" })
    .setProtectedHeader({ alg: "RS256", kid: "a-real-provider-key" })
    .setIssuer(provider === "accounts.google.com" ? "https://accounts.google.com" : "https://appleid.apple.com")
    .setAudience(APP_IDS[provider])
    .setSubject("real-user")
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(privateKey);
}

describe("Google and Apple ID tokens", () => {
  it.each([
    ["google", "accounts.google.com", "https://accounts.google.com"],
    ["apple", "appleid.apple.com", "https://appleid.apple.com"],
  ] as const)("%s: signed RS256 with the key /_emulator/social/<name>/jwks.json publishes, with the provider's claims", async (name, key, issuer) => {
    const { token } = await mint(key, { sub: "000123", email: "ada@example.com", name: "Ada" });
    const discovery = await (await fetch(`${kit.emulator.url}/_emulator/social/${name}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({ issuer, jwks_uri: `${kit.emulator.url}/_emulator/social/${name}/jwks.json` });
    const jwks = await (await fetch(discovery.jwks_uri)).json();
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer, audience: APP_IDS[key] });
    expect(protectedHeader).toMatchObject({ alg: "RS256", kid: jwks.keys[0].kid });
    expect(payload).toMatchObject({ sub: "000123", email: "ada@example.com", email_verified: true });
    expect(payload.exp! - payload.iat!).toBe(3600);
    if (name === "google") expect(payload).toMatchObject({ azp: APP_IDS[key], name: "Ada" });
  });

  it("the two providers sign with different keys: a Google token under appleid.apple.com fails the issuer check", async () => {
    const google = await mint("accounts.google.com", { audience: APP_IDS["appleid.apple.com"] });
    expect((await refused({ "appleid.apple.com": google.token })).message).toBe("Invalid login token. Issuer doesn't match providerName");
    const apple = await mint("appleid.apple.com");
    expect(decodeProtectedHeader(apple.token).kid).not.toBe(decodeProtectedHeader(google.token).kid);
  });

  it("refuses a token changed after signing: Couldn't verify signed token", async () => {
    const { token } = await mint("accounts.google.com", { sub: "alice" });
    const [header, , signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: "mallory" })).toString("base64url");
    expect(await refused({ "accounts.google.com": `${header}.${forged}.${signature}` })).toEqual({
      code: "NotAuthorizedException",
      message: "Invalid login token. Couldn't verify signed token.",
      status: 400,
    });
  });

  it("allows five minutes of clock skew past exp, which the opaque tokens' own providers do not", async () => {
    const google = await mint("accounts.google.com", { expiresInSeconds: 60 });
    const facebook = await mint("graph.facebook.com", { expiresInSeconds: 60 });
    // A little short of the five minutes, so the second ticking over during the test does not matter.
    await kit.emulator.control.setClock(60 + 290);
    expect((await getId({ "accounts.google.com": google.token })).IdentityId).toBeTruthy();
    expect((await refused({ "graph.facebook.com": facebook.token })).message).toMatch(/^Invalid login token\. Token expired: /);
  });
});

describe("opaque access tokens", () => {
  it("Twitter: a known access token with the wrong secret is refused", async () => {
    const { token } = await mint("api.twitter.com", { sub: "42" });
    const [key] = token.split(";");
    expect((await refused({ "api.twitter.com": `${key};not-the-secret` })).message).toBe("Invalid login token. Couldn't verify signed token.");
    expect((await getId({ "api.twitter.com": token })).IdentityId).toBeTruthy();
  });

  it("Twitter tokens do not expire unless asked to, as OAuth 1.0a access tokens", async () => {
    const { token, expiresAt } = await mint("api.twitter.com");
    expect(expiresAt).toBeUndefined();
    await kit.emulator.control.setClock(365 * 86400);
    expect((await getId({ "api.twitter.com": token })).IdentityId).toBeTruthy();
  });

  it("a Facebook token is no Amazon token: ExternalServiceException under www.amazon.com", async () => {
    const { token } = await mint("graph.facebook.com", { audience: APP_IDS["www.amazon.com"] });
    expect((await refused({ "www.amazon.com": token })).code).toBe("ExternalServiceException");
  });

  it("Amazon names its user user_id in the claims role-mapping rules read", async () => {
    const { token } = await mint("www.amazon.com", { sub: "amzn1.account.AAA" });
    const { IdentityId } = await getId({ "www.amazon.com": token });
    const response = await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { "www.amazon.com": token } }));
    expect(kit.emulator.core.state.credentials[response.Credentials!.AccessKeyId!]!.context["cognito-identity.amazonaws.com:amr"]).toContain(
      "www.amazon.com:amzn1.account.AAA",
    );
  });
});

describe("linking and merging, as for any other login", () => {
  it("links a Google login to the guest the device holds; the guest keeps its id and later sign-ins find it", async () => {
    const { IdentityId: guest } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    const { token } = await mint("accounts.google.com", { sub: "ada" });
    const response = await device().send(new GetCredentialsForIdentityCommand({ IdentityId: guest, Logins: { "accounts.google.com": token } }));
    expect(response.IdentityId).toBe(guest);
    expect(kit.emulator.core.state.credentials[response.Credentials!.AccessKeyId!]!.roleArn).toBe(pool.authRoleArn);
    expect((await kit.identity.send(new DescribeIdentityCommand({ IdentityId: guest }))).Logins).toEqual(["accounts.google.com"]);
    expect((await getId({ "accounts.google.com": (await mint("accounts.google.com", { sub: "ada" })).token })).IdentityId).toBe(guest);
    // Now authenticated: the guest's id without a login is refused.
    expect((await failure(device().send(new GetCredentialsForIdentityCommand({ IdentityId: guest })))).message).toBe(
      `Access to Identity '${guest}' is forbidden.`,
    );
  });

  it("merges the Google and the Facebook identity of one person when both logins come together", async () => {
    const google = await mint("accounts.google.com", { sub: "ada" });
    const facebook = await mint("graph.facebook.com", { sub: "10001" });
    const { IdentityId: first } = await getId({ "accounts.google.com": google.token });
    const { IdentityId: second } = await getId({ "graph.facebook.com": facebook.token });
    expect(second).not.toBe(first);
    expect((await getId({ "accounts.google.com": google.token, "graph.facebook.com": facebook.token })).IdentityId).toBe(first);
    expect((await getId({ "graph.facebook.com": facebook.token })).IdentityId).toBe(first);
    const { Identities } = await kit.identity.send(new ListIdentitiesCommand({ IdentityPoolId: pool.poolId, MaxResults: 10, HideDisabled: true }));
    expect(Identities!.map((i) => [i.IdentityId, [...(i.Logins ?? [])].sort()])).toEqual([[first, ["accounts.google.com", "graph.facebook.com"]]]);
  });

  it("refuses a provider the pool does not list: Token is not from a supported provider", async () => {
    const other = await createTestPool(kit, { SupportedLoginProviders: { "graph.facebook.com": APP_IDS["graph.facebook.com"] } });
    const { token } = await mint("accounts.google.com");
    const error = await failure(device().send(new GetIdCommand({ IdentityPoolId: other.poolId, Logins: { "accounts.google.com": token } })));
    expect(error.message).toBe("Token is not from a supported provider of this identity pool.");
  });
});

describe("Cognito's own OpenID token", () => {
  it("GetId refuses it; GetCredentialsForIdentity takes it with the identity's id", async () => {
    const { IdentityId, Token } = await kit.identity.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, Logins: { [DEV]: "u1" } }),
    );
    expect(await refused({ "cognito-identity.amazonaws.com": Token! })).toEqual({
      code: "NotAuthorizedException",
      message: "Invalid login token. Can't pass in a Cognito token.",
      status: 400,
    });
    const response = await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { "cognito-identity.amazonaws.com": Token! } }));
    expect(response.IdentityId).toBe(IdentityId);
  });
});

describe("seeded users and the control route", () => {
  it("mints tokens carrying a seeded user's profile, and accepts a seeded fixed Facebook token", async () => {
    await kit.emulator.control.seed({
      socialUsers: [
        { provider: "accounts.google.com", sub: "1090000000001", email: "grace@example.com", name: "Grace" },
        { provider: "facebook", sub: "10002", token: "EAAdemoFixedToken", audience: APP_IDS["graph.facebook.com"] },
      ],
    });
    const { token } = await mint("accounts.google.com", { sub: "1090000000001" });
    expect(decodeJwt(token)).toMatchObject({ email: "grace@example.com", name: "Grace" });
    const { IdentityId } = await getId({ "graph.facebook.com": "EAAdemoFixedToken" });
    expect((await getId({ "graph.facebook.com": (await mint("graph.facebook.com", { sub: "10002" })).token })).IdentityId).toBe(IdentityId);
  });

  it("refuses a seed entry for an unknown provider, and a fixed token for an ID-token provider", async () => {
    const bad = async (entry: unknown) => {
      try {
        await kit.emulator.control.seed({ socialUsers: [entry] } as never);
      } catch (error) {
        return error as ControlApiError;
      }
      throw new Error("expected the seed to be refused");
    };
    expect((await bad({ provider: "www.digits.com", sub: "x" })).message).toContain("socialUsers[0].provider must be one of");
    expect((await bad({ provider: "google", sub: "x", token: "t", audience: "a" })).message).toContain("socialUsers[0].token is only for");
  });

  it("validates mint requests and names the stand-ins", async () => {
    const rejected = async (provider: string, body: unknown) => {
      try {
        await kit.emulator.control.mintSocialToken(provider as SocialProviderName, body as never);
      } catch (error) {
        expect(error).toBeInstanceOf(ControlApiError);
        return error as ControlApiError;
      }
      throw new Error("expected the mint to be refused");
    };
    expect((await rejected("google", {})).type).toBe("ValidationException");
    expect((await rejected("google", { audience: "a", expiresInSeconds: "soon" })).message).toContain("expiresInSeconds must be");
    expect((await rejected("myspace", { audience: "a" })).type).toBe("ResourceNotFoundException");
    const jwks = await fetch(`${kit.emulator.url}/_emulator/social/facebook/jwks.json`);
    expect(jwks.ok).toBe(false);
  });
});
