/**
 * The emulator's own clock. Tests shift it with `POST /_emulator/clock` to play a device whose
 * clock is wrong, or to age tokens and credentials without sleeping.
 */
export class EmulatorClock {
  offsetMs = 0;
  constructor(private readonly wallClock: () => number = Date.now) {}
  /** Epoch milliseconds as the emulated AWS sees them. */
  now(): number {
    return this.wallClock() + this.offsetMs;
  }
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
  date(): Date {
    return new Date(this.now());
  }
}
