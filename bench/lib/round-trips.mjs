// The round-trip half of `npm run bench`: the built SDK (dist/index.js) runs in Node against the
// built emulator (packages/cognito-idpool-emulator/dist) started in-process with the demo seed; the emulator's own
// request log (GET /_emulator/requests) does the counting. Each "browser" is a fresh
// fake-indexeddb factory; a "reload" is a new createAuth on the same factory.
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { IDBFactory } from "fake-indexeddb";
import { ROOT } from "./measure.mjs";

const seed = JSON.parse(readFileSync(`${ROOT}packages/cognito-idpool-emulator/demo-seed.json`, "utf8"));
const IDENTITY_POOL_ID = seed.identityPools[0].IdentityPoolId;
const USER_POOL_ID = seed.userPools[0].Id;
const CLIENT_ID = seed.userPools[0].Clients[0].ClientId;
const DEMO_USER = seed.userPools[0].Users[0];
const BUCKET = seed.buckets[0].Name;

/** One fresh browser profile: an empty IndexedDB. */
function freshBrowser() {
  globalThis.indexedDB = new IDBFactory();
}

/**
 * Stands in for the Web Locks API shared by two tabs of one origin: both createAuth instances get
 * the same lock, as two tabs get the same `navigator.locks`. (The real API across real tabs is
 * covered by the Playwright test "two tabs opened at once".)
 */
function sharedTabLock() {
  const tails = new Map();
  return {
    request(name, run) {
      const result = (tails.get(name) ?? Promise.resolve()).then(run);
      tails.set(
        name,
        result.catch(() => undefined),
      );
      return result;
    },
  };
}

export async function roundTripsReport({ stallSeconds = 75, lifetimeSeconds = 20, marginSeconds = 5, skipStall = false } = {}) {
  const { startEmulator } = await import("cognito-idpool-emulator");
  const { createControlClient } = await import("cognito-idpool-emulator/testing");
  const { createAuth } = await import("cognito-idpool");
  const { S3Client, ListObjectsV2Command, PutObjectCommand } = await import("@aws-sdk/client-s3");
  const emulator = await startEmulator({ port: 0, seed: skipStall ? { ...seed, buckets: [] } : seed });
  const url = emulator.url;
  const control = createControlClient(url);
  const requests = () => control.requests();
  const clear = () => control.clearRequests();
  const count = (log, service, operation) => log.filter((r) => r.service === service && (!operation || r.operation === operation)).length;
  const auths = [];
  const make = (extra = {}) => {
    const auth = createAuth({ identityPoolId: IDENTITY_POOL_ID, endpoint: url, ...extra });
    auths.push(auth);
    return auth;
  };

  const results = [];
  const record = (scenario, expected, log, note = "") => {
    const identity = count(log, "cognito-identity");
    const detail = ["GetId", "GetCredentialsForIdentity"].map((op) => `${op} ${count(log, "cognito-identity", op)}`).join(", ");
    results.push({ scenario, expected, identityPoolRequests: identity, detail, note, ok: identity === expected });
  };

  try {
    // Cold guest, then a reload of the same browser.
    freshBrowser();
    await clear();
    const first = await make().getCredentials();
    record("cold guest: first getCredentials()", 2, await requests());
    await clear();
    const again = await make().getCredentials();
    record("reload: new page, same IndexedDB", 1, await requests(), again.identityId === first.identityId ? "same identity" : "DIFFERENT identity");

    // 100 concurrent callers, cold then warm.
    freshBrowser();
    await clear();
    const many = make();
    const cold = await Promise.all(Array.from({ length: 100 }, () => many.getCredentials()));
    record("100 concurrent getCredentials(), cold", 2, await requests(), `${new Set(cold.map((c) => c.identityId)).size} identity`);
    await clear();
    await Promise.all(Array.from({ length: 100 }, () => many.getCredentials()));
    record("100 concurrent getCredentials(), warm", 0, await requests());

    // Login with a cached guest: the guest id goes with the logins to GetCredentialsForIdentity.
    freshBrowser();
    const withPool = make({ userPool: { userPoolId: USER_POOL_ID, clientId: CLIENT_ID } });
    const guest = await withPool.getCredentials();
    await clear();
    const outcome = new Promise((resolve) => {
      const stop = withPool.onIdentityChange((change) => {
        if (change.reason === "linked" || change.reason === "merged") {
          stop();
          resolve(change.reason);
        }
      });
    });
    const signed = await withPool.signIn({ username: DEMO_USER.Username, password: DEMO_USER.Password });
    if (signed.status !== "signedIn") throw new Error(`demo sign-in stopped at ${signed.challenge}`);
    await withPool.getCredentials();
    const loginLog = await requests();
    record(
      "sign-in with a cached guest",
      1,
      loginLog,
      `${await outcome} (guest ${guest.identityId.slice(-8)}); user-pool requests: ${loginLog
        .filter((r) => r.service === "cognito-idp")
        .map((r) => r.operation)
        .join(" + ")}`,
    );

    // Two tabs opened at once on a fresh browser.
    freshBrowser();
    await clear();
    const lock = sharedTabLock();
    const [tabA, tabB] = [make({ lock }), make({ lock })];
    const [a, b] = await Promise.all([tabA.getCredentials(), tabB.getCredentials()]);
    const tabsLog = await requests();
    results.push({
      scenario: "two tabs cold, at once",
      expected: 1,
      identityPoolRequests: count(tabsLog, "cognito-identity", "GetId"),
      detail: `GetId ${count(tabsLog, "cognito-identity", "GetId")}, GetCredentialsForIdentity ${count(tabsLog, "cognito-identity", "GetCredentialsForIdentity")}`,
      note: a.identityId === b.identityId ? "one identity" : "TWO identities",
      ok: count(tabsLog, "cognito-identity", "GetId") === 1 && a.identityId === b.identityId,
      counts: "GetId",
    });

    if (skipStall) return { results: { roundTrips: results }, text: render(results) };
    const stall = await refreshStall({
      make,
      control,
      requests,
      clear,
      url,
      S3Client,
      ListObjectsV2Command,
      PutObjectCommand,
      stallSeconds,
      lifetimeSeconds,
      marginSeconds,
    });
    return { results: { roundTrips: results, stall }, text: render(results, stall) };
  } finally {
    for (const auth of auths) auth.dispose?.();
    await control.setCredentialLifetime(null).catch(() => undefined);
    await emulator.stop();
  }
}

