import { useEffect } from "react";
import { useAuth, useAuthState } from "cognito-idpool/react";
import { AccountPanel } from "./AccountPanel.js";
import { config } from "./config.js";
import { describeError } from "./files.js";
import { IdentityPanel } from "./IdentityPanel.js";
import { finishRedirectSignIn } from "./loginPages.js";
import { MyFiles } from "./MyFiles.js";
import { OpenKey } from "./OpenKey.js";
import { PublicFiles } from "./PublicFiles.js";
import { notify, useIdentityChangeNotices, useNotices } from "./session.js";

export function App() {
  const auth = useAuth();
  const state = useAuthState();
  const notices = useNotices();
  useIdentityChangeNotices();

  // Back from the login pages: finish the sign-in. This effect runs after the identity-change
  // listener's (hooks above), so a guest merged by this sign-in gets its files copied.
  useEffect(() => {
    void finishRedirectSignIn();
  }, []);

  // First visit: a guest identity (or, after a reload, the stored one) and its credentials.
  useEffect(() => {
    auth.getCredentials().catch((error: unknown) => notify("error", `Could not get AWS credentials: ${describeError(error)}`));
  }, [auth]);

  return (
    <main>
      <header>
        <h1>cognito-idpool · files on S3</h1>
        <p className="target" data-testid="target">
          {config.target === "emulator" ? `Local emulator at ${config.endpoint}` : `AWS ${config.region}`} · bucket <code>{config.bucket}</code>
        </p>
      </header>
      <ul className="notices" data-testid="notices">
        {notices.map((n) => (
          <li key={n.id} className={n.kind}>
            {n.text}
          </li>
        ))}
      </ul>
      <div className="grid">
        <IdentityPanel />
        {/* Not known yet whether someone is signed in: a sign-in form now would flash on every reload. */}
        {state.status === "restoring" ? (
          <section className="card account" data-testid="restoring">
            <h2>Account</h2>
            <p>Restoring your session…</p>
          </section>
        ) : (
          state.status !== "authenticated" && <AccountPanel />
        )}
        <MyFiles identityId={state.identityId} />
        <PublicFiles />
        <OpenKey />
      </div>
    </main>
  );
}
