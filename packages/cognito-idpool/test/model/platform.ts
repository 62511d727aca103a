/**
 * The browser around the SDK in the model world: one timeline, one IndexedDB-like store, Web
 * Locks and BroadcastChannel, all shared by the world's tabs and all on fake time.
 */
import type { Clock, KeyValueStore, Timers } from "../../src/platform/types.js";

// --- time -----------------------------------------------------------------------------------------

interface Timer {
  id: number;
  due: number;
  callback: () => void;
}

/**
 * Three clocks: `mono` (what timers run on, never jumps), true time (`epoch + mono`, the server's
 * clock: Cognito is right) and the device clock (true time + `deviceErrorMs`, which the user or the
 * OS may change at any moment, both ways). Timers fire on `mono`, as browser timers do.
 */
export class WorldTime implements Clock, Timers {
  mono = 0;
  deviceErrorMs: number;
  /** Timers fired by the last `advance`; a storm when it hits the cap. */
  firedInLastAdvance = 0;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;

  constructor(
    private readonly epoch: number,
    deviceErrorMs: number,
    private readonly settle: () => Promise<void>,
  ) {
    this.deviceErrorMs = deviceErrorMs;
  }

  trueNow(): number {
    return this.epoch + this.mono;
  }

  /** The device clock (Clock). */
  now(): number {
    return this.epoch + this.mono + this.deviceErrorMs;
  }

