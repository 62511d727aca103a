import { AwsError } from "./errors.js";
import type { EmulatorResponse, ServiceName } from "./types.js";

/** Runtime settings the control API changes; `POST /_emulator/reset` restores these defaults. */
export interface RuntimeConfig {
  /** Enhanced-flow credential lifetime; null means AWS's one hour. */
  credentialLifetimeSeconds: number | null;
  faults: Fault[];
  requests: RequestLogEntry[];
}

/** A pending fault from `POST /_emulator/faults`: the next `count` requests for `target` fail or stall. */
export interface Fault {
  /** An operation name (`GetId`, `GetObject`, …) or `*` for any. */
  target: string;
  /** An AWS error code, `network` to drop the connection, or empty for latency (or a stalled or malformed answer) only. */
  error: string;
  count: number;
  latencyMs: number;
  message?: string;
  /**
   * Send the status line and headers, then hold the body back until the client closes the
   * connection or `stallMs` elapses (then the body is sent and the answer completes).
   */
  stallBody?: true;
  /** With `stallBody`: milliseconds after which the held body is sent; absent means never. */
  stallMs?: number;
  /** Answer 200 with the real JSON body cut short (invalid JSON). awsJson operations only: other requests do not consume it. */
  malformed?: true;
}

/** One served request, as `GET /_emulator/requests` lists it. */
export interface RequestLogEntry {
  service: ServiceName;
  operation: string;
  identityId?: string;
  /** The user-pool app client a user-pool call named (sign-in and renewal calls), so one client's traffic can be told apart. */
  clientId?: string;
  status: number;
  /** ISO 8601 on the emulator's clock. */
  time: string;
}

/** The log keeps the most recent entries only, so a long-running emulator does not grow forever. */
export const REQUEST_LOG_LIMIT = 10_000;

export function defaultRuntime(): RuntimeConfig {
  return { credentialLifetimeSeconds: null, faults: [], requests: [] };
}

/**
 * Consumes one use of the first pending fault aimed at `operation` (or at `*`), if any. A malformed
 * answer is defined for awsJson only, so on other protocols (`awsJson: false`) such faults are skipped
 * and stay pending rather than being spent on a request they cannot change.
 */
export function takeFault(runtime: RuntimeConfig, operation: string, { awsJson = true }: { awsJson?: boolean } = {}): Fault | undefined {
  const fault = runtime.faults.find((f) => f.count > 0 && (f.target === operation || f.target === "*") && (awsJson || !f.malformed));
  if (!fault) return undefined;
  fault.count -= 1;
  runtime.faults = runtime.faults.filter((f) => f.count > 0);
  return fault;
}

/**
 * The error an injected fault answers with. Its status is the one AWS sends for that code: 503 for
 * S3's SlowDown, 500 for internal errors and unavailability, 400 for everything else.
 */
export function faultError(fault: Fault): AwsError {
  const status = fault.error === "SlowDown" ? 503 : /Internal|ServiceUnavailable/.test(fault.error) ? 500 : 400;
  return new AwsError(fault.error, fault.message ?? `Injected fault: ${fault.error}`, status);
}

/**
 * The answer a `malformed` fault turns `response` into: status 200, no error headers, and the first
 * half of the real JSON body. An awsJson answer is always an object, so any proper prefix of it is
 * invalid JSON, yet it carries real fields (a client must not quote them back in its error message).
 */
export function malformedAnswer(response: EmulatorResponse): EmulatorResponse {
  const text = response.body === undefined ? "" : response.body.toString();
  const headers = { ...response.headers };
  delete headers["x-amzn-errortype"];
  delete headers["x-amzn-errormessage"];
  delete headers["content-length"];
  return { status: 200, headers, body: text.length >= 2 ? text.slice(0, Math.ceil(text.length / 2)) : "{" };
}

export function recordRequest(runtime: RuntimeConfig, entry: RequestLogEntry): void {
  runtime.requests.push(entry);
  if (runtime.requests.length > REQUEST_LOG_LIMIT) runtime.requests.splice(0, runtime.requests.length - REQUEST_LOG_LIMIT);
}
