// User-pool sessions kept alive across tabs: renewals through GetTokensFromRefreshToken under the
// SDK's cross-tab lock, with refresh-token rotation on and off, and a copied session replaying a
// rotated-out refresh token. The long run is on a clock that runs ahead of real time (FastClock:
// the emulator's and the pages' clocks jump forward together), so its 3 minutes take about 20 s.
// Pages are e2e/sessions-page.html; app clients of their own are made on
// the demo user pool and added to the demo identity pool for the length of this file.
import {
  CognitoIdentityClient,
  DescribeIdentityPoolCommand,
  UpdateIdentityPoolCommand,
  type UpdateIdentityPoolCommandInput,
} from "@aws-sdk/client-cognito-identity";
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import {
  adminConfig,
  createUser,
  DEMO_BUCKET,
  emulator,
  emulatorClock,
  emulatorUrl,
  FastClock,
  IDENTITY_POOL_ID,
  PASSWORD,
  scriptTagUrl,
  unique,
  USER_POOL_ID,
} from "./support.js";

/** What e2e/sessions-page.html puts on `window`. */
interface Harness {
  auth: any;
  cognitoCalls: CognitoCall[];
  identityChanges: { at: number; reason: string; cause?: string; identityId?: string; previousIdentityId?: string }[];
  states: { at: number; status: string; identityId?: string; refreshError?: string }[];
  pageErrors: string[];
  traffic: { s3Ok: number[]; s3Errors: { at: number; name: string; message: string }[]; tokenCalls: number; tokenErrors: { at: number; name: string }[] };
  signIn(username: string, password: string): Promise<{ status: string }>;
  listOwnNow(): Promise<string>;
  clearLogs(): void;
  startTraffic(): void;
  stopTraffic(): Promise<void>;
}
/** One Cognito request a tab sent; `rotated` and `error` only for GetTokensFromRefreshToken. */
interface CognitoCall {
  target: string;
  sentAt: number;
  doneAt?: number;
  status?: number;
  rotated?: boolean;
  error?: string;
}
/** `window` in the page (faults.spec.ts declares another `harness` on the global Window). */
type HarnessWindow = { harness: Harness };

const PROVIDER = `cognito-idp.eu-west-1.amazonaws.com/${USER_POOL_ID}`;
const RENEWAL = "GetTokensFromRefreshToken";
/** ID and access tokens of this many seconds: the SDK renews them a quarter of that before expiry, less up to a fifth of that quarter. */
const TOKEN_SECONDS = 20;
/** How long the two sessions run (on the fast clock), with every tab using S3 all along. */
const RUN_MS = 180_000;
/** The replay client's grace period: a rotated-out refresh token still works this long. */
const GRACE_SECONDS = 5;

let idp: CognitoIdentityProviderClient;
let identity: CognitoIdentityClient;
let originalPool: UpdateIdentityPoolCommandInput;
const clients = { rotating: "", plain: "", replay: "" };

/** An app client of the demo user pool that allows USER_PASSWORD_AUTH sign-ins and renewals. */
async function createClient(name: string, settings: Partial<CreateUserPoolClientCommandInput>): Promise<string> {
  const { UserPoolClient } = await idp.send(
    new CreateUserPoolClientCommand({
      UserPoolId: USER_POOL_ID,
      ClientName: name,
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      ...settings,
    }),
  );
  return UserPoolClient!.ClientId!;
}

test.beforeAll(async () => {
  idp = new CognitoIdentityProviderClient(adminConfig());
  identity = new CognitoIdentityClient(adminConfig());
  const short = {
    IdTokenValidity: TOKEN_SECONDS,
    AccessTokenValidity: TOKEN_SECONDS,
    TokenValidityUnits: { IdToken: "seconds", AccessToken: "seconds" },
  } as const;
  clients.rotating = await createClient(unique("rotating"), { ...short, RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 0 } });
  clients.plain = await createClient(unique("plain"), { ...short, RefreshTokenRotation: { Feature: "DISABLED" } });
  // Hour-long tokens: nothing renews on its own; the test says when.
  clients.replay = await createClient(unique("replay"), { RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: GRACE_SECONDS } });

  // The identity pool takes ID tokens only from the app clients it lists.
  const { $metadata: _, ...pool } = await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: IDENTITY_POOL_ID }));
  originalPool = pool as UpdateIdentityPoolCommandInput;
  const added = Object.values(clients).map((ClientId) => ({ ProviderName: PROVIDER, ClientId }));
  await identity.send(
    new UpdateIdentityPoolCommand({ ...originalPool, CognitoIdentityProviders: [...(originalPool.CognitoIdentityProviders ?? []), ...added] }),
  );
});

