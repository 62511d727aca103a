import { afterEach, describe, expect, it, vi } from "vitest";
import { createFakeEnv } from "../test/fakes/fake-env.js";

const SECOND = 1_000;
const HOUR = 3_600_000;
const MARGIN = 300_000;

/** The delays of retry timers, without the 15 s deadlines of the requests themselves. */
const retries = (env: { time: { requestedDelays: number[] } }) => env.time.requestedDelays.filter((d) => d !== 15_000);

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("proactive refresh", () => {
  it("arms one timer for expiration − margin and renews there without any caller", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const first = await auth.getCredentials();
    expect(env.time.pending().map((t) => t.dueIn)).toEqual([HOUR - MARGIN]);

    await env.time.advance(HOUR - MARGIN);
    await vi.waitFor(() => expect(env.time.pending().map((t) => t.dueIn)).toEqual([HOUR - MARGIN]));
    expect(env.cognito.count("GetCredentialsForIdentity")).toBe(2);
    const before = env.cognito.requests.length;
    const renewed = await auth.getCredentials();
    expect(env.cognito.requests.length).toBe(before); // the caller did not wait on the network
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(env.time.pending().map((t) => t.dueIn)).toEqual([HOUR - MARGIN]);
    auth.dispose();
  });

  it("keeps renewing across many lifetimes with nobody asking", async () => {
    const env = createFakeEnv();
    env.cognito.lifetimeSeconds = 60;
    const auth = env.auth();
    await auth.getCredentials();
    for (let i = 2; i <= 6; i++) {
      await env.time.advance(30 * SECOND);
      await vi.waitFor(() => {
        expect(env.cognito.count("GetCredentialsForIdentity")).toBe(i);
        // …and the renewal has landed (the next one is armed), not only left: else the next advance fires nothing.
        expect(env.time.pending().map((t) => t.dueIn)).toEqual([30 * SECOND]);
      });
    }
    expect(env.cognito.count("GetId")).toBe(1);
    auth.dispose();
  });

  it("computes the due time on server time: a device clock an hour off changes nothing", async () => {
    for (const offset of [HOUR, -HOUR]) {
      const env = createFakeEnv();
      env.cognito.serverOffsetMs = offset;
      const auth = env.auth();
      await auth.getCredentials();
      expect(env.time.pending().map((t) => t.dueIn)).toEqual([HOUR - MARGIN]);
      auth.dispose();
    }
  });

  it("backs off with jitter on network errors, never dropping the identity, and serves still-valid credentials meanwhile", async () => {
    const env = createFakeEnv();
    const auth = env.auth({ random: () => 0.5 });
    const first = await auth.getCredentials();
    env.cognito.failNext("GetCredentialsForIdentity", "network", 3);
    env.time.requestedDelays.length = 0;

    await env.time.advance(HOUR - MARGIN);
    await vi.waitFor(() => expect(retries(env)).toEqual([750]));
    // A caller during the outage gets the old, still-valid credentials instead of an error, and does not retry on its own.
    const attempts = env.cognito.requests.length;
    const during = await Promise.all(Array.from({ length: 10 }, () => auth.getCredentials()));
    expect(during.every((c) => c.accessKeyId === first.accessKeyId)).toBe(true);
    expect(env.cognito.requests.length).toBe(attempts);
    expect(auth.getState().refreshError?.code).toBe("network-error");

    await env.time.advance(750);
    await vi.waitFor(() => expect(retries(env)).toEqual([750, 1500]));
    await env.time.advance(1500);
    await vi.waitFor(() => expect(retries(env).slice(0, 3)).toEqual([750, 1500, 3000]));
    await env.time.advance(3000);
    await vi.waitFor(() => expect(auth.getState().refreshError).toBeUndefined());

    const after = await auth.getCredentials();
    expect(after.identityId).toBe(first.identityId);
    expect(after.accessKeyId).not.toBe(first.accessKeyId);
    expect(env.cognito.count("GetId")).toBe(1);
    expect(env.cognito.requests.filter((r) => r.operation === "GetCredentialsForIdentity").every((r) => r.identityId === first.identityId)).toBe(true);
    expect(env.time.pending().map((t) => t.dueIn)).toEqual([HOUR - MARGIN]);
    auth.dispose();
  });

  it("treats TooManyRequestsException as throttling: backoff, identity kept", async () => {
    const env = createFakeEnv();
    const auth = env.auth({ random: () => 0 });
    const first = await auth.getCredentials();
    env.cognito.failNext("GetCredentialsForIdentity", { type: "TooManyRequestsException", message: "Rate exceeded" }, 2);
    env.time.requestedDelays.length = 0;
    await env.time.advance(HOUR - MARGIN);
    await vi.waitFor(() => expect(retries(env)).toEqual([500]));
    expect(auth.getState().refreshError?.code).toBe("throttled");
    await env.time.advance(500);
    await vi.waitFor(() => expect(retries(env)).toEqual([500, 1_000]));
    await env.time.advance(1_000);
    await vi.waitFor(() => expect(auth.getState().refreshError).toBeUndefined());
    expect((await auth.getCredentials()).identityId).toBe(first.identityId);
    expect(env.cognito.count("GetId")).toBe(1);
    auth.dispose();
  });

  it("fails a cold caller with a retryable network error, then delivers in the background", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    env.cognito.failNext("GetId", "network");
    await expect(auth.getCredentials()).rejects.toMatchObject({ code: "network-error", retryable: true });
    expect(env.time.pending()).toHaveLength(1);
    await env.time.advance(env.time.pending()[0]!.dueIn);
    await vi.waitFor(() => expect(auth.getState().status).toBe("guest"));
    expect(env.cognito.count("GetId")).toBe(2);
    auth.dispose();
  });

  it("re-checks on visibilitychange, pageshow and online, where timers of sleeping tabs did not fire", async () => {
    const document = new EventTarget() as EventTarget & { visibilityState: string };
    document.visibilityState = "visible";
    const page = new EventTarget();
    vi.stubGlobal("document", document);
    vi.stubGlobal("addEventListener", page.addEventListener.bind(page));
    vi.stubGlobal("removeEventListener", page.removeEventListener.bind(page));

    const env = createFakeEnv();
    const auth = env.auth();
    await auth.getCredentials();

    // The laptop slept: the clock moved past the due time but the timer has not run.
    env.time.jump(HOUR - MARGIN + SECOND);
    document.dispatchEvent(new Event("visibilitychange"));
    await vi.waitFor(() => expect(env.cognito.count("GetCredentialsForIdentity")).toBe(2));

    env.time.jump(HOUR - MARGIN + SECOND);
    page.dispatchEvent(new Event("pageshow"));
    await vi.waitFor(() => expect(env.cognito.count("GetCredentialsForIdentity")).toBe(3));

    // Offline during the renewal: "online" ends the backoff at once.
    env.cognito.failNext("GetCredentialsForIdentity", "network");
    env.time.jump(HOUR - MARGIN + SECOND);
    page.dispatchEvent(new Event("pageshow"));
    await vi.waitFor(() => expect(auth.getState().refreshError?.code).toBe("network-error"));
    page.dispatchEvent(new Event("online"));
    await vi.waitFor(() => expect(env.cognito.count("GetCredentialsForIdentity")).toBe(5));
    expect(auth.getState().refreshError).toBeUndefined();

    // Not due: a wake-up makes no request.
    page.dispatchEvent(new Event("pageshow"));
    document.dispatchEvent(new Event("visibilitychange"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(env.cognito.count("GetCredentialsForIdentity")).toBe(5);

    auth.dispose();
    env.time.jump(2 * HOUR);
    document.dispatchEvent(new Event("visibilitychange"));
    await new Promise((resolve) => setImmediate(resolve));
    expect(env.cognito.count("GetCredentialsForIdentity")).toBe(5);
  });
});

describe("clock skew", () => {
  it.each([
    ["ahead of", HOUR],
    ["behind", -HOUR],
  ])("server an hour %s the device: expiration in device terms, no refresh loop", async (_label, offset) => {
    const env = createFakeEnv();
    env.cognito.serverOffsetMs = offset;
    const auth = env.auth();
    const creds = await auth.getCredentials();
    expect(Math.abs(creds.expiration.getTime() - (env.time.now() + HOUR))).toBeLessThanOrEqual(SECOND);
    expect(Math.abs(auth.clockOffsetMs() - offset)).toBeLessThanOrEqual(SECOND);

    for (let i = 0; i < 5; i++) await auth.getCredentials();
    expect(env.cognito.requests).toHaveLength(2);

    // AWS SDK clients are told the credentials have expired, so their cache asks again on every request.
    const forSdk = await auth.credentials();
    expect(forSdk.expiration.getTime()).toBe(0);
    auth.dispose();
  });
});
