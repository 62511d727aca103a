/**
 * An offline page served from cache: the lazily loaded sign-in chunk cannot be fetched. The stored
 * user-pool tokens must still go at sign-out, or the next page load restores the session.
 */
import { expect, it, vi } from "vitest";
import { createFakeEnv, keyOf } from "../test/fakes/fake-env.js";
import { storageKeys } from "./storage/keys.js";

// What a browser reports when a dynamic import's chunk cannot be fetched.
vi.mock("./user-pool/session.js", () => {
  throw new TypeError("Failed to fetch dynamically imported module");
});

const userPool = { userPoolId: "eu-west-1_AbC123", clientId: "client1" };

it("signOut() deletes the stored user-pool tokens and identity records although the sign-in module cannot load", async () => {
  const env = createFakeEnv();
  const tokensKey = storageKeys(env.cognito.identityPoolId, userPool).userPoolTokens!;
  await env.store.set(tokensKey, { stored: true });
  await env.store.set(keyOf(env, "user-identity"), { identityId: "eu-west-1:stored", providers: ["p"] });
  const auth = env.auth({ userPool });
  await auth.ready();
  // Revocation needs the module, so it is reported; the sign-out itself is done all the same.
  await expect(auth.signOut()).rejects.toMatchObject({ name: "CognitoIdpoolError", code: "network-error" });
  expect(auth.getState().status).toBe("signedOut");
  expect(await env.store.get(tokensKey)).toBeUndefined();
  expect(await env.store.get(keyOf(env, "user-identity"))).toBeUndefined();
  auth.dispose();
});
