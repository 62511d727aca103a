import { describe, expect, it } from "vitest";
import { FakeTime, flushMicrotasks } from "../../test/fakes/fake-time.js";
import { CognitoIdpoolError } from "../errors.js";
import { BACKOFF_CAP_MS, backoffDelay } from "./backoff.js";
import { createRefreshScheduler } from "./scheduler.js";

function setup(offsetMs = 0, random = () => 0.5) {
  const time = new FakeTime();
  let runs = 0;
  const scheduler = createRefreshScheduler({
    timers: time,
    serverNow: () => time.now() + offsetMs,
    random,
    logger: { debug() {}, warn() {} },
    refresh: async () => {
      runs += 1;
    },
  });
  return { time, scheduler, runs: () => runs };
}

const network = () => new CognitoIdpoolError("network-error", "offline");

describe("backoff", () => {
  it("doubles from one second to a one-minute cap, with half of each window jittered", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect([1, 2, 3, 7, 20].map((n) => backoffDelay(n, () => 0.999999))).toEqual(
      [1000, 2000, 4000, BACKOFF_CAP_MS, BACKOFF_CAP_MS].map((c) => expect.closeTo(c, 0)),
    );
    const spread = new Set(Array.from({ length: 50 }, (_, i) => backoffDelay(3, () => i / 50)));
    expect(spread.size).toBe(50);
  });
});

describe("refresh scheduler", () => {
  it("fires at the due time given on the server clock, whatever the device clock says", async () => {
    const { time, scheduler, runs } = setup(-3_600_000);
    scheduler.planAt(time.now() - 3_600_000 + 60_000);
    expect(time.pending().map((t) => t.dueIn)).toEqual([60_000]);
    await time.advance(59_999);
    expect(runs()).toBe(0);
    await time.advance(1);
    expect(runs()).toBe(1);
  });

  it("retries retryable failures with the backoff sequence and resets after a success", async () => {
    const { time, scheduler } = setup(0, () => 0.5);
    scheduler.failed(network());
    scheduler.failed(network());
    scheduler.failed(new CognitoIdpoolError("throttled", "slow down"));
    expect(time.requestedDelays).toEqual([750, 1500, 3000]);
    expect(scheduler.waiting()).toBe(true);
    scheduler.planAt(time.now() + 10_000);
    expect(scheduler.waiting()).toBe(false);
    scheduler.failed(network());
    expect(time.requestedDelays.at(-1)).toBe(750);
  });

  it("stops on errors that retrying cannot fix, but callers still wait out the backoff", async () => {
    const { time, scheduler } = setup();
    scheduler.planAt(time.now() + 10_000);
    scheduler.failed(new CognitoIdpoolError("login-rejected", "expired token"));
    expect(time.pending()).toEqual([]);
    expect(scheduler.waiting()).toBe(true);
    await time.advance(750);
    expect(scheduler.waiting()).toBe(false);
  });

  it("never plans two attempts closer than half a second, for past or unreadable due times", async () => {
    const { time, scheduler, runs } = setup();
    scheduler.planAt(time.now() - 60_000);
    await time.advance(0);
    expect(runs()).toBe(1);
    scheduler.planAt(time.now() - 60_000);
    scheduler.planAt(Number.NaN);
    await time.advance(499);
    expect(runs()).toBe(1);
    await time.advance(1);
    expect(runs()).toBe(2);
  });

  it("on wake-up runs an overdue refresh at once and leaves a future one alone", async () => {
    const { time, scheduler, runs } = setup();
    scheduler.planAt(time.now() + 60_000);
    scheduler.wake("visible");
    expect(runs()).toBe(0);
    time.jump(61_000);
    scheduler.wake("pageshow");
    await flushMicrotasks();
    expect(runs()).toBe(1);
    expect(time.pending()).toEqual([]);
  });

  it("coming back online ends a backoff wait at once", async () => {
    const { time, scheduler, runs } = setup();
    scheduler.failed(network());
    scheduler.failed(network());
    scheduler.wake("visible");
    expect(runs()).toBe(0);
    scheduler.wake("online");
    await flushMicrotasks();
    expect(runs()).toBe(1);
    expect(time.pending()).toEqual([]);
  });

  it("re-arms instead of firing when the device clock made the timer early", async () => {
    const { time, scheduler, runs } = setup();
    scheduler.planAt(time.now() + 60_000);
    time.shiftClock(-30_000); // the user set the clock back
    await time.advance(60_000);
    expect(runs()).toBe(0);
    await time.advance(30_000);
    expect(runs()).toBe(1);
  });

  it("does nothing once stopped", async () => {
    const { time, scheduler, runs } = setup();
    scheduler.planAt(time.now() + 1_000);
    scheduler.stop();
    scheduler.failed(network());
    scheduler.planAt(time.now() + 1_000);
    await time.advance(10_000);
    expect(runs()).toBe(0);
    expect(time.pending()).toEqual([]);
  });
});
