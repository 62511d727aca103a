import type { Clock } from "../platform/types.js";

/**
 * `Date` has one-second resolution and responses take time to arrive, so single observations
 * scatter by about a second; differences below this are noise, not skew.
 */
const NOISE_MS = 2_000;

/**
 * Server time, learned from the `Date` header of Cognito responses. Expiry decisions use it, so a
 * device clock that is off by an hour neither keeps expired credentials nor throws away fresh ones.
 */
export class ServerClock {
  private offset = 0;

  constructor(private readonly device: Clock) {}

  /** Learns the offset from a `Date` header value; ignores absent or unparsable ones. */
  observe(dateHeader: string | undefined): void {
    if (!dateHeader) return;
    const server = Date.parse(dateHeader);
    if (!Number.isFinite(server)) return;
    const observed = server - this.device.now();
    if (Math.abs(observed - this.offset) > NOISE_MS) this.offset = observed;
  }

  /** Server time minus device time, in ms (0 until a response was seen). */
  offsetMs(): number {
    return this.offset;
  }

  now(): number {
    return this.device.now() + this.offset;
  }

  /** Converts a server-clock instant (epoch ms) to the device clock. */
  toDevice(serverMs: number): number {
    return serverMs - this.offset;
  }
}
