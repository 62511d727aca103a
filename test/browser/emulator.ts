import { createControlClient, type LoggedRequest } from "cognito-idpool-emulator/testing/control";
import { inject } from "vitest";

/** Helpers for browser tests: the emulator's control API, called from the page (it answers CORS). */
export const emulatorUrl = inject("emulatorUrl");
export const control = createControlClient(emulatorUrl);

let pools = 0;

/** A new identity pool in eu-west-1 trusting the local OIDC issuer; returns its id. */
export async function createPool(options: { allowGuests?: boolean } = {}): Promise<string> {
  const roles = inject("roles");
  const result = await control.seed({
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
  return result.identityPools[0]!.id;
}

/** Identity-pool requests (GetId, GetCredentialsForIdentity) since the last clear. */
export async function identityRequests(): Promise<LoggedRequest[]> {
  const requests = await control.requests();
  return requests.filter((r) => r.service === "cognito-identity" && (r.operation === "GetId" || r.operation === "GetCredentialsForIdentity"));
}

export function clearRequests(): Promise<unknown> {
  return control.clearRequests();
}

/** `{ [issuer]: token }` for one of the users minted by the global set-up. */
export function login(user: "user1" | "user2" | "user3" | "user4"): Record<string, string> {
  return { [inject("oidcLoginKey")]: inject("oidcTokens")[user]! };
}

let userPools = 0;

/** A user pool with one app client and a confirmed user `alice` (password `Correct-Horse-1`), and an identity pool trusting it. */
export async function createUserPoolAndIdentityPool(): Promise<{ identityPoolId: string; userPoolId: string; clientId: string }> {
  // Seeds update what exists by name: names unique to this run and file keep test files apart.
  const unique = `${Date.now().toString(36)}${++userPools}`;
  const userPoolId = `eu-west-1_Browser${unique}`;
  const seeded = await control.seed({
    userPools: [
      {
        Id: userPoolId,
        PoolName: `browser-${unique}`,
        Clients: [{ ClientName: "web", ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }],
        Users: [{ Username: "alice", Password: "Correct-Horse-1", Attributes: { email: "alice@example.com" } }],
      },
    ],
  });
  const clientId = seeded.userPools[0]!.clients[0]!.id;
  const identity = await control.seed({
    identityPools: [
      {
        IdentityPoolName: `browser-userpool-${unique}`,
        Region: "eu-west-1",
        AllowUnauthenticatedIdentities: true,
        CognitoIdentityProviders: [{ ProviderName: `cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`, ClientId: clientId }],
        Roles: inject("roles"),
      },
    ],
  });
  return { identityPoolId: identity.identityPools[0]!.id, userPoolId, clientId };
}
