import type { IdentityKit } from "cognito-idpool-emulator/testing";
import { FakeTime } from "../../packages/cognito-idpool/test/fakes/fake-time.js";

/**
 * Time travel for device and emulator together: the device clock and timers are a FakeTime that
 * starts at the real time, and every `travel(ms)` also moves the emulator's clock, so credentials
 * age and refresh timers fire without anyone sleeping.
 */
export interface TimeMachine {
  time: FakeTime;
  travel(ms: number): Promise<void>;
  /** The emulator's current time in epoch seconds (for minting tokens that it finds fresh). */
  emulatorSeconds(): number;
}

export function timeMachine(kit: IdentityKit): TimeMachine {
  const time = new FakeTime(Date.now());
  let offsetMs = 0;
  return {
    time,
    async travel(ms) {
      offsetMs += ms;
      await kit.emulator.control("clock", { offsetSeconds: offsetMs / 1000 });
      await time.advance(ms);
    },
    emulatorSeconds: () => Math.floor((Date.now() + offsetMs) / 1000),
  };
}
