// Sign-out that sticks and a core that loses nothing, with the browser's storage, network and clock
// misbehaving: two and three tabs of one origin on e2e/faults-page.html, storage faults injected in
// the page (a wrapper around the SDK's IndexedDB store), network faults at the emulator.
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import {
  createUser,
  DEMO_USER,
  emulator,
  emulatorClock,
  emulatorUrl,
  faults,
  identityIdFor,
  idTokenFor,
  PASSWORD,
  scriptTagUrl,
  unique,
  USER_POOL_ID,
} from "./support.js";

/** What e2e/faults-page.html puts on `window`. */
interface Harness {
  auth: any;
  storageLog: { op: string; key: string; fault?: string }[];
  requestsInFlight: { target: string }[];
  fault(op: "get" | "set" | "del" | "*", kind: "fail" | "quota" | "stall", options?: { match?: string; times?: number; ms?: number }): number;
  hits(rule: number): number;
  releaseStalls(): void;
  dumpIndexedDb(): Promise<{ db: string; store: string; key: string; value: unknown }[]>;
  outcome(promise: Promise<unknown>): Outcome;
  outcomes: Record<string, Outcome>;
  signIn(username: string, password: string): Promise<{ status: string }>;
}
interface Outcome {
  settled: boolean;
  ok?: boolean;
  value?: unknown;
  code?: string;
  message?: string;
}
declare global {
  interface Window {
    harness: Harness;
  }
}

const PROVIDER = `cognito-idp.eu-west-1.amazonaws.com/${USER_POOL_ID}`;
const IDENTITY_ID = /^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]+$/;
/** 56 minutes on: the hour-long ID token is within its renewal margin on Cognito's clock. */
const NEAR_THE_HOUR = 56 * 60;

test.afterEach(async () => {
  await faults.clear();
  await emulator.credentialLifetime(null);
  await emulatorClock.set(0);
});

