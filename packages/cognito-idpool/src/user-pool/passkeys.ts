/**
 * Passkeys, loaded with `import()` the first time one is used, so neither guest pages nor password
 * sign-ins download the WebAuthn code. The browser side of the ceremony (options from JSON, the
 * credential back to JSON) is @simplewebauthn/browser's; the user pool verifies what comes back.
 * Everything else comes from the session's {@link ChunkKit}.
 */
import type { CompleteWebAuthnRegistrationRequest } from "@aws-sdk/client-cognito-identity-provider";
import { browserSupportsWebAuthn, startAuthentication, startRegistration, WebAuthnError } from "@simplewebauthn/browser";
import type { ChunkKit } from "./client.js";
import type { Passkey, PasskeyActions } from "./contract.js";

/**
 * Runs the browser's passkey prompt for a WEB_AUTHN challenge: `requestOptions` is the challenge's
 * CREDENTIAL_REQUEST_OPTIONS (JSON), the result the CREDENTIAL answer (JSON).
 */
export async function passkeyAssertion(kit: ChunkKit, requestOptions: string | undefined): Promise<string> {
  let optionsJSON: Parameters<typeof startAuthentication>[0]["optionsJSON"];
  try {
    optionsJSON = JSON.parse(requestOptions ?? "");
  } catch {
    throw kit.malformedAnswer("a WEB_AUTHN challenge without CREDENTIAL_REQUEST_OPTIONS");
  }
  return JSON.stringify(await ceremony(kit, () => startAuthentication({ optionsJSON })));
}

/** `auth.passkeys`: each call sends the access token `accessToken` resolves to. */
export function createPasskeys(kit: ChunkKit, accessToken: () => Promise<string>): PasskeyActions {
  const { send } = kit;
  return {
    async register() {
      // Checked first: without WebAuthn there is no point in asking the pool for a challenge.
      if (!browserSupportsWebAuthn()) throw unsupported(kit);
      const AccessToken = await accessToken();
      const { CredentialCreationOptions: optionsJSON } = await send("StartWebAuthnRegistration", { AccessToken });
      if (typeof optionsJSON !== "object" || optionsJSON === null) throw kit.malformedAnswer("no CredentialCreationOptions");
      const credential = await ceremony(kit, () =>
        startRegistration({ optionsJSON: optionsJSON as unknown as Parameters<typeof startRegistration>[0]["optionsJSON"] }),
      );
      await send("CompleteWebAuthnRegistration", { AccessToken, Credential: credential as unknown as CompleteWebAuthnRegistrationRequest["Credential"] });
    },

    async list() {
      const AccessToken = await accessToken();
      const passkeys: Passkey[] = [];
      let NextToken: string | undefined;
      do {
        const out = await send("ListWebAuthnCredentials", { AccessToken, ...(NextToken ? { NextToken } : {}) });
        for (const c of out.Credentials ?? []) {
          const passkey: Passkey = {
            credentialId: c.CredentialId ?? "",
            relyingPartyId: c.RelyingPartyId ?? "",
            transports: c.AuthenticatorTransports ?? [],
            createdAt: c.CreatedAt ?? new Date(0),
          };
          if (c.FriendlyCredentialName) passkey.name = c.FriendlyCredentialName;
          if (c.AuthenticatorAttachment) passkey.authenticatorAttachment = c.AuthenticatorAttachment;
          passkeys.push(passkey);
        }
        NextToken = out.NextToken;
      } while (NextToken);
      return passkeys;
    },

    async delete(credentialId) {
      if (typeof credentialId !== "string" || credentialId === "")
        throw new kit.Error("invalid-argument", "passkeys.delete: `credentialId` must be a non-empty string (from passkeys.list()).");
      const AccessToken = await accessToken();
      await send("DeleteWebAuthnCredential", { AccessToken, CredentialId: credentialId });
    },
  };
}

/** The browser's prompt, its failures as our codes: dismissed or timed out, or anything else. */
async function ceremony<T>(kit: ChunkKit, prompt: () => Promise<T>): Promise<T> {
  if (!browserSupportsWebAuthn()) throw unsupported(kit);
  try {
    return await prompt();
  } catch (error) {
    // simplewebauthn wraps the DOMException; its `cause` is what the browser threw.
    const cause = error instanceof WebAuthnError ? error.cause : error;
    const name = (cause as { name?: unknown } | undefined)?.name;
    if (name === "NotAllowedError" || name === "AbortError") {
      throw new kit.Error("passkey-cancelled", "The passkey prompt was dismissed or timed out.", { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new kit.Error("passkey-failed", `The browser could not use a passkey (${String(name)}): ${message}`, { cause: error });
  }
}

function unsupported(kit: ChunkKit) {
  return new kit.Error("passkey-unsupported", "This browser does not support passkeys (WebAuthn).");
}
