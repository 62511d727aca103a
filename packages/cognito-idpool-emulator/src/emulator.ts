import { EmulatorClock } from "./core/clock.js";
import { defaultRuntime, type RuntimeConfig } from "./core/runtime.js";
import type { TriggerTable } from "./service.js";
import { emptyState, loadState, saveState, type EmulatorState } from "./state.js";

/**
 * One emulator's mutable parts: the AWS state, its clock and the runtime settings the control API
 * changes. The router hands them to every request; the emulator's own tests reach in for set-up
 * that no AWS API offers.
 */
export interface EmulatorCore {
  readonly state: EmulatorState;
  clock: EmulatorClock;
  runtime: RuntimeConfig;
  /** Called after any request that may have changed state (persistence hooks in here). */
  onChange(): void;
  /** Replaces the whole state (reset). */
  replaceState(next: EmulatorState): void;
  /** Writes state to the data folder now, if there is one; `stop()` calls it. */
  flush(): void;
  baseUrl(): string;
  /** The `--data` folder, if any (S3 writes large bodies there as files). */
  readonly dataDir?: string | undefined;
  /** In-process user-pool Lambda triggers (`startEmulator({ triggers })`). */
  readonly triggers?: TriggerTable | undefined;
}

export interface EmulatorCoreOptions {
  /** Load state from and save it to `DIR/state.json`; without it state lives in memory. */
  dataDir?: string | undefined;
  /** The emulator's own base URL, known once the server listens. */
  baseUrl: () => string;
  /** In-process user-pool Lambda triggers. */
  triggers?: TriggerTable | undefined;
}

/** Saving waits this long after a change, so a burst of requests writes the file once. */
const SAVE_DELAY_MS = 50;

export function createEmulatorCore({ dataDir, baseUrl, triggers }: EmulatorCoreOptions): EmulatorCore {
  let state: EmulatorState = dataDir ? loadState(dataDir) : emptyState();
  let saveTimer: NodeJS.Timeout | undefined;
  return {
    get state() {
      return state;
    },
    clock: new EmulatorClock(),
    runtime: defaultRuntime(),
    onChange() {
      if (!dataDir || saveTimer) return;
      saveTimer = setTimeout(() => {
        saveTimer = undefined;
        saveState(dataDir, state);
      }, SAVE_DELAY_MS);
    },
    replaceState(next) {
      state = next;
    },
    flush() {
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = undefined;
      if (dataDir) saveState(dataDir, state);
    },
    baseUrl,
    dataDir,
    triggers,
  };
}
