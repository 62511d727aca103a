import { CreateBucketCommand, PutBucketCorsCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { errorCode, rawS3, s3Client } from "../../test/s3-helpers.js";

let emulator: TestEmulator;
let s3: S3Client;
const BUCKET = "cors-bucket";
const SITE = "http://localhost:5173";
const VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

beforeAll(async () => {
  emulator = await startTestEmulator();
  s3 = s3Client(emulator.url);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new CreateBucketCommand({ Bucket: "no-cors-bucket" }));
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: BUCKET,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: [SITE, "https://*.example.com"],
            AllowedMethods: ["GET", "PUT", "HEAD"],
            AllowedHeaders: ["authorization", "x-amz-*", "content-*", "amz-sdk-*"],
            ExposeHeaders: ["ETag", "x-amz-request-id"],
            MaxAgeSeconds: 3000,
          },
          { AllowedOrigins: ["*"], AllowedMethods: ["GET"] },
        ],
      },
    }),
  );
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "file.txt", Body: "cors body" }));
});
afterAll(() => emulator.stop());

function preflight(path: string, headers: Record<string, string>) {
  return fetch(`${emulator.url}${path}`, { method: "OPTIONS", headers });
}

describe("preflight (OPTIONS) from the bucket's CORS rules", () => {
  test("an allowed origin, method and headers get 200 with the rule's headers", async () => {
    const response = await preflight(`/${BUCKET}/file.txt`, {
      origin: SITE,
      "access-control-request-method": "PUT",
      "access-control-request-headers": "Authorization, X-Amz-Date,x-amz-content-sha256, content-type",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, PUT, HEAD");
    expect(response.headers.get("access-control-allow-headers")).toBe("authorization, x-amz-date, x-amz-content-sha256, content-type");
    expect(response.headers.get("access-control-expose-headers")).toBe("ETag, x-amz-request-id");
    expect(response.headers.get("access-control-max-age")).toBe("3000");
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("vary")).toBe(VARY);
  });

  test("an origin that matches the one wildcard of a rule is echoed", async () => {
    const response = await preflight(`/${BUCKET}/file.txt`, { origin: "https://app.example.com", "access-control-request-method": "GET" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
  });

  test("a rule with the literal * answers with *", async () => {
    const response = await preflight(`/${BUCKET}/file.txt`, { origin: "http://elsewhere.test", "access-control-request-method": "GET" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
  });

  test.each([
    ["an origin no rule allows for PUT", { origin: "http://elsewhere.test", "access-control-request-method": "PUT" }],
    ["a method no rule allows", { origin: SITE, "access-control-request-method": "DELETE" }],
    ["a header no rule allows", { origin: SITE, "access-control-request-method": "PUT", "access-control-request-headers": "x-custom-header" }],
    [
      "a header on the * rule, which allows none",
      { origin: "http://elsewhere.test", "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
    ],
    ["an origin in another case", { origin: "HTTP://LOCALHOST:5173", "access-control-request-method": "PUT" }],
  ])("%s is 403 with S3's CORSResponse message", async (_, headers) => {
    const response = await preflight(`/${BUCKET}/file.txt`, headers);
    const text = await response.text();
    expect(response.status).toBe(403);
    expect(errorCode(text)).toBe("AccessForbidden");
    expect(text).toContain(
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource&apos;s CORS spec.",
    );
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("a bucket without CORS rules says CORS is not enabled", async () => {
    const response = await preflight("/no-cors-bucket/file.txt", { origin: SITE, "access-control-request-method": "GET" });
    const text = await response.text();
    expect([response.status, errorCode(text)]).toEqual([403, "AccessForbidden"]);
    expect(text).toContain("CORSResponse: CORS is not enabled for this bucket.");
  });

  test("a preflight without Origin or method is BadRequest", async () => {
    const noOrigin = await preflight(`/${BUCKET}/file.txt`, { "access-control-request-method": "GET" });
    expect([noOrigin.status, errorCode(await noOrigin.text())]).toEqual([400, "BadRequest"]);
    const noMethod = await preflight(`/${BUCKET}/file.txt`, { origin: SITE });
    const text = await noMethod.text();
    expect([noMethod.status, errorCode(text)]).toEqual([400, "BadRequest"]);
    expect(text).toContain("Invalid Access-Control-Request-Method: null");
  });

  test("preflights need no signature and are not in the request log", async () => {
    await emulator.control("requests", undefined, "DELETE");
    await preflight(`/${BUCKET}/file.txt`, { origin: SITE, "access-control-request-method": "GET" });
    expect((await emulator.control("requests")).requests).toEqual([]);
  });
});

describe("CORS headers on actual responses", () => {
  test("a signed GET from an allowed origin carries the rule's headers", async () => {
    const response = await rawS3(emulator.url, { method: "GET", path: `/${BUCKET}/file.txt`, headers: { origin: SITE } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(response.headers.get("access-control-expose-headers")).toBe("ETag, x-amz-request-id");
    expect(response.headers.get("vary")).toBe(VARY);
  });

  test("an error response (403) carries them too, so the page can read the error", async () => {
    const response = await rawS3(emulator.url, { method: "GET", path: `/${BUCKET}/file.txt`, headers: { origin: SITE }, unsigned: true });
    expect([response.status, errorCode(response.text)]).toEqual([403, "AccessDenied"]);
    expect(response.headers.get("access-control-allow-origin")).toBe(SITE);
    expect(response.headers.get("vary")).toBe(VARY);
  });

  test("a 404 from a presigned URL carries them", async () => {
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: BUCKET, Key: "missing.txt" }), { expiresIn: 60 });
    const response = await fetch(url, { headers: { origin: "https://www.example.com" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://www.example.com");
  });

  test("an origin no rule allows for the method gets no CORS headers", async () => {
    const response = await rawS3(emulator.url, { method: "PUT", path: `/${BUCKET}/other.txt`, headers: { origin: "http://elsewhere.test" }, body: "x" });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("a bucket without CORS rules sends no CORS headers", async () => {
    const response = await rawS3(emulator.url, { method: "GET", path: "/no-cors-bucket?list-type=2", headers: { origin: SITE } });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
