import { describe, expect, it } from "vitest";
import { createFakeEnv, keyOf } from "../test/fakes/fake-env.js";
import type { KeyValueStore } from "./platform/types.js";

/** Every status `auth` reports through subscribe, from the initial one on. */
function recordStatuses(auth: { subscribe(listener: (state: { status: string; identityId?: string }) => void): () => void }): string[] {
  const statuses: string[] = [];
  auth.subscribe((state) => statuses.push(`${state.status}:${state.identityId ?? "-"}`));
  return statuses;
}

describe("start-up: the restoring status and ready()", () => {
  it("starts as restoring when storage may hold something, and settles as signedOut when it holds nothing", async () => {
    const env = createFakeEnv();
    const auth = env.auth();
    const statuses = recordStatuses(auth);
    expect(auth.getState().status).toBe("restoring");
    await auth.ready();
    expect(auth.getState()).toEqual({ status: "signedOut", storage: "custom" });
    expect(statuses).toEqual(["restoring:-", "signedOut:-"]);
    expect(env.cognito.requests).toHaveLength(0);
    auth.dispose();
  });

  it("a stored guest identity is taken up at start-up without a request: restoring, then guest", async () => {
    const env = createFakeEnv();
    const first = env.auth();
    const { identityId } = await first.getCredentials();
    first.dispose();
    env.cognito.requests.length = 0;

    const reloaded = env.auth();
    const statuses = recordStatuses(reloaded);
    await reloaded.ready();
    expect(reloaded.getState()).toEqual({ status: "guest", identityId, storage: "custom" });
    expect(statuses).toEqual(["restoring:-", `guest:${identityId}`]);
    expect(env.cognito.requests).toHaveLength(0);
    // The identity it holds is the one credentials are then fetched for: one request, no GetId.
    expect((await reloaded.getCredentials()).identityId).toBe(identityId);
    expect(env.cognito.requests.map((r) => r.operation)).toEqual(["GetCredentialsForIdentity"]);
    reloaded.dispose();
  });

  it("with allowGuests: false a stored guest identity is not taken up", async () => {
    const env = createFakeEnv();
    await env.store.set(keyOf(env, "guest-identity"), { identityId: "eu-west-1:00000000-0000-4000-8000-00000000000a" });
    const auth = env.auth({ allowGuests: false });
    await auth.ready();
    expect(auth.getState().status).toBe("signedOut");
    auth.dispose();
  });

  it('storage: "memory" starts empty, so the initial status is already signedOut', async () => {
    const env = createFakeEnv();
    const auth = env.auth({ storage: "memory" });
    expect(auth.getState().status).toBe("signedOut");
    await auth.ready();
    expect(auth.getState().status).toBe("signedOut");
    auth.dispose();
  });

  it("ready() is one promise, works unbound, and resolves when storage fails", async () => {
    const env = createFakeEnv();
    const broken: KeyValueStore = {
      get: () => Promise.reject(new Error("broken")),
      set: () => Promise.reject(new Error("broken")),
      del: () => Promise.reject(new Error("broken")),
    };
    const auth = env.auth({ storage: broken });
    const { ready } = auth;
    expect(ready()).toBe(ready());
    await ready();
    expect(auth.getState()).toMatchObject({ status: "signedOut", storage: "memory", storageError: { code: "storage-unavailable" } });
    auth.dispose();
  });
});
