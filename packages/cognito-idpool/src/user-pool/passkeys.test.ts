/**
 * How the browser's passkey prompt fails, as our codes: no WebAuthn at all, a dismissed prompt, any
 * other failure. The browser here is Node with WebAuthn stubbed in or left out; the passkey flows
 * themselves run in Chromium with its virtual authenticator (e2e/passkeys.spec.ts).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { CognitoIdpoolError } from "../errors.js";
import type { ChunkKit } from "./client.js";
import { createPasskeys, passkeyAssertion } from "./passkeys.js";

const OPTIONS = JSON.stringify({ challenge: "Y2hhbGxlbmdl", rpId: "localhost", allowCredentials: [], userVerification: "preferred", timeout: 60_000 });

function kit(): ChunkKit & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    Error: CognitoIdpoolError,
    send: (async (operation: string) => {
      sent.push(operation);
      return {};
    }) as unknown as ChunkKit["send"],
    malformedAnswer: (what) => new CognitoIdpoolError("service-error", `malformed: ${what}`),
  };
}

/** A browser with WebAuthn whose `navigator.credentials.get` fails with `name`. */
function browserFailing(name: string) {
  vi.stubGlobal("PublicKeyCredential", function PublicKeyCredential() {});
  vi.stubGlobal("navigator", { credentials: { get: () => Promise.reject(Object.assign(new Error(`${name} from the browser`), { name })) } });
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => (error as CognitoIdpoolError).code,
  );

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("passkeys", () => {
  it("without WebAuthn: passkey-unsupported, before any request", async () => {
    const k = kit();
    expect(await codeOf(createPasskeys(k, async () => "access").register())).toBe("passkey-unsupported");
    expect(await codeOf(passkeyAssertion(k, OPTIONS))).toBe("passkey-unsupported");
    expect(k.sent).toEqual([]);
  });

  it("a dismissed or timed-out prompt (NotAllowedError) is passkey-cancelled; another failure is passkey-failed, naming it", async () => {
    browserFailing("NotAllowedError");
    expect(await codeOf(passkeyAssertion(kit(), OPTIONS))).toBe("passkey-cancelled");
    browserFailing("InvalidStateError");
    const failed = await passkeyAssertion(kit(), OPTIONS).then(
      () => undefined,
      (error: unknown) => error as CognitoIdpoolError,
    );
    expect(failed?.code).toBe("passkey-failed");
    expect(failed?.message).toContain("InvalidStateError");
  });

  it("CREDENTIAL_REQUEST_OPTIONS that are not JSON are the pool's malformed answer, not a prompt", async () => {
    browserFailing("NotAllowedError");
    expect(await codeOf(passkeyAssertion(kit(), "not json"))).toBe("service-error");
  });
});
