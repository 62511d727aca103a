import { createHmac } from "node:crypto";
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminInitiateAuthCommand,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  UpdateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { failure as clientFailure } from "../../test/identity-errors.js";
import { claimsOf, createPool, createUser, idpClient, PASSWORD, rejection } from "../../test/idp-harness.js";

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());
afterEach(() => {
  emulator.core.clock.offsetMs = 0;
});

const FLOWS = ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] as const;

/** A pool with one user, "rio", and a client configured by `client`; returns a signed-in session. */
async function signedInPool(client: Partial<CreateUserPoolClientCommandInput>) {
  const pool = await createPool(emulator, {}, { ExplicitAuthFlows: [...FLOWS], ...client });
  await createUser(emulator, pool.poolId, "rio");
  const { AuthenticationResult } = await idpClient(emulator).send(
    new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "rio", PASSWORD } }),
  );
  return { ...pool, refreshToken: AuthenticationResult!.RefreshToken!, idToken: AuthenticationResult!.IdToken! };
}

function renew(clientId: string, refreshToken: string, extra: { ClientSecret?: string } = {}) {
  return idpClient(emulator).send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken, ...extra }));
}

const rotating = (grace: number) => ({ RefreshTokenRotation: { Feature: "ENABLED" as const, RetryGracePeriodSeconds: grace } });

describe("the RefreshTokenRotation setting", () => {
  it("is set by CreateUserPoolClient, reported by DescribeUserPoolClient, and DISABLED by default", async () => {
    const pool = await createPool(emulator, {}, rotating(10));
    const idp = idpClient(emulator);
    const described = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId }));
    expect(described.UserPoolClient?.RefreshTokenRotation).toEqual({ Feature: "ENABLED", RetryGracePeriodSeconds: 10 });
    const plain = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: "plain" }));
    expect(plain.UserPoolClient?.RefreshTokenRotation).toEqual({ Feature: "DISABLED", RetryGracePeriodSeconds: 0 });
  });

  it("is checked as AWS checks it: Feature required and one of ENABLED, DISABLED; a grace period of 0 to 60 seconds", async () => {
    const pool = await createPool(emulator);
    const create = (RefreshTokenRotation: unknown) =>
      rejection(idpClient(emulator).send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: "x", RefreshTokenRotation } as never)));
    expect(await create({ Feature: "ON" })).toBe(
      "InvalidParameterException: 1 validation error detected: Value 'ON' at 'refreshTokenRotation.feature' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]",
    );
    expect(await create({ Feature: "ENABLED", RetryGracePeriodSeconds: 61 })).toBe(
      "InvalidParameterException: 1 validation error detected: Value '61' at 'refreshTokenRotation.retryGracePeriodSeconds' failed to satisfy constraint: Member must have value less than or equal to 60",
    );
    expect(await create({ RetryGracePeriodSeconds: 5 })).toBe(
      "InvalidParameterException: 1 validation error detected: Value null at 'refreshTokenRotation.feature' failed to satisfy constraint: Member must not be null",
    );
  });

  it("is changed by UpdateUserPoolClient, which resets every member not given to its default, as AWS does", async () => {
    const pool = await createPool(
      emulator,
      {},
      { GenerateSecret: true, AccessTokenValidity: 30, TokenValidityUnits: { AccessToken: "seconds" }, PreventUserExistenceErrors: "ENABLED" },
    );
    const idp = idpClient(emulator);
    const before = (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId }))).UserPoolClient!;
    emulator.core.clock.offsetMs = 5_000;
    const updated = await idp.send(new UpdateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, ...rotating(30) }));
    const after = (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId }))).UserPoolClient!;
    expect(updated.UserPoolClient).toEqual(after);
    expect(after).toMatchObject({
      ClientId: before.ClientId,
      ClientSecret: before.ClientSecret,
      ClientName: "web",
      CreationDate: before.CreationDate,
      RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 30 },
      AccessTokenValidity: 60,
      TokenValidityUnits: { AccessToken: "minutes" },
      PreventUserExistenceErrors: "LEGACY",
    });
    expect(after.ExplicitAuthFlows).toBeUndefined();
    expect(after.LastModifiedDate!.getTime()).toBeGreaterThan(before.LastModifiedDate!.getTime());

    await idp.send(new UpdateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, ClientName: "renamed" }));
    expect((await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId }))).UserPoolClient).toMatchObject({
      ClientName: "renamed",
      RefreshTokenRotation: { Feature: "DISABLED", RetryGracePeriodSeconds: 0 },
    });
    expect(await rejection(idp.send(new UpdateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: "nosuchclient" })))).toBe(
      "ResourceNotFoundException: User pool client nosuchclient does not exist.",
    );
  });

  it("can be seeded, with short token lifetimes", async () => {
    const seeded = await emulator.control.seed({
      userPools: [
        {
          PoolName: "seeded-rotation",
          Clients: [
            {
              ClientName: "web",
              ExplicitAuthFlows: [...FLOWS],
              RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 0 },
              AccessTokenValidity: 5,
              TokenValidityUnits: { AccessToken: "seconds" },
            },
          ],
        },
      ],
    });
    const { id, clients } = seeded.userPools[0]!;
    const described = await idpClient(emulator).send(new DescribeUserPoolClientCommand({ UserPoolId: id, ClientId: clients[0]!.id }));
    expect(described.UserPoolClient).toMatchObject({
      RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 0 },
      AccessTokenValidity: 5,
      TokenValidityUnits: { AccessToken: "seconds" },
    });
  });
});

