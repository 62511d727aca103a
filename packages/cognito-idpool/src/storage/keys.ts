/**
 * The one place that names what the SDK keeps outside the page's memory: storage keys, the
 * cross-tab lock and the cross-tab channel. Everything else gets its names from here, so two
 * modules can never disagree on a key (a sign-out that deletes one key while the tokens live under
 * another would not stick).
 */

/** The names used for one identity pool (and, if configured, one user-pool app client). */
export interface StorageKeys {
  /** The guest identity record. */
  guest: string;
  /** The authenticated identity record. */
  user: string;
  /** The user-pool tokens; `undefined` without a user pool. */
  userPoolTokens: string | undefined;
  /**
   * A remembered device's key and secret, per user of the app client. Sign-out leaves it, so the
   * device stays remembered for the next sign-in.
   */
  device(username: string): string;
  /** A redirect or popup sign-in attempt, in `sessionStorage`, named by its random `state`. */
  oauth(state: string): string;
  /** The Web Lock that serializes identity creation across tabs. */
  lockName: string;
  /** The BroadcastChannel of the tabs of this identity pool. */
  channelName: string;
  /** A throw-away key for the storage probe; `token` keeps tabs probing at the same moment apart. */
  probe(token: string): string;
}

/**
 * Names for `identityPoolId`, and for the app client `userPool.clientId` of `userPool.userPoolId`.
 *
 * The guest, user, lock and channel names are those of every earlier version, so stored identities
 * survive an upgrade. The user-pool token key changed after 0.2: it used to be
 * `cognito-idpool:<identityPoolId>:userpool-tokens`, shared by every user pool and app client of
 * the origin, so two apps on one origin took each other's tokens for foreign ones and deleted them.
 * A user signed in before the upgrade therefore signs in once more (acceptable at 0.x).
 */
export function storageKeys(identityPoolId: string, userPool?: { userPoolId: string; clientId: string }): StorageKeys {
  const prefix = `cognito-idpool:${identityPoolId}`;
  return {
    guest: `${prefix}:guest-identity`,
    user: `${prefix}:user-identity`,
    userPoolTokens: userPool && `${prefix}:userpool-tokens:${userPool.userPoolId}:${userPool.clientId}`,
    lockName: `${prefix}:identity`,
    channelName: prefix,
    probe: (token) => `cognito-idpool:probe:${token}`,
    oauth: (state) => `${prefix}:oauth:${state}`,
    device: (username) => `${prefix}:device:${userPool?.userPoolId}:${userPool?.clientId}:${username}`,
  };
}
