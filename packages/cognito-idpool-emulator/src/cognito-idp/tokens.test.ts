import { createHmac } from "node:crypto";
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import type { CognitoUser, CognitoUserSession } from "amazon-cognito-identity-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { userPoolClientIds, userPoolJwks, userPoolTokenStatus } from "./index.js";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import {
  callback,
  claimsOf,
  createPool,
  createUser,
  failure,
  idpClient,
  jsPool,
  PASSWORD,
  rejection,
  signedIn,
  signIn,
  verifyToken,
} from "../../test/idp-harness.js";

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());
afterEach(() => {
  emulator.core.clock.offsetMs = 0;
});

function refresh(user: CognitoUser, session: CognitoUserSession): Promise<CognitoUserSession> {
  return callback((done) => user.refreshSession(session.getRefreshToken(), done));
}

/**
 * A refresh that must fail, made with the AWS SDK: amazon-cognito-identity-js retries a failed
 * refresh with backoff for seconds before it reports the same error.
 */
function refreshFailure(clientId: string, session: CognitoUserSession): Promise<string> {
  return rejection(
    idpClient(emulator).send(
      new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: session.getRefreshToken().getToken() } }),
    ),
  );
}

function status(poolId: string, session: CognitoUserSession) {
  return userPoolTokenStatus(emulator.core.state, poolId, claimsOf(session.getIdToken().getJwtToken()));
}

describe("token lifetimes", () => {
  it("issues tokens that live as long as the client says, in seconds, and refreshes them with REFRESH_TOKEN_AUTH", async () => {
    const pool = await createPool(
      emulator,
      {},
      {
        IdTokenValidity: 20,
        AccessTokenValidity: 30,
        RefreshTokenValidity: 90,
        TokenValidityUnits: { IdToken: "seconds", AccessToken: "seconds", RefreshToken: "seconds" },
      },
    );
    const idp = idpClient(emulator);
    const described = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId }));
    expect(described.UserPoolClient).toMatchObject({
      IdTokenValidity: 20,
      AccessTokenValidity: 30,
      RefreshTokenValidity: 90,
      TokenValidityUnits: { IdToken: "seconds", AccessToken: "seconds", RefreshToken: "seconds" },
    });
    await createUser(emulator, pool.poolId, "ann");

    const raw = await idp.send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "ann", PASSWORD } }),
    );
    expect(raw.AuthenticationResult).toMatchObject({ ExpiresIn: 30, TokenType: "Bearer" });
    expect(raw.ChallengeParameters).toEqual({});

    const { user, session } = await signedIn(pool.jsPool, "ann");
    const id = await verifyToken(emulator, pool.poolId, session.getIdToken().getJwtToken());
    expect(id.exp! - id.iat!).toBe(20);
    const access = await verifyToken(emulator, pool.poolId, session.getAccessToken().getJwtToken());
    expect(access.exp! - access.iat!).toBe(30);

    emulator.core.clock.offsetMs = 45_000;
    expect(await rejection(idp.send(new GetUserCommand({ AccessToken: session.getAccessToken().getJwtToken() })))).toBe(
      "NotAuthorizedException: Access Token has expired",
    );
    const renewed = await refresh(user, session);
    const later = new Date(Date.now() + 45_000);
    const renewedId = await verifyToken(emulator, pool.poolId, renewed.getIdToken().getJwtToken(), { currentDate: later });
    expect(renewedId.iat).toBeGreaterThanOrEqual(id.iat! + 45);
    expect(renewedId).toMatchObject({ auth_time: id.auth_time, origin_jti: id["origin_jti"], sub: id.sub });
    expect(renewedId.jti).not.toBe(id.jti);
    expect((await idp.send(new GetUserCommand({ AccessToken: renewed.getAccessToken().getJwtToken() }))).Username).toBe("ann");

    const rawRefresh = await idp.send(
      new InitiateAuthCommand({
        ClientId: pool.clientId,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: session.getRefreshToken().getToken() },
      }),
    );
    expect(rawRefresh.AuthenticationResult?.RefreshToken).toBeUndefined();
    expect(rawRefresh.AuthenticationResult).toMatchObject({ ExpiresIn: 30, TokenType: "Bearer" });

    emulator.core.clock.offsetMs = 95_000;
    expect(await refreshFailure(pool.clientId, session)).toBe("NotAuthorizedException: Refresh Token has expired");
  });

  it("keeps AWS's defaults (60 minutes, 30 days) and refuses lifetimes out of range", async () => {
    const pool = await createPool(emulator, {}, { ExplicitAuthFlows: undefined });
    const idp = idpClient(emulator);
    const described = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId }));
    expect(described.UserPoolClient).toMatchObject({
      IdTokenValidity: 60,
      AccessTokenValidity: 60,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { IdToken: "minutes", AccessToken: "minutes", RefreshToken: "days" },
      PreventUserExistenceErrors: "LEGACY",
      EnableTokenRevocation: true,
      AuthSessionValidity: 3,
    });
    expect(described.UserPoolClient?.ExplicitAuthFlows).toBeUndefined();
    expect(
      await rejection(
        idp.send(
          new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: "x", AccessTokenValidity: 2, TokenValidityUnits: { AccessToken: "days" } }),
        ),
      ),
    ).toMatch(/^InvalidParameterException: Access token validity must be between 1 second and 1 day/);
    expect(
      await rejection(
        idp.send(
          new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: "x", ExplicitAuthFlows: ["USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH"] }),
        ),
      ),
    ).toBe("InvalidParameterException: ExplicitAuthFlows can not have both ALLOW_ prefixed and non-ALLOW_ prefixed values.");
  });
});

