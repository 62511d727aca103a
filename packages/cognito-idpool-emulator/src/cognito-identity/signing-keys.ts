import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from "node:crypto";

/** An RS256 signing key as state keeps it: plain JSON, so `--data` can persist it and tokens survive a restart. */
export interface StoredSigningKey {
  kid: string;
  jwk: Record<string, unknown>;
}

export interface SigningKeys {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A new RS256 key pair, as state stores it. */
export function newStoredSigningKey(): StoredSigningKey {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid: randomUUID(), jwk: privateKey.export({ format: "jwk" }) as Record<string, unknown> };
}

/** Imported keys per stored JWK: importing costs more than signing, and a stored key never changes. */
const imported = new WeakMap<object, SigningKeys>();

/** The usable key objects of a stored key. */
export function importSigningKey(stored: StoredSigningKey): SigningKeys {
  let keys = imported.get(stored);
  if (!keys) {
    const privateKey = createPrivateKey({ key: stored.jwk as never, format: "jwk" });
    keys = { kid: stored.kid, privateKey, publicKey: createPublicKey(privateKey) };
    imported.set(stored, keys);
  }
  return keys;
}
