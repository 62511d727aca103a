import type { Clock } from "../platform/types.js";

/**
 * `Date` has one-second resolution and responses take time to arrive, so single observations
 * scatter by about a second; differences below this are noise, not skew.
 */
const NOISE_MS = 2_000;

/**
 * Server time, learned from the `Date` header of Cognito responses. Expiry decisions use it, so a
 * device clock that is off by an hour neither keeps expired credentials nor throws away fresh ones.
 *
 * Time elapsed since the last observation is the larger of what the device clock and the monotonic
 * clock measured: a device clock set back (the user fixing a clock that ran ahead) cannot make
 * expired credentials look valid, and a monotonic clock that stood still while the device slept
 * cannot either. A clock set forward only makes credentials look older, which a refresh corrects.
 */
export interface ServerClock {
  /** Learns server time from a `Date` header value; ignores absent or unparsable ones. */
  observe(dateHeader: string | undefined): void;
  /** Server time minus device time, in ms (0 until a response was seen). */
  offsetMs(): number;
  now(): number;
  /** Converts a server-clock instant (epoch ms) to the device clock. */
  toDevice(serverMs: number): number;
}

export function createServerClock(clock: Clock): ServerClock {
  const monotonic = () => clock.monotonic?.() ?? clock.now();
  let server = clock.now();
  let device = server;
  let mono = monotonic();
  const now = () => server + Math.max(clock.now() - device, monotonic() - mono);
  const offsetMs = () => now() - clock.now();
  return {
    observe(dateHeader) {
      const at = dateHeader ? Date.parse(dateHeader) : NaN;
      if (!Number.isFinite(at)) return;
      // Within the noise the estimate stands, but both baselines move here: a device clock corrected
      // since the last anchor must not be measured against the old one when it jumps again.
      server = Math.abs(at - now()) <= NOISE_MS ? now() : at;
      device = clock.now();
      mono = monotonic();
    },
    offsetMs,
    now,
    toDevice: (serverMs) => serverMs - offsetMs(),
  };
}
