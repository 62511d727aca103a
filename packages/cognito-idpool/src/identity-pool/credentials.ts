/**
 * Credentials as an answer carried them, Cognito's `GetCredentialsForIdentity` or STS's
 * `AssumeRoleWithWebIdentity` (the basic flow), checked by one rule.
 */
import { malformedAnswer } from "./errors.js";

/** Credentials as Cognito issued them; `expiration` is on the server's clock. */
export interface IssuedCredentials {
  identityId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expirationServerMs: number;
}

/** Longest credential lifetime accepted past the answer's Date: the 12 hours IAM allows a role session, plus clock slack. */
const MAX_LIFETIME_MS = 12 * 3_600_000 + 300_000;

/**
 * Credentials from an answer (Cognito's or STS's), checked against the same answer's Date (both on
 * the server's clock): credentials that are already expired, or valid for longer than any role
 * session, would mis-time the refresh.
 */
export function issued(
  identityId: string,
  [accessKeyId, secretAccessKey, sessionToken]: unknown[],
  expiration: Date | undefined,
  dateMs: number,
  service?: string,
): IssuedCredentials {
  const expirationServerMs = expiration ? expiration.getTime() : NaN;
  const plausible = Number.isNaN(dateMs) ? Number.isFinite(expirationServerMs) : expirationServerMs > dateMs && expirationServerMs <= dateMs + MAX_LIFETIME_MS;
  if (!isText(accessKeyId) || !isText(secretAccessKey) || !isText(sessionToken) || !plausible) throw malformedAnswer("Credentials", service);
  return { identityId, accessKeyId, secretAccessKey, sessionToken, expirationServerMs };
}

/** A non-empty string, as every member Cognito or STS answers with must be. */
export function isText(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}
