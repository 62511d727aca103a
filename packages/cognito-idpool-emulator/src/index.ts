import { readFile } from "node:fs/promises";
import { createEmulatorCore, type EmulatorCore } from "./emulator.js";
import { applySeed, type Seed, type SeedResult } from "./seed.js";
import { createEmulatorServer, listenAddress } from "./server.js";
import type { TriggerTable } from "./service.js";

export type { ManagedLoginSeed, SamlProviderSeedEntry, Seed, SeededPool, SeededUserPool, SeedResult } from "./seed.js";
export type { SamlIdpSeed } from "./cognito-identity/saml-control.js";
export type { IdentityPoolSeed } from "./cognito-identity/index.js";
export type { SocialUserSeed } from "./cognito-identity/social-control.js";
export type { MappingRule, RoleMapping } from "./cognito-identity/state.js";
export type { CorsRule } from "./s3/state.js";
export type { UserPoolSeed } from "./cognito-idp/seed.js";
export type { OidcProviderSeed, RoleSeed } from "./iam/index.js";
export type { BucketSeed } from "./s3/seed.js";
export type { TriggerEvent, TriggerFunction, TriggerTable } from "./service.js";

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks any free port. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** A seed document, or the path of a JSON file holding one. Applied after any `dataDir` state loads. */
  seed?: Seed | string;
  /** Keep state on disk in this folder across restarts (otherwise memory only). */
  dataDir?: string;
  /**
   * User-pool Lambda triggers run in this process, by user pool id (or `*`) and trigger name, e.g.
   * `{ "*": { PreSignUp: async (event) => ({ ...event, response: { ...event.response, autoConfirmUser: true } }) } }`.
   * They take precedence over the pool's `LambdaConfig`.
   */
  triggers?: TriggerTable;
}

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL for every service, e.g. `http://127.0.0.1:4566`. */
  url: string;
  /** What the seed created (ids of pools and clients), if a seed was given. */
  seeded?: SeedResult;
  /** Stops listening, closes open connections and writes state to `dataDir` if set. */
  stop(): Promise<void>;
}

/**
 * Starts the local emulator of Cognito identity pools, Cognito user pools, an IAM/STS subset and S3
 * on one port.
 *
 * @example
 * ```ts
 * import { startEmulator } from "cognito-idpool-emulator";
 * const emulator = await startEmulator({ port: 0, seed: "node_modules/cognito-idpool-emulator/demo-seed.json" });
 * // … point AWS SDK clients at emulator.url …
 * await emulator.stop();
 * ```
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { running } = await startEmulatorWithCore(options);
  return running;
}

/**
 * {@link startEmulator}, also handing back the emulator's internals. For the emulator's own tests,
 * which set up state directly where no AWS API exists for it; not part of the package's API.
 * @internal
 */
export async function startEmulatorWithCore(options: EmulatorOptions = {}): Promise<{ running: RunningEmulator; core: EmulatorCore }> {
  const { port = 0, host = "127.0.0.1", dataDir, triggers } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`port must be an integer from 0 to 65535, got ${String(port)}`);

  let url = "";
  const core = createEmulatorCore({ dataDir, baseUrl: () => url, triggers });

  const server = createEmulatorServer(core);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  url = listenAddress(server);

  let seeded: SeedResult | undefined;
  if (options.seed !== undefined) {
    try {
      const seed = typeof options.seed === "string" ? (JSON.parse(await readFile(options.seed, "utf8")) as Seed) : options.seed;
      seeded = await applySeed(seed, { state: core.state, clock: core.clock, baseUrl: url });
      core.onChange();
    } catch (error) {
      server.close();
      throw error;
    }
  }

  let stopped: Promise<void> | undefined;
  const running: RunningEmulator = {
    url,
    ...(seeded ? { seeded } : {}),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        core.flush();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
  return { running, core };
}
