import type { KeyValueStore, Logger } from "../platform/types.js";

/** Cognito's pattern for identity ids, `<region>:<lower-case uuid>`, at most 55 characters. */
const IDENTITY_ID = /^[\w-]+:[0-9a-f-]+$/;

/** The authenticated identity last used with these login providers. */
export interface UserIdentityRecord {
  identityId: string;
  /** Login keys (issuers) it was used with, so a different provider never reuses it. */
  providers: string[];
}

const GUEST_IDENTITY_KEY = "guest-identity";
const USER_IDENTITY_KEY = "user-identity";

/**
 * The persisted identity ids of one identity pool: ids only, never credentials or login tokens.
 * Values that do not decode (another version, a hand-edited database, a foreign value under our
 * key) are treated as absent and overwritten by the next write.
 */
export class IdentityRecords {
  constructor(
    private readonly store: KeyValueStore,
    private readonly key: (name: string) => string,
    private readonly logger: Logger,
  ) {}

  async readGuest(): Promise<string | undefined> {
    const value = await this.store.get(this.key(GUEST_IDENTITY_KEY));
    if (value === undefined) return undefined;
    if (isRecord(value) && isIdentityId(value["identityId"])) return value["identityId"];
    this.logger.warn("ignoring a corrupted stored guest identity", { key: this.key(GUEST_IDENTITY_KEY) });
    return undefined;
  }

  writeGuest(identityId: string): Promise<void> {
    return this.store.set(this.key(GUEST_IDENTITY_KEY), { identityId });
  }

  deleteGuest(): Promise<void> {
    return this.store.del(this.key(GUEST_IDENTITY_KEY));
  }

  async readUser(): Promise<UserIdentityRecord | undefined> {
    const value = await this.store.get(this.key(USER_IDENTITY_KEY));
    if (value === undefined) return undefined;
    if (isRecord(value) && isIdentityId(value["identityId"]) && Array.isArray(value["providers"]) && value["providers"].every((p) => typeof p === "string")) {
      return { identityId: value["identityId"], providers: value["providers"] as string[] };
    }
    this.logger.warn("ignoring a corrupted stored user identity", { key: this.key(USER_IDENTITY_KEY) });
    return undefined;
  }

  writeUser(record: UserIdentityRecord): Promise<void> {
    return this.store.set(this.key(USER_IDENTITY_KEY), { identityId: record.identityId, providers: [...record.providers] });
  }

  deleteUser(): Promise<void> {
    return this.store.del(this.key(USER_IDENTITY_KEY));
  }
}

function isIdentityId(value: unknown): value is string {
  return typeof value === "string" && value.length <= 55 && IDENTITY_ID.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
