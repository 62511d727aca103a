import { Secret, TOTP } from "otpauth";

/**
 * RFC 6238 TOTP as Cognito's software-token MFA uses it: HMAC-SHA1, 6 digits, 30-second steps,
 * base32 secrets. The `otpauth` dependency implements the algorithm and its base32 secrets; this
 * module fixes Cognito's parameters and reports the matched time step for replay protection.
 */

const TOTP_STEP_SECONDS = 30;
const TOTP_DIGITS = 6;
/** Steps either side of now that a code may belong to, for clock drift. */
const TOTP_WINDOW = 1;

/** A new shared secret: 32 random bytes, base32 without padding (52 characters, as Cognito's). */
export function newTotpSecret(): string {
  return new Secret({ size: 32 }).base32;
}

/**
 * The time step a code belongs to, looking one step either side of now for clock drift, or
 * undefined when it matches none.
 */
export function matchTotp(secret: string, code: string, nowMs: number): number | undefined {
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    algorithm: "SHA1",
    digits: TOTP_DIGITS,
    period: TOTP_STEP_SECONDS,
    timestamp: nowMs,
    window: TOTP_WINDOW,
  });
  return delta === null ? undefined : TOTP.counter({ period: TOTP_STEP_SECONDS, timestamp: nowMs }) + delta;
}
