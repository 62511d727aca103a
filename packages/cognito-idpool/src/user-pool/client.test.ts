import { createJsonRpcSend } from "../aws/json-rpc.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { globalTimers } from "../platform/defaults.js";
import { backoffDelay } from "../refresh/backoff.js";
import { call, createUserPoolApi, type UserPoolApiHost, type UserPoolOperation } from "./client.js";

const DATE = "Wed, 01 Jan 2030 12:00:00 GMT";

/** A client against a scripted endpoint, on the global timers (faked per test) and a fixed `random`. */
function client(answer: (operation: string, attempt: number) => Response | Promise<Response>, random = () => 0.5) {
  const attempts: string[] = [];
  const host: UserPoolApiHost = {
    options: { userPoolId: "eu-west-1_TestPool1", clientId: "client1" },
    region: "eu-west-1",
    endpoint: "http://127.0.0.1:9229",
    fetch: async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const operation = request.headers.get("x-amz-target")!.split(".")[1]!;
      attempts.push(operation);
      return answer(operation, attempts.length);
    },
    jsonRpc: createJsonRpcSend,
    requestTimeoutMs: 15_000,
    timers: globalTimers,
    observeServerDate: () => undefined,
    random,
  };
  return { api: createUserPoolApi(host), attempts };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/x-amz-json-1.1", date: DATE } });
const throttled = () => json({ __type: "TooManyRequestsException", message: "Rate exceeded" }, 400);
const dropped = () => Promise.reject(new TypeError("Failed to fetch"));

const INPUTS: Record<string, [UserPoolOperation, object]> = {
  SignUp: ["SignUp", { ClientId: "client1", Username: "u", Password: "p" }],
  ForgotPassword: ["ForgotPassword", { ClientId: "client1", Username: "u" }],
  RespondToAuthChallenge: ["RespondToAuthChallenge", { ClientId: "client1", ChallengeName: "SMS_MFA", Session: "s", ChallengeResponses: {} }],
  ConfirmSignUp: ["ConfirmSignUp", { ClientId: "client1", Username: "u", ConfirmationCode: "1" }],
  GlobalSignOut: ["GlobalSignOut", { AccessToken: "a" }],
  InitiateAuth: ["InitiateAuth", { ClientId: "client1", AuthFlow: "USER_SRP_AUTH", AuthParameters: {} }],
  RevokeToken: ["RevokeToken", { ClientId: "client1", Token: "t" }],
};
const send = (api: ReturnType<typeof client>["api"], name: keyof typeof INPUTS) => {
  const [operation, input] = INPUTS[name]!;
  return call(() => api.send(operation, input as never));
};

/** Runs timers until `promise` settles; resolves to what it rejected with (or resolved to). */
async function settle(promise: Promise<unknown>): Promise<unknown> {
  let done = false;
  const outcome = promise.then(
    (value) => value,
    (error: unknown) => error,
  );
  void outcome.finally(() => (done = true));
  for (let i = 0; i < 10 && !done; i++) await vi.advanceTimersByTimeAsync(60_000);
  return outcome;
}

