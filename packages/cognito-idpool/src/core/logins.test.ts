import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CognitoIdpoolError } from "../errors.js";
import { globalTimers } from "../platform/defaults.js";
import { resolveLogins } from "./logins.js";

const limits = { timers: globalTimers, timeoutMs: 10_000 };
const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

describe("resolveLogins", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }));
  afterEach(() => vi.useRealTimers());

  it("passes strings through and calls token functions, leaving no timer behind", async () => {
    expect(await resolveLogins({ "accounts.google.com": TOKEN, "login.example.com": async () => "t2" }, limits)).toEqual({
      "accounts.google.com": TOKEN,
      "login.example.com": "t2",
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects a token function that never settles after the deadline, with a retryable error naming the login", async () => {
    const outcome = resolveLogins({ "accounts.google.com": TOKEN, "login.example.com": () => new Promise<string>(() => undefined) }, limits).catch(
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(9_999);
    expect(await Promise.race([outcome, Promise.resolve("pending")])).toBe("pending");
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(CognitoIdpoolError);
    expect(error).toMatchObject({ code: "network-error", retryable: true });
    expect((error as Error).message).toBe('The token function for login "login.example.com" did not return within 10000 ms.');
  });

  it.each([
    ["throws", () => Promise.reject(new Error(`boom ${TOKEN}`)), "login-rejected", 'The token function for login "login.example.com" failed.'],
    [
      "throws synchronously",
      () => {
        throw new Error("sync");
      },
      "login-rejected",
      'The token function for login "login.example.com" failed.',
    ],
    [
      "returns a number",
      async () => 42 as unknown as string,
      "login-rejected",
      'The token function for login "login.example.com" did not return a token string.',
    ],
    ["returns an empty string", async () => "", "login-rejected", 'The token function for login "login.example.com" did not return a token string.'],
  ])("a token function that %s gives a typed error naming the login, not the token", async (_label, fn, code, message) => {
    const error = await resolveLogins({ "login.example.com": fn }, limits).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CognitoIdpoolError);
    expect(error).toMatchObject({ code, retryable: false, message });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("passes the library's own errors from a token function through (the user pool's session-expired, say)", async () => {
    const own = new CognitoIdpoolError("session-expired", "Sign in again.");
    expect(await resolveLogins({ "login.example.com": () => Promise.reject(own) }, limits).catch((e: unknown) => e)).toBe(own);
  });
});