describe("GetTokensFromRefreshToken", () => {
  it("without rotation renews the ID and access tokens of the same session and returns no refresh token", async () => {
    const pool = await signedInPool({});
    const first = await renew(pool.clientId, pool.refreshToken);
    expect(first.AuthenticationResult).toMatchObject({ TokenType: "Bearer", ExpiresIn: 3600 });
    expect(first.AuthenticationResult?.RefreshToken).toBeUndefined();
    expect(claimsOf(first.AuthenticationResult!.IdToken!)["origin_jti"]).toBe(claimsOf(pool.idToken)["origin_jti"]);
    // The same refresh token keeps working, here and with REFRESH_TOKEN_AUTH.
    await renew(pool.clientId, pool.refreshToken);
    const initiated = await idpClient(emulator).send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: pool.refreshToken } }),
    );
    expect(initiated.AuthenticationResult?.AccessToken).toBeDefined();
  });

  it("the request log names the app client of each renewal, so one client's renewals can be counted", async () => {
    const pool = await signedInPool({});
    await emulator.control.clearRequests();
    await renew(pool.clientId, pool.refreshToken);
    await rejection(renew("nosuchclient", pool.refreshToken));
    const logged = (await emulator.control.requests()).filter((r) => r.operation === "GetTokensFromRefreshToken");
    expect(logged.map((r) => [r.clientId, r.status])).toEqual([
      [pool.clientId, 200],
      ["nosuchclient", 400],
    ]);
  });

  it("refuses what REFRESH_TOKEN_AUTH refuses: unknown, another client's, expired, revoked, a deleted or disabled user's", async () => {
    const pool = await signedInPool({ RefreshTokenValidity: 60, TokenValidityUnits: { RefreshToken: "seconds" } });
    const idp = idpClient(emulator);
    const other = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: "other", ExplicitAuthFlows: [...FLOWS] }));
    expect(await rejection(renew(other.UserPoolClient!.ClientId!, pool.refreshToken))).toBe("NotAuthorizedException: Invalid Refresh Token");
    const forged = pool.refreshToken.split(".").map((part, i) => (i === 3 ? "A".repeat(part.length) : part));
    expect(await rejection(renew(pool.clientId, forged.join(".")))).toBe("NotAuthorizedException: Invalid Refresh Token");
    expect(await rejection(renew("nosuchclient", pool.refreshToken))).toBe("ResourceNotFoundException: User pool client nosuchclient does not exist.");

    emulator.core.clock.offsetMs = 61_000;
    expect(await rejection(renew(pool.clientId, pool.refreshToken))).toBe("NotAuthorizedException: Refresh Token has expired");
    emulator.core.clock.offsetMs = 0;

    await idp.send(new AdminDisableUserCommand({ UserPoolId: pool.poolId, Username: "rio" }));
    expect(await rejection(renew(pool.clientId, pool.refreshToken))).toBe("NotAuthorizedException: Refresh Token has been revoked");
    await idp.send(new AdminDeleteUserCommand({ UserPoolId: pool.poolId, Username: "rio" }));
    expect(await rejection(renew(pool.clientId, pool.refreshToken))).toBe("NotAuthorizedException: Invalid Refresh Token");
  });

  it("takes the client secret itself from clients that have one", async () => {
    const pool = await createPool(emulator, {}, { GenerateSecret: true, ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] });
    await createUser(emulator, pool.poolId, "sam");
    const idp = idpClient(emulator);
    const { UserPoolClient } = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId }));
    const secret = UserPoolClient!.ClientSecret!;
    const SECRET_HASH = createHmac("sha256", secret).update(`sam${pool.clientId}`).digest("base64");
    const signIn = await idp.send(
      new AdminInitiateAuthCommand({
        UserPoolId: pool.poolId,
        ClientId: pool.clientId,
        AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "sam", PASSWORD, SECRET_HASH },
      }),
    );
    const token = signIn.AuthenticationResult!.RefreshToken!;
    expect(await rejection(renew(pool.clientId, token))).toBe(
      `NotAuthorizedException: Client ${pool.clientId} is configured for secret but secret was not received`,
    );
    expect(await rejection(renew(pool.clientId, token, { ClientSecret: "wrong" }))).toBe(
      `NotAuthorizedException: Unable to verify secret for client ${pool.clientId}`,
    );
    expect((await renew(pool.clientId, token, { ClientSecret: secret })).AuthenticationResult?.AccessToken).toBeDefined();
  });
});