/** Contexts a test opened, closed after it whatever happened. */
const opened: BrowserContext[] = [];
test.afterEach(async () => {
  for (const context of opened.splice(0)) await context.close();
  await emulatorClock.set(0);
  await emulator.credentialLifetime(null);
});

test.afterAll(async () => {
  if (originalPool) await identity.send(new UpdateIdentityPoolCommand(originalPool));
  for (const ClientId of Object.values(clients).filter(Boolean)) await idp.send(new DeleteUserPoolClientCommand({ UserPoolId: USER_POOL_ID, ClientId }));
  idp?.destroy();
  identity?.destroy();
});

/** A tab on the harness for `clientId`, once its start-up (restore from storage) settled. */
async function openTab(context: BrowserContext, clientId: string): Promise<Page> {
  const page = await context.newPage();
  const query = new URLSearchParams({ endpoint: emulatorUrl(), identityPoolId: IDENTITY_POOL_ID, userPoolId: USER_POOL_ID, clientId, bucket: DEMO_BUCKET });
  await page.goto(`${scriptTagUrl()}/sessions.html?${query}`);
  await page.waitForFunction(() => (window as unknown as HarnessWindow).harness !== undefined);
  await page.evaluate(() => (window as unknown as HarnessWindow).harness.auth.ready());
  return page;
}

async function state(page: Page): Promise<{ status: string; identityId: string | null }> {
  return page.evaluate(() => {
    const s = (window as unknown as HarnessWindow).harness.auth.getState();
    return { status: s.status, identityId: s.identityId ?? null };
  });
}

/**
 * A new browser context (its own IndexedDB, BroadcastChannel and Web Locks) with `tabs` tabs of one
 * session: a new user signs in in the first tab; the others are opened after that and restore the
 * session from IndexedDB, as tabs a user opens later do. `fakeClock`: Playwright's clock is
 * installed in the context first, for a FastClock.
 */
async function session(
  browser: Browser,
  clientId: string,
  tabs: number,
  { fakeClock = false } = {},
): Promise<{ context: BrowserContext; pages: Page[]; identityId: string }> {
  const username = unique("rot");
  await createUser(username);
  const context = await browser.newContext();
  opened.push(context);
  if (fakeClock) await context.clock.install();
  const first = await openTab(context, clientId);
  expect(await first.evaluate(([u, p]) => (window as unknown as HarnessWindow).harness.signIn(u!, p!).then((r) => r.status), [username, PASSWORD])).toBe(
    "signedIn",
  );
  const { identityId } = await state(first);
  expect(identityId).toMatch(/^eu-west-1:[0-9a-f-]+$/);
  const pages = [first];
  for (let i = 1; i < tabs; i++) {
    const page = await openTab(context, clientId);
    expect(await state(page), "a tab opened later restores the session from IndexedDB").toEqual({ status: "authenticated", identityId });
    pages.push(page);
  }
  return { context, pages, identityId: identityId! };
}

/** Everything a tab recorded. */
const seen = (page: Page) =>
  page.evaluate(() => {
    const { cognitoCalls, identityChanges, states, pageErrors, traffic } = (window as unknown as HarnessWindow).harness;
    return { cognitoCalls, identityChanges, states, pageErrors, traffic };
  });

