/**
 * Cognito's SRP-6a variant (USER_SRP_AUTH + PASSWORD_VERIFIER), as amazon-cognito-identity-js
 * computes it, on BigInt and WebCrypto only: no Buffer, no polyfills, the same in browsers and
 * Node 20 (`globalThis.crypto`). The password never leaves the page; only a signature proving we
 * know it does. Server values that cannot be used reject with a retryable `service-error`.
 */
import { malformedAnswer } from "./errors.js";

/** RFC 5054's 3072-bit group, the one Cognito uses. */
const N = BigInt(
  "0x" +
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);
const g = 2n;
const INFO = new TextEncoder().encode("Caldera Derived Key");

/** What the server sent with the PASSWORD_VERIFIER challenge, plus what we sign it with. */
export interface PasswordVerifierInput {
  /** The part of the user pool id after `_`. */
  poolName: string;
  /** `USER_ID_FOR_SRP` from the challenge (the real username when the user signed in with an alias). */
  userIdForSrp: string;
  password: string;
  /** `SRP_B`, hex. */
  srpB: string;
  /** `SALT`, hex. */
  salt: string;
  /** `SECRET_BLOCK`, base64. */
  secretBlock: string;
  /** `TIMESTAMP`, from {@link formatSrpTimestamp}. */
  timestamp: string;
}

/** One SRP exchange: a fresh secret `a`, its public `SRP_A`, and the signature over the server's answer. */
export interface SrpExchange {
  /** `SRP_A` for InitiateAuth: unpadded lower-case hex, as amazon-cognito-identity-js sends it. */
  readonly srpA: string;
  /** `PASSWORD_CLAIM_SIGNATURE` (base64) for RespondToAuthChallenge. */
  passwordClaimSignature(input: PasswordVerifierInput): Promise<string>;
}

/**
 * Starts an SRP exchange with a random 1024-bit secret (or a given one, for reference tests).
 */
export function startSrp(smallA: bigint = randomBigInt(128)): SrpExchange {
  const a = smallA;
  const A = modPow(g, a, N);
  if (A % N === 0n) throw new Error("SRP: A mod N is 0");
  return {
    srpA: A.toString(16),
    async passwordClaimSignature(input) {
      const B = parseHex(input.srpB, "SRP_B");
      if (B % N === 0n) throw malformedAnswer("an SRP_B whose B mod N is 0");
      const u = await hashHex(padHex(A) + padHex(B));
      if (u === 0n) throw malformedAnswer("an SRP_B that makes u 0");
      const k = await multiplier();
      const identityHash = await sha256Hex(utf8(`${input.poolName}${input.userIdForSrp}:${input.password}`));
      const x = await hashHex(padHex(parseHex(input.salt, "SALT")) + identityHash);
      // (B - k·g^x)^(a + u·x) mod N; the base is reduced into [0, N) first, which is what the
      // reference's two's-complement BigInteger does for a negative base.
      const base = mod(B - k * modPow(g, x, N), N);
      const S = modPow(base, a + u * x, N);
      const key = await hkdf(hexToBytes(padHex(S)), hexToBytes(padHex(u)));
      const message = concat(utf8(input.poolName), utf8(input.userIdForSrp), secretBlockBytes(input.secretBlock), utf8(input.timestamp));
      return bytesToBase64(await hmac(key, message));
    },
  };
}

/**
 * A new device secret (40 random bytes, base64) and its SRP verifier for ConfirmDevice: salt and
 * verifier as base64 of their bytes, as amazon-cognito-identity-js sends them. Later sign-ins
 * prove the secret with {@link startSrp}, the device group key standing for the pool name and the
 * device key for the user.
 */
export async function newDeviceSecret(deviceGroupKey: string, deviceKey: string): Promise<{ secret: string; salt: string; verifier: string }> {
  const secret = bytesToBase64(crypto.getRandomValues(new Uint8Array(40)));
  const salt = padHex(randomBigInt(16));
  const x = await hashHex(salt + (await sha256Hex(utf8(`${deviceGroupKey}${deviceKey}:${secret}`))));
  return { secret, salt: bytesToBase64(hexToBytes(salt)), verifier: bytesToBase64(hexToBytes(padHex(modPow(g, x, N)))) };
}

/**
 * The `TIMESTAMP` Cognito expects with PASSWORD_VERIFIER: `ddd MMM D HH:mm:ss UTC YYYY` in UTC,
 * the day of the month not padded (e.g. `Tue Mar 5 09:07:02 UTC 2024`).
 */
export function formatSrpTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, "0");
  const weekday = WEEKDAYS[d.getUTCDay()];
  const month = MONTHS[d.getUTCMonth()];
  return `${weekday} ${month} ${d.getUTCDate()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Even-length hex of a non-negative integer, with a leading `00` when the top bit is set: the
 * bytes of Java's `BigInteger.toByteArray()`, which is what Cognito hashes: `0x7f` is `"7f"`, `0x80`
 * is `"0080"`.
 */
export function padHex(value: bigint): string {
  if (value < 0n) throw new RangeError("padHex: negative values do not occur in SRP");
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

let kPromise: Promise<bigint> | undefined;
/** k = H(pad(N) | pad(g)), computed once. */
function multiplier(): Promise<bigint> {
  kPromise ??= hashHex(padHex(N) + padHex(g));
  return kPromise;
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = mod(base, modulus);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function mod(value: bigint, modulus: bigint): bigint {
  const r = value % modulus;
  return r < 0n ? r + modulus : r;
}

function randomBigInt(bytes: number): bigint {
  return BigInt(`0x${bytesToHex(crypto.getRandomValues(new Uint8Array(bytes)))}`);
}

function parseHex(hex: string, name: string): bigint {
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw malformedAnswer(`a ${name} that is not hex`);
  return BigInt(`0x${hex}`);
}

/** SHA-256 of the bytes a hex string spells, as an integer. */
async function hashHex(hex: string): Promise<bigint> {
  return BigInt(`0x${await sha256Hex(hexToBytes(hex))}`);
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  return bytesToHex(new Uint8Array(await crypto.subtle.digest("SHA-256", data as BufferSource)));
}

/** HKDF-SHA256(ikm, salt, "Caldera Derived Key"), 16 bytes. */
async function hkdf(ikm: Uint8Array, salt: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", ikm as BufferSource, "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: salt as BufferSource, info: INFO }, key, 128);
  return new Uint8Array(bits);
}

async function hmac(keyBytes: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", keyBytes as BufferSource, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, data as BufferSource));
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** `SECRET_BLOCK`'s bytes; `atob` would throw a DOMException for anything that is not base64. */
function secretBlockBytes(base64: string): Uint8Array {
  try {
    return base64ToBytes(base64);
  } catch {
    throw malformedAnswer("a SECRET_BLOCK that is not base64");
  }
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