/**
 * A page that keeps calling getCredentials() (every 20 ms) and S3 (every 250 ms) across several
 * shortened credential lifetimes. Proactive refresh means no call should wait on the network.
 */
async function refreshStall({
  make,
  control,
  requests,
  clear,
  url,
  S3Client,
  ListObjectsV2Command,
  PutObjectCommand,
  stallSeconds,
  lifetimeSeconds,
  marginSeconds,
}) {
  await control.setCredentialLifetime(lifetimeSeconds);
  freshBrowser();
  const auth = make({ refreshMarginSeconds: marginSeconds });
  const s3 = new S3Client({ region: "eu-west-1", endpoint: url, forcePathStyle: true, credentials: auth.credentials });
  const identityId = (await auth.getCredentials()).identityId; // the cold start is not a stall
  await clear();
  const durations = [];
  // How late the event loop ran meanwhile: a slow call the loop itself caused is not a refresh stall.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  let s3Calls = 0;
  let s3Failures = 0;
  const failures = [];
  const until = Date.now() + stallSeconds * 1000;
  const credentialsLoop = (async () => {
    while (Date.now() < until) {
      const start = performance.now();
      await auth.getCredentials();
      durations.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const s3Loop = (async () => {
    let n = 0;
    while (Date.now() < until) {
      s3Calls += 1;
      try {
        if (n++ % 4 === 0) await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `private/${identityId}/bench.txt`, Body: `tick ${n}` }));
        else await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "public/" }));
      } catch (error) {
        s3Failures += 1;
        failures.push(`${error.name}: ${error.message}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  await Promise.all([credentialsLoop, s3Loop]);
  loopDelay.disable();
  const log = await requests();
  const failedInLog = log.filter((r) => r.status >= 400);
  durations.sort((x, y) => x - y);
  const pct = (p) => durations[Math.min(durations.length - 1, Math.floor((p / 100) * durations.length))];
  return {
    seconds: stallSeconds,
    lifetimeSeconds,
    marginSeconds,
    getCredentialsCalls: durations.length,
    slowestMs: durations.at(-1),
    p50Ms: pct(50),
    p99Ms: pct(99),
    refreshes: log.filter((r) => r.operation === "GetCredentialsForIdentity").length,
    slowCalls: durations.filter((d) => d >= 5).length,
    eventLoopMaxDelayMs: loopDelay.max / 1e6,
    s3Calls,
    failedInLog: failedInLog.map((r) => `${r.service} ${r.operation} ${r.status}`),
    failedInPage: s3Failures,
    clientFailures: failures.slice(0, 5),
  };
}

function render(results, stall) {
  const table = renderTable(results);
  if (!stall) return table;
  return [
    table,
    "",
    `Refresh stall: ${stall.seconds} s with credentials lasting ${stall.lifetimeSeconds} s (refresh margin ${stall.marginSeconds} s): ` +
      `${stall.refreshes} refreshes, ${stall.getCredentialsCalls} getCredentials() calls, slowest ${stall.slowestMs.toFixed(2)} ms ` +
      `(p50 ${stall.p50Ms.toFixed(3)} ms, p99 ${stall.p99Ms.toFixed(3)} ms, ${stall.slowCalls} at 5 ms or more; the event loop itself ran up to ${stall.eventLoopMaxDelayMs.toFixed(1)} ms late), ` +
      `${stall.s3Calls} S3 calls; failed AWS calls: ${stall.failedInLog.length} in the emulator's log, ${stall.failedInPage} thrown in the page` +
      (stall.failedInLog.length ? ` (${stall.failedInLog.join(", ")})` : "") +
      (stall.clientFailures.length ? `; client errors: ${stall.clientFailures.join("; ")}` : "") +
      ".",
  ].join("\n");
}

function renderTable(results) {
  const lines = ["| scenario | identity-pool requests | expected | detail | |", "|---|--:|--:|---|---|"];
  for (const r of results)
    lines.push(
      `| ${r.scenario} | ${r.identityPoolRequests}${r.counts ? ` ${r.counts}` : ""} | ${r.expected} | ${r.detail}${r.note ? `; ${r.note}` : ""} | ${r.ok ? "✓" : "✗"} |`,
    );
  return lines.join("\n");
}