  /** The page's monotonic clock (`performance.now()` in a browser): never jumps. */
  monotonic(): number {
    return this.mono;
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    const delay = Number.isFinite(delayMs) ? Math.max(0, delayMs) : 0;
    this.timers.set(id, { id, due: this.mono + delay, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  pendingCount(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order with the page's work settled between them; stops at `maxTimers` (a storm). */
  async advance(ms: number, maxTimers = 3_000): Promise<void> {
    const target = this.mono + ms;
    this.firedInLastAdvance = 0;
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.timers.values()) if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
      if (!next) break;
      if (++this.firedInLastAdvance > maxTimers) break;
      this.timers.delete(next.id);
      this.mono = Math.max(this.mono, next.due);
      next.callback();
      await this.settle();
    }
    this.mono = target;
    await this.settle();
  }
}

// --- storage ----------------------------------------------------------------------------------------

/**
 * `ok`; `failOnce`: the next operation rejects; `failAlways`: every operation rejects;
 * `quota`: writes reject with QuotaExceededError; `stall`: operations queue up and wait (a blocked
 * database) until the fault changes; `slowRead`: each read takes 6 s (a busy device).
 */
export type StorageMode = "ok" | "failOnce" | "failAlways" | "quota" | "stall" | "slowRead";

/**
 * IndexedDB as every tab of the origin sees it: one map, transactions applied one after the other in
 * the order they were issued (a stalled one holds up the rest), with fault injection.
 */
export class SharedStore implements KeyValueStore {
  readonly data = new Map<string, unknown>();
  mode: StorageMode = "ok";
  /** Operations issued and not yet applied. */
  pending = 0;
  private tail: Promise<void> = Promise.resolve();
  private gate: { promise: Promise<void>; open(): void } | undefined;

  constructor(
    private readonly time: WorldTime,
    private readonly latencyMs: number,
    private readonly touch: () => void,
    private readonly onChange: () => void,
  ) {}

  setMode(mode: StorageMode): void {
    this.mode = mode;
    if (mode !== "stall" && this.gate) {
      this.gate.open();
      this.gate = undefined;
    }
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.enqueue("get", () => structuredClone(this.data.get(key)) as T | undefined);
  }

  set(key: string, value: unknown): Promise<void> {
    const copy = structuredClone(value);
    return this.enqueue("set", () => {
      this.data.set(key, copy);
      this.onChange();
    });
  }

  del(key: string): Promise<void> {
    return this.enqueue("del", () => {
      this.data.delete(key);
      this.onChange();
    });
  }

  private enqueue<T>(kind: "get" | "set" | "del", apply: () => T): Promise<T> {
    this.touch();
    // Faults are decided when the operation is issued, as IndexedDB decides when the transaction starts.
    let failure: Error | undefined;
    if (this.mode === "failOnce") {
      failure = new DOMException("The transaction was aborted.", "UnknownError");
      this.mode = "ok";
    } else if (this.mode === "failAlways") {
      failure = new DOMException("Internal error opening backing store.", "UnknownError");
    } else if (this.mode === "quota" && kind === "set") {
      failure = new DOMException("The quota has been exceeded.", "QuotaExceededError");
    }
    if (this.mode === "stall" && !this.gate) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      this.gate = { promise, open };
    }
    const gate = this.gate?.promise;
    const delay = (this.mode === "slowRead" && kind === "get" ? 6_000 : 0) + this.latencyMs;
    this.pending++;
    const result = this.tail.then(async () => {
      if (gate) await gate;
      if (delay > 0) await new Promise<void>((resolve) => this.time.setTimeout(resolve, delay));
      this.pending--;
      this.touch();
      if (failure) throw failure;
      return apply();
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

// --- Web Locks ------------------------------------------------------------------------------------

/** `navigator.locks` of every tab: exclusive locks by name, granted in request order; `refusing` rejects every request (sandboxed iframes). */
export class FakeWebLocks {
  refusing = false;
  private readonly queues = new Map<string, { grant: () => void; cancelled: boolean }[]>();
  private readonly held = new Set<string>();

  constructor(private readonly touch: () => void) {}

  request<T>(name: string, optionsOrCallback: { signal?: AbortSignal } | (() => Promise<T>), maybeCallback?: () => Promise<T>): Promise<T> {
    const options = typeof optionsOrCallback === "function" ? {} : optionsOrCallback;
    const callback = (typeof optionsOrCallback === "function" ? optionsOrCallback : maybeCallback)!;
    if (this.refusing) return Promise.reject(new DOMException("The request is not allowed by the user agent or the platform.", "SecurityError"));
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(signal.reason ?? new DOMException("aborted", "AbortError"));
    return new Promise<T>((resolve, reject) => {
      const entry = {
        cancelled: false,
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          this.held.add(name);
          this.touch();
          Promise.resolve()
            .then(() => callback())
            .then(resolve, reject)
            .finally(() => {
              this.held.delete(name);
              this.touch();
              this.next(name);
            });
        },
      };
      const onAbort = () => {
        entry.cancelled = true;
        reject(signal?.reason ?? new DOMException("aborted", "AbortError"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const queue = this.queues.get(name) ?? [];
      this.queues.set(name, queue);
      queue.push(entry);
      if (!this.held.has(name)) this.next(name);
    });
  }

  private next(name: string): void {
    const queue = this.queues.get(name) ?? [];
    while (queue.length && queue[0]!.cancelled) queue.shift();
    queue.shift()?.grant();
  }
}

// --- BroadcastChannel ---------------------------------------------------------------------------------

/** BroadcastChannels of the world: a message reaches every other open channel of the same name, asynchronously; every post is recorded. */
export class ChannelHub {
  readonly posts: unknown[] = [];
  private readonly open = new Set<HubChannel>();
  readonly Channel: typeof BroadcastChannel;

  constructor(touch: () => void) {
    const hub = { posts: this.posts, open: this.open };
    class Channel extends EventTarget implements HubChannel {
      onmessage: ((event: MessageEvent) => void) | null = null;
      onmessageerror: ((event: MessageEvent) => void) | null = null;
      closed = false;
      constructor(readonly name: string) {
        super();
        hub.open.add(this);
      }
      postMessage(message: unknown): void {
        if (this.closed) throw new DOMException("BroadcastChannel is closed.", "InvalidStateError");
        const data = structuredClone(message);
        hub.posts.push(data);
        for (const other of hub.open) {
          if (other === this || other.name !== this.name) continue;
          setImmediate(() => {
            if (other.closed) return;
            touch();
            const event = new MessageEvent("message", { data: structuredClone(data) });
            other.onmessage?.(event);
            other.dispatchEvent(event);
          });
        }
      }
      close(): void {
        this.closed = true;
        hub.open.delete(this);
      }
    }
    this.Channel = Channel as unknown as typeof BroadcastChannel;
  }
}

interface HubChannel extends EventTarget {
  readonly name: string;
  closed: boolean;
  onmessage: ((event: MessageEvent) => void) | null;
}
