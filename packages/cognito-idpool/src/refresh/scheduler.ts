import { isCognitoIdpoolError } from "../errors.js";
import { MAX_TIMER_DELAY_MS } from "../platform/defaults.js";
import type { Logger, Timers } from "../platform/types.js";
import { backoffDelay } from "./backoff.js";

/** Never two refresh attempts closer than this (the shortest backoff), whatever the expiration said (already expired, unreadable). */
const MIN_INTERVAL_MS = 500;

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
 * It is the one retry schedule of the page: after a failure, callers that hold nothing valid wait
 * for it ({@link waiting}) instead of sending requests of their own.
 */
export class RefreshScheduler {
  private timer: unknown;
  private dueServerMs: number | undefined;
  private attempt = 0;
  private stopped = false;
  /** Server time before which no refresh goes out after a failure; 0 when healthy. */
  private retryAt = 0;
  private lastFire = -Infinity;

  constructor(private readonly deps: RefreshSchedulerDeps) {}

  /** Credentials were renewed; the next renewal is due at `dueServerMs` (server clock). Resets backoff. */
  planAt(dueServerMs: number): void {
    this.attempt = this.retryAt = 0;
    this.arm(dueServerMs);
  }

  /**
   * A refresh failed. Retryable errors (network, throttling, 5xx) retry with backoff; after others
   * nothing is retried in the background, but callers still wait out the same delay.
   */
  failed(error: unknown): void {
    if (this.stopped) return;
    this.attempt += 1;
    const delay = backoffDelay(this.attempt, this.deps.random);
    this.retryAt = this.deps.serverNow() + delay;
    if (!isCognitoIdpoolError(error) || !error.retryable) return this.disarm();
    this.deps.logger.debug("refresh failed; retrying", { attempt: this.attempt, delayMs: Math.round(delay), code: error.code });
    this.arm(this.retryAt);
  }

  /** A failure's backoff is still running: only the scheduler's own retry may go out. */
  waiting(): boolean {
    return this.deps.serverNow() < this.retryAt;
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
    this.attempt = this.retryAt = 0;
  }

  stop(): void {
    this.cancel();
    this.stopped = true;
  }

  private arm(dueServerMs: number): void {
    if (this.stopped) return;
    this.disarm();
    // NaN (an unreadable expiration) and the past become "soon", never a loop.
    this.dueServerMs = Math.max(dueServerMs || 0, this.lastFire + MIN_INTERVAL_MS);
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, this.dueServerMs - this.deps.serverNow()));
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
    this.lastFire = this.deps.serverNow();
    // Outcomes come back through planAt()/failed(), since a foreground caller may share this refresh.
    this.deps.refresh().catch(() => {});
  }
}
