import { describe, expect, it } from "vitest";
import { createServerClock } from "./server-clock.js";

const T = Date.UTC(2031, 4, 1, 9, 0, 0);
const MINUTE = 60_000;

/** A device clock the test sets, and a monotonic clock that only moves forward with `pass`. */
function deviceClock(start: number) {
  let device = start;
  let mono = 0;
  return {
    clock: { now: () => device, monotonic: () => mono },
    pass(ms: number) {
      device += ms;
      mono += ms;
    },
    set(ms: number) {
      device = ms;
    },
  };
}

describe("server clock", () => {
  it("a device clock set back mid-session does not move server time back", () => {
    const d = deviceClock(T);
    const server = createServerClock(d.clock);
    server.observe(new Date(T).toUTCString());
    d.pass(30_000);
    d.set(T + 30_000 - 60 * MINUTE);
    expect(server.now()).toBe(T + 30_000);
  });

  it("a device clock corrected before the first answer is not measured against the old anchor when it jumps again", () => {
    const d = deviceClock(T - 10 * MINUTE); // ten minutes slow when the page loads
    const server = createServerClock(d.clock);
    d.set(T); // corrected before any answer
    d.pass(5_000);
    server.observe(new Date(T + 5_000).toUTCString()); // agrees with the estimate: within the noise
    d.pass(5_000);
    d.set(T + 10_000 - 60 * MINUTE); // then set back an hour
    expect(Math.abs(server.now() - (T + 10_000))).toBeLessThan(2_000);
  });
});
