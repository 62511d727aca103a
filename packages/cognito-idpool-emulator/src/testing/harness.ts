import type { EmulatorCore } from "../emulator.js";
import { startEmulatorWithCore, type EmulatorOptions } from "../index.js";
import { createControlClient, type ControlClient } from "./control.js";

/** The region the helpers' clients use; the emulator accepts any. */
export const REGION = "eu-west-1";
/** The emulator's root credential: SigV4-signs administrative calls (IAM, CreateIdentityPool, AdminCreateUser, …). */
export const ROOT_CREDENTIALS = {
  /** `test` */
  accessKeyId: "test",
  /** `test` */
  secretAccessKey: "test",
};

/**
 * The emulator's control client. Called as a function it is the untyped form
 * `control(path, body?, method?)`: `method` defaults to POST with a body and GET without.
 */
export type TestControl = ControlClient & ((path: string, body?: unknown, method?: "GET" | "POST" | "DELETE") => Promise<any>);

/** An emulator started for one test file. */
export interface TestEmulator {
  /** Base URL for every service and the control API, e.g. `http://127.0.0.1:45123`. */
  url: string;
  /** Direct access to state, clock and runtime, for the emulator's own tests' set-up that has no AWS API. @internal */
  core: EmulatorCore;
  /** Stops the emulator and closes its connections. */
  stop(): Promise<void>;
  /** The control API (reset, clock, faults, request log, codes, seed). */
  control: TestControl;
}

/**
 * Starts an emulator on a free loopback port, typically once per test file.
 *
 * @example
 * ```ts
 * import { startTestEmulator } from "cognito-idpool-emulator/testing";
 *
 * const emulator = await startTestEmulator();
 * afterAll(() => emulator.stop());
 * beforeEach(() => emulator.control.reset());
 * // point AWS SDK clients at emulator.url …
 * ```
 */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const { running, core } = await startEmulatorWithCore({ port: 0, ...options });
  const client = createControlClient(running.url);
  const control = Object.assign(
    (path: string, body?: unknown, method: "GET" | "POST" | "DELETE" = body === undefined ? "GET" : "POST") => client.send(method, path, body),
    client,
  );
  return { url: running.url, core, stop: () => running.stop(), control };
}
