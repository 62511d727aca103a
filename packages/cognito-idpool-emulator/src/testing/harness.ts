import { startEmulatorWithCore, type EmulatorOptions } from "../index.js";
import type { EmulatorCore } from "../server.js";

export const REGION = "eu-west-1";
export const ROOT_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export interface TestEmulator {
  url: string;
  /** Direct access to state, clock and runtime for set-up that has no AWS API. */
  core: EmulatorCore;
  stop(): Promise<void>;
  /** Calls the control API. */
  control(path: string, body?: unknown, method?: string): Promise<any>;
}

/** Starts an emulator on a free loopback port for one test file. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const { running, core } = await startEmulatorWithCore({ port: 0, ...options });
  return {
    url: running.url,
    core,
    stop: () => running.stop(),
    async control(path, body, method = body === undefined ? "GET" : "POST") {
      const response = await fetch(`${running.url}/_emulator/${path}`, {
        method,
        headers: { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`control ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
  };
}
