/** First retry after about a second, doubling up to a minute. */
const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 60_000;

/**
 * Delay before retry number `attempt` (1-based): exponential with "equal jitter", i.e. uniformly
 * in [ceiling/2, ceiling). Half the window is fixed so a retry never fires immediately; the random
 * half spreads out tabs and devices that failed together (a Cognito outage, a network coming back).
 */
export function backoffDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + (ceiling / 2) * random();
}