test("three tabs per session for 3 minutes (on a fast clock) of 20-second tokens, rotation on (no grace period) and off side by side: one renewal per window, nobody signed out, every S3 call succeeds", async ({
  browser,
}) => {
  test.setTimeout(150_000);
  // 30-second credentials: the identity side renews too, with a fresh ID token each time.
  await emulator.credentialLifetime(30);
  // Two contexts: the SDK keeps one identity record per identity pool and origin, so two sessions
  // of one origin in one context would replace each other's identity.
  const runs = [
    { name: "rotation on", rotating: true, clientId: clients.rotating, ...(await session(browser, clients.rotating, 3, { fakeClock: true })) },
    { name: "rotation off", rotating: false, clientId: clients.plain, ...(await session(browser, clients.plain, 3, { fakeClock: true })) },
  ];
  // From here on, time is the emulator's and the tabs' clock, which runs ahead of real time: tokens
  // and credentials age, the tabs' timers fire and the emulator refuses what expired as in a
  // 3-minute run. Every time below (the tabs' records, the emulator's log, start and end) is on it.
  const time = FastClock.of(runs.map((run) => run.context));
  const tabs = runs.flatMap((run) => run.pages.map((page, i) => ({ run, page, name: `${run.name}, tab ${i + 1}` })));

  await emulator.clearRequests();
  for (const { page } of tabs) await page.evaluate(() => (window as unknown as HarnessWindow).harness.clearLogs());
  const start = time.now();
  for (const { page } of tabs) await page.evaluate(() => (window as unknown as HarnessWindow).harness.startTraffic());
  // Checked every 5 s so that a tab signed out fails the test now, not 3 minutes later.
  while (time.now() - start < RUN_MS) {
    await time.pass(Math.min(5_000, RUN_MS - (time.now() - start)));
    for (const { page, name } of tabs) {
      const ended = await page.evaluate(
        () =>
          (window as unknown as HarnessWindow).harness.identityChanges.length > 0 ||
          (window as unknown as HarnessWindow).harness.auth.getState().status !== "authenticated",
      );
      expect(ended, `${name} lost its session ${Math.round((time.now() - start) / 1000)} s into the run`).toBe(false);
    }
  }
  // The run ends now for every tab at once; each finishes the round it is in.
  const end = time.now();
  await Promise.all(tabs.map(({ page }) => page.evaluate(() => (window as unknown as HarnessWindow).harness.stopTraffic())));
  const log = await emulator.requests();
  const records = await Promise.all(tabs.map(async (tab) => ({ ...tab, seen: await seen(tab.page) })));

  let longestS3Gap = { ms: 0, tab: "", endedAtSecond: 0 };
  // Nothing reached the app in any tab: no identity change (no signedOut), never another identity
  // or status, no refresh error, no failed S3 call, no token refused or handed out expired.
  for (const { run, name, seen: s } of records) {
    expect(s.identityChanges, name).toEqual([]);
    expect(
      s.states.filter((x) => x.status !== "authenticated" || x.identityId !== run.identityId || x.refreshError),
      name,
    ).toEqual([]);
    expect(s.pageErrors, name).toEqual([]);
    expect(s.traffic.s3Errors, name).toEqual([]);
    expect(s.traffic.tokenErrors, name).toEqual([]);
    // No Cognito call was refused: RefreshTokenReuseException is not even on the wire.
    expect(
      s.cognitoCalls.filter((c) => c.status !== 200),
      name,
    ).toEqual([]);
    // S3 in use all along: no gap longer than 8 s between successes (calls go out every 1–2 s),
    // from the start of the run to its end.
    const times = [start, ...s.traffic.s3Ok, end];
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps), `${name}: longest time without a successful S3 call (ms)`).toBeLessThan(8_000);
    const longest = gaps.indexOf(Math.max(...gaps));
    if (gaps[longest]! > longestS3Gap.ms) longestS3Gap = { ms: gaps[longest]!, tab: name, endedAtSecond: Math.round((times[longest + 1]! - start) / 1000) };
  }

  // One renewal per renewal window per session, across its three tabs, from the emulator's request
  // log (which names the app client of each renewal); the tabs' own records say what came back.
  const summary: Record<string, unknown> = {};
  let renewalsSeenByTabs = 0;
  for (const run of runs) {
    const served = log.filter((r) => r.operation === RENEWAL && r.clientId === run.clientId).map((r) => Date.parse(r.time));
    const renewals = records
      .filter((r) => r.run === run)
      .flatMap((r) => r.seen.cognitoCalls.filter((c) => c.target === RENEWAL))
      .sort((a, b) => a.sentAt - b.sentAt);
    renewalsSeenByTabs += renewals.length;
    expect(served.length, `${run.name}: renewals the emulator served vs. renewals the tabs sent`).toBe(renewals.length);
    const spacing = served.slice(1).map((t, i) => (t - served[i]!) / 1000);
    summary[run.name] = { renewals: renewals.length, spacing: spacing.map((s) => s.toFixed(1)).join(" ") };
    // The tokens last 20 s and are renewed 14–15 s after they were issued (less up to 1 s, since
    // their times are whole seconds): two renewals closer than 10 s means two tabs renewed for one
    // window; more than 20 s apart, the session ran on expired tokens.
    expect(Math.min(...spacing), `${run.name}: shortest time between renewals (s), of ${JSON.stringify(summary[run.name])}`).toBeGreaterThanOrEqual(10);
    expect(Math.max(...spacing), `${run.name}: longest time between renewals (s)`).toBeLessThan(TOKEN_SECONDS);
    // 180 s at one renewal every 13–15 s.
    expect(renewals.length, `${run.name}: renewals in 3 minutes`).toBeGreaterThanOrEqual(11);
    expect(renewals.length, `${run.name}: renewals in 3 minutes`).toBeLessThanOrEqual(14);
    // The client's setting is in force: with rotation every answer carries a new refresh token, without it none does.
    expect(new Set(renewals.map((c) => c.rotated)), `${run.name}: a new refresh token in the answer`).toEqual(new Set([run.rotating]));
  }
  const served = log.filter((r) => r.operation === RENEWAL);
  expect(served.map((r) => r.status)).toEqual(served.map(() => 200));
  expect(served.length, "renewals the emulator served vs. renewals the tabs sent").toBe(renewalsSeenByTabs);

  // The emulator saw the same: only the two identities, every S3 call and nothing refused.
  const identities = new Set(runs.map((run) => run.identityId));
  expect(log.filter((r) => r.service === "cognito-identity" && !identities.has(r.identityId ?? "")).map((r) => r.operation)).toEqual([]);
  expect(log.filter((r) => r.status >= 400).map((r) => `${r.operation} ${r.status}`)).toEqual([]);
  const s3Calls = records.reduce((sum, r) => sum + r.seen.traffic.s3Ok.length, 0);
  expect(log.filter((r) => r.operation === "ListObjectsV2").length).toBe(s3Calls);
  // The run crossed many credential lifetimes: each identity got fresh credentials again and again.
  for (const run of runs) {
    const credentials = log.filter((r) => r.operation === "GetCredentialsForIdentity" && r.identityId === run.identityId).length;
    summary[`${run.name} GetCredentialsForIdentity`] = credentials;
    expect(credentials, `${run.name}: credential renewals`).toBeGreaterThanOrEqual(RUN_MS / 30_000);
  }
  summary["S3 calls"] = s3Calls;
  summary["longest S3 gap (ms)"] = longestS3Gap;
  summary["getTokens calls"] = records.reduce((sum, r) => sum + r.seen.traffic.tokenCalls, 0);
  test.info().annotations.push({ type: "measured", description: JSON.stringify(summary) });
});

