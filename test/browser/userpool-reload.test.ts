import { createStore, get } from "idb-keyval";
import { afterEach, describe, expect, it } from "vitest";
import { createAuth, type Auth } from "cognito-idpool";
import { storageKeys } from "../../packages/cognito-idpool/src/storage/keys.js";
import { clearRequests, control, createUserPoolAndIdentityPool, emulatorUrl } from "./emulator.js";

/**
 * User-pool sign-in in real Chromium: SRP on the browser's WebCrypto and BigInt, tokens in
 * IndexedDB so a reload stays signed in without the password, sign-out clearing them, and the
 * sign-in code fetched only when first used.
 */
const opened: Auth[] = [];
afterEach(() => {
  for (const auth of opened.splice(0)) auth.dispose();
});

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

const tokensKey = (pools: { identityPoolId: string; userPoolId: string; clientId: string }) =>
  storageKeys(pools.identityPoolId, { userPoolId: pools.userPoolId, clientId: pools.clientId }).userPoolTokens!;
const idb = () => createStore("cognito-idpool", "kv");

const requestLog = () => control.requests();

describe("user-pool sign-in in Chromium", () => {
  // First in this file: the file runs in its own frame, and later tests load the module.
  it("a guest-only page does not fetch the sign-in code; the first signIn does", async () => {
    const signInCode = () =>
      performance
        .getEntriesByType("resource")
        .filter((entry) => entry.name.includes("/src/user-pool/session"))
        .map((entry) => entry.name);
    const loaded = () => signInCode().length > 0;
    const pools = await createUserPoolAndIdentityPool();
    const auth = page(pools);
    await auth.getCredentials();
    expect(signInCode()).toEqual([]);
    await auth.signIn({ username: "alice", password: "Correct-Horse-1" });
    expect(loaded()).toBe(true);
  });

  it("SRP sign-in, then a reload stays signed in from IndexedDB without the password", async () => {
    const pools = await createUserPoolAndIdentityPool();
    const first = page(pools);
    expect(await first.signIn({ username: "alice", password: "Correct-Horse-1" })).toEqual({ status: "signedIn" });
    const { identityId } = await first.getCredentials();
    expect(first.getState().status).toBe("authenticated");
    const stored = (await get(tokensKey(pools), idb())) as { idToken?: string; refreshToken?: string } | undefined;
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
    const pools = await createUserPoolAndIdentityPool();
    const auth = page(pools);
    await auth.signIn({ username: "alice", password: "Correct-Horse-1" });
    await auth.signOut();
    expect(await get(tokensKey(pools), idb())).toBeUndefined();
    const reloaded = page(pools);
    expect(await reloaded.getUser()).toBeUndefined();
    await reloaded.getCredentials();
    expect(reloaded.getState().status).toBe("guest");
  });
});