describe("user-pool client", () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }));
  afterEach(() => vi.useRealTimers());

  it("fails a call whose body stalls at the deadline, naming the operation, as a retryable network-error", async () => {
    const stalled = () =>
      new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode("{")) }), { status: 200, headers: { date: DATE } });
    const { api, attempts } = client(stalled);
    const outcome = send(api, "SignUp").catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(15_000);
    const error = await Promise.race([outcome, new Promise((resolve) => setImmediate(() => resolve("still pending")))]);
    expect(error).toMatchObject({ name: "CognitoIdpoolError", code: "network-error", retryable: true });
    expect((error as Error).message).toBe("The user pool could not be reached (no complete answer to SignUp within 15000 ms).");
    expect(attempts).toEqual(["SignUp"]);
  });

  it("repeats a throttled call of any operation, three attempts in all, waiting the shared backoff with the host's random", async () => {
    const spy = vi.spyOn(globalThis, "setTimeout");
    const { api, attempts } = client(throttled, () => 0.25);
    const error = await settle(send(api, "SignUp"));
    expect(error).toMatchObject({ code: "throttled", retryable: true });
    expect(attempts).toEqual(["SignUp", "SignUp", "SignUp"]);
    const waits = spy.mock.calls.map(([, ms]) => ms).filter((ms) => ms !== 15_000);
    expect(waits).toEqual([backoffDelay(1, () => 0.25), backoffDelay(2, () => 0.25)]);
  });

  it("returns the answer of a retry that succeeds", async () => {
    const { api, attempts } = client((_operation, attempt) => (attempt === 1 ? throttled() : json({ UserConfirmed: false, UserSub: "sub" })));
    expect(await settle(send(api, "SignUp"))).toMatchObject({ UserSub: "sub" });
    expect(attempts).toHaveLength(2);
  });

  it.each(["SignUp", "ForgotPassword", "RespondToAuthChallenge", "ConfirmSignUp", "GlobalSignOut"] as const)(
    "never repeats %s after a lost answer or a 5xx, which may have been carried out (a second code, an account that 'exists')",
    async (name) => {
      for (const answer of [dropped, () => json({ __type: "InternalErrorException", message: "boom" }, 500)]) {
        const { api, attempts } = client(answer);
        expect(await settle(send(api, name))).toMatchObject({ retryable: true });
        expect(attempts).toEqual([name]);
      }
    },
  );

  it.each(["InitiateAuth", "RevokeToken"] as const)("repeats %s after a lost answer, three attempts in all", async (name) => {
    const { api, attempts } = client(dropped);
    expect(await settle(send(api, name))).toMatchObject({ code: "network-error", retryable: true });
    expect(attempts).toEqual([name, name, name]);
  });

  it("does not repeat what the user pool refused", async () => {
    const { api, attempts } = client(() => json({ __type: "NotAuthorizedException", message: "Incorrect username or password." }, 400));
    expect(await settle(send(api, "InitiateAuth"))).toMatchObject({ code: "incorrect-username-or-password" });
    expect(attempts).toHaveLength(1);
  });
});

describe("user-pool client: malformed answers are service errors", () => {
  const challenge = (parameters: Record<string, string>) => () =>
    json({ ChallengeName: "NEW_PASSWORD_REQUIRED", Session: "s", ChallengeParameters: { USER_ID_FOR_SRP: "u", ...parameters } });

  it.each([
    ["requiredAttributes is JSON null", { requiredAttributes: "null" }],
    ["requiredAttributes is an object", { requiredAttributes: '{"a":1}' }],
    ["requiredAttributes lists a number", { requiredAttributes: "[1]" }],
    ["requiredAttributes is not JSON", { requiredAttributes: "[userAttributes.email" }],
    ["userAttributes is an array", { userAttributes: '["email"]' }],
    ["userAttributes is JSON null", { userAttributes: "null" }],
  ])("NEW_PASSWORD_REQUIRED where %s", async (_label, parameters) => {
    const { api } = client(challenge(parameters));
    const error = await send(api, "RespondToAuthChallenge").catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "CognitoIdpoolError", code: "service-error", retryable: true });
  });

  it("passes a NEW_PASSWORD_REQUIRED challenge with a JSON array and object through", async () => {
    const { api } = client(challenge({ requiredAttributes: '["userAttributes.name"]', userAttributes: '{"email":"a@example.com"}' }));
    expect(await send(api, "RespondToAuthChallenge")).toMatchObject({ ChallengeName: "NEW_PASSWORD_REQUIRED" });
  });

  it("a malformed 200 body is a retryable service-error quoting none of it", async () => {
    const { api } = client(() => new Response('{"AuthenticationResult":{"RefreshToken":eyJjdHkiOiJKV1QiLCJlbmMi', { status: 200, headers: { date: DATE } }));
    const error = await send(api, "SignUp").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "service-error", retryable: true, message: "The user pool's answer could not be read (HTTP 200)." });
  });
});