/** The refresh token the SDK stored in this tab's IndexedDB (read behind its back), or undefined. */
function storedRefreshToken(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const done = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => ((request.onsuccess = () => resolve(request.result)), (request.onerror = () => reject(request.error))));
    const db = await done(indexedDB.open("cognito-idpool"));
    const objects = db.transaction("kv", "readonly").objectStore("kv");
    const [keys, values] = await Promise.all([done(objects.getAllKeys()), done(objects.getAll())]);
    db.close();
    const i = keys.findIndex((key) => String(key).includes(":userpool-tokens:"));
    return i < 0 ? undefined : (values[i] as { refreshToken?: string }).refreshToken;
  });
}

test("a copied session replaying a rotated-out refresh token after the grace period ends with sessionExpired; the session that rotated it goes on", async ({
  browser,
}) => {
  const first = await session(browser, clients.replay, 2);
  // The same session in a second browser profile: its IndexedDB copied, refresh token included.
  const copy = await browser.newContext({ storageState: await first.context.storageState({ indexedDB: true }) });
  opened.push(copy);
  const copies = [await openTab(copy, clients.replay), await openTab(copy, clients.replay)];
  for (const page of copies) expect(await state(page)).toEqual({ status: "authenticated", identityId: first.identityId });
  const original = await storedRefreshToken(first.pages[0]!);
  expect(original).toBeTruthy();
  expect((await storedRefreshToken(copies[0]!)) === original, "the copy holds the same refresh token").toBe(true);

  await emulator.clearRequests();
  for (const page of [...first.pages, ...copies]) await page.evaluate(() => (window as unknown as HarnessWindow).harness.clearLogs());
  // The first session renews: the refresh token both profiles hold is rotated out.
  await first.pages[0]!.evaluate(() => (window as unknown as HarnessWindow).harness.auth.getTokens({ forceRefresh: true }));
  const rotated = await storedRefreshToken(first.pages[0]!);
  expect(rotated && rotated !== original, "the renewal stored a new refresh token").toBe(true);

  // Past the grace period, the copy renews with the rotated-out token.
  await copies[0]!.waitForTimeout((GRACE_SECONDS + 1.5) * 1000);
  const refused = await copies[0]!.evaluate(() =>
    (window as unknown as HarnessWindow).harness.auth.getTokens({ forceRefresh: true }).then(
      () => "renewed",
      (error: { code?: string }) => error.code,
    ),
  );
  expect(refused).toBe("session-expired");
  // Both tabs of the copy are told why: the user pool ended the session, nobody signed out.
  for (const [i, page] of copies.entries()) {
    await page.waitForFunction(() => (window as unknown as HarnessWindow).harness.identityChanges.length > 0, undefined, { timeout: 10_000 });
    expect(
      (await seen(page)).identityChanges.map(({ reason, cause, previousIdentityId }) => ({ reason, cause, previousIdentityId })),
      `copy, tab ${i + 1}`,
    ).toEqual([{ reason: "signedOut", cause: "sessionExpired", previousIdentityId: first.identityId }]);
    expect((await state(page)).status, `copy, tab ${i + 1}`).not.toBe("authenticated");
  }
  // The refusal was the reuse of a rotated-out token, once, from the tab that renewed; the other tab
  // sent nothing. The copy's tokens are gone from its storage: a new tab there is not signed in.
  const copyCalls = await Promise.all(copies.map(async (page) => (await seen(page)).cognitoCalls.filter((c) => c.target === RENEWAL)));
  expect(copyCalls.map((calls) => calls.map((c) => `${c.status} ${c.error}`))).toEqual([["400 RefreshTokenReuseException"], []]);
  expect(await storedRefreshToken(copies[0]!)).toBeUndefined();
  expect((await state(await openTab(copy, clients.replay))).status).not.toBe("authenticated");

  // The first session is untouched: both tabs authenticated as before, nothing told to the app,
  // S3 works with newly fetched credentials, and the tab that did not rotate renews with the rotated token.
  for (const [i, page] of first.pages.entries()) {
    const name = `first session, tab ${i + 1}`;
    expect(await state(page), name).toEqual({ status: "authenticated", identityId: first.identityId });
    expect((await seen(page)).identityChanges, name).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as HarnessWindow).harness.listOwnNow()), name).toBe("ok");
  }
  await first.pages[1]!.evaluate(() => (window as unknown as HarnessWindow).harness.auth.getTokens({ forceRefresh: true }));
  const again = await storedRefreshToken(first.pages[1]!);
  expect(again && again !== rotated, "the first session rotated once more").toBe(true);
  const renewals = (await emulator.requests()).filter((r) => r.operation === RENEWAL).map((r) => r.status);
  expect(renewals, "first session, copy, first session").toEqual([200, 400, 200]);
  for (const page of first.pages) expect((await seen(page)).identityChanges).toEqual([]);
});
