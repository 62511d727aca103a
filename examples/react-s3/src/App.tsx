import { useEffect } from "react";
import { AccountPanel } from "./AccountPanel.js";
import { auth } from "./auth.js";
import { config } from "./config.js";
import { describeError } from "./files.js";
import { IdentityPanel } from "./IdentityPanel.js";
import { MyFiles } from "./MyFiles.js";
import { OpenKey } from "./OpenKey.js";
import { PublicFiles } from "./PublicFiles.js";
import { notify, useAuthState, useNotices } from "./session.js";

export function App() {
  const state = useAuthState();
  const notices = useNotices();

  // First visit: a guest identity (or, after a reload, the stored one) and its credentials.
  useEffect(() => {
    auth.getCredentials().catch((error: unknown) => notify("error", `Could not get AWS credentials: ${describeError(error)}`));
  }, []);

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
        <IdentityPanel state={state} />
        {state.status !== "authenticated" && <AccountPanel />}
        <MyFiles identityId={state.identityId} />
        <PublicFiles state={state} />
        <OpenKey />
      </div>
    </main>
  );
}
