import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearRequests, count, identityRequests, newPool, oidcLogin, page, startCoreKit, type CoreKit, type CorePool } from "./core-kit.js";

/**
 * Round trips of the SDK core against the emulator, through the real
 * @aws-sdk/client-cognito-identity, counted with the emulator's request log. IndexedDB is
 * fake-indexeddb, so a "reload" is a new createAuth over the same database.
 */
let core: CoreKit;
let pool: CorePool;

beforeAll(async () => {
  core = await startCoreKit();
});
afterAll(async () => {
  await core.stop();
});
beforeEach(async () => {
  pool = await newPool(core);
  await clearRequests(core);
});

describe("round trips per flow", () => {
  it("cold guest = 2 (GetId, GetCredentialsForIdentity)", async () => {
    const auth = page(core, pool);
    const creds = await auth.getCredentials();
    const log = await identityRequests(core);
    expect(log.map((r) => r.operation)).toEqual(["GetId", "GetCredentialsForIdentity"]);
    expect(log.every((r) => r.status === 200 && r.identityId === creds.identityId)).toBe(true);
    expect(auth.getState().storage).toBe("indexeddb");
    auth.dispose();
  });

  it("reload = 1 (GetCredentialsForIdentity for the identity stored in IndexedDB)", async () => {
    const first = page(core, pool);
    const { identityId } = await first.getCredentials();
    first.dispose();
    await clearRequests(core);

    const reloaded = page(core, pool);
    expect((await reloaded.getCredentials()).identityId).toBe(identityId);
    expect((await identityRequests(core)).map((r) => `${r.operation}:${r.identityId}`)).toEqual([`GetCredentialsForIdentity:${identityId}`]);
    reloaded.dispose();
  });

  it("100 concurrent callers cold = 2, then 100 warm = 0", async () => {
    const auth = page(core, pool);
    const cold = await Promise.all(Array.from({ length: 100 }, () => auth.getCredentials()));
    expect(new Set(cold.map((c) => c.accessKeyId)).size).toBe(1);
    expect(await identityRequests(core)).toHaveLength(2);
    await clearRequests(core);
    await Promise.all(Array.from({ length: 100 }, () => auth.getCredentials()));
    await Promise.all(Array.from({ length: 100 }, () => auth.credentials()));
    expect(await identityRequests(core)).toHaveLength(0);
    auth.dispose();
  });

  it("login with a cached guest = 1 identity-pool request (the guest id plus the login, never GetId)", async () => {
    const auth = page(core, pool);
    const guest = await auth.getCredentials();
    await clearRequests(core);
    await auth.setLogins(oidcLogin(core, "alice"));
    const log = await identityRequests(core);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ operation: "GetCredentialsForIdentity", identityId: guest.identityId, status: 200 });
    auth.dispose();
  });

  it("two tabs cold = 1 GetId (identity creation serialized, storage re-read inside the lock)", async () => {
    const [a, b] = [page(core, pool), page(core, pool)];
    const [ca, cb] = await Promise.all([a.getCredentials(), b.getCredentials()]);
    expect(ca.identityId).toBe(cb.identityId);
    const log = await identityRequests(core);
    expect(count(log, "GetId")).toBe(1);
    expect(count(log, "GetCredentialsForIdentity")).toBe(2);
    a.dispose();
    b.dispose();
  });

  it("a signed-in reload = 1 (the stored authenticated identity is reused with the login)", async () => {
    const first = page(core, pool);
    await first.setLogins(oidcLogin(core, "bob"));
    const { identityId } = await first.getCredentials();
    first.dispose();
    await clearRequests(core);

    const reloaded = page(core, pool);
    await reloaded.setLogins(oidcLogin(core, "bob"));
    expect((await reloaded.getCredentials()).identityId).toBe(identityId);
    expect((await identityRequests(core)).map((r) => r.operation)).toEqual(["GetCredentialsForIdentity"]);
    reloaded.dispose();
  });
});