describe("refresh tokens", () => {
  it("refuses a garbled token, another client's token and a token of a deleted user", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    await createUser(emulator, pool.poolId, "ben");
    const { user, session } = await signedIn(pool.jsPool, "ben");
    const token = session.getRefreshToken().getToken();
    const attempt = (clientId: string, refreshToken: string) =>
      rejection(idp.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken } })));
    expect(await attempt(pool.clientId, "garbage")).toBe("NotAuthorizedException: Invalid Refresh Token");
    const parts = token.split(".");
    parts[3] = Buffer.alloc(32, 1).toString("base64url");
    expect(await attempt(pool.clientId, parts.join("."))).toBe("NotAuthorizedException: Invalid Refresh Token");
    const other = await idp.send(
      new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: "other", ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"] }),
    );
    expect(await attempt(other.UserPoolClient!.ClientId!, token)).toBe("NotAuthorizedException: Invalid Refresh Token");
    await refresh(user, session);

    await idp.send(new AdminDeleteUserCommand({ UserPoolId: pool.poolId, Username: "ben" }));
    expect(await attempt(pool.clientId, token)).toBe("NotAuthorizedException: Invalid Refresh Token");
    expect(await rejection(idp.send(new GetUserCommand({ AccessToken: session.getAccessToken().getJwtToken() })))).toBe(
      "UserNotFoundException: User does not exist.",
    );
    expect(status(pool.poolId, session)).toBe("user-deleted");
    // A new user with the same name is someone else: the old tokens stay dead.
    await createUser(emulator, pool.poolId, "ben");
    expect(status(pool.poolId, session)).toBe("user-deleted");
  });

  it("is refused when the client does not allow REFRESH_TOKEN_AUTH", async () => {
    const pool = await createPool(emulator, {}, { ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"] });
    await createUser(emulator, pool.poolId, "cat");
    const { session } = await signedIn(pool.jsPool, "cat");
    expect(await refreshFailure(pool.clientId, session)).toBe("InvalidParameterException: REFRESH_TOKEN_AUTH flow not enabled for this client");
  });
});

