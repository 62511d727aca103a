// Sign-in through the user pool's login pages (by redirect): finishing it when the page loads, and
// remembering that the session came from there, so that sign-out also ends the login pages' own
// session (otherwise the next "Sign in with the login page" would sign the same user in at once).
import { isCognitoIdpoolError } from "cognito-idpool";
import { auth } from "./auth.js";
import { config } from "./config.js";
import { describeError } from "./files.js";
import { notify } from "./session.js";

const KEY = "cognito-idpool-demo:signed-in-through-login-pages";

let finished: Promise<void> | undefined;

/**
 * `handleRedirect()`, once per page load: React's StrictMode runs effects twice in development, and
 * an answer is good for one exchange only. Call it after the identity-change listener is attached,
 * since a merged guest is reported while it runs.
 */
export function finishRedirectSignIn(): Promise<void> {
  if (!config.loginPages) return Promise.resolve();
  return (finished ??= auth.handleRedirect().then(
    async (result) => {
      if (result.status !== "signedIn") return;
      remember(true);
      const user = await auth.getUser();
      notify("success", `Signed in through the login pages${user ? ` as ${user.username}` : ""}.`);
    },
    (error: unknown) => notify("error", describeRedirectError(error)),
  ));
}

/** Whether the current session began on the login pages (so sign-out should go through their /logout). */
export function signedInThroughLoginPages(): boolean {
  return readStorage() === "1";
}

/** Sign-out: through the login pages' /logout when the session began there, which brings the browser back here. */
export async function signOutEverywhere(): Promise<"redirecting" | "done"> {
  const redirect = signedInThroughLoginPages();
  remember(false);
  await auth.signOut(redirect ? { redirect: true } : {});
  return redirect ? "redirecting" : "done";
}

function describeRedirectError(error: unknown): string {
  const still = "You are still a guest, with the same identity and files.";
  if (!isCognitoIdpoolError(error)) return `Sign-in through the login pages failed: ${describeError(error)} ${still}`;
  const cause = (error.cause as { error?: string } | undefined)?.error;
  switch (error.code) {
    case "oauth-error":
      return cause === "access_denied"
        ? `Sign-in cancelled: the login pages answered access_denied. ${still}`
        : `The login pages refused the sign-in${cause ? ` (${cause})` : ""}: ${error.message} ${still}`;
    case "state-mismatch":
      return `This sign-in answer was not asked for by this tab, or was already used, so it was ignored. ${still}`;
    case "redirect-expired":
      return `The sign-in took more than 10 minutes; please start again. ${still}`;
    default:
      return `Sign-in through the login pages failed: ${describeError(error)} ${still}`;
  }
}

// Storage can be unavailable (private modes, blocked cookies): the demo then signs out locally only.
function readStorage(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function remember(value: boolean): void {
  try {
    if (value) localStorage.setItem(KEY, "1");
    else localStorage.removeItem(KEY);
  } catch {
    // See readStorage.
  }
}
