import { useState, type FormEvent } from "react";
import { useAuth } from "cognito-idpool/react";
import { config } from "./config.js";
import { describeError } from "./files.js";
import { LoginPagesSignIn } from "./LoginPagesSignIn.js";
import { notify } from "./session.js";

type Mode =
  | { step: "signIn" }
  | { step: "signUp" }
  | { step: "confirmSignUp"; username: string; password: string; destination?: string }
  | { step: "challenge"; challenge: string; destination?: string };

/** Sign in (SRP) or through the login pages, sign up with a confirmation code, and any challenge Cognito asks for. */
export function AccountPanel() {
  const auth = useAuth();
  const [mode, setMode] = useState<Mode>({ step: "signIn" });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  async function signIn(username: string, password: string) {
    const result = await auth.signIn({ username, password });
    if (result.status === "challenge") {
      setMode({ step: "challenge", challenge: result.challenge, ...(result.codeDeliveryDestination ? { destination: result.codeDeliveryDestination } : {}) });
      return;
    }
    notify("success", `Signed in as ${username}.`);
    setMode({ step: "signIn" });
  }

  const onSignIn = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    void run(() => signIn(String(form.get("username")), String(form.get("password"))));
  };

  const onSignUp = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const username = String(form.get("username"));
    const password = String(form.get("password"));
    const email = String(form.get("email"));
    void run(async () => {
      const result = await auth.signUp({ username, password, userAttributes: { email } });
      if (result.userConfirmed) {
        await signIn(username, password);
        return;
      }
      const destination = result.codeDelivery?.destination;
      setMode({ step: "confirmSignUp", username, password, ...(destination ? { destination } : {}) });
      notify("info", `Account created; a confirmation code was sent${destination ? ` to ${destination}` : ""}.`);
    });
  };

  const onConfirm = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (mode.step !== "confirmSignUp") return;
    const code = String(new FormData(e.currentTarget).get("code")).trim();
    void run(async () => {
      await auth.confirmSignUp({ username: mode.username, code });
      notify("success", `Confirmed ${mode.username}; signing in…`);
      await signIn(mode.username, mode.password);
    });
  };

  const onChallenge = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const answer = String(new FormData(e.currentTarget).get("answer"));
    void run(async () => {
      const result = await auth.confirmSignIn({ answer });
      if (result.status === "challenge") setMode({ step: "challenge", challenge: result.challenge });
      else {
        notify("success", "Signed in.");
        setMode({ step: "signIn" });
      }
    });
  };

  return (
    <section className="card account">
      <h2>Account</h2>
      {mode.step === "signIn" && (
        <form onSubmit={onSignIn} data-testid="sign-in-form">
          <label>
            Username <input name="username" autoComplete="username" required />
          </label>
          <label>
            Password <input name="password" type="password" autoComplete="current-password" required />
          </label>
          <button type="submit" disabled={busy}>
            Sign in
          </button>
          <button type="button" className="link" onClick={() => setMode({ step: "signUp" })}>
            Create an account
          </button>
        </form>
      )}
      {mode.step === "signIn" && config.loginPages && <LoginPagesSignIn loginPages={config.loginPages} />}
      {mode.step === "signUp" && (
        <form onSubmit={onSignUp} data-testid="sign-up-form">
          <label>
            Username <input name="username" autoComplete="username" required />
          </label>
          <label>
            Email <input name="email" type="email" autoComplete="email" required />
          </label>
          <label>
            Password <input name="password" type="password" autoComplete="new-password" required />
          </label>
          <button type="submit" disabled={busy}>
            Sign up
          </button>
          <button type="button" className="link" onClick={() => setMode({ step: "signIn" })}>
            I have an account
          </button>
        </form>
      )}
      {mode.step === "confirmSignUp" && (
        <form onSubmit={onConfirm} data-testid="confirm-form">
          <p>
            Enter the code sent to {mode.destination ?? "you"} for <strong>{mode.username}</strong>.
          </p>
          <label>
            Code <input name="code" inputMode="numeric" autoComplete="one-time-code" required />
          </label>
          <button type="submit" disabled={busy}>
            Confirm and sign in
          </button>
        </form>
      )}
      {mode.step === "challenge" && (
        <form onSubmit={onChallenge} data-testid="challenge-form">
          <p>
            Cognito asks for {mode.challenge === "NEW_PASSWORD_REQUIRED" ? "a new password" : `a code (${mode.challenge})`}
            {mode.destination ? `, sent to ${mode.destination}` : ""}.
          </p>
          <label>
            {mode.challenge === "NEW_PASSWORD_REQUIRED" ? "New password" : "Code"}{" "}
            <input name="answer" type={mode.challenge === "NEW_PASSWORD_REQUIRED" ? "password" : "text"} required />
          </label>
          <button type="submit" disabled={busy}>
            Continue
          </button>
        </form>
      )}
      {error && (
        <p className="error" role="alert" data-testid="account-error">
          {error}
        </p>
      )}
    </section>
  );
}
