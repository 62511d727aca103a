import { errorTypeRegistries, GetId$, NotAuthorizedException } from "@aws-sdk/client-cognito-identity";
import { errorTypeRegistries as userPoolErrorTypeRegistries, InitiateAuth$ } from "@aws-sdk/client-cognito-identity-provider";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { globalTimers } from "../platform/defaults.js";
import { fromIdentityPoolError } from "../identity-pool/errors.js";
import { fromUserPoolError } from "../user-pool/errors.js";
import { createJsonRpcSend, type OperationSchema } from "./json-rpc.js";
import { classify, serviceUrl } from "./outcome.js";

const DATE = "Wed, 01 Jan 2030 12:00:00 GMT";

function sender(answer: (request: Request) => Response | Promise<Response>, deadlineMs?: number, userPool = false) {
  const requests: Request[] = [];
  const dates: (string | undefined)[] = [];
  const send = createJsonRpcSend({
    url: "http://127.0.0.1:4566",
    ...(userPool
      ? {
          serviceTarget: "AWSCognitoIdentityProviderService",
          defaultNamespace: "com.amazonaws.cognitoidentityprovider",
          errorTypeRegistries: userPoolErrorTypeRegistries,
        }
      : { serviceTarget: "AWSCognitoIdentityService", defaultNamespace: "com.amazonaws.cognitoidentity", errorTypeRegistries }),
    timers: globalTimers,
    ...(deadlineMs ? { requestTimeoutMs: deadlineMs } : {}),
    fetch: async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      requests.push(request.clone());
      return answer(request);
    },
    observeServerDate: (date) => dates.push(date),
  });
  return { send, requests, dates };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/x-amz-json-1.1", date: DATE, ...headers } });

