import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());

function post(path: string, body: string | Buffer, headers: Record<string, string>): Promise<Response> {
  return fetch(`${emulator.url}${path}`, { method: "POST", headers, body: typeof body === "string" ? body : new Uint8Array(body) });
}

describe("protocol errors", () => {
  it("answers an unknown JSON operation with UnknownOperationException in header and body", async () => {
    const response = await post("/", "{}", { "x-amz-target": "AWSCognitoIdentityService.NoSuchThing", "content-type": "application/x-amz-json-1.1" });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toBe("UnknownOperationException:");
    expect(await response.json()).toEqual({ __type: "UnknownOperationException", message: "Unknown operation NoSuchThing" });
  });

  it("answers an unknown target prefix with UnknownOperationException", async () => {
    const response = await post("/", "{}", { "x-amz-target": "DynamoDB_20120810.ListTables", "content-type": "application/x-amz-json-1.1" });
    expect((await response.json()).__type).toBe("UnknownOperationException");
  });

  it("answers an unknown query action with InvalidAction in XML", async () => {
    const response = await post("/", "Action=Frobnicate&Version=2010-05-08", { "content-type": "application/x-www-form-urlencoded" });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain("<Code>InvalidAction</Code>");
    expect(text).toContain("Frobnicate");
  });

  it("refuses a JSON body over 1 MiB with SerializationException and closes the connection", async () => {
    const response = await post("/", Buffer.alloc(1024 * 1024 + 10, 0x20), {
      "x-amz-target": "AWSCognitoIdentityService.GetId",
      "content-type": "application/x-amz-json-1.1",
    });
    expect(response.status).toBe(413);
    expect(response.headers.get("x-amzn-errortype")).toBe("SerializationException:");
  });

  it("puts CORS headers on error responses so pages see the real error", async () => {
    const response = await post("/", "{}", {
      "x-amz-target": "AWSCognitoIdentityService.Nope",
      "content-type": "application/x-amz-json-1.1",
      origin: "http://127.0.0.1:5173",
    });
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-expose-headers")).toContain("x-amzn-ErrorType");
  });

  it("answers a preflight for the JSON services with the requested headers allowed", async () => {
    const response = await fetch(`${emulator.url}/`, {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-amz-target,x-amz-user-agent",
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type,x-amz-target,x-amz-user-agent");
  });
});

describe("control API", () => {
  it("shifts the Date header with the emulator clock and restores it on reset", async () => {
    await emulator.control.setClock(7200);
    const shifted = Date.parse((await fetch(`${emulator.url}/_emulator/health`)).headers.get("date")!);
    expect(shifted - Date.now()).toBeGreaterThan(7100_000);
    await emulator.control.reset();
    const restored = Date.parse((await fetch(`${emulator.url}/_emulator/health`)).headers.get("date")!);
    expect(Math.abs(restored - Date.now())).toBeLessThan(60_000);
  });

  it("logs every served request in order and empties the log on DELETE", async () => {
    await emulator.control.clearRequests();
    await post("/", "{}", { "x-amz-target": "AWSCognitoIdentityService.First", "content-type": "application/x-amz-json-1.1" });
    await post("/", "{}", { "x-amz-target": "AWSCognitoIdentityService.Second", "content-type": "application/x-amz-json-1.1" });
    const requests = await emulator.control.requests();
    expect(requests.map((r) => r.operation)).toEqual(["First", "Second"]);
    expect(requests[0]).toMatchObject({ service: "cognito-identity", status: 400 });
    expect(Number.isNaN(Date.parse(requests[0]!.time))).toBe(false);
    await emulator.control.clearRequests();
    expect(await emulator.control.requests()).toEqual([]);
  });

  it("injects an AWS error for the next matching requests only", async () => {
    await emulator.control.addFault({ target: "GetId", error: "TooManyRequestsException", count: 2 });
    const send = () => post("/", "{}", { "x-amz-target": "AWSCognitoIdentityService.GetId", "content-type": "application/x-amz-json-1.1" });
    for (let i = 0; i < 2; i++) {
      const r = await send();
      expect(r.headers.get("x-amzn-errortype")).toBe("TooManyRequestsException:");
    }
    expect((await send()).headers.get("x-amzn-errortype")).not.toBe("TooManyRequestsException:");
  });

  it("drops the connection for a network fault", async () => {
    await emulator.control.addFault({ target: "*", error: "network", count: 1 });
    await expect(post("/", "{}", { "x-amz-target": "AWSCognitoIdentityService.GetId", "content-type": "application/x-amz-json-1.1" })).rejects.toThrow();
    const after = await post("/", "{}", { "x-amz-target": "AWSCognitoIdentityService.GetId", "content-type": "application/x-amz-json-1.1" });
    expect(after.status).toBeGreaterThanOrEqual(200);
  });

  it("clears pending faults", async () => {
    await emulator.control.addFault({ target: "GetId", error: "InternalErrorException", count: 5 });
    await emulator.control.clearFaults();
    const r = await post("/", "{}", { "x-amz-target": "AWSCognitoIdentityService.GetId", "content-type": "application/x-amz-json-1.1" });
    expect(r.headers.get("x-amzn-errortype")).not.toBe("InternalErrorException:");
  });

  it("rejects malformed control input naming the field", async () => {
    const bad = async (path: string, body: unknown) => {
      const r = await fetch(`${emulator.url}/_emulator/${path}`, { method: "POST", body: JSON.stringify(body) });
      expect(r.status).toBe(400);
      return (await r.json()).message as string;
    };
    expect(await bad("clock", { offsetSeconds: "soon" })).toContain("offsetSeconds");
    expect(await bad("credentials", { lifetimeSeconds: -3 })).toContain("lifetimeSeconds");
    expect(await bad("faults", { target: "", error: "X" })).toContain("target");
    expect(await bad("faults", { target: "GetId", error: "X", count: 0 })).toContain("count");
    const notJson = await fetch(`${emulator.url}/_emulator/clock`, { method: "POST", body: "{nope" });
    expect((await notJson.json()).__type).toBe("SerializationException");
  });
});

/** Small deterministic PRNG so a failing fuzz run can be replayed from its seed. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rawRequest(url: string, method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const req = httpRequest({ hostname, port, method, path, headers: { ...headers, "content-length": String(body.length) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => resolve(-1));
    req.end(body);
  });
}

describe("robustness", () => {
  it("keeps answering random bodies and headers on every route", async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261122);
    const random = mulberry32(seed);
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
    const targets = [
      "AWSCognitoIdentityService.GetId",
      "AWSCognitoIdentityService.GetCredentialsForIdentity",
      "AWSCognitoIdentityService.CreateIdentityPool",
      "AWSCognitoIdentityProviderService.InitiateAuth",
      "AWSCognitoIdentityProviderService.SignUp",
      "AWSCognitoIdentityService.",
      ".",
      "\u00ff\u00fe",
    ];
    const paths = [
      "/",
      "/bucket",
      "/bucket/key",
      "/bucket/a%2Fb?list-type=2",
      "/us-east-1_Abc/.well-known/jwks.json",
      "/_emulator/seed",
      "/_emulator/faults",
      "/%",
      "/?Action=CreateRole",
      "/?Action=AssumeRoleWithWebIdentity&RoleArn=x",
    ];
    const bodies = (): Buffer => {
      const kind = Math.floor(random() * 6);
      if (kind === 0) return Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256)));
      if (kind === 1) return Buffer.from("{".repeat(Math.floor(random() * 5000)));
      if (kind === 2)
        return Buffer.from(
          JSON.stringify({ IdentityPoolId: "x".repeat(Math.floor(random() * 100)), Logins: { a: random() }, AuthParameters: [1, 2], Roles: null }),
        );
      if (kind === 3) return Buffer.from("Action=CreateRole&RoleName=" + "%".repeat(5) + "&AssumeRolePolicyDocument={");
      if (kind === 4) return Buffer.from(JSON.stringify([1, "two", { three: 3 }]));
      return Buffer.alloc(0);
    };
    for (let i = 0; i < 250; i++) {
      const headers: Record<string, string> = {};
      if (random() < 0.6) headers["x-amz-target"] = pick(targets);
      headers["content-type"] = pick(["application/x-amz-json-1.1", "application/x-www-form-urlencoded", "application/xml", "text/plain"]);
      if (random() < 0.4)
        headers["authorization"] = pick([
          "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + "0".repeat(64),
          "Bearer x",
          "AWS4-HMAC-SHA256",
        ]);
      if (random() < 0.3) headers["x-amz-date"] = pick(["20260101T000000Z", "yesterday", ""]);
      if (random() < 0.2) headers["x-amz-security-token"] = "garbage";
      const method = pick(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]);
      const status = await rawRequest(emulator.url, method, pick(paths), headers, bodies());
      expect(status, `fuzz seed ${seed}, request ${i}`).toBeGreaterThanOrEqual(100);
      expect(status, `fuzz seed ${seed}, request ${i}`).toBeLessThan(600);
      expect(status, `fuzz seed ${seed}, request ${i}: a 500 means an unhandled error`).not.toBe(500);
    }
    const health = await fetch(`${emulator.url}/_emulator/health`);
    expect(health.status).toBe(200);
  }, 60_000);
});
