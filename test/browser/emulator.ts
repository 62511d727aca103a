import { inject } from "vitest";

/** Helpers for browser tests: the emulator's control API, called from the page (it answers CORS). */
export const emulatorUrl = inject("emulatorUrl");

let pools = 0;

/** A new identity pool in eu-west-1 trusting the local OIDC issuer; returns its id. */
export async function createPool(options: { allowGuests?: boolean } = {}): Promise<string> {
  const roles = inject("roles");
  const result = await control("seed", {
    identityPools: [
      {
        IdentityPoolName: `browser-${Date.now()}-${++pools}`,
        Region: "eu-west-1",
        AllowUnauthenticatedIdentities: options.allowGuests ?? true,
        OpenIdConnectProviderARNs: [inject("oidcProviderArn")],
        Roles: roles,
      },
    ],
  });
  return (result as { identityPools: { id: string }[] }).identityPools[0]!.id;
}

export interface LoggedRequest {
  service: string;
  operation: string;
  identityId?: string;
  status: number;
}

/** Identity-pool requests for `poolId`'s identities since the last clear. */
export async function identityRequests(): Promise<LoggedRequest[]> {
  const { requests } = (await control("requests")) as { requests: LoggedRequest[] };
  return requests.filter((r) => r.service === "cognito-identity" && (r.operation === "GetId" || r.operation === "GetCredentialsForIdentity"));
}

export function clearRequests(): Promise<unknown> {
  return control("requests", undefined, "DELETE");
}

/** `{ [issuer]: token }` for one of the users minted by the global set-up. */
export function login(user: "user1" | "user2" | "user3" | "user4"): Record<string, string> {
  return { [inject("oidcLoginKey")]: inject("oidcTokens")[user]! };
}

async function control(path: string, body?: unknown, method = body === undefined ? "GET" : "POST"): Promise<unknown> {
  const response = await fetch(`${emulatorUrl}/_emulator/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
