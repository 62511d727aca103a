import type { EmulatorClock } from "./clock.js";
import type { Principal } from "./credentials.js";
import type { EmulatorState } from "./state.js";

/** A request as every service sees it: headers lower-cased, body fully read. */
export interface EmulatorRequest {
  method: string;
  /** The path exactly as sent, still percent-encoded (SigV4 signs it that way for S3). */
  rawPath: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
}

export type ServiceName = "cognito-identity" | "cognito-idp" | "iam" | "sts" | "s3";

/** Runtime settings the control API changes; `POST /_emulator/reset` restores these defaults. */
export interface RuntimeConfig {
  /** Enhanced-flow credential lifetime; null means AWS's one hour. */
  credentialLifetimeSeconds: number | null;
  faults: Fault[];
  requests: RequestLogEntry[];
}

export interface Fault {
  target: string;
  error: string;
  count: number;
  latencyMs: number;
  message?: string;
}

export interface RequestLogEntry {
  service: ServiceName;
  operation: string;
  identityId?: string;
  status: number;
  time: string;
}

/** Everything a service handler may use. One per request. */
export interface ServiceContext {
  state: EmulatorState;
  clock: EmulatorClock;
  runtime: RuntimeConfig;
  request: EmulatorRequest;
  /** `http://127.0.0.1:PORT`, the emulator's own base URL. */
  baseUrl: string;
  requestId: string;
  /** Region from the SigV4 scope when signed, else `us-east-1`. Handlers may refine it. */
  region: string;
  /** Set for signed requests once SigV4 verified. */
  principal?: Principal;
  /** What the request log records for this request; handlers set `identityId` when they know one. */
  log: { identityId?: string };
}

/** A JSON-protocol operation (awsJson 1.1, `X-Amz-Target: <prefix>.<Operation>`). */
export interface JsonOperation {
  /** `none` for the operations AWS serves unsigned (GetId, InitiateAuth, …). */
  auth: "none" | "sigv4";
  // Each handler reads its own operation's input shape; the table holds them all.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler(input: Record<string, any>, ctx: ServiceContext): unknown | Promise<unknown>;
}

export interface JsonService {
  service: "cognito-identity" | "cognito-idp";
  targetPrefix: string;
  operations: Record<string, JsonOperation>;
}

/** Value a query-protocol handler returns; serialized to XML inside `<OpResult>`. */
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | { [key: string]: XmlValue };

/** A query-protocol operation (`Action=…&Version=…`, XML out). Params arrive flat (`ClientIDList.member.1`). */
export interface QueryOperation {
  auth: "none" | "sigv4";
  handler(params: Record<string, string>, ctx: ServiceContext): XmlValue | Promise<XmlValue>;
}

export interface QueryService {
  service: "iam" | "sts";
  xmlns: string;
  operations: Record<string, QueryOperation>;
}
