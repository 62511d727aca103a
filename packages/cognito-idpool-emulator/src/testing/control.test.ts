import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ControlApiError, createControlClient, type ControlClient } from "./control.js";
import { startTestEmulator, type TestEmulator } from "./harness.js";

let emulator: TestEmulator;
let control: ControlClient;
beforeAll(async () => {
  emulator = await startTestEmulator();
  control = createControlClient(`${emulator.url}/`);
});
afterAll(() => emulator.stop());
beforeEach(() => control.reset());

/** An unsigned awsJson call, as a browser makes it. */
async function awsJson(target: string, body: unknown): Promise<Response> {
  return fetch(emulator.url, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": target },
    body: JSON.stringify(body),
  });
}

async function rejection(promise: Promise<unknown>): Promise<ControlApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ControlApiError);
  return error as ControlApiError;
}

describe("createControlClient", () => {
  it("reports health and the clock, shifts the clock and reset puts it back", async () => {
    expect(control.url).toBe(emulator.url);
    const before = Date.parse((await control.health()).now);
    const shifted = await control.setClock(3600);
    expect(shifted.offsetSeconds).toBe(3600);
    expect(Date.parse(shifted.now) - before).toBeGreaterThanOrEqual(3600_000);
    expect((await control.clock()).offsetSeconds).toBe(3600);
    await control.reset();
    expect((await control.clock()).offsetSeconds).toBe(0);
  });

  it("injects a fault that the next matching request answers with, then clears faults", async () => {
    const pending = await control.addFault({ target: "GetId", error: "TooManyRequestsException", count: 2, message: "slow down" });
    expect(pending).toEqual([{ target: "GetId", error: "TooManyRequestsException", count: 2, latencyMs: 0, message: "slow down" }]);
    const answered = await awsJson("AWSCognitoIdentityService.GetId", { IdentityPoolId: "eu-west-1:00000000-0000-4000-8000-000000000000" });
    expect(answered.status).toBe(400);
    expect(await answered.json()).toEqual({ __type: "TooManyRequestsException", message: "slow down" });
    await control.clearFaults();
    const after = await awsJson("AWSCognitoIdentityService.GetId", { IdentityPoolId: "eu-west-1:00000000-0000-4000-8000-000000000000" });
    expect((await after.json()).__type).toBe("ResourceNotFoundException");
  });

  it("lists the request log and clears it", async () => {
    await awsJson("AWSCognitoIdentityService.GetId", { IdentityPoolId: "eu-west-1:00000000-0000-4000-8000-000000000000" });
    const [entry, ...rest] = await control.requests();
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ service: "cognito-identity", operation: "GetId", status: 400 });
    expect(Number.isNaN(Date.parse(entry!.time))).toBe(false);
    await control.clearRequests();
    expect(await control.requests()).toEqual([]);
  });

  it("sets the credential lifetime; null restores the hour; out of range is refused naming the call", async () => {
    expect(await control.setCredentialLifetime(60)).toEqual({ lifetimeSeconds: 60 });
    expect(await control.setCredentialLifetime(null)).toEqual({ lifetimeSeconds: 3600 });
    const error = await rejection(control.setCredentialLifetime(0));
    expect(error.status).toBe(400);
    expect(error.type).toBe("ValidationException");
    expect(error.call).toBe("setCredentialLifetime (POST /_emulator/credentials)");
    expect(error.message).toBe(
      "cognito-idpool-emulator control API setCredentialLifetime (POST /_emulator/credentials): 400 ValidationException: lifetimeSeconds must be an integer from 1 to 43200, or null for the default 3600.",
    );
  });

  it("seeds a user pool, and reads the code a sign-up sent (404 before there is one)", async () => {
    const seeded = await control.seed({
      userPools: [{ PoolName: "control", AutoVerifiedAttributes: ["email"], Clients: [{ ClientName: "web" }] }],
    });
    const pool = seeded.userPools[0]!;
    expect(pool.name).toBe("control");
    const clientId = pool.clients[0]!.id;

    const none = await rejection(control.lastCode(pool.id, "nëw+user"));
    expect([none.status, none.type]).toEqual([404, "ResourceNotFoundException"]);
    expect(none.call).toBe(`lastCode (GET /_emulator/codes/${pool.id}/n%C3%ABw%2Buser)`);

    const signUp = await awsJson("AWSCognitoIdentityProviderService.SignUp", {
      ClientId: clientId,
      Username: "nëw+user",
      Password: "Corr3ct-horse!",
      UserAttributes: [{ Name: "email", Value: "new@example.com" }],
    });
    expect(signUp.status, await signUp.clone().text()).toBe(200);
    const sent = await control.lastCode(pool.id, "nëw+user");
    expect(sent.kind).toBe("confirmation");
    expect(sent.code).toMatch(/^\d{6}$/);
  });

  it("passes a refused seed's reason on, and send() reaches any route", async () => {
    const error = await rejection(control.seed({ identityPools: [{ IdentityPoolName: "x" }] } as never));
    expect(error.call).toBe("seed (POST /_emulator/seed)");
    expect(error.type).toBe("ValidationException");
    expect(await control.send("GET", "/health")).toMatchObject({ ok: true });
    const unknown = await rejection(control.send("GET", "nowhere"));
    expect([unknown.status, unknown.type]).toEqual([404, "UnknownOperationException"]);
  });

  it("uses the fetch it is given", async () => {
    const seen: string[] = [];
    const recording = createControlClient(emulator.url, {
      fetch: (input, init) => {
        seen.push(`${init?.method} ${String(input)}`);
        return fetch(input, init);
      },
    });
    await recording.clearRequests();
    expect(seen).toEqual([`DELETE ${emulator.url}/_emulator/requests`]);
  });

  it("is what TestEmulator.control is, callable in the untyped form too", async () => {
    await emulator.control.setClock(5);
    expect((await emulator.control("clock")).offsetSeconds).toBe(5);
    await emulator.control("clock", { offsetSeconds: 0 });
    expect((await emulator.control.clock()).offsetSeconds).toBe(0);
  });
});

