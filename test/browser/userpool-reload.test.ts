import { createStore, get } from "idb-keyval";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createAuth, type Auth } from "cognito-idpool";
import { clearRequests, emulatorUrl } from "./emulator.js";

/**
 * User-pool sign-in in real Chromium: SRP on the browser's WebCrypto and BigInt, tokens in
 * IndexedDB so a reload stays signed in without the password, sign-out clearing them, and the
 * sign-in code fetched only when first used.
 */
const opened: Auth[] = [];
afterEach(() => {
  for (const auth of opened.splice(0)) auth.dispose();
});

let seeds = 0;

/** A user pool with one app client and a confirmed user, and an identity pool trusting it. */
async function seedPools(): Promise<{ identityPoolId: string; userPoolId: string; clientId: string }> {
  const userPoolId = `eu-west-1_Browser${Date.now().toString(36)}${++seeds}`;
  const seeded = (await control("seed", {
    userPools: [
      {
        Id: userPoolId,
        PoolName: `browser-${seeds}`,
        Clients: [{ ClientName: "web", ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }],
        Users: [{ Username: "alice", Password: "Correct-Horse-1", Attributes: { email: "alice@example.com" } }],
      },
    ],
  })) as { userPools: { id: string; clients: { id: string }[] }[] };
  const clientId = seeded.userPools[0]!.clients[0]!.id;
  const identity = (await control("seed", {
    identityPools: [
      {
        IdentityPoolName: `browser-userpool-${seeds}`,
        Region: "eu-west-1",
        AllowUnauthenticatedIdentities: true,
        CognitoIdentityProviders: [{ ProviderName: `cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`, ClientId: clientId }],
        Roles: inject("roles"),
      },
    ],
  })) as { identityPools: { id: string }[] };
  return { identityPoolId: identity.identityPools[0]!.id, userPoolId, clientId };
}

function page(pools: { identityPoolId: string; userPoolId: string; clientId: string }): Auth {
  const auth = createAuth({
    identityPoolId: pools.identityPoolId,
    endpoint: emulatorUrl,
    crossTab: false,
    userPool: { userPoolId: pools.userPoolId, clientId: pools.clientId },
  });
  opened.push(auth);
  return auth;
}

const tokensKey = (identityPoolId: string) => `cognito-idpool:${identityPoolId}:userpool-tokens`;
const idb = () => createStore("cognito-idpool", "kv");

async function requestLog(): Promise<{ service: string; operation: string }[]> {
  return ((await control("requests")) as { requests: { service: string; operation: string }[] }).requests;
}

describe("user-pool sign-in in Chromium", () => {
  // First in this file: the file runs in its own frame, and later tests load the module.
  it("a guest-only page does not fetch the sign-in code; the first signIn does", async () => {
    const loaded = () => performance.getEntriesByType("resource").some((entry) => entry.name.includes("/src/user-pool/session"));
    const pools = await seedPools();
    const auth = page(pools);
    await auth.getCredentials();
    expect(loaded()).toBe(false);
    await auth.signIn({ username: "alice", password: "Correct-Horse-1" });
    expect(loaded()).toBe(true);
  });

  it("SRP sign-in, then a reload stays signed in from IndexedDB without the password", async () => {
    const pools = await seedPools();
    const first = page(pools);
    expect(await first.signIn({ username: "alice", password: "Correct-Horse-1" })).toEqual({ status: "signedIn" });
    const { identityId } = await first.getCredentials();
    expect(first.getState().status).toBe("authenticated");
    const stored = (await get(tokensKey(pools.identityPoolId), idb())) as { idToken?: string; refreshToken?: string } | undefined;
    expect(typeof stored?.refreshToken).toBe("string");
    first.dispose();

    await clearRequests();
    const reloaded = page(pools);
    const credentials = await reloaded.getCredentials();
    expect(credentials.identityId).toBe(identityId);
    expect(reloaded.getState().status).toBe("authenticated");
    expect(await reloaded.getUser()).toMatchObject({ username: "alice", claims: { email: "alice@example.com" } });
    // The stored ID token was still fresh: no user-pool request, one identity-pool request.
    expect((await requestLog()).map((r) => r.operation)).toEqual(["GetCredentialsForIdentity"]);
  });

  it("signOut removes the tokens from IndexedDB, and a reload is not signed in", async () => {
    const pools = await seedPools();
    const auth = page(pools);
    await auth.signIn({ username: "alice", password: "Correct-Horse-1" });
    await auth.signOut();
    expect(await get(tokensKey(pools.identityPoolId), idb())).toBeUndefined();
    const reloaded = page(pools);
    expect(await reloaded.getUser()).toBeUndefined();
    await reloaded.getCredentials();
    expect(reloaded.getState().status).toBe("guest");
  });
});

async function control(path: string, body?: unknown, method = body === undefined ? "GET" : "POST"): Promise<unknown> {
  const response = await fetch(`${emulatorUrl}/_emulator/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
