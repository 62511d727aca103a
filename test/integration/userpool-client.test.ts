/**
 * The user-pool wire client (src/user-pool/client.ts) against our emulator over HTTP: what it
 * kept from the AWS SDK client it replaced. Failures that may pass (a dropped connection,
 * throttling) are retried, three attempts in all; other refusals are not; and the `Date` header of
 * error responses still teaches the host the server's clock.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "cognito-idpool-emulator/testing";
import { isCognitoIdpoolError } from "../../packages/cognito-idpool/src/errors.js";
import type { UserPoolSession } from "../../packages/cognito-idpool/src/user-pool/contract.js";
import { createUserPoolSession } from "../../packages/cognito-idpool/src/user-pool/session.js";
import { createLiveHost, type FakeHost } from "../../packages/cognito-idpool/test/fakes/userpool-host.js";
import { createUserPoolEnv, type UserPoolEnv } from "./userpool-env.js";

let emulator: TestEmulator;
let env: UserPoolEnv;
const sessions: UserPoolSession[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator();
  env = await createUserPoolEnv(emulator);
  await env.createUser("retry-user", "Correct-Horse-1");
});

afterEach(async () => {
  await emulator.control("faults", { clear: true });
  await emulator.control("clock", { offsetSeconds: 0 });
});

afterAll(async () => {
  for (const session of sessions) session.dispose();
  await emulator?.stop();
});

function open(): { host: FakeHost; session: UserPoolSession } {
  const host = createLiveHost({ userPoolId: env.userPoolId, clientId: env.clientId, endpoint: emulator.url });
  const session = createUserPoolSession(host);
  sessions.push(session);
  return { host, session };
}

/** Statuses of the InitiateAuth requests the emulator logged since the last clear (0 = connection dropped). */
async function initiateAuthStatuses(): Promise<number[]> {
  const { requests } = (await emulator.control("requests")) as { requests: { operation: string; status: number }[] };
  return requests.filter((r) => r.operation === "InitiateAuth").map((r) => r.status);
}

async function signIn(session: UserPoolSession, password = "Correct-Horse-1") {
  await emulator.control("requests", undefined, "DELETE");
  return session.signIn({ username: "retry-user", password, authFlow: "USER_PASSWORD_AUTH" });
}

describe("user-pool client", () => {
  it.each([
    ["two dropped connections", "network"],
    ["throttled twice", "TooManyRequestsException"],
  ])("%s: the third attempt signs in", async (_label, error) => {
    const { session } = open();
    await emulator.control("faults", { target: "InitiateAuth", error, count: 2 });
    expect(await signIn(session)).toEqual({ status: "signedIn" });
    const statuses = await initiateAuthStatuses();
    expect(statuses).toHaveLength(3);
    expect(statuses.at(-1)).toBe(200);
  });

  it("gives up after three attempts with a retryable error", async () => {
    const { session } = open();
    await emulator.control("faults", { target: "InitiateAuth", error: "network", count: 3 });
    const error = await signIn(session).catch((e: unknown) => e);
    expect(isCognitoIdpoolError(error, "network-error")).toBe(true);
    expect(await initiateAuthStatuses()).toEqual([0, 0, 0]);
  });

  it("does not retry a refusal: one request for a wrong password", async () => {
    const { session } = open();
    const error = await signIn(session, "Wrong-Horse-1").catch((e: unknown) => e);
    expect(isCognitoIdpoolError(error, "incorrect-username-or-password")).toBe(true);
    expect(await initiateAuthStatuses()).toEqual([400]);
  });

  it("learns the server clock from the Date header of an error response", async () => {
    const { host, session } = open();
    await emulator.control("clock", { offsetSeconds: 3600 });
    await signIn(session, "Wrong-Horse-1").catch(() => undefined);
    expect(await initiateAuthStatuses()).toEqual([400]);
    expect(Math.abs(host.offsetMs - 3_600_000)).toBeLessThan(60_000);
  });
});
