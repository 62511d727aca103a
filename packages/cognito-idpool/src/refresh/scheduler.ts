import { isCognitoIdpoolError } from "../errors.js";
import { MAX_TIMER_DELAY_MS } from "../platform/defaults.js";
import type { Logger, Timers } from "../platform/types.js";
import { backoffDelay } from "./backoff.js";

export type WakeReason = "visible" | "pageshow" | "online";

export interface RefreshSchedulerDeps {
  timers: Timers;
  /** Server time (ms): due times are on the server's clock, so device skew cannot move them. */
  serverNow(): number;
  random(): number;
  logger: Logger;
  /** Runs one refresh. The caller reports every outcome back through `planAt` or `failed`, whoever started the refresh. */
  refresh(): Promise<unknown>;
}

/**
 * Decides when credentials are renewed in the background: at the time the core computed
 * (expiration − margin, on server time), after retryable failures with jittered exponential
 * backoff, and early when the page wakes up. Timers of sleeping or hidden tabs may fire late or
 * not at all, so {@link wake} re-checks the due time on `visibilitychange`, `pageshow` and `online`.
 * A failure never clears anything here: the identity and still-valid credentials stay where they are.
 */
export class RefreshScheduler {
  private timer: unknown;
  private dueServerMs: number | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(private readonly deps: RefreshSchedulerDeps) {}

  /** Credentials were renewed; the next renewal is due at `dueServerMs` (server clock). Resets backoff. */
  planAt(dueServerMs: number): void {
    this.attempt = 0;
    this.arm(dueServerMs);
  }

  /** A refresh failed. Retryable errors (network, throttling, 5xx) retry with backoff; others wait for the next caller. */
  failed(error: unknown): void {
    if (this.stopped) return;
    if (!isCognitoIdpoolError(error) || !error.retryable) {
      this.cancel();
      return;
    }
    this.attempt += 1;
    const delay = backoffDelay(this.attempt, this.deps.random);
    this.deps.logger.debug("credential refresh failed; retrying", { attempt: this.attempt, delayMs: Math.round(delay), code: error.code });
    this.arm(this.deps.serverNow() + delay);
  }

  /** The page became visible, was restored from the back/forward cache, or came back online. */
  wake(reason: WakeReason): void {
    if (this.dueServerMs === undefined || this.stopped) return;
    // Coming back online ends a network backoff at once; otherwise only an overdue refresh runs early.
    if (this.deps.serverNow() >= this.dueServerMs || (reason === "online" && this.attempt > 0)) this.fire();
  }

  /** Nothing to renew any more (signed out, or disposed when `stop` is true). */
  cancel(): void {
    this.disarm();
    this.attempt = 0;
  }

  stop(): void {
    this.cancel();
    this.stopped = true;
  }

  /** Retry attempt count since the last success (0 when healthy, or when no retry is planned). */
  get attempts(): number {
    return this.attempt;
  }

  private arm(dueServerMs: number): void {
    if (this.stopped) return;
    this.disarm();
    this.dueServerMs = dueServerMs;
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, dueServerMs - this.deps.serverNow()));
    this.timer = this.deps.timers.setTimeout(() => this.onTimer(), delay);
  }

  private onTimer(): void {
    this.timer = undefined;
    // A timer can fire early in wall-clock terms (device clock adjusted, delay clamped): re-arm.
    if (this.dueServerMs !== undefined && this.deps.serverNow() < this.dueServerMs) {
      this.arm(this.dueServerMs);
      return;
    }
    this.fire();
  }

  private disarm(): void {
    if (this.timer !== undefined) this.deps.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.dueServerMs = undefined;
  }

  private fire(): void {
    this.disarm();
    // Outcomes come back through planAt()/failed(), since a foreground caller may share this refresh.
    this.deps.refresh().catch(() => {});
  }
}
