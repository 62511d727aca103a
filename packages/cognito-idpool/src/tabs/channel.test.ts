import { describe, expect, it, vi } from "vitest";
import { createFakeEnv } from "../../test/fakes/fake-env.js";

/** Node has BroadcastChannel; instances in one process talk to each other like tabs of one origin. */
describe("cross-tab messages", () => {
  it("signing out in one tab signs out the others", async () => {
    const env = createFakeEnv();
    const [a, b] = [env.auth({ crossTab: true }), env.auth({ crossTab: true })];
    await a.setLogins({ "accounts.google.com": "token:alice" });
    await b.setLogins({ "accounts.google.com": "token:alice" });
    const reasons: string[] = [];
    b.onIdentityChange((c) => reasons.push(c.reason));
    await a.signOut();
    await vi.waitFor(() => expect(b.getState().status).toBe("signedOut"));
    expect(reasons).toEqual(["signedOut"]);
    a.dispose();
    b.dispose();
  });

  it("says why: an expired session elsewhere is sessionExpired here too; a message without a cause (an older tab) is a sign-out", async () => {
    const env = createFakeEnv();
    const b = env.auth({ crossTab: true });
    const causes: string[] = [];
    b.onIdentityChange((c) => c.reason === "signedOut" && causes.push(c.cause));
    const other = new BroadcastChannel(`cognito-idpool:${env.cognito.identityPoolId}`);
    await b.setLogins({ "accounts.google.com": "token:alice" });
    other.postMessage({ type: "signedOut", cause: "sessionExpired" });
    await vi.waitFor(() => expect(causes).toEqual(["sessionExpired"]));
    await b.setLogins({ "accounts.google.com": "token:alice" });
    other.postMessage({ type: "signedOut" });
    await vi.waitFor(() => expect(causes).toEqual(["sessionExpired", "signOut"]));
    other.close();
    b.dispose();
  });

  it("a tab whose guest was merged in another tab drops it instead of using a disabled identity", async () => {
    const env = createFakeEnv();
    const elsewhere = env.auth({ storage: "memory" });
    await elsewhere.setLogins({ "accounts.google.com": "token:alice" });
    elsewhere.dispose();

    const [a, b] = [env.auth({ crossTab: true }), env.auth({ crossTab: true })];
    const guest = await a.getCredentials();
    expect((await b.getCredentials()).identityId).toBe(guest.identityId);
    await a.setLogins({ "accounts.google.com": "token:alice" });
    await vi.waitFor(() => expect(b.getState().identityId).toBeUndefined());

    env.cognito.requests.length = 0;
    const next = await b.getCredentials();
    expect(next.identityId).not.toBe(guest.identityId);
    // b never sent the disabled guest id again
    expect(env.cognito.requests.some((r) => r.identityId === guest.identityId)).toBe(false);
    a.dispose();
    b.dispose();
  });

  it("crossTab: false opens no channel", async () => {
    const opened = vi.fn();
    vi.stubGlobal(
      "BroadcastChannel",
      class extends BroadcastChannel {
        constructor(name: string) {
          super(name);
          opened(name);
        }
      },
    );
    try {
      const env = createFakeEnv();
      env.auth({ crossTab: false }).dispose();
      expect(opened).not.toHaveBeenCalled();
      env.auth({ crossTab: true }).dispose();
      expect(opened).toHaveBeenCalledWith(`cognito-idpool:${env.cognito.identityPoolId}`);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
