import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import type { UserInfo } from "../index.js";
import type { AuthState, IdentityChange } from "../types.js";
import { useAuth } from "./context.js";

/**
 * The current {@link AuthState}; the component re-renders when it changes (status, identity,
 * expiration, storage, refresh errors). Starts as `restoring` while a stored session or identity
 * is being restored: render neither a sign-in form nor an account then.
 *
 * @example
 * ```tsx
 * function Header() {
 *   const { status, identityId } = useAuthState();
 *   if (status === "restoring") return <p>Restoring your session…</p>;
 *   return status === "authenticated" ? <AccountMenu /> : <SignInForm />;
 * }
 * ```
 */
export function useAuthState(): AuthState {
  const auth = useAuth();
  return useSyncExternalStore(auth.subscribe, auth.getState, auth.getState);
}

/**
 * The signed-in user-pool user (from the ID token), or `undefined`: when not `authenticated`,
 * when the logins are not the user pool's, and while the user is being read (a moment after the
 * status becomes `authenticated`). Read again whenever the identity changes.
 *
 * @example
 * ```tsx
 * function Greeting() {
 *   const user = useUser();
 *   return user ? <p>Hello {user.username}</p> : null;
 * }
 * ```
 */
export function useUser(): UserInfo | undefined {
  const auth = useAuth();
  const { status, identityId } = useAuthState();
  const key = status === "authenticated" ? (identityId ?? "") : undefined;
  // The answer is kept with the identity it was read for, so a stale one is never shown.
  const [read, setRead] = useState<{ key: string; user: UserInfo | undefined }>();
  useEffect(() => {
    if (key === undefined) return;
    let current = true;
    auth.getUser().then(
      (user) => current && setRead({ key, user }),
      // No user pool configured, or it could not be loaded: there is no user-pool user to show.
      () => current && setRead({ key, user: undefined }),
    );
    return () => {
      current = false;
    };
  }, [auth, key]);
  return key !== undefined && read?.key === key ? read.user : undefined;
}

/**
 * Calls `listener` on every identity change (`created`, `linked`, `merged`, `recovered`,
 * `signedOut`) while the component is mounted; see {@link IdentityChange}. The latest `listener`
 * is called, so it may be an inline function: changing it does not resubscribe.
 *
 * @example
 * ```tsx
 * useIdentityChange((change) => {
 *   if (change.reason === "merged") void copyGuestFiles(change);
 *   if (change.reason === "signedOut" && change.cause === "sessionExpired") setNotice("Please sign in again.");
 * });
 * ```
 */
export function useIdentityChange(listener: (change: IdentityChange) => void): void {
  const auth = useAuth();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => auth.onIdentityChange((change) => latest.current(change)), [auth]);
}
