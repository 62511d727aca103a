import type { TestProject } from "vitest/node";
// Vitest loads global set-up files with Node's own resolver, which ignores the `cognito-idpool:source`
// export condition the tests use; import the emulator's sources by path so no build is needed.
import { startEmulator } from "../../packages/cognito-idpool-emulator/src/index.js";
import { startOidcIssuer } from "../../packages/cognito-idpool-emulator/src/testing/index.js";

/**
 * Starts the emulator (port 0) and a local OpenID Connect issuer for the browser tests, and hands
 * them over with `provide`: the page cannot start servers or sign tokens, so ID tokens for a few
 * users are minted here (valid for an hour) and the roles and OIDC provider are seeded once.
 * Each test seeds its own identity pool from the page (`POST /_emulator/seed`), so IndexedDB keys
 * never collide between tests.
 */
declare module "vitest" {
  export interface ProvidedContext {
    emulatorUrl: string;
    oidcLoginKey: string;
    oidcProviderArn: string;
    /** ID tokens of the local issuer by subject (`user1` … `user4`), audience `web`. */
    oidcTokens: Record<string, string>;
    /** Role ARNs with no policies, trusted by any pool of the emulator. */
    roles: { authenticated: string; unauthenticated: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const issuer = await startOidcIssuer({ path: "/browser" });
  const trust = (amr: string) => ({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "cognito-identity.amazonaws.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": amr } },
      },
    ],
  });
  const emulator = await startEmulator({
    port: 0,
    seed: {
      roles: [
        { RoleName: "BrowserAuth", AssumeRolePolicyDocument: trust("authenticated") },
        { RoleName: "BrowserUnauth", AssumeRolePolicyDocument: trust("unauthenticated") },
      ],
      openIdConnectProviders: [{ Url: issuer.url, ClientIDList: ["web"] }],
    },
  });
  const tokens: Record<string, string> = {};
  for (const sub of ["user1", "user2", "user3", "user4"]) tokens[sub] = await issuer.mint({ sub, aud: "web" });

  project.provide("emulatorUrl", emulator.url);
  project.provide("oidcLoginKey", issuer.loginKey);
  project.provide("oidcProviderArn", `arn:aws:iam::000000000000:oidc-provider/${issuer.loginKey}`);
  project.provide("oidcTokens", tokens);
  project.provide("roles", { authenticated: "arn:aws:iam::000000000000:role/BrowserAuth", unauthenticated: "arn:aws:iam::000000000000:role/BrowserUnauth" });

  return async () => {
    await emulator.stop();
    await issuer.stop();
  };
}