describe("createJsonRpcSend", () => {
  it("posts awsJson1_1 to the endpoint and reads the output", async () => {
    const { send, requests, dates } = sender(() => json(200, { IdentityId: "eu-west-1:1" }));
    const { output, dateMs } = await send<{ IdentityId?: string }>(GetId$, { IdentityPoolId: "eu-west-1:pool" });
    expect(output.IdentityId).toBe("eu-west-1:1");
    expect(dateMs).toBe(Date.parse(DATE));
    const [request] = requests;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe("http://127.0.0.1:4566/");
    expect(request!.headers.get("x-amz-target")).toBe("AWSCognitoIdentityService.GetId");
    expect(request!.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(await request!.json()).toEqual({ IdentityPoolId: "eu-west-1:pool" });
    expect(dates).toEqual([DATE]);
  });

  it("sends the request as the SDK's FetchHttpHandler does: one Request, default fetch options, no credentials from the URL", async () => {
    const seen: Request[] = [];
    const send = createJsonRpcSend({
      url: "https://user:secret@127.0.0.1:4566/base",
      serviceTarget: "AWSCognitoIdentityService",
      defaultNamespace: "com.amazonaws.cognitoidentity",
      errorTypeRegistries,
      timers: globalTimers,
      fetch: async (input, init) => {
        expect(input).toBeInstanceOf(Request);
        expect(init).toBeUndefined();
        seen.push(input as Request);
        return json(200, {});
      },
      observeServerDate: () => {},
    });
    await send(GetId$, { IdentityPoolId: "eu-west-1:pool" });
    expect(seen[0]).toMatchObject({
      method: "POST",
      url: "https://127.0.0.1:4566/base/",
      cache: "default",
      credentials: "same-origin",
      keepalive: false,
      mode: "cors",
      redirect: "follow",
    });
    expect([...seen[0]!.headers]).toEqual([
      ["content-type", "application/x-amz-json-1.1"],
      ["x-amz-target", "AWSCognitoIdentityService.GetId"],
    ]);
  });

  it("throws modeled errors as the client package's classes, after showing their Date header", async () => {
    const { send, dates } = sender(() => json(400, { __type: "NotAuthorizedException", message: "Access to Identity 'x' is forbidden." }));
    const error = await send(GetId$, { IdentityPoolId: "eu-west-1:pool" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error).toMatchObject({
      name: "NotAuthorizedException",
      message: "Access to Identity 'x' is forbidden.",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
    expect(dates).toEqual([DATE]);
  });

  it("gives an unreadable answer its HTTP status, without its Date (a proxy's clock) or any of its body", async () => {
    const { send, dates } = sender(() => new Response("<html>Bad Gateway</html>", { status: 502, headers: { date: DATE } }));
    const error = await send(GetId$, { IdentityPoolId: "eu-west-1:pool" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 502 } });
    expect(String((error as Error).message)).not.toContain("html");
    expect(dates).toEqual([]);
  });

  it("passes a transport failure on without $metadata", async () => {
    const { send, dates } = sender(() => Promise.reject(new TypeError("Failed to fetch")));
    const error = await send(GetId$, { IdentityPoolId: "eu-west-1:pool" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toHaveProperty("$metadata");
    expect(dates).toEqual([]);
  });
});

/** A body whose first bytes arrive with the headers and whose rest never does. */
function stalledBody(): Response {
  const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"IdentityId":"eu-')) });
  return new Response(body, { status: 200, headers: { "content-type": "application/x-amz-json-1.1", date: DATE } });
}

/** Settles `promise` into a value, or "pending" if it has not settled once pending work has run. */
async function peek(promise: Promise<unknown>): Promise<unknown> {
  const settled = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  return Promise.race([settled, Promise.resolve("pending")]);
}

describe("one deadline for the whole answer", () => {
  // Only the timers are faked: the deadline runs on them, while streams and setImmediate stay real.
  beforeEach(() => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] }));
  afterEach(() => vi.useRealTimers());

  it("rejects a call whose headers came but whose body stalls, naming the operation and the deadline, and aborts the request", async () => {
    let signal: AbortSignal | undefined;
    const { send, dates } = sender((request) => {
      signal = request.signal;
      return stalledBody();
    }, 15_000);
    const outcome = send(GetId$, { IdentityPoolId: "eu-west-1:pool" });
    expect(await peek(outcome)).toBe("pending");
    await vi.advanceTimersByTimeAsync(14_999);
    expect(await peek(outcome)).toBe("pending");
    await vi.advanceTimersByTimeAsync(1);
    const result = await peek(outcome);
    expect(result).toMatchObject({ error: { name: "TimeoutError", message: "no complete answer to GetId within 15000 ms" } });
    expect((result as { error: object }).error).not.toHaveProperty("$metadata");
    expect(signal?.aborted).toBe(true);
    expect(dates).toEqual([]);
  });

  it("drops an answer that a fetch ignoring the abort gives after the deadline: its Date is not observed", async () => {
    const late = () => new Promise<Response>((resolve) => setTimeout(() => resolve(json(200, { IdentityId: "eu-west-1:1" })), 20_000));
    const { send, dates } = sender(late, 15_000);
    const outcome = send(GetId$, { IdentityPoolId: "eu-west-1:pool" }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(15_000);
    expect(await outcome).toMatchObject({ name: "TimeoutError" });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await peek(Promise.resolve())).toEqual({ value: undefined });
    expect(dates).toEqual([]);
  });

  it("leaves no timer behind once the answer is in", async () => {
    const { send } = sender(() => json(200, { IdentityId: "eu-west-1:1" }), 15_000);
    await send(GetId$, { IdentityPoolId: "eu-west-1:pool" });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("did Cognito answer: one rule for both services", () => {
  it("classifies no answer, a modeled error and an unreadable answer", async () => {
    expect(classify(new TypeError("Failed to fetch"))).toEqual({ status: undefined, type: "TypeError", message: "Failed to fetch" });
    const modeled = await sender(() => json(400, { __type: "NotAuthorizedException", message: "Logins don't match." }))
      .send(GetId$, {})
      .catch((e: unknown) => e);
    expect(classify(modeled)).toEqual({ status: 400, type: "NotAuthorizedException", message: "Logins don't match." });
    const typeless = await sender(() => new Response("", { status: 403, headers: { date: DATE } }))
      .send(GetId$, {})
      .catch((e: unknown) => e);
    expect(classify(typeless)).toEqual({ status: 403, type: "", message: "" });
  });

  const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  const answers: [label: string, code: string, answer: () => Response][] = [
    // V8's SyntaxError quotes about ten characters around the fault: here, the start of the SecretKey.
    [
      "a truncated 200 body",
      "service-error",
      () => new Response(`{"Credentials":{"SecretKey":${SECRET.slice(0, 12)}`, { status: 200, headers: { date: DATE } }),
    ],
    ["a proxy's 502 page", "service-error", () => new Response("<html><body>502 Bad Gateway</body></html>", { status: 502, headers: { date: DATE } })],
    ["a captive portal's 200 page", "service-error", () => new Response("<html>Sign in to the Wi-Fi</html>", { status: 200, headers: { date: DATE } })],
    ["an empty 503", "service-error", () => new Response("", { status: 503 })],
  ];

  it.each(answers)("%s is a retryable %s for the identity pool and the user pool alike, quoting none of the body", async (_label, code, answer) => {
    const cases: [OperationSchema, boolean, (error: unknown) => Error & { code: string; retryable: boolean }][] = [
      [GetId$, false, (error) => fromIdentityPoolError(error, { identityPoolId: "eu-west-1:pool", loginKeys: [] })],
      [InitiateAuth$, true, (error) => fromUserPoolError(error)],
    ];
    for (const [schema, userPool, map] of cases) {
      const { send, dates } = sender(answer, undefined, userPool);
      const mapped = map(await send(schema, {}).catch((e: unknown) => e));
      expect(mapped).toMatchObject({ name: "CognitoIdpoolError", code, retryable: true });
      expect(mapped.message).toMatch(/could not be read \(HTTP \d+\)/);
      expect(mapped.message).not.toContain(SECRET.slice(0, 5));
      expect(mapped.message).not.toMatch(/html|JSON|Unexpected/i);
      expect(JSON.stringify(mapped.cause, Object.getOwnPropertyNames(mapped.cause))).not.toContain(SECRET.slice(0, 5));
      expect(dates).toEqual([]);
    }
  });
});

describe("serviceUrl", () => {
  it.each([
    ["eu-west-1", "https://cognito-identity.eu-west-1.amazonaws.com"],
    ["us-gov-west-1", "https://cognito-identity.us-gov-west-1.amazonaws.com"],
    ["cn-north-1", "https://cognito-identity.cn-north-1.amazonaws.com.cn"],
    ["us-iso-east-1", "https://cognito-identity.us-iso-east-1.c2s.ic.gov"],
    ["us-isob-east-1", "https://cognito-identity.us-isob-east-1.sc2s.sgov.gov"],
    ["eu-isoe-west-1", "https://cognito-identity.eu-isoe-west-1.cloud.adc-e.uk"],
    ["us-isof-south-1", "https://cognito-identity.us-isof-south-1.csp.hci.ic.gov"],
  ])("%s: what the generated client's endpoint rules resolve", async (region, url) => {
    expect(serviceUrl("cognito-identity", region)).toBe(url);
    // The same answer as the rules themselves.
    const { CognitoIdentityClient } = await import("@aws-sdk/client-cognito-identity");
    const client = new CognitoIdentityClient({ region });
    const resolved = await client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
    client.destroy();
    expect(`${resolved.url.protocol}//${resolved.url.host}`).toBe(url);
  });
});
