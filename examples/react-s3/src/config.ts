// Where the demo points. With VITE_IDENTITY_POOL_ID (and friends) set, it talks to real AWS;
// without them it uses the ids of emulator/demo-seed.json and the local emulator.
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
}

const env = import.meta.env;
const demo = {
  identityPoolId: demoSeed.identityPools[0]!.IdentityPoolId,
  userPoolId: demoSeed.userPools[0]!.Id,
  clientId: demoSeed.userPools[0]!.Clients[0]!.ClientId,
  bucket: demoSeed.buckets[0]!.Name,
  region: demoSeed.buckets[0]!.Region,
};

function value(name: string): string | undefined {
  const v = env[name] as string | undefined;
  return v && v.trim() !== "" ? v.trim() : undefined;
}

function load(): DemoConfig {
  const identityPoolId = value("VITE_IDENTITY_POOL_ID");
  if (!identityPoolId) {
    return { ...demo, endpoint: value("VITE_ENDPOINT") ?? "http://127.0.0.1:4566", target: "emulator" };
  }
  const missing = ["VITE_USER_POOL_ID", "VITE_USER_POOL_CLIENT_ID", "VITE_BUCKET"].filter((name) => !value(name));
  if (missing.length) throw new Error(`VITE_IDENTITY_POOL_ID is set, so these are needed too: ${missing.join(", ")}`);
  return {
    identityPoolId,
    userPoolId: value("VITE_USER_POOL_ID")!,
    clientId: value("VITE_USER_POOL_CLIENT_ID")!,
    bucket: value("VITE_BUCKET")!,
    region: value("VITE_REGION") ?? identityPoolId.split(":")[0]!,
    endpoint: value("VITE_ENDPOINT"),
    target: "aws",
  };
}

export const config = load();
