import { describe, expect, it } from "vitest";
import { isCognitoIdpoolError } from "../errors.js";
import type { Logger } from "../platform/types.js";
import { storageKeys } from "../storage/keys.js";
import { createMemoryStore } from "../storage/memory-store.js";
import { createIdentityRecords } from "./identity-records.js";

const POOL = "eu-west-1:11111111-2222-3333-4444-555555555555";
const ID = "eu-west-1:00000000-0000-4000-8000-000000000001";
const silent: Logger = { debug() {}, warn() {} };

function setUp() {
  const store = createMemoryStore();
  const keys = storageKeys(POOL);
  return { store, keys, records: createIdentityRecords(store, keys, silent) };
}

describe("identity records", () => {
  it("store the guest and the user identity under the keys they are given", async () => {
    const { store, keys, records } = setUp();
    await records.writeGuest(ID);
    await records.writeUser({ identityId: ID, providers: ["accounts.google.com"] });
    expect(await store.get(keys.guest)).toEqual({ identityId: ID });
    expect(await store.get(keys.user)).toEqual({ identityId: ID, providers: ["accounts.google.com"] });
    expect(await records.readGuest()).toBe(ID);
    await records.deleteGuest();
    await records.deleteUser();
    expect(await store.get(keys.guest)).toBeUndefined();
    expect(await store.get(keys.user)).toBeUndefined();
  });

  it.each([
    ["upper-case hex", "eu-west-1:ABCDEF00-0000-4000-8000-000000000001"],
    ["no region", "00000000-0000-4000-8000-000000000001"],
    ["too long", `eu-west-1:${"0".repeat(50)}`],
    ["empty", ""],
  ])("refuse to write an identity id that a later read would ignore (%s), with a service error that does not quote it", async (_label, id) => {
    const { store, keys, records } = setUp();
    for (const write of [() => records.writeGuest(id), () => records.writeUser({ identityId: id, providers: ["accounts.google.com"] })]) {
      const error: unknown = await write().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isCognitoIdpoolError(error, "service-error")).toBe(true);
      expect((error as Error).message).toMatch(/no valid IdentityId/);
      if (id) expect((error as Error).message).not.toContain(id);
    }
    expect(await store.get(keys.guest)).toBeUndefined();
    expect(await store.get(keys.user)).toBeUndefined();
  });

  it("a refused write leaves the identity stored before it in place", async () => {
    const { records } = setUp();
    await records.writeGuest(ID);
    await expect(records.writeGuest("eu-west-1:NOT-HEX")).rejects.toMatchObject({ code: "service-error" });
    expect(await records.readGuest()).toBe(ID);
  });
});
