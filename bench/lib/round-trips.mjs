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

/**
 * The latency run: 400 ms injected on every GetCredentialsForIdentity. Credentials of 32 s renewed
 * 16 s before expiry, so a renewal starts with more time left than the SDK's 15 s "still valid"
 * cushion and no caller has a reason to wait on it; at least 5 renewals are watched.
 */
const LATENCY_STALL = { latencyMs: 400, lifetimeSeconds: 32, marginSeconds: 16, renewals: 5, maxSeconds: 150 };

export async function roundTripsReport({ stallSeconds = 40, lifetimeSeconds = 20, marginSeconds = 5, skipStall = false } = {}) {
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
    const page = { make, control, requests, clear, url, S3Client, ListObjectsV2Command, PutObjectCommand };
    const stall = await refreshStall({ ...page, stallSeconds, lifetimeSeconds, marginSeconds });
    const latencyStall = await refreshStall({ ...page, ...LATENCY_STALL, stallSeconds: LATENCY_STALL.maxSeconds });
    return { results: { roundTrips: results, stall, latencyStall }, text: render(results, stall, latencyStall) };
  } finally {
    for (const auth of auths) auth.dispose?.();
    await control.clearFaults().catch(() => undefined);
    await control.setCredentialLifetime(null).catch(() => undefined);
    await emulator.stop();
  }
}

/**
 * A page that keeps calling getCredentials() and auth.credentials() (each every 20 ms) and S3 (every
 * 250 ms) across several shortened credential lifetimes. Proactive refresh means no call should wait
 * on the network. With `latencyMs`, every GetCredentialsForIdentity is held that long at the
 * emulator (a phone's round trip; on loopback a caller that waits on a renewal hides in 2 ms), and
 * the run ends once `renewals` renewals have been answered (or after `stallSeconds`).
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
  latencyMs = 0,
  renewals = Infinity,
}) {
  await control.setCredentialLifetime(lifetimeSeconds);
  freshBrowser();
  const auth = make({ refreshMarginSeconds: marginSeconds });
  const s3 = new S3Client({ region: "eu-west-1", endpoint: url, forcePathStyle: true, credentials: auth.credentials });
  const identityId = (await auth.getCredentials()).identityId; // the cold start is not a stall
  await clear();
  // A count no run can use up: every renewal of the run is slowed, none escapes.
  if (latencyMs > 0) await control.addFault({ target: "GetCredentialsForIdentity", latencyMs, count: 100_000 });
  const started = Date.now();
  const durations = [];
  const providerDurations = [];
  // How late the event loop ran meanwhile: a slow call the loop itself caused is not a refresh stall.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  let s3Calls = 0;
  let s3Failures = 0;
  const failures = [];
  let until = started + stallSeconds * 1000;
  const running = () => Date.now() < until;
  const credentialsLoop = (async () => {
    while (running()) {
      const start = performance.now();
      await auth.getCredentials();
      durations.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  // What an AWS SDK client calls before every request; timed apart from getCredentials().
  const providerLoop = (async () => {
    await new Promise((r) => setTimeout(r, 10));
    while (running()) {
      const start = performance.now();
      await auth.credentials();
      providerDurations.push(performance.now() - start);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  // Ends the run one second after the wanted number of renewals were answered.
  const watch = (async () => {
    if (renewals === Infinity) return;
    while (running()) {
      await new Promise((r) => setTimeout(r, 1000));
      const answered = (await requests()).filter((r) => r.operation === "GetCredentialsForIdentity" && r.status === 200).length;
      if (answered >= renewals) until = Math.min(until, Date.now() + 1000);
    }
  })();
  const s3Loop = (async () => {
    let n = 0;
    while (running()) {
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
  await Promise.all([credentialsLoop, providerLoop, s3Loop, watch]);
  loopDelay.disable();
  if (latencyMs > 0) await control.clearFaults();
  const log = await requests();
  const failedInLog = log.filter((r) => r.status >= 400);
  durations.sort((x, y) => x - y);
  providerDurations.sort((x, y) => x - y);
  const pct = (list, p) => list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))];
  return {
    seconds: Math.round((Date.now() - started) / 1000),
    lifetimeSeconds,
    marginSeconds,
    latencyMs,
    getCredentialsCalls: durations.length,
    slowestMs: durations.at(-1),
    p50Ms: pct(durations, 50),
    p99Ms: pct(durations, 99),
    credentialsProviderCalls: providerDurations.length,
    providerSlowestMs: providerDurations.at(-1),
    providerP99Ms: pct(providerDurations, 99),
    refreshes: log.filter((r) => r.operation === "GetCredentialsForIdentity").length,
    slowCalls: durations.filter((d) => d >= 5).length,
    callsOver100Ms: durations.filter((d) => d >= 100).length + providerDurations.filter((d) => d >= 100).length,
    eventLoopMaxDelayMs: loopDelay.max / 1e6,
    s3Calls,
    failedInLog: failedInLog.map((r) => `${r.service} ${r.operation} ${r.status}`),
    failedInPage: s3Failures,
    clientFailures: failures.slice(0, 5),
  };
}

function render(results, stall, latencyStall) {
  const table = renderTable(results);
  if (!stall) return table;
  return [table, "", renderStall("Refresh stall", stall), "", renderStall("Refresh stall under latency", latencyStall)].join("\n");
}

function renderStall(title, stall) {
  const latency = stall.latencyMs ? ` and ${stall.latencyMs} ms of latency on every GetCredentialsForIdentity` : "";
  return (
    `${title}: ${stall.seconds} s with credentials lasting ${stall.lifetimeSeconds} s (refresh margin ${stall.marginSeconds} s)${latency}: ` +
    `${stall.refreshes} refreshes; ${stall.getCredentialsCalls} getCredentials() calls, slowest ${stall.slowestMs.toFixed(2)} ms ` +
    `(p50 ${stall.p50Ms.toFixed(3)} ms, p99 ${stall.p99Ms.toFixed(3)} ms, ${stall.slowCalls} at 5 ms or more); ` +
    `${stall.credentialsProviderCalls} auth.credentials() calls, slowest ${stall.providerSlowestMs.toFixed(2)} ms (p99 ${stall.providerP99Ms.toFixed(3)} ms); ` +
    `${stall.callsOver100Ms} calls of either at 100 ms or more; the event loop itself ran up to ${stall.eventLoopMaxDelayMs.toFixed(1)} ms late; ` +
    `${stall.s3Calls} S3 calls; failed AWS calls: ${stall.failedInLog.length} in the emulator's log, ${stall.failedInPage} thrown in the page` +
    (stall.failedInLog.length ? ` (${stall.failedInLog.join(", ")})` : "") +
    (stall.clientFailures.length ? `; client errors: ${stall.clientFailures.join("; ")}` : "") +
    "."
  );
}

function renderTable(results) {
  const lines = ["| scenario | identity-pool requests | expected | detail | |", "|---|--:|--:|---|---|"];
  for (const r of results)
    lines.push(
      `| ${r.scenario} | ${r.identityPoolRequests}${r.counts ? ` ${r.counts}` : ""} | ${r.expected} | ${r.detail}${r.note ? `; ${r.note}` : ""} | ${r.ok ? "✓" : "✗"} |`,
    );
  return lines.join("\n");
}
