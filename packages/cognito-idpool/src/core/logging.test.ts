import { describe, expect, it, vi } from "vitest";
import { createFakeEnv } from "../../test/fakes/fake-env.js";

describe("logging", () => {
  it("is silent by default, errors included", async () => {
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
    try {
      const env = createFakeEnv();
      const auth = env.auth({
        logger: undefined as never,
        storage: { get: () => Promise.reject(new Error("x")), set: () => Promise.reject(new Error("x")), del: () => Promise.reject(new Error("x")) },
      });
      const guest = await auth.getCredentials();
      env.cognito.delete(guest.identityId);
      await auth.getCredentials({ forceRefresh: true });
      await auth.setLogins({ "accounts.google.com": "expired:alice" }).catch(() => {});
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
      auth.dispose();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it("never passes tokens, secret keys or session tokens to the logger", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const secrets = new Set<string>(["token:alice", "expired:bob", "token:carol"]);
    const remember = (c: { secretAccessKey: string; sessionToken: string; accessKeyId: string }) => {
      secrets.add(c.secretAccessKey);
      secrets.add(c.sessionToken);
    };
    remember(await auth.getCredentials());
    await auth.setLogins({ "accounts.google.com": "token:alice" });
    remember(await auth.getCredentials());
    await auth.setLogins({ "accounts.google.com": "expired:bob" }).catch(() => {});
    await auth.signOut();
    await auth.setLogins({ "accounts.google.com": async () => "token:carol" });
    remember(await auth.getCredentials());
    env.cognito.failNext("GetCredentialsForIdentity", "network");
    await auth.getCredentials({ forceRefresh: true });

    expect(env.logs.length).toBeGreaterThan(3);
    const text = JSON.stringify(env.logs);
    for (const secret of secrets) expect(text).not.toContain(secret);
    auth.dispose();
  });
});