/** A tab on the harness; `crossTab: false` leaves it without BroadcastChannel (Safari < 15.4), so it learns of other tabs from storage only. */
async function openTab(context: BrowserContext, { crossTab = true } = {}): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${scriptTagUrl()}/faults.html?endpoint=${encodeURIComponent(emulatorUrl())}${crossTab ? "" : "&crossTab=0"}`);
  await page.waitForFunction(() => window.harness !== undefined);
  return page;
}

async function state(page: Page): Promise<{ status: string; identityId: string | null; storageError: string | null }> {
  return page.evaluate(() => {
    const s = window.harness.auth.getState();
    return { status: s.status, identityId: s.identityId ?? null, storageError: s.storageError?.code ?? null };
  });
}

/** A tab opened now, once its start-up (restore from storage) settled. */
async function reload(context: BrowserContext, options: { crossTab?: boolean } = {}): Promise<Page> {
  const page = await openTab(context, options);
  await page.evaluate(() => window.harness.auth.ready());
  return page;
}

async function signIn(page: Page, username = DEMO_USER.Username, password = DEMO_USER.Password): Promise<void> {
  expect(await page.evaluate(([u, p]) => window.harness.signIn(u!, p!).then((r) => r.status), [username, password])).toBe("signedIn");
}

/**
 * User-pool tokens in IndexedDB, read behind the SDK's back (by key, or any JWT in a stored value),
 * as key and the ID token's user: enough to assert on, and no token text in a failure message.
 */
async function storedTokens(page: Page): Promise<{ key: string; user: string | undefined }[]> {
  const entries = await page.evaluate(() => window.harness.dumpIndexedDb());
  return entries
    .filter((e) => e.key.includes("userpool-tokens") || /eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(JSON.stringify(e.value)))
    .map((e) => ({ key: e.key, user: usernameOf(e.value) }));
}

/** The `cognito:username` of the ID token in a stored token record. */
function usernameOf(record: unknown): string | undefined {
  const idToken = (record as { idToken?: string } | undefined)?.idToken;
  if (!idToken) return undefined;
  return (JSON.parse(Buffer.from(idToken.split(".")[1]!, "base64url").toString("utf8")) as Record<string, string>)["cognito:username"];
}

/** Starts `call` in the page without waiting for it; `settled(page, name)` reads how it ended. */
async function start(page: Page, name: string, call: string): Promise<void> {
  await page.evaluate(
    ([n, source]) => {
      const h = window.harness;
      h.outcomes[n!] = h.outcome(new Function("harness", `return (${source!})`)(h) as Promise<unknown>);
    },
    [name, call],
  );
}
async function settled(page: Page, name: string): Promise<Outcome> {
  await page.waitForFunction((n) => window.harness.outcomes[n]?.settled === true, name, { timeout: 20_000 });
  return page.evaluate((n) => window.harness.outcomes[n]!, name);
}

const onTheWire = (page: Page, target: string) => page.evaluate((t) => window.harness.requestsInFlight.some((r) => r.target === t), target);

/**
 * Has `page` renew its ID token, as an open tab does near the hour: the emulator clock moves 56
 * minutes on, the page learns that from the `Date` of its next answer, and the credential refresh
 * after that needs a fresh ID token. Repeats the forced refresh until `started()` says the renewal is under way.
 */
async function renewIdToken(page: Page, started: () => Promise<boolean>): Promise<void> {
  await emulatorClock.set(NEAR_THE_HOUR);
  for (let i = 0; i < 8 && !(await started()); i++) {
    await page.evaluate(() => {
      window.harness.auth.getCredentials({ forceRefresh: true }).catch(() => undefined);
    });
    await page.waitForTimeout(250);
  }
  expect(await started(), "the ID-token renewal never started").toBe(true);
}

test("after storage fell back to memory on a quota error, signOut() still clears IndexedDB: a new tab is not signed in", async ({ context }) => {
  const tab = await openTab(context);
  // The sign-in stores its tokens, then the identity record's write is refused: storage falls back.
  const quota = await tab.evaluate(() => window.harness.fault("set", "quota", { match: "user-identity" }));
  await signIn(tab);
  expect(await tab.evaluate((rule) => window.harness.hits(rule), quota)).toBe(1);
  expect((await state(tab)).storageError).toBe("storage-unavailable");
  expect(await storedTokens(tab), "the sign-in stored its tokens in IndexedDB before the fallback").not.toEqual([]);

  await tab.evaluate(() => window.harness.auth.signOut());
  expect(await storedTokens(tab)).toEqual([]);
  const next = await reload(context);
  expect((await state(next)).status).not.toBe("authenticated");
  expect(await next.evaluate(() => window.harness.auth.getUser())).toBeUndefined();
});

test("a delete that fails once at sign-out is retried: the next page gets a new guest identity", async ({ context }) => {
  const tab = await openTab(context);
  const guest = await tab.evaluate(() => window.harness.auth.getIdentityId());
  expect(guest).toMatch(IDENTITY_ID);
  const failure = await tab.evaluate(() => window.harness.fault("del", "fail", { match: "guest-identity" }));
  await tab.evaluate(() => window.harness.auth.signOut());
  expect(await tab.evaluate((rule) => window.harness.hits(rule), failure)).toBe(1);
  expect(JSON.stringify(await tab.evaluate(() => window.harness.dumpIndexedDb()))).not.toContain(guest);

  const next = await reload(context);
  const fresh = await next.evaluate(() => window.harness.auth.getIdentityId());
  expect(fresh).toMatch(IDENTITY_ID);
  expect(fresh).not.toBe(guest);
});

test("signOut() while setLogins() is writing its identity record cancels setLogins: signed out, and no credentials of that login served", async ({
  context,
}) => {
  const idToken = await idTokenFor(DEMO_USER.Username, DEMO_USER.Password);
  const userIdentity = await identityIdFor({ [PROVIDER]: idToken });
  const tab = await openTab(context);
  const stall = await tab.evaluate(() => window.harness.fault("set", "stall", { match: "user-identity" }));
  await tab.evaluate(
    ([provider, token]) => {
      const h = window.harness;
      h.outcomes["setLogins"] = h.outcome(h.auth.setLogins({ [provider!]: token! }));
    },
    [PROVIDER, idToken],
  );
  await tab.waitForFunction((rule) => window.harness.hits(rule) === 1, stall);

  await start(tab, "signOut", "harness.auth.signOut()");
  await tab.waitForTimeout(200);
  await tab.evaluate(() => window.harness.releaseStalls());
  const setLogins = await settled(tab, "setLogins");
  expect([setLogins.ok, setLogins.code]).toEqual([false, "cancelled"]);
  expect((await settled(tab, "signOut")).ok).toBe(true);

  const after = await state(tab);
  expect(after.status).not.toBe("authenticated");
  expect(after.identityId).not.toBe(userIdentity);
  const served = await tab.evaluate(async () => {
    const auth = window.harness.auth;
    const [credentials, provided] = await Promise.all([auth.getCredentials(), auth.credentials()]);
    return { identityId: credentials.identityId, same: credentials.accessKeyId === provided.accessKeyId };
  });
  expect(served.identityId).not.toBe(userIdentity);
  expect(served.same).toBe(true);
});

test("another tab signing out while this tab renews its ID token: the renewed tokens are not stored and a reload is not signed in", async ({ context }) => {
  const a = await openTab(context);
  await signIn(a);
  const b = await reload(context);
  expect((await state(b)).status).toBe("authenticated");

  // The renewal is answered by Cognito (new tokens minted) but its body is held on the wire.
  await faults.add({ target: "GetTokensFromRefreshToken", stallBody: true, stallMs: 2500, count: 5 });
  await renewIdToken(b, () => onTheWire(b, "GetTokensFromRefreshToken"));
  await a.evaluate(() => window.harness.auth.signOut());
  await b.waitForFunction(() => !window.harness.requestsInFlight.some((r) => r.target === "GetTokensFromRefreshToken"), undefined, { timeout: 10_000 });
  await b.waitForTimeout(300);

  expect(await storedTokens(a)).toEqual([]);
  const next = await reload(context);
  expect((await state(next)).status).not.toBe("authenticated");
  expect(await next.evaluate(() => window.harness.auth.getUser())).toBeUndefined();
});

test("signOut() while signIn() is on the wire cancels the sign-in: nothing stored, and a reload is not signed in", async ({ context }) => {
  const tab = await openTab(context);
  await faults.add({ target: "InitiateAuth", latencyMs: 1500 });
  await start(tab, "signIn", `harness.signIn(${JSON.stringify(DEMO_USER.Username)}, ${JSON.stringify(DEMO_USER.Password)})`);
  await tab.waitForFunction(() => window.harness.requestsInFlight.some((r) => r.target === "InitiateAuth"));
  await start(tab, "signOut", "harness.auth.signOut()");

  const signedIn = await settled(tab, "signIn");
  expect([signedIn.ok, signedIn.code]).toEqual([false, "cancelled"]);
  expect((await settled(tab, "signOut")).ok).toBe(true);
  await tab.waitForTimeout(300);
  expect((await state(tab)).status).not.toBe("authenticated");
  expect(await tab.evaluate(() => window.harness.auth.getUser())).toBeUndefined();
  expect(await storedTokens(tab)).toEqual([]);
  expect((await state(await reload(context))).status).not.toBe("authenticated");
});

test("with a user pool, signOut() stops serving the user's AWS credentials at once, with RevokeToken stalled", async ({ context }) => {
  const tab = await openTab(context);
  await signIn(tab);
  const user = await tab.evaluate(() => window.harness.auth.getCredentials().then((c: { identityId: string; accessKeyId: string }) => c));
  await faults.add({ target: "RevokeToken", stallBody: true });
  await start(tab, "signOut", "harness.auth.signOut()");
  await tab.waitForFunction(() => window.harness.requestsInFlight.some((r) => r.target === "RevokeToken"), undefined, { timeout: 5_000 });

  const during = await state(tab);
  expect(during.status).not.toBe("authenticated");
  expect(during.identityId).not.toBe(user.identityId);
  expect(await tab.evaluate(() => window.harness.auth.getUser())).toBeUndefined();
  // Whatever the page hands out now (a new guest's keys, or nothing yet) is not the user's.
  const handedOut = await tab.evaluate(async () => {
    const auth = window.harness.auth;
    const within = <T>(promise: Promise<T>) =>
      Promise.race([
        promise.then(
          (value) => ({ value }),
          () => ({ value: undefined }),
        ),
        new Promise<undefined>((r) => setTimeout(() => r(undefined), 2000)),
      ]);
    const [credentials, provided] = await Promise.all([within(auth.getCredentials()), within(auth.credentials())]);
    return { credentials: (credentials as any)?.value, provided: (provided as any)?.value };
  });
  expect(handedOut.credentials?.identityId).not.toBe(user.identityId);
  expect(handedOut.credentials?.accessKeyId).not.toBe(user.accessKeyId);
  expect(handedOut.provided?.accessKeyId).not.toBe(user.accessKeyId);
});

test("a tab that sees in storage that another tab signed in as someone else ends only its own session", async ({ context }) => {
  const bob = unique("bob");
  await createUser(bob);
  // Both tabs open before anyone signs in, so each holds its own user. Tab A has no BroadcastChannel:
  // with one it would follow B's sign-in when told; without, storage is all it sees of B.
  const a = await reload(context, { crossTab: false });
  const b = await reload(context);
  await signIn(a);
  const alice = (await state(a)).identityId;
  await signIn(b, bob, PASSWORD);
  const bobIdentity = (await state(b)).identityId;
  expect(bobIdentity).toMatch(IDENTITY_ID);
  expect(bobIdentity).not.toBe(alice);

  // Tab A's renewal reads bob's tokens from storage.
  await renewIdToken(a, async () => (await state(a)).identityId !== alice);
  await a.waitForTimeout(500);
  expect((await state(a)).status).not.toBe("authenticated");

  expect(await state(b)).toMatchObject({ status: "authenticated", identityId: bobIdentity });
  const records = await b.evaluate(() => window.harness.dumpIndexedDb());
  const tokens = await storedTokens(b);
  expect(tokens.map((t) => t.user)).toEqual([bob]);
  // Checked before any reload, which would rewrite it.
  expect(records.filter((r) => r.key.endsWith(":user-identity")).map((r) => (r.value as { identityId?: string }).identityId)).toEqual([bobIdentity]);
  const next = await reload(context);
  expect(await state(next)).toMatchObject({ status: "authenticated", identityId: bobIdentity });
});

test("one storage read slower than 5 s during a renewal signs nobody out", async ({ context }) => {
  const a = await openTab(context);
  await signIn(a);
  const user = (await state(a)).identityId;
  const b = await reload(context);
  expect(await state(b)).toMatchObject({ status: "authenticated", identityId: user });

  const slow = await a.evaluate(() => window.harness.fault("get", "stall", { match: "userpool-tokens", ms: 5_600 }));
  await renewIdToken(a, () => a.evaluate((rule) => window.harness.hits(rule) === 1, slow));
  // The slow read answers after 5.6 s; then the renewal goes on.
  await a.waitForTimeout(6_500);

  expect(await state(a)).toMatchObject({ status: "authenticated", identityId: user });
  expect(await state(b)).toMatchObject({ status: "authenticated", identityId: user });
  expect(await a.evaluate(() => window.harness.auth.getCredentials().then((c: { identityId: string }) => c.identityId))).toBe(user);
  expect(await storedTokens(a)).not.toEqual([]);
  expect(await state(await reload(context))).toMatchObject({ status: "authenticated", identityId: user });
});

test("the device clock moving back mid-session: expired credentials are not served and S3 through auth.credentials never gets ExpiredToken", async ({
  page,
}) => {
  // Date (not performance.now) is the device clock the user changes; the page moves it on request.
  await page.addInitScript(() => {
    const RealDate = Date;
    let skew = 0;
    class DeviceDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(RealDate.now() + skew);
        else super(...(args as [string]));
      }
      static override now() {
        return RealDate.now() + skew;
      }
    }
    (globalThis as any).Date = DeviceDate;
    (window as any).moveDeviceClock = (ms: number) => {
      skew += ms;
    };
  });
  // 30 s credentials: the shortest that leave room for the SDK's 15 s "still valid" cushion.
  await emulator.credentialLifetime(30);
  await page.goto(`${scriptTagUrl()}/faults.html?endpoint=${encodeURIComponent(emulatorUrl())}`);
  await page.waitForFunction(() => window.harness !== undefined);

  const result = await page.evaluate(async (endpoint) => {
    const { S3Client, ListObjectsV2Command } = await import("/s3.js" as string);
    const auth = window.harness.auth;
    const list = (credentials: unknown) =>
      new S3Client({ region: "eu-west-1", endpoint, forcePathStyle: true, credentials }).send(
        new ListObjectsV2Command({ Bucket: "cognito-idpool-demo", Prefix: "public/" }),
      );
    const s3 = new S3Client({ region: "eu-west-1", endpoint, forcePathStyle: true, credentials: auth.credentials });
    const first = await auth.getCredentials();
    await s3.send(new ListObjectsV2Command({ Bucket: "cognito-idpool-demo", Prefix: "public/" }));
    (window as any).moveDeviceClock(-10 * 60_000);
    // Past the 30 s credentials' lifetime, with the app's S3 client in use all along.
    const errors: string[] = [];
    const until = performance.now() + 33_000;
    while (performance.now() < until) {
      await s3.send(new ListObjectsV2Command({ Bucket: "cognito-idpool-demo", Prefix: "public/" })).catch((e: Error) => errors.push(e.name));
      await new Promise((r) => setTimeout(r, 1500));
    }
    const now = await auth.getCredentials();
    const direct = await list({ accessKeyId: now.accessKeyId, secretAccessKey: now.secretAccessKey, sessionToken: now.sessionToken }).then(
      () => "ok",
      (e: Error) => e.name,
    );
    return { errors, renewed: now.accessKeyId !== first.accessKeyId, direct };
  }, emulatorUrl());

  expect(result.errors).toEqual([]);
  expect(result.renewed).toBe(true);
  expect(result.direct).toBe("ok");
});

test("Web Locks present but refusing with SecurityError: a guest still gets credentials", async ({ page }) => {
  // As in a sandboxed iframe: navigator.locks exists, and every request is refused.
  await page.addInitScript(() => {
    LockManager.prototype.request = () => Promise.reject(new DOMException("The request was denied.", "SecurityError"));
  });
  await page.goto(`${scriptTagUrl()}/faults.html?endpoint=${encodeURIComponent(emulatorUrl())}`);
  await page.waitForFunction(() => window.harness !== undefined);
  const got = await page.evaluate(() =>
    Promise.race([
      window.harness.auth.getCredentials().then(
        (c: { identityId: string; accessKeyId: string }) => ({ identityId: c.identityId, accessKeyId: c.accessKeyId }),
        (e: { code?: string }) => ({ error: e.code ?? String(e) }),
      ),
      new Promise((r) => setTimeout(() => r({ error: "no answer in 12 s" }), 12_000)),
    ]),
  );
  expect(got).toMatchObject({ identityId: expect.stringMatching(IDENTITY_ID), accessKeyId: expect.stringMatching(/^ASIA/) });
});
