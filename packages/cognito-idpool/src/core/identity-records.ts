import type { KeyValueStore, Logger } from "../platform/types.js";
import type { StorageKeys } from "../storage/keys.js";
import { isIdentityId } from "../identity-pool/identity-id.js";
import { malformedAnswer } from "../identity-pool/errors.js";

/** Cognito's pattern for identity ids, `<region>:<lower-case uuid>`, at most 55 characters. */

/** The authenticated identity last used with these login providers. */
export interface UserIdentityRecord {
  identityId: string;
  /** Login keys (issuers) it was used with, so a different provider never reuses it. */
  providers: string[];
}

/**
 * The persisted identity ids of one identity pool: ids only, never credentials or login tokens.
 * Values that do not decode (another version, a hand-edited database, a foreign value under our
 * key) are treated as absent and overwritten by the next write. Writes are held to the same rule
 * as reads: an id that a later read would ignore is refused, rather than stored and then silently
 * replaced by a new identity on every page load.
 */
export class IdentityRecords {
  constructor(
    private readonly store: KeyValueStore & { forget?(key: string): void },
    private readonly keys: Pick<StorageKeys, "guest" | "user">,
    private readonly logger: Logger,
  ) {}

  async readGuest(): Promise<string | undefined> {
    const value = await this.store.get(this.keys.guest);
    if (value === undefined) return undefined;
    if (isRecord(value) && isIdentityId(value["identityId"])) return value["identityId"];
    this.logger.warn("ignoring a corrupted stored guest identity", { key: this.keys.guest });
    return undefined;
  }

  /** Rejects with `service-error` when `identityId` is not a Cognito identity id. */
  async writeGuest(identityId: string): Promise<void> {
    await this.store.set(this.keys.guest, { identityId: checked(identityId) });
  }

  deleteGuest(): Promise<void> {
    return this.store.del(this.keys.guest);
  }

  async readUser(): Promise<UserIdentityRecord | undefined> {
    const value = await this.store.get(this.keys.user);
    if (value === undefined) return undefined;
    if (isRecord(value) && isIdentityId(value["identityId"]) && Array.isArray(value["providers"]) && value["providers"].every((p) => typeof p === "string")) {
      return { identityId: value["identityId"], providers: value["providers"] as string[] };
    }
    this.logger.warn("ignoring a corrupted stored user identity", { key: this.keys.user });
    return undefined;
  }

  /** Rejects with `service-error` when `record.identityId` is not a Cognito identity id. */
  async writeUser(record: UserIdentityRecord): Promise<void> {
    await this.store.set(this.keys.user, { identityId: checked(record.identityId), providers: [...record.providers] });
  }

  deleteUser(): Promise<void> {
    return this.store.del(this.keys.user);
  }

  /** Another tab signed out and cleared storage: what this page remembered of the records is stale. */
  forgetKnown(): void {
    this.store.forget?.(this.keys.guest);
    this.store.forget?.(this.keys.user);
  }
}

/**
 * Ids come from Cognito's answers, so a malformed one is a service error, retryable like any other
 * unreadable answer. The message does not quote the value: it is whatever the server sent.
 */
function checked(identityId: string): string {
  if (isIdentityId(identityId)) return identityId;
  // The same error (and message) as an unreadable id in the answer itself: one message to maintain.
  throw malformedAnswer("IdentityId");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
