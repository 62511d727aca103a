// Where the demo points. With VITE_IDENTITY_POOL_ID (and friends) set, it talks to real AWS;
// without them it uses the ids of emulator/demo-seed.json and the local emulator. The login pages
// (redirect sign-in) come from the seed's user-pool domain, or from VITE_OAUTH_DOMAIN on AWS.
import demoSeed from "cognito-idpool-emulator/demo-seed.json";

export interface DemoConfig {
  identityPoolId: string;
  userPoolId: string;
  clientId: string;
  bucket: string;
  region: string;
  /** Base URL for Cognito and S3 calls; undefined means the real AWS endpoints. */
  endpoint: string | undefined;
  /** "emulator" when running on the demo seed. */
  target: "aws" | "emulator";
  /** The user pool's managed login pages, when it has a domain; undefined hides the redirect sign-in. */
  loginPages: LoginPagesConfig | undefined;
}

export interface LoginPagesConfig {
  /** The domain as cognito-idpool's `userPool.oauth.domain` takes it: a host name, or the emulator's base URL. */
  domain: string;
  /** This page, which finishes the sign-in (`handleRedirect()`) and where sign-out comes back to. */
  redirectUri: string;
  /** Whether the pool has a Google identity provider, so "Continue with Google" can work. */
  google: boolean;
}

const env = import.meta.env;
const demo = {
  identityPoolId: demoSeed.identityPools[0]!.IdentityPoolId,
  userPoolId: demoSeed.userPools[0]!.Id,
  clientId: demoSeed.userPools[0]!.Clients[0]!.ClientId,
  bucket: demoSeed.buckets[0]!.Name,
  region: demoSeed.buckets[0]!.Region,
  domainPrefix: demoSeed.userPools[0]!.Domain,
  google: demoSeed.userPools[0]!.IdentityProviders.some((p) => p.ProviderName === "Google"),
};
// The app client lists this exact address (with its trailing slash) as callback and sign-out URL.
const redirectUri = `${location.origin}/`;

function value(name: string): string | undefined {
  const v = env[name] as string | undefined;
  return v && v.trim() !== "" ? v.trim() : undefined;
}

function load(): DemoConfig {
  const identityPoolId = value("VITE_IDENTITY_POOL_ID");
  if (!identityPoolId) {
    const { domainPrefix, google, ...ids } = demo;
    const endpoint = value("VITE_ENDPOINT") ?? "http://127.0.0.1:4566";
    // The emulator serves each user-pool domain under its own URL rather than as a host name.
    return { ...ids, endpoint, target: "emulator", loginPages: { domain: `${endpoint}/_domain/${domainPrefix}`, redirectUri, google } };
  }
  const missing = ["VITE_USER_POOL_ID", "VITE_USER_POOL_CLIENT_ID", "VITE_BUCKET"].filter((name) => !value(name));
  if (missing.length) throw new Error(`VITE_IDENTITY_POOL_ID is set, so these are needed too: ${missing.join(", ")}`);
  const domain = value("VITE_OAUTH_DOMAIN");
  return {
    identityPoolId,
    userPoolId: value("VITE_USER_POOL_ID")!,
    clientId: value("VITE_USER_POOL_CLIENT_ID")!,
    bucket: value("VITE_BUCKET")!,
    region: value("VITE_REGION") ?? identityPoolId.split(":")[0]!,
    endpoint: value("VITE_ENDPOINT"),
    target: "aws",
    loginPages: domain ? { domain, redirectUri, google: value("VITE_OAUTH_GOOGLE") === "true" } : undefined,
  };
}

export const config = load();
