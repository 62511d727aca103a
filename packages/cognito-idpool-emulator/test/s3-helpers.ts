import { createHash, createHmac } from "node:crypto";
import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { issueCredentials } from "../src/core/credentials.js";
import type { IamRole } from "../src/iam/state.js";
import type { EmulatorCore } from "../src/emulator.js";
import { REGION, ROOT_CREDENTIALS } from "../src/testing/harness.js";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** An S3 client of the real AWS SDK pointed at the emulator, path-style, no retries (errors stay visible). */
export function s3Client(url: string, credentials: Credentials = ROOT_CREDENTIALS, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({ endpoint: url, region: REGION, forcePathStyle: true, credentials, maxAttempts: 1, ...extra });
}

/** Puts a role with inline policies straight into IAM state (the IAM API is another helper's; this is set-up). */
export function putRole(core: EmulatorCore, name: string, policies: Record<string, unknown>): IamRole {
  const role: IamRole = {
    RoleName: name,
    RoleId: `AROA${createHash("sha1").update(name).digest("hex").slice(0, 17).toUpperCase()}`,
    Arn: `arn:aws:iam::000000000000:role/${name}`,
    Path: "/",
    AssumeRolePolicyDocument: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity" }],
    }),
    MaxSessionDuration: 3600,
    CreateDate: core.clock.now(),
    Policies: Object.fromEntries(Object.entries(policies).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
  };
  core.state.iam.roles[name] = role;
  return role;
}

/** Temporary credentials for a role, as the identity pool would mint them, with Cognito's condition keys. */
export function credentialsFor(core: EmulatorCore, role: IamRole, context: Record<string, string | string[]>, lifetimeSeconds = 3600): Credentials {
  const issued = issueCredentials(core.state, core.clock, { roleArn: role.Arn, sessionName: "CognitoIdentityCredentials", lifetimeSeconds, context });
  return { accessKeyId: issued.accessKeyId, secretAccessKey: issued.secretAccessKey, sessionToken: issued.sessionToken };
}

/** node:crypto behind the hash interface @smithy/signature-v4 wants. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === "string") return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** A SigV4 signer of our own choosing of service, for requests the SDK would not make. */
export function signer(service = "s3", credentials: Credentials = ROOT_CREDENTIALS): SignatureV4 {
  return new SignatureV4({ service, region: REGION, sha256: NodeSha256, uriEscapePath: false, applyChecksum: false, credentials });
}

export interface RawRequest {
  method: string;
  /** Path and query, already encoded as it goes on the wire, e.g. `/bucket/key?cors`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  credentials?: Credentials;
  signingDate?: Date;
  /** x-amz-content-sha256 to sign; default the body's real SHA-256. */
  contentSha256?: string;
  /** Leave the request unsigned. */
  unsigned?: boolean;
}

/**
 * A request signed by @smithy/signature-v4 and sent with fetch, for what the SDK will not send
 * (wrong digests, odd bodies, a fixed signing date, no retry or clock correction).
 */
export async function rawS3(url: string, request: RawRequest): Promise<{ status: number; headers: Headers; text: string }> {
  const target = new URL(request.path, url);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: Record<string, string> = { host: target.host, ...request.headers };
  if (!request.unsigned) {
    headers["x-amz-content-sha256"] ??=
      request.contentSha256 ??
      createHash("sha256")
        .update(body ?? Buffer.alloc(0))
        .digest("hex");
    const query: Record<string, string> = {};
    for (const [k, v] of target.searchParams) query[k] = v;
    const signed = await signer("s3", request.credentials).sign(
      { method: request.method, protocol: "http:", hostname: target.hostname, port: Number(target.port), path: target.pathname, query, headers, body },
      request.signingDate ? { signingDate: request.signingDate } : {},
    );
    Object.assign(headers, signed.headers);
  }
  delete headers["host"];
  const response = await fetch(target, { method: request.method, headers, ...(body ? { body } : {}) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The `<Code>` of an S3 XML error body. */
export const errorCode = (xml: string) => /<Code>([^<]*)<\/Code>/.exec(xml)?.[1];
