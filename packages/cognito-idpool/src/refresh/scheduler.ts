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
export interface RefreshScheduler {
  /** Credentials were renewed; the next renewal is due at `dueServerMs` (server clock). Resets backoff. */
  planAt(dueServerMs: number): void;
  /**
   * A refresh failed. Retryable errors (network, throttling, 5xx) retry with backoff; after others
   * nothing is retried in the background, but callers still wait out the same delay.
   */
  failed(error: unknown): void;
  /** A failure's backoff is still running: only the scheduler's own retry may go out. */
  waiting(): boolean;
  /** The page became visible, was restored from the back/forward cache, or came back online. */
  wake(reason: WakeReason): void;
  /** Nothing to renew any more (signed out). */
  cancel(): void;
  /** Disposed: nothing is scheduled again. */
  stop(): void;
}

export function createRefreshScheduler(deps: RefreshSchedulerDeps): RefreshScheduler {
  const { timers, serverNow } = deps;
  let timer: unknown;
  let dueServerMs: number | undefined;
  let attempt = 0;
  let stopped = false;
  /** Server time before which no refresh goes out after a failure; 0 when healthy. */
  let retryAt = 0;
  let lastFire = -Infinity;

  const disarm = () => {
    timers.clearTimeout(timer);
    timer = dueServerMs = undefined;
  };
  const fire = () => {
    disarm();
    lastFire = serverNow();
    // Outcomes come back through planAt()/failed(), since a foreground caller may share this refresh.
    deps.refresh().catch(() => {});
  };
  const arm = (due: number): void => {
    if (stopped) return;
    disarm();
    // NaN (an unreadable expiration) and the past become "soon", never a loop.
    const at = (dueServerMs = Math.max(due || 0, lastFire + MIN_INTERVAL_MS));
    // A timer can fire early in wall-clock terms (device clock adjusted, delay clamped): re-arm.
    timer = timers.setTimeout(() => (serverNow() < at ? arm(at) : fire()), Math.min(MAX_TIMER_DELAY_MS, Math.max(0, at - serverNow())));
  };
  const cancel = () => {
    disarm();
    attempt = retryAt = 0;
  };

  return {
    planAt(due) {
      cancel();
      arm(due);
    },
    failed(error) {
      if (stopped) return;
      const delay = backoffDelay(++attempt, deps.random);
      retryAt = serverNow() + delay;
      if (!isCognitoIdpoolError(error) || !error.retryable) return disarm();
      deps.logger.debug("refresh failed; retrying", { attempt, delayMs: Math.round(delay), code: error.code });
      arm(retryAt);
    },
    waiting: () => serverNow() < retryAt,
    wake(reason) {
      // Coming back online ends a network backoff at once; otherwise only an overdue refresh runs early.
      // Nothing is due once stopped.
      if (dueServerMs !== undefined && (serverNow() >= dueServerMs || (reason == "online" && attempt > 0))) fire();
    },
    cancel,
    stop() {
      cancel();
      stopped = true;
    },
  };
}