describe("sign-out", () => {
  it("RevokeToken ends one sign-in session: its refresh token and the tokens minted from it", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "dee");
    const first = await signedIn(pool.jsPool, "dee");
    const second = await signedIn(pool.jsPool, "dee");
    const renewed = await refresh(first.user, first.session);
    expect(status(pool.poolId, first.session)).toBe("valid");

    // signOut with a callback is amazon-cognito-identity-js's way to call RevokeToken.
    await new Promise<void>((resolve, reject) => first.user.signOut((error?: unknown) => (error ? reject(error) : resolve())));
    expect(await refreshFailure(pool.clientId, first.session)).toBe("NotAuthorizedException: Refresh Token has been revoked");
    const idp = idpClient(emulator);
    expect(await rejection(idp.send(new GetUserCommand({ AccessToken: first.session.getAccessToken().getJwtToken() })))).toBe(
      "NotAuthorizedException: Access Token has been revoked",
    );
    expect(await rejection(idp.send(new GetUserCommand({ AccessToken: renewed.getAccessToken().getJwtToken() })))).toBe(
      "NotAuthorizedException: Access Token has been revoked",
    );
    expect(status(pool.poolId, first.session)).toBe("signed-out");
    expect(status(pool.poolId, renewed)).toBe("signed-out");

    expect(status(pool.poolId, second.session)).toBe("valid");
    await refresh(second.user, second.session);
  });

  it("RevokeToken takes refresh tokens only, of its own client, and is idempotent", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    await createUser(emulator, pool.poolId, "eve");
    const { session } = await signedIn(pool.jsPool, "eve");
    const token = session.getRefreshToken().getToken();
    expect(await rejection(idp.send(new RevokeTokenCommand({ ClientId: pool.clientId, Token: session.getAccessToken().getJwtToken() })))).toBe(
      "UnsupportedTokenTypeException: Only refresh tokens can be revoked.",
    );
    const other = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: "other" }));
    expect(await rejection(idp.send(new RevokeTokenCommand({ ClientId: other.UserPoolClient!.ClientId!, Token: token })))).toBe(
      "UnauthorizedException: The refresh token was not issued to this client.",
    );
    await idp.send(new RevokeTokenCommand({ ClientId: pool.clientId, Token: token }));
    await idp.send(new RevokeTokenCommand({ ClientId: pool.clientId, Token: token }));
    expect(status(pool.poolId, session)).toBe("signed-out");

    const noRevocation = await idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.poolId,
        ClientName: "plain",
        EnableTokenRevocation: false,
        ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH"],
      }),
    );
    const plain = await signedIn(jsPool(emulator, pool.poolId, noRevocation.UserPoolClient!.ClientId!), "eve");
    expect(claimsOf(plain.session.getIdToken().getJwtToken())["origin_jti"]).toBeUndefined();
    expect(
      await rejection(
        idp.send(new RevokeTokenCommand({ ClientId: noRevocation.UserPoolClient!.ClientId!, Token: plain.session.getRefreshToken().getToken() })),
      ),
    ).toBe("UnsupportedOperationException: Token revocation is not enabled for this app client.");
  });

  it("GlobalSignOut ends every session of the user; a later sign-in is good again", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "fay");
    const phone = await signedIn(pool.jsPool, "fay");
    const laptop = await signedIn(pool.jsPool, "fay");
    await callback((done) => phone.user.globalSignOut({ onSuccess: (r) => done(null, r), onFailure: done }));

    for (const device of [phone, laptop]) {
      expect(await refreshFailure(pool.clientId, device.session)).toBe("NotAuthorizedException: Refresh Token has been revoked");
      expect(status(pool.poolId, device.session)).toBe("signed-out");
    }
    const idp = idpClient(emulator);
    expect(await rejection(idp.send(new GetUserCommand({ AccessToken: laptop.session.getAccessToken().getJwtToken() })))).toBe(
      "NotAuthorizedException: Access Token has been revoked",
    );

    const again = await signedIn(pool.jsPool, "fay");
    expect(status(pool.poolId, again.session)).toBe("valid");
    await refresh(again.user, again.session);

    await idp.send(new AdminUserGlobalSignOutCommand({ UserPoolId: pool.poolId, Username: "fay" }));
    expect(status(pool.poolId, again.session)).toBe("signed-out");
    expect(await refreshFailure(pool.clientId, again.session)).toBe("NotAuthorizedException: Refresh Token has been revoked");
  });

  it("signs a token out by time when the client does not put origin_jti in it", async () => {
    const pool = await createPool(emulator, {}, { EnableTokenRevocation: false });
    await createUser(emulator, pool.poolId, "gus");
    const { session } = await signedIn(pool.jsPool, "gus");
    emulator.core.clock.offsetMs = 5_000;
    await idpClient(emulator).send(new AdminUserGlobalSignOutCommand({ UserPoolId: pool.poolId, Username: "gus" }));
    expect(status(pool.poolId, session)).toBe("signed-out");
    emulator.core.clock.offsetMs = 10_000;
    const later = await signedIn(pool.jsPool, "gus");
    expect(status(pool.poolId, later.session)).toBe("valid");
  });

  it("disabling a user revokes their tokens and marks them disabled", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    await createUser(emulator, pool.poolId, "hal");
    const { session } = await signedIn(pool.jsPool, "hal");
    await idp.send(new AdminDisableUserCommand({ UserPoolId: pool.poolId, Username: "hal" }));
    expect(status(pool.poolId, session)).toBe("disabled");
    expect(await refreshFailure(pool.clientId, session)).toBe("NotAuthorizedException: Refresh Token has been revoked");
    await idp.send(new AdminEnableUserCommand({ UserPoolId: pool.poolId, Username: "hal" }));
    expect(status(pool.poolId, session)).toBe("signed-out");
  });
});

