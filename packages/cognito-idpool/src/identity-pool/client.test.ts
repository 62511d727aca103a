import { afterEach, describe, expect, it, vi } from "vitest";
import { isCognitoIdpoolError } from "../errors.js";
import { globalTimers } from "../platform/defaults.js";
import { createIdentityPoolApi } from "./client.js";

const POOL = "eu-west-1:00000000-0000-4000-8000-000000000000";
const ID = "eu-west-1:11111111-2222-4333-8444-555555555555";
const DATE = "Wed, 01 Jan 2030 12:00:00 GMT";
const SERVER_NOW_S = Date.parse(DATE) / 1000;

function api(answer: (request: Request) => Response | Promise<Response>) {
  const dates: (string | undefined)[] = [];
  const client = createIdentityPoolApi({
    identityPoolId: POOL,
    region: "eu-west-1",
    endpoint: "http://127.0.0.1:4566",
    customRoleArn: undefined,
    fetch: async (input, init) => answer(input instanceof Request ? input : new Request(input, init)),
    requestTimeoutMs: 15_000,
    timers: globalTimers,
    observeServerDate: (date) => dates.push(date),
  });
  return { client, dates };
}

const json = (body: unknown, status = 200, date = DATE) =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/x-amz-json-1.1", ...(date ? { date } : {}) },
  });

const credentials = (overrides: Record<string, unknown> = {}) => ({
  IdentityId: ID,
  Credentials: { AccessKeyId: "ASIAEXAMPLE", SecretKey: "secret-key", SessionToken: "session-token", Expiration: SERVER_NOW_S + 3600, ...overrides },
});

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCognitoIdpoolError(error), String(error)).toBe(true);
  return error as Error & { code: string; retryable: boolean };
}

describe("identity-pool client: what Cognito returns is checked", () => {
  it("returns a well-formed identity id and credentials", async () => {
    expect(await api(() => json({ IdentityId: ID })).client.getId()).toBe(ID);
    expect(await api(() => json(credentials())).client.getCredentialsForIdentity(ID)).toEqual({
      identityId: ID,
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret-key",
      sessionToken: "session-token",
      expirationServerMs: (SERVER_NOW_S + 3600) * 1000,
    });
  });

  it("GetOpenIdToken's token is for the identity Cognito names (another one after a merge), checked like GetId's", async () => {
    const OTHER = "eu-west-1:99999999-2222-4333-8444-555555555555";
    expect(await api(() => json({ IdentityId: OTHER, Token: "a.b.c" })).client.getOpenIdToken(ID)).toEqual({ identityId: OTHER, token: "a.b.c" });
    expect(await api(() => json({ Token: "a.b.c" })).client.getOpenIdToken(ID)).toEqual({ identityId: ID, token: "a.b.c" });
    expect(await failure(api(() => json({ IdentityId: "nope", Token: "a.b.c" })).client.getOpenIdToken(ID))).toMatchObject({
      code: "service-error",
      message: "Amazon Cognito's answer has no valid IdentityId.",
    });
  });

  it.each([
    ["missing", {}],
    ["not a string", { IdentityId: 42 }],
    ["without a region", { IdentityId: "11111111-2222-4333-8444-555555555555" }],
    ["upper-case hex (never readable from storage again)", { IdentityId: "eu-west-1:ABCDEF00-2222-4333-8444-555555555555" }],
    ["longer than 55 characters", { IdentityId: `${ID}-${"0".repeat(20)}` }],
  ])("GetId with an IdentityId %s is a retryable service-error", async (_label, body) => {
    const error = await failure(api(() => json(body)).client.getId());
    expect(error).toMatchObject({ code: "service-error", retryable: true, message: "Amazon Cognito's answer has no valid IdentityId." });
  });

  it.each<[string, Record<string, unknown>]>([
    ["no credentials", { Credentials: undefined }],
    ["an empty SecretKey", credentials({ SecretKey: "" }).Credentials],
    ["a numeric AccessKeyId", credentials({ AccessKeyId: 5 }).Credentials],
    ["no SessionToken", credentials({ SessionToken: undefined }).Credentials],
    ["no Expiration", credentials({ Expiration: undefined }).Credentials],
    ["an Expiration past what a Date can hold", credentials({ Expiration: 1e20 }).Credentials],
    ["an Expiration that is not a number", credentials({ Expiration: "soon" }).Credentials],
    ["an Expiration already past at the answer's Date", credentials({ Expiration: SERVER_NOW_S - 1 }).Credentials],
    ["an Expiration days after the answer's Date", credentials({ Expiration: SERVER_NOW_S + 3 * 86_400 }).Credentials],
  ])("GetCredentialsForIdentity with %s is a retryable service-error", async (_label, creds) => {
    const error = await failure(api(() => json({ IdentityId: ID, Credentials: creds })).client.getCredentialsForIdentity(ID));
    expect(error).toMatchObject({ code: "service-error", retryable: true });
    expect(error.message).not.toMatch(/secret-key|session-token/);
  });

  it("GetCredentialsForIdentity naming a malformed identity is a retryable service-error", async () => {
    const error = await failure(api(() => json({ ...credentials(), IdentityId: "nope" })).client.getCredentialsForIdentity(ID));
    expect(error).toMatchObject({ code: "service-error", retryable: true, message: expect.stringContaining("IdentityId") });
  });

  it("without a Date header, any finite Expiration is taken (there is nothing to compare it with)", async () => {
    const out = await api(() => json(credentials(), 200, "")).client.getCredentialsForIdentity(ID);
    expect(out.expirationServerMs).toBe((SERVER_NOW_S + 3600) * 1000);
  });
});

describe("identity-pool client: transport failures", () => {
  afterEach(() => vi.useRealTimers());

  it("a stalled body fails the call at the deadline as a retryable network-error naming the operation", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { client } = api(
      () =>
        new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"IdentityId":')) }), {
          status: 200,
          headers: { date: DATE },
        }),
    );
    const outcome = client.getId().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(15_000);
    const error = await Promise.race([outcome, new Promise((resolve) => setImmediate(() => resolve("still pending")))]);
    expect(error).toMatchObject({ name: "CognitoIdpoolError", code: "network-error", retryable: true });
    expect((error as Error).message).toBe("Could not reach Amazon Cognito: no complete answer to GetId within 15000 ms");
  });

  it("a malformed 200 body is a retryable service-error that quotes none of it, not 'Could not reach'", async () => {
    const { client, dates } = api(() => json('{"IdentityId":"eu-west-1:1","Credentials":{"SecretKey":wJalrXUtnFEMI/K7MDENG"}'));
    const error = await failure(client.getCredentialsForIdentity(ID));
    expect(error).toMatchObject({ code: "service-error", retryable: true, message: "Amazon Cognito's answer could not be read (HTTP 200)." });
    expect(dates).toEqual([]);
  });

  it("a proxy's 502 page is a retryable service-error; a proxy's 403 page is not retryable", async () => {
    const page = (status: number) => () => new Response("<html>error</html>", { status, headers: { "content-type": "text/html" } });
    expect(await failure(api(page(502)).client.getId())).toMatchObject({ code: "service-error", retryable: true });
    expect(await failure(api(page(403)).client.getId())).toMatchObject({ code: "service-error", retryable: false });
  });
});
