import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { EmulatorClock } from "./clock.js";
import { findSecret, type CredentialStore, type Principal } from "./credentials.js";
import type { EmulatorRequest } from "./types.js";

/**
 * Why a request failed SigV4. Each protocol names these differently (S3 `SignatureDoesNotMatch`,
 * the Cognito JSON services `InvalidSignatureException`, …), so the mapping lives with the protocol.
 */
export type SigV4Failure =
  | "missing" // no Authorization header and no X-Amz-Signature query
  | "malformed" // present but not parseable
  | "unknown-key" // access key id never issued
  | "bad-token" // session token missing, unknown or garbled for temporary credentials
  | "expired" // temporary credentials past their expiration
  | "skewed" // X-Amz-Date more than 15 minutes from the emulator clock
  | "presign-expired" // presigned URL past X-Amz-Date + X-Amz-Expires
  | "signature"; // the signature does not match

export type SigV4Result =
  { ok: true; principal: Principal; region: string; service: string; presigned: boolean } | { ok: false; failure: SigV4Failure; detail: string };

/** node:crypto behind the hash interface @smithy/signature-v4 expects (it is browser-first and wants a class). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

const MAX_SKEW_MS = 15 * 60 * 1000;

function parseAmzDate(value: string | undefined | null): Date | undefined {
  const m = /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(value ?? "");
  return m ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`) : undefined;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface VerifyOptions {
  /** S3 signs the path as sent (single-encoded); every other service signs it double-encoded. */
  s3?: boolean;
}

/**
 * Verifies a request's SigV4 signature (Authorization header or presigned query) against the root
 * credential or credentials the emulator issued, on the emulator's clock. The maths is
 * @smithy/signature-v4's: we rebuild the request from what the client says it signed and sign it again.
 */
