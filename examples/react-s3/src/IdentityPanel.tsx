import { useState } from "react";
import type { AuthStatus } from "cognito-idpool";
import { useAuth, useAuthState, useUser } from "cognito-idpool/react";
import { describeError } from "./files.js";
import { signOutEverywhere } from "./loginPages.js";
import { notify, useNow } from "./session.js";

const STATUS_TEXT: Record<AuthStatus, string> = {
  restoring: "Restoring your session…",
  authenticated: "Signed in",
  guest: "Guest",
  signedOut: "No identity yet",
};

export function IdentityPanel() {
  const auth = useAuth();
  const state = useAuthState();
  const user = useUser();
  const now = useNow();
  const [busy, setBusy] = useState(false);

  const secondsLeft = state.expiration ? Math.max(0, Math.round((state.expiration.getTime() - now) / 1000)) : undefined;
  const who = user ? `${STATUS_TEXT[state.status]} as ${user.username}` : STATUS_TEXT[state.status];

  async function signOut() {
    setBusy(true);
    try {
      // After the login pages' /logout the browser comes back to a fresh load, which gets the new guest.
      if ((await signOutEverywhere()) === "redirecting") return;
      await auth.getCredentials();
    } catch (error) {
      notify("error", `Sign-out failed: ${describeError(error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card identity">
      <h2>Who you are</h2>
      <dl>
        <dt>Status</dt>
        <dd data-testid="status" data-status={state.status}>
          {who}
        </dd>
        <dt>Identity ID</dt>
        <dd>
          <code data-testid="identity-id">{state.identityId ?? "—"}</code>
        </dd>
        <dt>Credentials</dt>
        <dd data-testid="time-left">{secondsLeft === undefined ? "—" : `${formatDuration(secondsLeft)} left`}</dd>
        {state.storage !== "indexeddb" && (
          <>
            <dt>Storage</dt>
            <dd>{state.storage === "memory" ? "memory only: the identity will not survive a reload" : state.storage}</dd>
          </>
        )}
        {state.refreshError && (
          <>
            <dt>Last refresh</dt>
            <dd className="error">{state.refreshError.message}</dd>
          </>
        )}
      </dl>
      {state.status === "authenticated" && (
        <button type="button" onClick={signOut} disabled={busy} data-testid="sign-out">
          Sign out
        </button>
      )}
    </section>
  );
}

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m ? `${m} min ${String(s).padStart(2, "0")} s` : `${s} s`;
}