describe("access-token operations", () => {
  it("GetUser answers for a valid access token only", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    await createUser(emulator, pool.poolId, "ida", { email: "ida@example.com" });
    const { session } = await signedIn(pool.jsPool, "ida");
    const me = await idp.send(new GetUserCommand({ AccessToken: session.getAccessToken().getJwtToken() }));
    expect(me.Username).toBe("ida");
    expect(me.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: "email", Value: "ida@example.com" },
        { Name: "sub", Value: claimsOf(session.getIdToken().getJwtToken())["sub"] },
      ]),
    );

    const [header, payload, signature] = session.getAccessToken().getJwtToken().split(".");
    const forged = Buffer.from(Buffer.from(payload!, "base64url").toString().replace('"username":"ida"', '"username":"bob"')).toString("base64url");
    for (const token of [`${header}.${forged}.${signature}`, session.getIdToken().getJwtToken(), "not-a-jwt"]) {
      expect(await rejection(idp.send(new GetUserCommand({ AccessToken: token })))).toBe("NotAuthorizedException: Invalid Access Token");
    }
  });

  it("ChangePassword checks the old password and the policy", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "jon");
    const { user } = await signedIn(pool.jsPool, "jon");
    await expect(callback((done) => user.changePassword("Wr0ng-password!", "N3w-password!", done))).rejects.toMatchObject({
      code: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
    await expect(callback((done) => user.changePassword(PASSWORD, "weak", done))).rejects.toMatchObject({
      code: "InvalidPasswordException",
      message: "Password does not conform to policy: Password not long enough",
    });
    expect(await callback((done) => user.changePassword(PASSWORD, "N3w-password!", done))).toBe("SUCCESS");
    await signedIn(pool.jsPool, "jon", "N3w-password!");
    expect(await failure(signIn(pool.jsPool, "jon", PASSWORD).result)).toBe("NotAuthorizedException: Incorrect username or password.");
  });
});