export async function verifySigV4(request: EmulatorRequest, state: CredentialStore, clock: EmulatorClock, options: VerifyOptions = {}): Promise<SigV4Result> {
  const query = request.url.searchParams;
  const presigned = query.has("X-Amz-Signature");
  const authorization = request.headers["authorization"];
  if (!authorization && !presigned) return { ok: false, failure: "missing", detail: "no Authorization header" };

  let accessKeyId: string, region: string, service: string, signedHeaders: string[], signature: string;
  let signingDate: Date | undefined, token: string | undefined;
  if (authorization) {
    const m = AUTH_PATTERN.exec(authorization.trim());
    if (!m) return { ok: false, failure: "malformed", detail: "Authorization header is not AWS4-HMAC-SHA256" };
    [, accessKeyId, , region, service] = m as unknown as [string, string, string, string, string];
    signedHeaders = m[5]!.split(";");
    signature = m[6]!;
    signingDate = parseAmzDate(request.headers["x-amz-date"]);
    token = request.headers["x-amz-security-token"];
  } else {
    const credential = (query.get("X-Amz-Credential") ?? "").split("/");
    if (credential.length !== 5 || query.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256") {
      return { ok: false, failure: "malformed", detail: "X-Amz-Credential is malformed" };
    }
    [accessKeyId, , region, service] = credential as [string, string, string, string];
    signedHeaders = (query.get("X-Amz-SignedHeaders") ?? "").split(";");
    signature = query.get("X-Amz-Signature") ?? "";
    signingDate = parseAmzDate(query.get("X-Amz-Date"));
    token = query.get("X-Amz-Security-Token") ?? undefined;
  }
  if (!signingDate) return { ok: false, failure: "malformed", detail: "X-Amz-Date is missing or malformed" };

  const found = findSecret(state, accessKeyId);
  if (!found) return { ok: false, failure: "unknown-key", detail: accessKeyId };
  if (found.principal.kind === "temporary") {
    const issued = found.principal.credentials;
    if (token === undefined || !sameText(token, issued.sessionToken)) {
      return { ok: false, failure: "bad-token", detail: "session token missing or not the one issued" };
    }
    if (clock.now() >= issued.expiration) return { ok: false, failure: "expired", detail: "credentials expired" };
  }

  const now = clock.now();
  if (presigned) {
    const expires = Number(query.get("X-Amz-Expires"));
    if (!Number.isFinite(expires)) return { ok: false, failure: "malformed", detail: "X-Amz-Expires" };
    if (now > signingDate.getTime() + expires * 1000) return { ok: false, failure: "presign-expired", detail: "expired" };
  } else if (Math.abs(now - signingDate.getTime()) > MAX_SKEW_MS) {
    return { ok: false, failure: "skewed", detail: signingDate.toISOString() };
  }

  const headers: Record<string, string> = {};
  for (const name of signedHeaders) headers[name] = request.headers[name] ?? "";
  const [hostname, port] = (request.headers["host"] ?? "").split(":");
  const path = options.s3 ? request.rawPath : safeDecode(request.rawPath);
  const signer = new SignatureV4({
    service,
    region,
    sha256: NodeSha256,
    uriEscapePath: !options.s3,
    applyChecksum: false,
    credentials: {
      accessKeyId,
      secretAccessKey: found.secret,
      // Only hand the token to the signer where the client signed it: the signer adds it to what it signs.
      sessionToken: signedHeaders.includes("x-amz-security-token") || presigned ? token : undefined,
    },
  });

  let expected: string | undefined;
  if (presigned) {
    const q: Record<string, string | string[]> = {};
    for (const [k, v] of query) {
      if (/^X-Amz-(Signature|Algorithm|Credential|Date|Expires|SignedHeaders|Security-Token)$/.test(k)) continue;
      const prev = q[k];
      q[k] = prev === undefined ? v : ([] as string[]).concat(prev, v);
    }
    // S3 presigned URLs sign an unsigned payload. presign() takes the payload hash from the
    // x-amz-content-sha256 header: the AWS SDK states it in the query (presign() hoists it back
    // there), other presigners leave it out.
    const unsigned = options.s3 && headers["x-amz-content-sha256"] === undefined;
    const inQuery = unsigned && query.has("X-Amz-Content-Sha256");
    if (inQuery) delete q["X-Amz-Content-Sha256"];
    const presignHeaders = unsigned ? { ...headers, "X-Amz-Content-Sha256": query.get("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD" } : headers;
    const presignedRequest = await signer.presign(
      {
        method: request.method,
        protocol: "http:",
        hostname: hostname ?? "",
        port: port ? Number(port) : undefined,
        path,
        query: q,
        headers: presignHeaders,
        body: undefined,
      } as never,
      {
        signingDate,
        expiresIn: Number(query.get("X-Amz-Expires")),
        signableHeaders: new Set(signedHeaders),
        // Keep every signed header a header, as it was when the client presigned.
        unhoistableHeaders: new Set(unsigned && !inQuery ? [...signedHeaders, "x-amz-content-sha256"] : signedHeaders),
        ...(unsigned && !inQuery ? { unsignableHeaders: new Set(["x-amz-content-sha256"]) } : {}),
      },
    );
    expected = String((presignedRequest.query as Record<string, string>)["X-Amz-Signature"]);
  } else {
    const q: Record<string, string | string[]> = {};
    for (const [k, v] of query) {
      const prev = q[k];
      q[k] = prev === undefined ? v : ([] as string[]).concat(prev, v);
    }
    // A client that did not send x-amz-content-sha256 signed the hash of the body itself.
    const body = headers["x-amz-content-sha256"] ? undefined : new Uint8Array(request.body);
    const signed = await signer.sign(
      { method: request.method, protocol: "http:", hostname: hostname ?? "", port: port ? Number(port) : undefined, path, query: q, headers, body } as never,
      { signingDate, signableHeaders: new Set(signedHeaders) },
    );
    expected = /Signature=([0-9a-f]{64})/.exec(String((signed.headers as Record<string, string>)["authorization"]))?.[1];
  }
  if (!expected || !sameText(expected, signature)) {
    return { ok: false, failure: "signature", detail: "signature mismatch" };
  }
  return { ok: true, principal: found.principal, region, service, presigned };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
