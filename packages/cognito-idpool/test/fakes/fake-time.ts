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

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    const delay = Math.max(0, delayMs);
    this.requestedDelays.push(delay);
    this.timers.set(id, { id, due: this.current + delay, delay, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Pending timers, earliest first. */
  pending(): { delay: number; dueIn: number }[] {
    return [...this.timers.values()].sort((a, b) => a.due - b.due).map((t) => ({ delay: t.delay, dueIn: t.due - this.current }));
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (microtasks run between them). */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      const next = [...this.timers.values()].filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.due);
      next.callback();
      await flushMicrotasks();
    }
    this.current = target;
  }

  /** Moves the clock without running timers. */
  jump(ms: number): void {
    this.current += ms;
  }
}

/** Lets promise chains that do not touch timers run to completion. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