describe("stalled and malformed answers", () => {
  const REGIONAL_ID = /^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]+$/;
  /** A pool that lets guests in, so GetId answers 200 with a real identity id. */
  async function guestPool(): Promise<string> {
    const seeded = await control.seed({ identityPools: [{ IdentityPoolName: "faults", AllowUnauthenticatedIdentities: true }] });
    return seeded.identityPools[0]!.id;
  }
  const getId = (poolId: string, signal?: AbortSignal) =>
    fetch(emulator.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityService.GetId" },
      body: JSON.stringify({ IdentityPoolId: poolId }),
      ...(signal ? { signal } : {}),
    });
  /** Whether `promise` settles within `ms`. */
  const settlesWithin = (promise: Promise<unknown>, ms: number) =>
    Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
    ]);

  it("stallBody sends status and headers, then holds the body until the client gives up; later requests are served", async () => {
    const poolId = await guestPool();
    const pending = await control.addFault({ target: "GetId", stallBody: true });
    expect(pending).toEqual([{ target: "GetId", error: "", count: 1, latencyMs: 0, stallBody: true }]);
    const abort = new AbortController();
    const response = await getId(poolId, abort.signal);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(Number(response.headers.get("content-length"))).toBeGreaterThan(0);
    const body = response.text();
    expect(await settlesWithin(body, 400)).toBe(false);
    abort.abort();
    await expect(body).rejects.toThrow();
    // The operation ran and was logged; the emulator is not wedged by the stalled socket.
    expect((await control.requests()).map((r) => [r.operation, r.status])).toEqual([["GetId", 200]]);
    expect(await (await getId(poolId)).json()).toMatchObject({ IdentityId: expect.stringMatching(REGIONAL_ID) });
  });

  it("stallMs sends the held body once it elapses, and a stalled error answer keeps its status", async () => {
    const poolId = await guestPool();
    await control.addFault({ target: "GetId", stallBody: true, stallMs: 300 });
    const started = performance.now();
    const response = await getId(poolId);
    expect(performance.now() - started).toBeLessThan(250);
    expect(await response.json()).toMatchObject({ IdentityId: expect.stringMatching(REGIONAL_ID) });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);

    await control.addFault({ target: "GetId", error: "TooManyRequestsException", stallBody: true, stallMs: 200 });
    const refused = await getId(poolId);
    expect(refused.status).toBe(400);
    expect(refused.headers.get("x-amzn-errortype")).toBe("TooManyRequestsException:");
    expect(await settlesWithin(refused.clone().text(), 100)).toBe(false);
    expect((await refused.json()).__type).toBe("TooManyRequestsException");
  });

  it("malformed answers 200 with the real answer cut short, invalid as JSON", async () => {
    const poolId = await guestPool();
    await control.addFault({ target: "*", malformed: true, count: 2 });
    const response = await getId(poolId);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-amzn-errortype")).toBeNull();
    const text = await response.text();
    expect(text).toMatch(/^\{"IdentityId":"[a-z]{2}-[a-z]+-\d:/);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    // An error answer is cut short too, and sent as a 200.
    const refused = await awsJson("AWSCognitoIdentityService.GetId", { IdentityPoolId: "eu-west-1:00000000-0000-4000-8000-000000000000" });
    expect(refused.status).toBe(200);
    const refusedText = await refused.text();
    expect(refusedText.startsWith('{"__type":"Resource')).toBe(true);
    expect(() => JSON.parse(refusedText)).toThrow(SyntaxError);
    expect(await (await getId(poolId)).json()).toMatchObject({ IdentityId: expect.any(String) });
  });

  it("a malformed fault aimed at * leaves S3 and query requests alone and waits for an awsJson one", async () => {
    const poolId = await guestPool();
    await control.addFault({ target: "*", malformed: true });
    const s3 = await fetch(`${emulator.url}/no-such-bucket`);
    expect(s3.status).toBe(403);
    expect(await s3.text()).toContain("<Code>AccessDenied</Code>");
    const query = await fetch(`${emulator.url}/?Action=Frobnicate&Version=2010-05-08`);
    expect(await query.text()).toContain("<Code>InvalidAction</Code>");
    const text = await (await getId(poolId)).text();
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it("refuses combinations that cannot happen, naming the field", async () => {
    const refused = async (fault: Record<string, unknown>) => (await rejection(control.send("POST", "faults", fault))).message;
    expect(await refused({ target: "GetId", stallMs: 100 })).toContain("stallMs must be given only with stallBody: true");
    expect(await refused({ target: "GetId", stallBody: true, stallMs: 0 })).toContain("stallMs must be milliseconds from 1 to 600000");
    expect(await refused({ target: "GetId", stallBody: "yes" })).toContain("stallBody must be true or false");
    expect(await refused({ target: "GetId", error: "network", stallBody: true })).toContain("stallBody must be left out with error network");
    expect(await refused({ target: "GetId", error: "TooManyRequestsException", malformed: true })).toContain("malformed must be left out with error");
    expect(await refused({ target: "GetId" })).toContain("or give latencyMs, stallBody or malformed");
  });
});