describe("refresh-token rotation", () => {
  it("returns a new refresh token of the same session each time; the one used keeps working only within the grace period", async () => {
    const pool = await signedInPool(rotating(10));
    const first = (await renew(pool.clientId, pool.refreshToken)).AuthenticationResult!;
    expect(first.RefreshToken).toBeDefined();
    expect(first.RefreshToken).not.toBe(pool.refreshToken);
    expect(claimsOf(first.IdToken!)["origin_jti"]).toBe(claimsOf(pool.idToken)["origin_jti"]);

    // A retry with the used token within the grace period (its answer was lost, say) still works,
    // and rotates again: another new refresh token.
    emulator.core.clock.offsetMs = 9_000;
    const retried = (await renew(pool.clientId, pool.refreshToken)).AuthenticationResult!;
    expect(retried.RefreshToken).toBeDefined();
    expect(new Set([pool.refreshToken, first.RefreshToken, retried.RefreshToken]).size).toBe(3);

    // Ten seconds after it was first rotated out, the used token is refused.
    emulator.core.clock.offsetMs = 10_000;
    const reused = await clientFailure(renew(pool.clientId, pool.refreshToken));
    expect(reused).toEqual({ code: "RefreshTokenReuseException", message: "Refresh Token has already been used", status: 400 });

    // Reuse does not end the session: the newest token still renews it.
    const next = (await renew(pool.clientId, retried.RefreshToken!)).AuthenticationResult!;
    expect((await idpClient(emulator).send(new GetUserCommand({ AccessToken: next.AccessToken! }))).Username).toBe("rio");
  });

  it("with no grace period refuses a used token at once", async () => {
    const pool = await signedInPool(rotating(0));
    const { RefreshToken } = (await renew(pool.clientId, pool.refreshToken)).AuthenticationResult!;
    expect(await rejection(renew(pool.clientId, pool.refreshToken))).toBe("RefreshTokenReuseException: Refresh Token has already been used");
    expect((await renew(pool.clientId, RefreshToken!)).AuthenticationResult?.RefreshToken).toBeDefined();
  });

  it("keeps the session's expiry: rotating does not extend how long the user stays signed in", async () => {
    const pool = await signedInPool({ ...rotating(0), RefreshTokenValidity: 60, TokenValidityUnits: { RefreshToken: "seconds" } });
    emulator.core.clock.offsetMs = 50_000;
    const { RefreshToken } = (await renew(pool.clientId, pool.refreshToken)).AuthenticationResult!;
    emulator.core.clock.offsetMs = 61_000;
    expect(await rejection(renew(pool.clientId, RefreshToken!))).toBe("NotAuthorizedException: Refresh Token has expired");
  });

  it("RevokeToken and GlobalSignOut still end the whole session, whichever of its tokens they are given", async () => {
    const idp = idpClient(emulator);
    const revoked = await signedInPool(rotating(60));
    const rotated = (await renew(revoked.clientId, revoked.refreshToken)).AuthenticationResult!;
    // Revoking the token that was rotated out ends the session too, the newest token with it.
    await idp.send(new RevokeTokenCommand({ ClientId: revoked.clientId, Token: revoked.refreshToken }));
    expect(await rejection(renew(revoked.clientId, rotated.RefreshToken!))).toBe("NotAuthorizedException: Refresh Token has been revoked");
    expect(await rejection(idp.send(new GetUserCommand({ AccessToken: rotated.AccessToken! })))).toBe("NotAuthorizedException: Access Token has been revoked");

    const signedOut = await signedInPool(rotating(60));
    const newest = (await renew(signedOut.clientId, signedOut.refreshToken)).AuthenticationResult!;
    await idp.send(new GlobalSignOutCommand({ AccessToken: newest.AccessToken! }));
    expect(await rejection(renew(signedOut.clientId, newest.RefreshToken!))).toBe("NotAuthorizedException: Refresh Token has been revoked");
  });

  it("refuses REFRESH_TOKEN_AUTH on rotating clients only, in InitiateAuth and AdminInitiateAuth", async () => {
    const pool = await signedInPool(rotating(10));
    const idp = idpClient(emulator);
    const refused =
      "InvalidParameterException: REFRESH_TOKEN_AUTH is not allowed for app clients with refresh token rotation enabled; use GetTokensFromRefreshToken.";
    const initiate = () =>
      idp.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: pool.refreshToken } }));
    expect(await rejection(initiate())).toBe(refused);
    expect(
      await rejection(
        idp.send(
          new AdminInitiateAuthCommand({
            UserPoolId: pool.poolId,
            ClientId: pool.clientId,
            AuthFlow: "REFRESH_TOKEN",
            AuthParameters: { REFRESH_TOKEN: pool.refreshToken },
          }),
        ),
      ),
    ).toBe(refused);

    // Rotation switched off, the same session renews with REFRESH_TOKEN_AUTH again.
    await idp.send(new UpdateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, ExplicitAuthFlows: [...FLOWS] }));
    expect((await initiate()).AuthenticationResult?.AccessToken).toBeDefined();
  });
});
