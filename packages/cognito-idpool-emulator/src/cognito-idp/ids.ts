import { randomBytes, randomInt } from "node:crypto";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomText(length: number, alphabet: string): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** `eu-west-1_AbC123xYz`: region, underscore, nine letters and digits, as AWS's. */
export function newUserPoolId(region: string): string {
  return `${region}_${randomText(9, ALNUM)}`;
}

/** 26 lower-case letters and digits, as AWS's app client ids. */
export function newClientId(): string {
  return randomText(26, LOWER_ALNUM);
}

/** 51 characters like AWS's client secrets. */
export function newClientSecret(): string {
  return randomText(51, LOWER_ALNUM);
}

/** Six digits, as Cognito's default confirmation, reset and MFA codes. */
export function newCode(): string {
  return String(randomInt(1_000_000)).padStart(6, "0");
}

/** Opaque session strings; long and random like AWS's, so nobody can guess one. */
export function newSessionString(): string {
  return randomBytes(96).toString("base64");
}

/** A password that satisfies any policy Cognito allows (AdminCreateUser without TemporaryPassword). */
export function newTemporaryPassword(minimumLength: number): string {
  const base = `${randomText(4, "ABCDEFGHJKLMNPQRSTUVWXYZ")}${randomText(4, "abcdefghijkmnopqrstuvwxyz")}${randomText(4, "23456789")}!`;
  return base + randomText(Math.max(0, minimumLength - base.length), LOWER_ALNUM);
}
