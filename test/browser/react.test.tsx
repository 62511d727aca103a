import { StrictMode, useEffect } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createAuth, type Auth, type AuthOptions, type IdentityChange } from "cognito-idpool";
import { AuthProvider, useAuth, useAuthState, useIdentityChange, useUser } from "cognito-idpool/react";
import { clearRequests, createPool, createUserPoolAndIdentityPool, emulatorUrl, identityRequests, login } from "./emulator.js";

/**
 * The React bindings in Chromium against the emulator: real IndexedDB, BroadcastChannel and
 * Cognito round trips, rendered with React DOM.
 */
const opened: Auth[] = [];
afterEach(() => {
  cleanup();
  for (const auth of opened.splice(0)) auth.dispose();
});

function open(options: Omit<AuthOptions, "endpoint">): Auth {
  const auth = createAuth({ endpoint: emulatorUrl, crossTab: false, ...options });
  opened.push(auth);
  return auth;
}

/** Shows what the hooks return, and reports each status it commits and each identity change it hears. */
function Probe(props: { onStatus?: (status: string) => void; onChange?: (change: IdentityChange) => void }) {
  const state = useAuthState();
  const user = useUser();
  const { onStatus, onChange } = props;
  useEffect(() => {
    onStatus?.(state.status);
  }, [state.status, onStatus]);
  useIdentityChange((change) => onChange?.(change));
  return (
    <dl>
      <dd data-testid="status">{state.status}</dd>
      <dd data-testid="identity">{state.identityId ?? "-"}</dd>
      <dd data-testid="user">{user?.username ?? "-"}</dd>
    </dl>
  );
}

const shown = (testId: string) => screen.getByTestId(testId).textContent;

describe("cognito-idpool/react in Chromium", () => {
  it("useAuthState re-renders on every state change", async () => {
    const auth = open({ identityPoolId: await createPool() });
    render(
      <AuthProvider auth={auth}>
        <Probe />
      </AuthProvider>,
    );
    await waitFor(() => expect(shown("status")).toBe("signedOut"));
    const { identityId } = await act(() => auth.getCredentials());
    await waitFor(() => expect(shown("status")).toBe("guest"));
    expect(shown("identity")).toBe(identityId);
    await act(() => auth.setLogins(login("user1")));
    await waitFor(() => expect(shown("status")).toBe("authenticated"));
  });

  it("useAuth outside an AuthProvider throws a CognitoIdpoolError that names the provider", () => {
    function Orphan() {
      useAuth();
      return null;
    }
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => {
      errors.push(event.error);
      event.preventDefault();
    };
    window.addEventListener("error", onError);
    try {
      expect(() => render(<Orphan />)).toThrow(
        expect.objectContaining({ name: "CognitoIdpoolError", code: "invalid-options", message: expect.stringContaining("<AuthProvider") }),
      );
    } finally {
      window.removeEventListener("error", onError);
    }
  });

  it("under StrictMode's double mounting: one listener per hook, no extra requests, nothing left after unmount", async () => {
    const auth = open({ identityPoolId: await createPool() });
    const guest = await auth.getCredentials();
    await clearRequests();
    const changes: string[] = [];
    const view = render(
      <StrictMode>
        <AuthProvider auth={auth}>
          <Probe onChange={(change) => changes.push(change.reason)} />
        </AuthProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(shown("status")).toBe("guest"));
    await act(() => auth.setLogins(login("user1")));
    await waitFor(() => expect(shown("status")).toBe("authenticated"));
    expect(changes).toEqual(["linked"]);
    // The link itself is the only Cognito call: mounting twice asked for nothing.
    expect((await identityRequests()).filter((r) => r.identityId === guest.identityId).map((r) => r.operation)).toEqual(["GetCredentialsForIdentity"]);

    view.unmount();
    await auth.signOut();
    expect(changes).toEqual(["linked"]);
  });

  it("a reload with a stored session renders restoring, then the signed-in user, and never signedOut", async () => {
    const { identityPoolId, userPoolId, clientId } = await createUserPoolAndIdentityPool();
    const pools = { identityPoolId, userPool: { userPoolId, clientId } };
    const first = open(pools);
    await first.signIn({ username: "alice", password: "Correct-Horse-1" });
    const { identityId } = await first.getCredentials();
    first.dispose();

    const reloaded = open(pools);
    const statuses: string[] = [];
    render(
      <AuthProvider auth={reloaded}>
        <Probe onStatus={(status) => statuses.push(status)} />
      </AuthProvider>,
    );
    await waitFor(() => expect(shown("user")).toBe("alice"));
    await reloaded.ready();
    expect(statuses).toEqual(["restoring", "authenticated"]);
    expect(shown("identity")).toBe(identityId);
  });

  it("a sign-out in another tab reaches the hooks", async () => {
    const identityPoolId = await createPool();
    const [here, other] = [open({ identityPoolId, crossTab: true }), open({ identityPoolId, crossTab: true })];
    const changes: IdentityChange[] = [];
    render(
      <AuthProvider auth={here}>
        <Probe onChange={(change) => changes.push(change)} />
      </AuthProvider>,
    );
    await act(() => here.setLogins(login("user2")));
    await waitFor(() => expect(shown("status")).toBe("authenticated"));
    const { identityId } = await here.getCredentials();
    await other.setLogins(login("user2"));

    await other.signOut();
    await waitFor(() => expect(shown("status")).toBe("signedOut"));
    expect(shown("identity")).toBe("-");
    expect(changes.at(-1)).toEqual({ reason: "signedOut", cause: "signOut", previousIdentityId: identityId });
  });

  it("useIdentityChange hears a login link the guest, and another merge it into the user's identity", async () => {
    const identityPoolId = await createPool();
    // user4 gets an identity of its own first, in another browser.
    const elsewhere = open({ identityPoolId, storage: "memory" });
    await elsewhere.setLogins(login("user4"));
    const { identityId: user4Identity } = await elsewhere.getCredentials();

    const auth = open({ identityPoolId });
    const changes: IdentityChange[] = [];
    render(
      <AuthProvider auth={auth}>
        <Probe onChange={(change) => changes.push(change)} />
      </AuthProvider>,
    );
    const firstGuest = await act(() => auth.getCredentials());
    await act(() => auth.setLogins(login("user3")));
    expect(changes.at(-1)).toEqual({ reason: "linked", identityId: firstGuest.identityId, previousIdentityId: firstGuest.identityId });

    await act(() => auth.signOut());
    const secondGuest = await act(() => auth.getCredentials());
    await act(() => auth.setLogins(login("user4")));
    expect(changes.at(-1)).toMatchObject({
      reason: "merged",
      identityId: user4Identity,
      previousIdentityId: secondGuest.identityId,
      previousCredentials: { accessKeyId: secondGuest.accessKeyId },
    });
    expect(changes.map((change) => change.reason)).toEqual(["created", "linked", "signedOut", "created", "merged"]);
  });
});
