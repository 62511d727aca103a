import { AwsError } from "./errors.js";
import type { ServiceName } from "./types.js";

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
  /** An AWS error code, `network` to drop the connection, or empty for latency only. */
  error: string;
  count: number;
  latencyMs: number;
  message?: string;
}

/** One served request, as `GET /_emulator/requests` lists it. */
export interface RequestLogEntry {
  service: ServiceName;
  operation: string;
  identityId?: string;
  status: number;
  /** ISO 8601 on the emulator's clock. */
  time: string;
}

/** The log keeps the most recent entries only, so a long-running emulator does not grow forever. */
export const REQUEST_LOG_LIMIT = 10_000;

export function defaultRuntime(): RuntimeConfig {
  return { credentialLifetimeSeconds: null, faults: [], requests: [] };
}

/** Consumes one use of the first pending fault aimed at `operation` (or at `*`), if any. */
export function takeFault(runtime: RuntimeConfig, operation: string): Fault | undefined {
  const fault = runtime.faults.find((f) => f.count > 0 && (f.target === operation || f.target === "*"));
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

export function recordRequest(runtime: RuntimeConfig, entry: RequestLogEntry): void {
  runtime.requests.push(entry);
  if (runtime.requests.length > REQUEST_LOG_LIMIT) runtime.requests.splice(0, runtime.requests.length - REQUEST_LOG_LIMIT);
}
