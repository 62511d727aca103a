/**
 * The redirect and popup sign-in's own rules, with a scripted window and token endpoint: what the
 * authorize URL carries (PKCE S256 of the stored verifier), an attempt older than 10 minutes, a
 * popup the browser blocks, and an answer this tab never asked for. The flows against the
 * emulator's login pages run in Chromium (e2e/redirect.spec.ts).
 */
import { describe, expect, it } from "vitest";
import { CognitoIdpoolError } from "../errors.js";
import type { ChunkKit } from "./client.js";
import { createOAuth, type OAuthKit, type OAuthTokens, type OAuthWindow } from "./oauth.js";

const REDIRECT = "https://app.example.com/callback";

function setup(now = { ms: 1_800_000_000_000 }) {
  const storage = new Map<string, string>();
  const assigned: string[] = [];
  const replaced: string[] = [];
  const signedIn: { tokens: OAuthTokens; nonce: string }[] = [];
  const exchanges: URLSearchParams[] = [];
  const w: OAuthWindow & { href: string; popup: ReturnType<OAuthWindow["open"]> } = {
    href: "https://app.example.com/callback",
    popup: null,
    name: "",
    location: {
      get href() {
        return w.href;
      },
      assign: (url) => void assigned.push(url),
    },
    history: { state: null, replaceState: (_data, _unused, url) => void replaced.push(String(url)) },
    sessionStorage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
      removeItem: (key) => void storage.delete(key),
    },
    crypto: globalThis.crypto,
    open: () => w.popup,
  };
  const kit: OAuthKit = {
    Error: CognitoIdpoolError,
    send: (() => Promise.reject(new Error("no user-pool API here"))) as ChunkKit["send"],
    malformedAnswer: (what) => new CognitoIdpoolError("service-error", `malformed: ${what}`),
    options: { domain: "login.example.com", redirectUri: REDIRECT, clientId: "client1" },
    base: "https://login.example.com",
    attemptKey: (state) => `attempt:${state}`,
    fetch: async (_url, init) => {
      exchanges.push(new URLSearchParams(String(init?.body)));
      return new Response(JSON.stringify({ id_token: "id", access_token: "access", refresh_token: "refresh" }), { status: 200 });
    },
    window: w,
    timers: { setTimeout: (callback) => setTimeout(callback, 0), clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) },
    now: () => now.ms,
    observeServerDate: () => undefined,
    signedIn: async (tokens, nonce) => void signedIn.push({ tokens, nonce }),
  };
  return { oauth: createOAuth(kit), w, storage, assigned, replaced, signedIn, exchanges, now };
}

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as CognitoIdpoolError,
  );

describe("redirect sign-in", () => {
  it("sends PKCE S256 of a 32-byte verifier kept with the attempt, a state naming it and a nonce; the code is exchanged with that verifier", async () => {
    const { oauth, w, storage, assigned, signedIn, exchanges, replaced } = setup();
    await oauth.signInWithRedirect({ provider: "Google", state: "/back" });
    const url = new URL(assigned[0]!);
    expect(url.origin + url.pathname).toBe("https://login.example.com/oauth2/authorize");
    const q = url.searchParams;
    expect(
      Object.fromEntries(["response_type", "client_id", "redirect_uri", "scope", "identity_provider", "code_challenge_method"].map((k) => [k, q.get(k)])),
    ).toEqual({
      response_type: "code",
      client_id: "client1",
      redirect_uri: REDIRECT,
      scope: "openid email profile",
      identity_provider: "Google",
      code_challenge_method: "S256",
    });
    const attempt = JSON.parse(storage.get(`attempt:${q.get("state")}`)!) as { verifier: string; nonce: string; appState: string };
    expect(Buffer.from(attempt.verifier, "base64url")).toHaveLength(32);
    const digest = Buffer.from(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(attempt.verifier))).toString("base64url");
    expect(q.get("code_challenge")).toBe(digest);
    expect(q.get("nonce")).toBe(attempt.nonce);
    expect(attempt.appState).toBe("/back");

    w.href = `${REDIRECT}?code=abc&state=${q.get("state")}`;
    expect(await oauth.handleRedirect()).toEqual({ status: "signedIn", state: "/back" });
    expect(exchanges[0]!.get("code_verifier")).toBe(attempt.verifier);
    expect(exchanges[0]!.get("code")).toBe("abc");
    expect(signedIn).toEqual([{ tokens: { IdToken: "id", AccessToken: "access", RefreshToken: "refresh" }, nonce: attempt.nonce }]);
    expect(replaced).toEqual([REDIRECT]);
    // Used once: the same answer again is not this tab's any more.
    expect((await errorOf(oauth.handleRedirect()))?.code).toBe("state-mismatch");
    expect(exchanges).toHaveLength(1);
  });

  it("an attempt older than 10 minutes is redirect-expired, exchanges nothing, and leaves the address clean", async () => {
    const { oauth, w, assigned, exchanges, replaced, now } = setup();
    await oauth.signInWithRedirect();
    const state = new URL(assigned[0]!).searchParams.get("state");
    now.ms += 10 * 60_000 + 1;
    w.href = `${REDIRECT}?code=abc&state=${state}`;
    expect((await errorOf(oauth.handleRedirect()))?.code).toBe("redirect-expired");
    expect(exchanges).toEqual([]);
    expect(replaced).toEqual([REDIRECT]);
  });

  it("a page load without an answer is none; an error answer is oauth-error with the provider's error as the cause", async () => {
    const { oauth, w, assigned } = setup();
    expect(await oauth.handleRedirect()).toEqual({ status: "none" });
    await oauth.signInWithRedirect();
    const state = new URL(assigned[0]!).searchParams.get("state");
    w.href = `${REDIRECT}?error=access_denied&error_description=cancelled&state=${state}`;
    const error = await errorOf(oauth.handleRedirect());
    expect(error?.code).toBe("oauth-error");
    expect(error?.cause).toEqual({ error: "access_denied", error_description: "cancelled" });
  });

  it("checks its input before leaving the page", async () => {
    const { oauth, assigned } = setup();
    expect((await errorOf(oauth.signInWithRedirect({ provider: "" })))?.code).toBe("invalid-argument");
    expect((await errorOf(oauth.signInWithRedirect({ provider: "Google", idpIdentifier: "corp.example" })))?.code).toBe("invalid-argument");
    expect(assigned).toEqual([]);
  });
});

describe("popup sign-in", () => {
  it("a blocked popup is popup-blocked and leaves no attempt behind", async () => {
    const { oauth, storage } = setup();
    expect((await errorOf(oauth.signInWithPopup()))?.code).toBe("popup-blocked");
    expect(storage.size).toBe(0);
  });
});
