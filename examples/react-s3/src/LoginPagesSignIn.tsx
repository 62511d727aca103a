import { useState } from "react";
import { useAuth } from "cognito-idpool/react";
import type { LoginPagesConfig } from "./config.js";
import { config } from "./config.js";
import { describeError } from "./files.js";

/** "Continue with Google" and "Sign in with the login page": both leave the page and come back signed in (see loginPages.ts). */
export function LoginPagesSignIn({ loginPages }: { loginPages: LoginPagesConfig }) {
  const auth = useAuth();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  function go(provider?: string) {
    setBusy(true);
    setError(undefined);
    // Resolves as the browser leaves; only a failure to start (no crypto, no storage) comes back here.
    auth.signInWithRedirect(provider ? { provider } : {}).catch((e: unknown) => {
      setError(describeError(e));
      setBusy(false);
    });
  }

  return (
    <div className="login-pages" data-testid="login-pages">
      <p>Or through the user pool's login pages:</p>
      {loginPages.google && (
        <button type="button" onClick={() => go("Google")} disabled={busy}>
          {config.target === "emulator" ? "Continue with Google (emulated)" : "Continue with Google"}
        </button>
      )}
      <button type="button" onClick={() => go()} disabled={busy}>
        Sign in with the login page
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
