import type { Clock, Timers } from "../../src/platform/types.js";

interface PendingTimer {
  id: number;
  due: number;
  delay: number;
  callback: () => void;
}

/**
 * A device clock and timers that only move when a test says so. `advance` fires due timers in
 * order, each at its own due time; `jump` moves the clock without firing anything (a user changing
 * the clock, or a laptop waking up whose timers have not run yet).
 */
export class FakeTime implements Clock, Timers {
  private current: number;
  /** The monotonic clock: timers run on it, and only {@link shiftClock} moves the device clock without it. */
  private mono = 0;
  private readonly timers = new Map<number, PendingTimer>();
  private nextId = 1;
  /** Every delay ever passed to setTimeout, in call order. */
  readonly requestedDelays: number[] = [];

  constructor(start = Date.UTC(2030, 0, 1, 12, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    // Browsers fire NaN delays at once, as they do negative ones.
    const delay = Math.max(0, delayMs) || 0;
    this.requestedDelays.push(delay);
    this.timers.set(id, { id, due: this.mono + delay, delay, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Pending timers, earliest first. */
  pending(): { delay: number; dueIn: number }[] {
    return [...this.timers.values()].sort((a, b) => a.due - b.due).map((t) => ({ delay: t.delay, dueIn: t.due - this.mono }));
  }

  /** Time passes by `ms`, firing every timer that falls due on the way (microtasks run between them). */
  async advance(ms: number): Promise<void> {
    const target = this.mono + ms;
    for (;;) {
      const next = [...this.timers.values()].filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.timers.delete(next.id);
      this.pass(Math.max(0, next.due - this.mono));
      next.callback();
      await flushMicrotasks();
    }
    this.pass(target - this.mono);
  }

  /** Time passes without timers running (a sleeping or frozen tab). */
  jump(ms: number): void {
    this.pass(ms);
  }

  /** The device clock is set by `ms` (the user or the network changed it); no time passes. */
  shiftClock(ms: number): void {
    this.current += ms;
  }

  private pass(ms: number): void {
    this.current += ms;
    this.mono += ms;
  }
}

/** Lets promise chains that do not touch timers run to completion. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
