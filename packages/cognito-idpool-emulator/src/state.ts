import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { emptyCognitoIdentityState, type CognitoIdentityState } from "./cognito-identity/state.js";
import { emptyCognitoIdpState, type CognitoIdpState } from "./cognito-idp/state.js";
import type { CredentialStore } from "./core/credentials.js";
import { emptyIamState, type IamState } from "./iam/state.js";
import { emptyS3State, type S3State } from "./s3/state.js";

/**
 * All emulated AWS state. Plain JSON (no Maps, no class instances) so `--data DIR` can write it
 * to disk and read it back unchanged. Each service owns its own slice (`<service>/state.ts`); this
 * module only composes them, so services can share the whole without core/ knowing any of them.
 */
export interface EmulatorState extends CredentialStore {
  version: 1;
  cognitoIdentity: CognitoIdentityState;
  cognitoIdp: CognitoIdpState;
  iam: IamState;
  s3: S3State;
}

export function emptyState(): EmulatorState {
  return {
    version: 1,
    credentials: {},
    cognitoIdentity: emptyCognitoIdentityState(),
    cognitoIdp: emptyCognitoIdpState(),
    iam: emptyIamState(),
    s3: emptyS3State(),
  };
}

const STATE_FILE = "state.json";

/** Reads `DIR/state.json`; a missing or unreadable file starts empty (and says why on stderr). */
export function loadState(dataDir: string): EmulatorState {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, STATE_FILE), "utf8")) as EmulatorState;
    if (parsed?.version !== 1) throw new Error("unknown state version");
    return { ...emptyState(), ...parsed };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      process.stderr.write(`cognito-idpool-emulator: ignoring unreadable ${join(dataDir, STATE_FILE)}: ${(error as Error).message}\n`);
    }
    return emptyState();
  }
}

/** Writes atomically (temp file + rename) so a crash mid-write never leaves half a file. */
export function saveState(dataDir: string, state: EmulatorState): void {
  mkdirSync(dataDir, { recursive: true });
  const target = join(dataDir, STATE_FILE);
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, target);
}