describe("clients with a secret", () => {
  it("require SECRET_HASH = HMAC(secret, username + client id) on sign-up, sign-in and refresh", async () => {
    const pool = await createPool(emulator, {}, { GenerateSecret: true });
    const idp = idpClient(emulator);
    const secret = (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId }))).UserPoolClient!.ClientSecret!;
    expect(secret).toMatch(/^[a-z0-9]{51}$/);
    const hash = (username: string) =>
      createHmac("sha256", secret)
        .update(username + pool.clientId)
        .digest("base64");

    expect(await rejection(idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "kai", Password: PASSWORD })))).toBe(
      `NotAuthorizedException: Client ${pool.clientId} is configured for secret but secret was not received`,
    );
    expect(await rejection(idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "kai", Password: PASSWORD, SecretHash: hash("someone") })))).toBe(
      `NotAuthorizedException: Unable to verify secret hash for client ${pool.clientId}`,
    );
    await idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "kai", Password: PASSWORD, SecretHash: hash("kai") }));
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: "kai", Password: PASSWORD, Permanent: true }));

    const signInWith = (parameters: Record<string, string>) =>
      idp.send(
        new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "kai", PASSWORD, ...parameters } }),
      );
    expect(await rejection(signInWith({}))).toBe(`NotAuthorizedException: Client ${pool.clientId} is configured for secret but secret was not received`);
    const tokens = (await signInWith({ SECRET_HASH: hash("kai") })).AuthenticationResult!;
    const refreshWith = (parameters: Record<string, string>) =>
      idp.send(
        new InitiateAuthCommand({
          ClientId: pool.clientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken!, ...parameters },
        }),
      );
    expect(await rejection(refreshWith({}))).toBe(`NotAuthorizedException: Client ${pool.clientId} is configured for secret but secret was not received`);
    expect((await refreshWith({ SECRET_HASH: hash("kai") })).AuthenticationResult?.IdToken).toBeTruthy();
    expect(await rejection(idp.send(new RevokeTokenCommand({ ClientId: pool.clientId, Token: tokens.RefreshToken! })))).toBe(
      `NotAuthorizedException: Client ${pool.clientId} is configured for secret but secret was not received`,
    );
    await idp.send(new RevokeTokenCommand({ ClientId: pool.clientId, ClientSecret: secret, Token: tokens.RefreshToken! }));
    expect(await rejection(refreshWith({ SECRET_HASH: hash("kai") }))).toBe("NotAuthorizedException: Refresh Token has been revoked");
  });
});

describe("keys and discovery", () => {
  it("serves the OpenID configuration with AWS's issuer and this emulator's JWKS URL; unknown pools are 404", async () => {
    const pool = await createPool(emulator);
    const config = (await (await fetch(`${emulator.url}/${pool.poolId}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(config["issuer"]).toBe(`https://cognito-idp.eu-west-1.amazonaws.com/${pool.poolId}`);
    expect(config["jwks_uri"]).toBe(`${emulator.url}/${pool.poolId}/.well-known/jwks.json`);
    const jwks = await (await fetch(config["jwks_uri"] as string)).json();
    expect(jwks).toEqual(userPoolJwks(emulator.core.state, pool.poolId));
    const missing = await fetch(`${emulator.url}/eu-west-1_Nope12345/.well-known/jwks.json`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ __type: "ResourceNotFoundException", message: "User pool eu-west-1_Nope12345 does not exist." });
    expect(userPoolJwks(emulator.core.state, "eu-west-1_Nope12345")).toBeUndefined();
  });

  it("lists a pool's app clients for the identity-pool side", async () => {
    const pool = await createPool(emulator);
    const other = await idpClient(emulator).send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: "second" }));
    expect(userPoolClientIds(emulator.core.state, pool.poolId).sort()).toEqual([pool.clientId, other.UserPoolClient!.ClientId!].sort());
    expect(userPoolClientIds(emulator.core.state, "eu-west-1_Nope12345")).toEqual([]);
  });

  it("keeps state JSON: a pool survives a JSON round trip and still signs verifiable tokens", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "lea");
    emulator.core.replaceState(JSON.parse(JSON.stringify(emulator.core.state)));
    const { session } = await signedIn(pool.jsPool, "lea");
    await verifyToken(emulator, pool.poolId, session.getIdToken().getJwtToken(), { audience: pool.clientId });
  });
});
