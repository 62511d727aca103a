import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Cognito's SRP-6a, server side, byte-compatible with amazon-cognito-identity-js
 * (src/AuthenticationHelper.js): the 3072-bit group of RFC 5054, g = 2, SHA-256, hex padded the way
 * Java's BigInteger.toByteArray() pads it, and the "Caldera Derived Key" HKDF. node:crypto has no
 * SRP, and no maintained npm package implements Cognito's variant server side, so the modular
 * arithmetic is written here on BigInt; hashing, HMAC and HKDF come from node:crypto.
 */

const N = BigInt(
  "0x" +
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);
const g = 2n;
const k = BigInt("0x" + hexHash(padHex(N) + padHex(g)));
const INFO = Buffer.from("Caldera Derived Key", "utf8");

/** Even-length hex with a leading 00 when the top bit is set (Java's two's-complement bytes). */
function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}

function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

function hexHash(hex: string): string {
  return sha256Hex(Buffer.from(hex, "hex"));
}

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

/** The pool name SRP hashes: the part of the pool id after the underscore. */
export function srpPoolName(poolId: string): string {
  return poolId.slice(poolId.indexOf("_") + 1);
}

function privateKey(poolName: string, username: string, password: string, salt: string): bigint {
  const inner = sha256Hex(`${poolName}${username}:${password}`);
  return BigInt("0x" + hexHash(padHex(BigInt("0x" + salt)) + inner));
}

/** A fresh salt and the verifier v = g^x mod N; what the emulator stores instead of a password. */
export function createVerifier(poolName: string, username: string, password: string): { salt: string; verifier: string } {
  const salt = padHex(BigInt("0x" + randomBytes(16).toString("hex")));
  return { salt, verifier: computeVerifier(poolName, username, password, salt) };
}

function computeVerifier(poolName: string, username: string, password: string, salt: string): string {
  return padHex(modPow(g, privateKey(poolName, username, password, salt), N));
}

/** USER_PASSWORD_AUTH: the password is right when it yields the stored verifier. */
export function passwordMatches(poolName: string, username: string, password: string, stored: { salt: string; verifier: string }): boolean {
  const candidate = Buffer.from(computeVerifier(poolName, username, password, stored.salt), "hex");
  const expected = Buffer.from(stored.verifier, "hex");
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

/** The server's ephemeral pair: b random, B = (k·v + g^b) mod N (never 0 mod N). */
export function serverEphemeral(verifierHex: string): { b: string; B: string } {
  const v = BigInt("0x" + verifierHex);
  for (;;) {
    const b = BigInt("0x" + randomBytes(128).toString("hex")) % N;
    const B = (k * v + modPow(g, b, N)) % N;
    if (B !== 0n && b !== 0n) return { b: b.toString(16), B: B.toString(16) };
  }
}

/** A client's SRP_A is usable when it is hex and A mod N ≠ 0 (RFC 5054 §2.5.4). */
export function parseClientPublic(srpA: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,2048}$/.test(srpA)) return undefined;
  const A = BigInt("0x" + srpA);
  return A % N === 0n ? undefined : A;
}

/**
 * Checks PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(K, poolName | userIdForSrp | secretBlock | timestamp))
 * where K = HKDF(S, u) and S = (A·v^u)^b mod N.
 */
export function verifyPasswordClaim(input: {
  poolName: string;
  userIdForSrp: string;
  A: bigint;
  b: string;
  B: string;
  verifier: string;
  secretBlock: string;
  timestamp: string;
  signature: string;
}): boolean {
  const B = BigInt("0x" + input.B);
  const u = BigInt("0x" + hexHash(padHex(input.A) + padHex(B)));
  if (u === 0n) return false;
  const v = BigInt("0x" + input.verifier);
  const S = modPow((input.A * modPow(v, u, N)) % N, BigInt("0x" + input.b), N);
  const key = Buffer.from(hkdfSync("sha256", Buffer.from(padHex(S), "hex"), Buffer.from(padHex(u), "hex"), INFO, 16));
  const expected = createHmac("sha256", key)
    .update(
      Buffer.concat([
        Buffer.from(input.poolName, "utf8"),
        Buffer.from(input.userIdForSrp, "utf8"),
        Buffer.from(input.secretBlock, "base64"),
        Buffer.from(input.timestamp, "utf8"),
      ]),
    )
    .digest();
  const given = Buffer.from(input.signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Cognito's TIMESTAMP, `ddd MMM d HH:mm:ss UTC yyyy` (e.g. `Tue Nov 3 09:05:07 UTC 2026`, day not
 * zero-padded). Returns epoch milliseconds, or undefined when it is not a real date in that format.
 */
export function parseSrpTimestamp(text: string): number | undefined {
  const match =
    /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d) UTC (\d{4})$/.exec(
      text,
    );
  if (!match) return undefined;
  const [, day, month, date, hh, mm, ss, year] = match;
  const time = Date.UTC(Number(year), MONTHS.indexOf(month!), Number(date), Number(hh), Number(mm), Number(ss));
  const parsed = new Date(time);
  if (parsed.getUTCDate() !== Number(date) || DAYS[parsed.getUTCDay()] !== day) return undefined;
  return time;
}
