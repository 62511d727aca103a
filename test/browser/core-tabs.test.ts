import { afterEach, describe, expect, it, vi } from "vitest";
import type { Auth, createAuth as CreateAuth } from "cognito-idpool";
import { clearRequests, createPool, emulatorUrl, identityRequests, login } from "./emulator.js";

/**
 * "Tabs" as same-origin iframes: each loads the SDK into its own JavaScript realm (own module
 * instances, so no in-page lock or memory is shared), while IndexedDB, Web Locks and
 * BroadcastChannel are the origin's, exactly as between tabs.
 */
const frames: HTMLIFrameElement[] = [];
afterEach(() => {
  for (const frame of frames.splice(0)) frame.remove();
});

async function openTab(existing?: HTMLIFrameElement): Promise<typeof CreateAuth> {
  const frame = existing ?? document.createElement("iframe");
  if (!existing) frames.push(frame);
  const loaded = new Promise<void>((resolve) => frame.addEventListener("load", () => resolve(), { once: true }));
  if (existing) frame.contentWindow!.location.reload();
  else {
    frame.src = "about:blank";
    document.body.append(frame);
  }
  await loaded;
  const win = frame.contentWindow as Window & { createAuth?: typeof CreateAuth };
  const script = win.document.createElement("script");
  script.type = "module";
  script.textContent = `import { createAuth } from ${JSON.stringify(new URL("/packages/cognito-idpool/src/index.ts", location.href).href)}; window.createAuth = createAuth;`;
  win.document.head.append(script);
  await vi.waitFor(() => expect(win.createAuth).toBeTypeOf("function"), { timeout: 30_000 });
  return win.createAuth!;
}

function open(createAuth: typeof CreateAuth, identityPoolId: string, crossTab = true): Auth {
  return createAuth({ identityPoolId, endpoint: emulatorUrl, crossTab });
}

describe("tabs of one origin", () => {
  it("the tabs are separate realms (the test would prove nothing otherwise)", async () => {
    const [a, b] = [await openTab(), await openTab()];
    expect(a).not.toBe(b);
  });

  it("two tabs opened at once on a fresh browser create exactly one guest identity", async () => {
    const [tabA, tabB] = [await openTab(), await openTab()];
    const poolId = await createPool();
    await clearRequests();
    const [a, b] = [open(tabA, poolId), open(tabB, poolId)];
    const [ca, cb] = await Promise.all([a.getCredentials(), b.getCredentials()]);
    expect(ca.identityId).toBe(cb.identityId);
    expect((await identityRequests()).filter((r) => r.operation === "GetId")).toHaveLength(1);
    a.dispose();
    b.dispose();
  });

  it("the control: with the lock disabled, the same race creates two identities", async () => {
    const [tabA, tabB] = [await openTab(), await openTab()];
    const poolId = await createPool();
    await clearRequests();
    const noLock = { request: <T>(_name: string, run: () => Promise<T>) => run() };
    const [a, b] = [
      tabA({ identityPoolId: poolId, endpoint: emulatorUrl, lock: noLock }),
      tabB({ identityPoolId: poolId, endpoint: emulatorUrl, lock: noLock }),
    ];
    await Promise.all([a.getCredentials(), b.getCredentials()]);
    expect((await identityRequests()).filter((r) => r.operation === "GetId")).toHaveLength(2);
    a.dispose();
    b.dispose();
  });

  it("a real reload of a tab keeps the identity: one request", async () => {
    const tab = await openTab();
    const frame = frames[0]!;
    const poolId = await createPool();
    const { identityId } = await open(tab, poolId).getCredentials();
    const reloaded = await openTab(frame);
    expect(reloaded).not.toBe(tab);
    await clearRequests();
    const auth = open(reloaded, poolId);
    expect((await auth.getCredentials()).identityId).toBe(identityId);
    expect((await identityRequests()).map((r) => r.operation)).toEqual(["GetCredentialsForIdentity"]);
    auth.dispose();
  });

  it("signing out in one tab signs out the other (BroadcastChannel)", async () => {
    const [tabA, tabB] = [await openTab(), await openTab()];
    const poolId = await createPool();
    const [a, b] = [open(tabA, poolId), open(tabB, poolId)];
    await a.setLogins(login("user1"));
    await b.setLogins(login("user1"));
    expect(b.getState().status).toBe("authenticated");
    await a.signOut();
    await vi.waitFor(() => expect(b.getState().status).toBe("signedOut"));
    a.dispose();
    b.dispose();
  });
});
