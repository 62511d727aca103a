import { randomBytes } from "node:crypto";
import { ACCOUNT_ID, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY } from "./account.js";
import type { EmulatorClock } from "./clock.js";

/** Temporary credentials the emulator issued (GetCredentialsForIdentity, AssumeRoleWithWebIdentity). */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** Epoch milliseconds on the emulator clock. */
  expiration: number;
  roleArn: string;
  sessionName: string;
  /** `arn:aws:sts::000000000000:assumed-role/<role>/<session>` */
  assumedRoleArn: string;
  /**
   * Condition keys and policy variables of the session, e.g.
   * `cognito-identity.amazonaws.com:sub`, `:aud`, `:amr` (multi-valued).
   */
  context: Record<string, string | string[]>;
  /**
   * The session policy given to AssumeRoleWithWebIdentity (JSON text), if any: requests are allowed
   * only where both the role's policies and this one allow them.
   */
  sessionPolicy?: string;
}

/** The slice of emulator state that remembers issued credentials, keyed by access key id. */
export interface CredentialStore {
  credentials: Record<string, IssuedCredentials>;
}

export type Principal = { kind: "root"; accessKeyId: string; arn: string } | { kind: "temporary"; credentials: IssuedCredentials };

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function randomText(length: number, alphabet: string): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

export interface IssueOptions {
  roleArn: string;
  sessionName: string;
  lifetimeSeconds: number;
  context: Record<string, string | string[]>;
  sessionPolicy?: string;
}

/** Mints STS-shaped credentials (`ASIA…`, 40-char secret, opaque token) and remembers them for SigV4 checks. */
export function issueCredentials(state: CredentialStore, clock: EmulatorClock, options: IssueOptions): IssuedCredentials {
  const accessKeyId = `ASIA${randomText(16, BASE32)}`;
  const roleName = options.roleArn.split("/").pop() ?? options.roleArn;
  const credentials: IssuedCredentials = {
    accessKeyId,
    secretAccessKey: randomBytes(30).toString("base64").slice(0, 40),
    // Opaque like STS's, but carrying the key id lets a garbled token be told from an unknown key.
    sessionToken: `IQoJ${randomBytes(96).toString("base64")}`,
    expiration: clock.now() + options.lifetimeSeconds * 1000,
    roleArn: options.roleArn,
    sessionName: options.sessionName,
    assumedRoleArn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleName}/${options.sessionName}`,
    context: options.context,
    ...(options.sessionPolicy === undefined ? {} : { sessionPolicy: options.sessionPolicy }),
  };
  pruneExpired(state, clock);
  state.credentials[accessKeyId] = credentials;
  return credentials;
}

/** Forget credentials that expired more than a day ago so a long-running emulator does not grow forever. */
function pruneExpired(state: CredentialStore, clock: EmulatorClock): void {
  const horizon = clock.now() - 24 * 3600 * 1000;
  for (const [id, c] of Object.entries(state.credentials)) if (c.expiration < horizon) delete state.credentials[id];
}

/** The secret for an access key id, or undefined if the emulator never issued it. */
export function findSecret(state: CredentialStore, accessKeyId: string): { secret: string; principal: Principal } | undefined {
  if (accessKeyId === ROOT_ACCESS_KEY_ID) {
    return { secret: ROOT_SECRET_ACCESS_KEY, principal: { kind: "root", accessKeyId, arn: `arn:aws:iam::${ACCOUNT_ID}:root` } };
  }
  const c = state.credentials[accessKeyId];
  return c ? { secret: c.secretAccessKey, principal: { kind: "temporary", credentials: c } } : undefined;
}
