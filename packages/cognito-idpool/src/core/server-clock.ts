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
export class ServerClock {
  private server: number;
  private device: number;
  private mono: number;

  constructor(private readonly clock: Clock) {
    this.server = this.device = clock.now();
    this.mono = this.monotonic();
  }

  /** Learns server time from a `Date` header value; ignores absent or unparsable ones. */
  observe(dateHeader: string | undefined): void {
    const server = dateHeader ? Date.parse(dateHeader) : NaN;
    if (!Number.isFinite(server) || Math.abs(server - this.now()) <= NOISE_MS) return;
    this.server = server;
    this.device = this.clock.now();
    this.mono = this.monotonic();
  }

  /** Server time minus device time, in ms (0 until a response was seen). */
  offsetMs(): number {
    return this.now() - this.clock.now();
  }

  now(): number {
    return this.server + Math.max(this.clock.now() - this.device, this.monotonic() - this.mono);
  }

  /** Converts a server-clock instant (epoch ms) to the device clock. */
  toDevice(serverMs: number): number {
    return serverMs - this.offsetMs();
  }

  private monotonic(): number {
    return this.clock.monotonic?.() ?? this.clock.now();
  }
}
