import { get, createStore } from "idb-keyval";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAuth, type Auth } from "cognito-idpool";
import { FakeTime } from "../../packages/cognito-idpool/test/fakes/fake-time.js";
import { clearRequests, createPool, emulatorUrl, identityRequests } from "./emulator.js";

/** The SDK core in real Chromium: IndexedDB persistence, Web Locks, and the storage fallback. */
const opened: Auth[] = [];
function page(identityPoolId: string, options: Partial<Parameters<typeof createAuth>[0]> = {}): Auth {
  const auth = createAuth({ identityPoolId, endpoint: emulatorUrl, crossTab: false, ...options });
  opened.push(auth);
  return auth;
}
afterEach(() => {
  for (const auth of opened.splice(0)) auth.dispose();
  vi.restoreAllMocks();
});

describe("IndexedDB persistence in Chromium", () => {
  it("keeps the guest identity across reloads: one request on the reloaded page", async () => {
    const poolId = await createPool();
    await clearRequests();
    const first = page(poolId);
    const { identityId } = await first.getCredentials();
    expect(first.getState().storage).toBe("indexeddb");
    expect((await identityRequests()).map((r) => r.operation)).toEqual(["GetId", "GetCredentialsForIdentity"]);

    // What is on disk: our own database and store, keyed by pool; the id only, no secrets.
    const stored = await get(`cognito-idpool:${poolId}:guest-identity`, createStore("cognito-idpool", "kv"));
    expect(stored).toEqual({ identityId });

    first.dispose();
    await clearRequests();
    const reloaded = page(poolId);
    expect((await reloaded.getCredentials()).identityId).toBe(identityId);
    expect((await identityRequests()).map((r) => `${r.operation}:${r.identityId}`)).toEqual([`GetCredentialsForIdentity:${identityId}`]);
  });

  it("sign-out removes the identity from IndexedDB", async () => {
    const poolId = await createPool();
    const auth = page(poolId);
    await auth.getCredentials();
    await auth.signOut();
    expect(await get(`cognito-idpool:${poolId}:guest-identity`, createStore("cognito-idpool", "kv"))).toBeUndefined();
  });

  it("falls back to memory, and says so, when IndexedDB throws", async () => {
    const poolId = await createPool();
    vi.spyOn(indexedDB, "open").mockImplementation(() => {
      throw new DOMException("The user denied permission to access the database.", "SecurityError");
    });
    const auth = page(poolId);
    const states: string[] = [];
    auth.subscribe((s) => states.push(`${s.storage}:${s.storageError?.code ?? ""}`));
    const creds = await auth.getCredentials();
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(auth.getState()).toMatchObject({ storage: "memory", storageError: { code: "storage-unavailable" } });
    expect(states).toContain("memory:storage-unavailable");
  });

  it("falls back to memory when opening IndexedDB never completes (blocked)", async () => {
    const poolId = await createPool();
    vi.spyOn(indexedDB, "open").mockImplementation(() => ({}) as IDBOpenDBRequest); // no events ever fire
    const time = new FakeTime(Date.now());
    const auth = page(poolId, { timers: time });
    const creds = auth.getCredentials();
    await vi.waitFor(() => expect(time.pending().length).toBeGreaterThan(0));
    await time.advance(5_000);
    expect((await creds).accessKeyId).toMatch(/^ASIA/);
    expect(auth.getState().storage).toBe("memory");
  });
});

describe("Web Locks in Chromium", () => {
  it("two instances racing on a fresh browser create one guest identity", async () => {
    expect(navigator.locks).toBeDefined();
    const poolId = await createPool();
    await clearRequests();
    const [a, b] = [page(poolId), page(poolId)];
    const [ca, cb] = await Promise.all([a.getCredentials(), b.getCredentials()]);
    expect(ca.identityId).toBe(cb.identityId);
    const log = await identityRequests();
    expect(log.filter((r) => r.operation === "GetId")).toHaveLength(1);
  });

  it("the lock really is the Web Lock: held while the identity is created", async () => {
    const poolId = await createPool();
    const seen: string[] = [];
    const auth = page(poolId, {
      fetch: async (input, init) => {
        const request = input instanceof Request ? input : new Request(input, init);
        if (request.headers.get("x-amz-target")?.endsWith(".GetId")) {
          const { held } = await navigator.locks.query();
          seen.push(...(held ?? []).map((l) => l.name ?? ""));
        }
        return fetch(request);
      },
    });
    await auth.getCredentials();
    expect(seen).toEqual([`cognito-idpool:${poolId}:identity`]);
  });
});
