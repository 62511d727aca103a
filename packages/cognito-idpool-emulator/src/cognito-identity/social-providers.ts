import { randomBytes, randomInt, randomUUID } from "node:crypto";

/**
 * The social providers the emulator stands in for. Google and Apple sign ID tokens (JWTs) that anyone
 * can verify with their published keys; Facebook, Login with Amazon and Twitter hand out opaque
 * access tokens that only the provider itself can check, so the stand-ins keep the ones they issued.
 */
export interface SocialProvider {
  /** The `Logins` and SupportedLoginProviders key. */
  loginKey: string;
  /** The name used in control routes: `/_emulator/social/<name>/…`. */
  name: "google" | "apple" | "facebook" | "amazon" | "twitter";
  /** `jwt`: signed ID tokens; `opaque`: access tokens kept in state; `pair`: Twitter's `token;secret`. */
  kind: "jwt" | "opaque" | "pair";
  /** The `iss` of the provider's ID tokens (JWT providers). */
  issuer?: string;
  /** Default lifetime of a minted token in seconds; absent: it does not expire (Twitter's OAuth 1.0a tokens do not). */
  lifetimeSeconds?: number;
  /** A user id in the provider's own format, for a token minted without `sub`. */
  newSubject(): string;
}

const digits = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10))).join("");

export const SOCIAL_STAND_INS: readonly SocialProvider[] = [
  { loginKey: "accounts.google.com", name: "google", kind: "jwt", issuer: "https://accounts.google.com", lifetimeSeconds: 3600, newSubject: () => digits(21) },
  {
    loginKey: "appleid.apple.com",
    name: "apple",
    kind: "jwt",
    issuer: "https://appleid.apple.com",
    lifetimeSeconds: 3600,
    newSubject: () => `000${digits(3)}.${randomBytes(16).toString("hex")}.${digits(4)}`,
  },
  { loginKey: "graph.facebook.com", name: "facebook", kind: "opaque", lifetimeSeconds: 3600, newSubject: () => digits(16) },
  {
    loginKey: "www.amazon.com",
    name: "amazon",
    kind: "opaque",
    lifetimeSeconds: 3600,
    newSubject: () => `amzn1.account.${randomUUID().replace(/-/g, "").toUpperCase().slice(0, 28)}`,
  },
  { loginKey: "api.twitter.com", name: "twitter", kind: "pair", newSubject: () => digits(19) },
];

/** The stand-in for a login key (`accounts.google.com`) or a route name (`google`). */
export function socialProvider(keyOrName: string): SocialProvider | undefined {
  return SOCIAL_STAND_INS.find((p) => p.loginKey === keyOrName || p.name === keyOrName);
}
