import type { Clock, Logger, Timers } from "./types.js";

/** The device clock, with the page's monotonic clock for elapsed time. */
export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };

/** setTimeout stores delays in a signed 32-bit integer (about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** The host's timers, called through `globalThis` so browsers and Node both work. */
export const globalTimers: Timers = {
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

/** The default logger: says nothing. */
export const silentLogger: Logger = {
  debug() {},
  warn() {},
};
