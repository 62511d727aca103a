import { createHmac, timingSafeEqual } from "node:crypto";
import { idpErrors } from "./errors.js";
import type { UserPoolClient } from "./state.js";

/**
 * Clients with a secret must send SECRET_HASH = base64(HMAC-SHA256(secret, username + clientId)).
 * Any of `usernames` may have been hashed (the name typed, or the stored username / sub).
 */
export function checkSecretHash(client: UserPoolClient, given: string | undefined, usernames: (string | undefined)[]): void {
  if (!client.ClientSecret) return;
  if (given === undefined || given === "") throw idpErrors.notAuthorized(`Client ${client.ClientId} is configured for secret but secret was not received`);
  const provided = Buffer.from(given, "base64");
  for (const username of usernames) {
    if (username === undefined) continue;
    const expected = createHmac("sha256", client.ClientSecret)
      .update(username + client.ClientId)
      .digest();
    if (expected.length === provided.length && timingSafeEqual(expected, provided)) return;
  }
  throw idpErrors.notAuthorized(`Unable to verify secret hash for client ${client.ClientId}`);
}

/** Operations that take the client secret itself (RevokeToken, GetTokensFromRefreshToken) check it this way. */
export function checkClientSecret(client: UserPoolClient, given: string | undefined): void {
  if (!client.ClientSecret) return;
  if (given === undefined) throw idpErrors.notAuthorized(`Client ${client.ClientId} is configured for secret but secret was not received`);
  const expected = Buffer.from(client.ClientSecret);
  const provided = Buffer.from(given);
  if (expected.length !== provided.length || !timingSafeEqual(expected, provided)) {
    throw idpErrors.notAuthorized(`Unable to verify secret for client ${client.ClientId}`);
  }
}
