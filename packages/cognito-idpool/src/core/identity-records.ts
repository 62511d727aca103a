import type { KeyValueStore, Logger } from "../platform/types.js";
import type { StorageKeys } from "../storage/keys.js";
import { isIdentityId } from "../identity-pool/identity-id.js";
import { malformedAnswer } from "../identity-pool/errors.js";

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
export interface IdentityRecords {
  readGuest(): Promise<string | undefined>;
  /** Rejects with `service-error` when `identityId` is not a Cognito identity id. */
  writeGuest(identityId: string): Promise<void>;
  deleteGuest(): Promise<void>;
  readUser(): Promise<UserIdentityRecord | undefined>;
  /** Rejects with `service-error` when `record.identityId` is not a Cognito identity id. */
  writeUser(record: UserIdentityRecord): Promise<void>;
  deleteUser(): Promise<void>;
  /** Another tab signed out and cleared storage: what this page remembered of the records is stale. */
  forgetKnown(): void;
}

export function createIdentityRecords(
  store: KeyValueStore & { forget?(key: string): void },
  keys: Pick<StorageKeys, "guest" | "user">,
  logger: Logger,
): IdentityRecords {
  /** The record under `kind`'s key if it decodes (a user record also needs its providers), else undefined. */
  const read = async (kind: "guest" | "user"): Promise<Partial<UserIdentityRecord> | undefined> => {
    const key = keys[kind];
    const value = await store.get<Partial<UserIdentityRecord>>(key);
    if (value === undefined) return undefined;
    const { identityId, providers } = Object(value) as Partial<UserIdentityRecord>;
    if (!Array.isArray(value) && isIdentityId(identityId) && (kind == "guest" || (Array.isArray(providers) && providers.every((p) => typeof p == "string"))))
      return { identityId, providers: providers! };
    logger.warn(`ignoring a corrupted stored ${kind} identity`, { key });
    return undefined;
  };
  /**
   * Ids come from Cognito's answers, so a malformed one is a service error, retryable like any other
   * unreadable answer (the same error and message as an unreadable id in the answer itself). The
   * message does not quote the value: it is whatever the server sent.
   */
  const write = async (kind: "guest" | "user", record: Partial<UserIdentityRecord>) => {
    if (!isIdentityId(record.identityId)) throw malformedAnswer("IdentityId");
    await store.set(keys[kind], record);
  };
  return {
    readGuest: async () => (await read("guest"))?.identityId,
    writeGuest: (identityId) => write("guest", { identityId }),
    deleteGuest: () => store.del(keys.guest),
    readUser: () => read("user") as Promise<UserIdentityRecord | undefined>,
    writeUser: ({ identityId, providers }) => write("user", { identityId, providers: [...providers] }),
    deleteUser: () => store.del(keys.user),
    forgetKnown() {
      store.forget?.(keys.guest);
      store.forget?.(keys.user);
    },
  };
}
