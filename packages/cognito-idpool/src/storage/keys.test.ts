import { describe, expect, it } from "vitest";
import { storageKeys } from "./keys.js";

const POOL = "eu-west-1:11111111-2222-3333-4444-555555555555";
const APP = { userPoolId: "eu-west-1_AbCdEf123", clientId: "1example23456789" };

describe("storage keys", () => {
  it("keeps the names of earlier versions for identities, lock and channel, so stored identities survive an upgrade", () => {
    expect(storageKeys(POOL, APP)).toMatchObject({
      guest: `cognito-idpool:${POOL}:guest-identity`,
      user: `cognito-idpool:${POOL}:user-identity`,
      lockName: `cognito-idpool:${POOL}:identity`,
      channelName: `cognito-idpool:${POOL}`,
    });
  });

  it("has no user-pool token key without a user pool", () => {
    expect(storageKeys(POOL).userPoolTokens).toBeUndefined();
  });

  it("keeps the user-pool tokens of each identity pool, user pool and app client apart", () => {
    const keys = [
      storageKeys(POOL, APP),
      storageKeys(POOL, { ...APP, clientId: "2example23456789" }),
      storageKeys(POOL, { ...APP, userPoolId: "eu-west-1_Other1234" }),
      storageKeys("eu-west-1:99999999-2222-3333-4444-555555555555", APP),
    ].map((k) => k.userPoolTokens);
    expect(keys.every((k) => typeof k === "string")).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    // Apart from every other key too: a token key must never be read as an identity record.
    const other = storageKeys(POOL, APP);
    expect([other.guest, other.user, other.probe("x")]).not.toContain(other.userPoolTokens);
  });

  it("gives each probe token its own key", () => {
    const { probe } = storageKeys(POOL);
    expect(probe("0.1")).not.toBe(probe("0.2"));
    expect(probe("0.1")).toMatch(/^cognito-idpool:probe:/);
  });
});
