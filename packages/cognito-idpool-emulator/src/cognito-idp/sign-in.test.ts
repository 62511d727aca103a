import {
  AdminAddUserToGroupCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminResetUserPasswordCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { createPool, createUser, failure, idpClient, jsPool, PASSWORD, rejection, signedIn, signIn, verifyToken } from "../../test/idp-harness.js";

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());

describe("USER_SRP_AUTH with amazon-cognito-identity-js", () => {
  it("signs in with SRP and gets RS256 tokens under AWS's issuer, verifiable with the served JWKS", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "alice", { email: "alice@example.com", email_verified: "true" });
    const before = Math.floor(Date.now() / 1000);
    const { session } = await signedIn(pool.jsPool, "alice");

    const id = await verifyToken(emulator, pool.poolId, session.getIdToken().getJwtToken(), { audience: pool.clientId });
    expect(id).toMatchObject({ token_use: "id", "cognito:username": "alice", email: "alice@example.com", email_verified: true, aud: pool.clientId });
    expect(id.iss).toBe(`https://cognito-idp.eu-west-1.amazonaws.com/${pool.poolId}`);
    expect(id.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(id.auth_time).toBeGreaterThanOrEqual(before);
    expect(id.exp! - id.iat!).toBe(3600);
    expect(typeof id["origin_jti"]).toBe("string");
    expect(typeof id["event_id"]).toBe("string");
    expect(typeof id.jti).toBe("string");
    expect(id["cognito:groups"]).toBeUndefined();

    const access = await verifyToken(emulator, pool.poolId, session.getAccessToken().getJwtToken());
    expect(access).toMatchObject({
      token_use: "access",
      client_id: pool.clientId,
      scope: "aws.cognito.signin.user.admin",
      username: "alice",
      sub: id.sub,
      origin_jti: id["origin_jti"],
      event_id: id["event_id"],
    });
    expect(access.aud).toBeUndefined();
    expect(access.jti).not.toBe(id.jti);
    expect(session.getRefreshToken().getToken()).toMatch(/^[\w-]+(\.[\w-]+){4}$/);
  });

  it("signs ID and access tokens with different keys, both published", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "keys");
    const { session } = await signedIn(pool.jsPool, "keys");
    const jwks = (await (await fetch(`${emulator.url}/${pool.poolId}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string; alg: string; use: string; kty: string; d?: string }[];
    };
    const kid = (token: string) => JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString()).kid;
    const idKid = kid(session.getIdToken().getJwtToken());
    const accessKid = kid(session.getAccessToken().getJwtToken());
    expect(idKid).not.toBe(accessKid);
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([idKid, accessKid].sort());
    for (const key of jwks.keys) expect(key).toMatchObject({ alg: "RS256", use: "sig", kty: "RSA" });
    expect(jwks.keys.some((k) => k.d !== undefined)).toBe(false);
  });

  it("refuses a wrong password with NotAuthorizedException, over SRP and USER_PASSWORD_AUTH", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "bob");
    expect(await failure(signIn(pool.jsPool, "bob", "Wr0ng-password!").result)).toBe("NotAuthorizedException: Incorrect username or password.");
    expect(await failure(signIn(pool.jsPool, "bob", "Wr0ng-password!", "USER_PASSWORD_AUTH").result)).toBe(
      "NotAuthorizedException: Incorrect username or password.",
    );
    const { session } = await signedIn(pool.jsPool, "bob", PASSWORD, "USER_PASSWORD_AUTH");
    expect((await verifyToken(emulator, pool.poolId, session.getIdToken().getJwtToken()))["cognito:username"]).toBe("bob");
  });

  it("reports unknown users as the client's PreventUserExistenceErrors says (LEGACY by default on the API)", async () => {
    const pool = await createPool(emulator);
    expect(await failure(signIn(pool.jsPool, "nobody", PASSWORD).result)).toBe("UserNotFoundException: User does not exist.");
    expect(await failure(signIn(pool.jsPool, "nobody", PASSWORD, "USER_PASSWORD_AUTH").result)).toBe("UserNotFoundException: User does not exist.");

    const idp = idpClient(emulator);
    const hidden = await idp.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.poolId,
        ClientName: "hidden",
        PreventUserExistenceErrors: "ENABLED",
        ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
      }),
    );
    const hiddenPool = jsPool(emulator, pool.poolId, hidden.UserPoolClient!.ClientId!);
    // SRP plays the whole exchange for a user who does not exist and only then refuses.
    expect(await failure(signIn(hiddenPool, "nobody", PASSWORD).result)).toBe("NotAuthorizedException: Incorrect username or password.");
    expect(await failure(signIn(hiddenPool, "nobody", PASSWORD, "USER_PASSWORD_AUTH").result)).toBe("NotAuthorizedException: Incorrect username or password.");
  });

  it("refuses flows the app client does not enable, in AWS's words", async () => {
    const srpOnly = await createPool(emulator, {}, { ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH"] });
    await createUser(emulator, srpOnly.poolId, "carol");
    expect(await failure(signIn(srpOnly.jsPool, "carol", PASSWORD, "USER_PASSWORD_AUTH").result)).toBe(
      "InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this client",
    );
    await signedIn(srpOnly.jsPool, "carol");

    const passwordOnly = await createPool(emulator, {}, { ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"] });
    await createUser(emulator, passwordOnly.poolId, "carol");
    expect(await failure(signIn(passwordOnly.jsPool, "carol", PASSWORD).result)).toBe(
      "InvalidParameterException: USER_SRP_AUTH is not enabled for the client.",
    );

    // Without ExplicitAuthFlows a client allows SRP, custom and refresh auth, but not plain passwords.
    const defaults = await createPool(emulator, {}, { ExplicitAuthFlows: undefined });
    await createUser(emulator, defaults.poolId, "carol");
    await signedIn(defaults.jsPool, "carol");
    expect(await failure(signIn(defaults.jsPool, "carol", PASSWORD, "USER_PASSWORD_AUTH").result)).toBe(
      "InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this client",
    );
  });

  it("names missing auth parameters and refuses admin flows on InitiateAuth", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    expect(
      await rejection(idp.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "x" } }))),
    ).toBe("InvalidParameterException: Missing required parameter PASSWORD");
    expect(await rejection(idp.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_SRP_AUTH", AuthParameters: { USERNAME: "x" } })))).toBe(
      "InvalidParameterException: Missing required parameter SRP_A",
    );
    expect(
      await rejection(
        idp.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "ADMIN_USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "x", PASSWORD } })),
      ),
    ).toBe("InvalidParameterException: Initiate Auth method not supported.");
    expect(
      await rejection(
        idp.send(new InitiateAuthCommand({ ClientId: "nosuchclient", AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "x", PASSWORD } })),
      ),
    ).toBe("ResourceNotFoundException: User pool client nosuchclient does not exist.");
    expect(await rejection(idp.send(new InitiateAuthCommand({ ClientId: "bad client!", AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: {} })))).toBe(
      "InvalidParameterException: 1 validation error detected: Value 'bad client!' at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+",
    );
  });

  it("refuses unconfirmed, reset-required and disabled users after checking the password", async () => {
    const pool = await createPool(emulator, { AutoVerifiedAttributes: ["email"] });
    const idp = idpClient(emulator);
    await idp.send(
      new SignUpCommand({ ClientId: pool.clientId, Username: "dora", Password: PASSWORD, UserAttributes: [{ Name: "email", Value: "dora@example.com" }] }),
    );
    expect(await failure(signIn(pool.jsPool, "dora", "Wr0ng-password!").result)).toBe("NotAuthorizedException: Incorrect username or password.");
    expect(await failure(signIn(pool.jsPool, "dora", PASSWORD).result)).toBe("UserNotConfirmedException: User is not confirmed.");

    await createUser(emulator, pool.poolId, "erin", { email: "erin@example.com", email_verified: "true" });
    await idp.send(new AdminResetUserPasswordCommand({ UserPoolId: pool.poolId, Username: "erin" }));
    expect(await failure(signIn(pool.jsPool, "erin", PASSWORD, "USER_PASSWORD_AUTH").result)).toBe(
      "PasswordResetRequiredException: Password reset required for the user",
    );

    await createUser(emulator, pool.poolId, "fred");
    await idp.send(new AdminDisableUserCommand({ UserPoolId: pool.poolId, Username: "fred" }));
    expect(await failure(signIn(pool.jsPool, "fred", PASSWORD).result)).toBe("NotAuthorizedException: User is disabled.");
    await idp.send(new AdminEnableUserCommand({ UserPoolId: pool.poolId, Username: "fred" }));
    await signedIn(pool.jsPool, "fred");
  });

  it("locks a user out after five wrong passwords in a row, then lets them in once the lockout passes", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "gina");
    const errors: string[] = [];
    for (let i = 0; i < 6; i++)
      errors.push(await failure(signIn(pool.jsPool, "gina", `Wr0ng-password-${i}!`, i % 2 ? "USER_PASSWORD_AUTH" : "USER_SRP_AUTH").result));
    expect(errors).toEqual([
      ...Array(4).fill("NotAuthorizedException: Incorrect username or password."),
      "NotAuthorizedException: Password attempts exceeded",
      "NotAuthorizedException: Password attempts exceeded",
    ]);
    // While the lockout lasts even the right password is refused (the clock is set back to be inside it).
    emulator.core.clock.offsetMs = -60_000;
    try {
      expect(await failure(signIn(pool.jsPool, "gina", PASSWORD).result)).toBe("NotAuthorizedException: Password attempts exceeded");
      emulator.core.clock.offsetMs = 16 * 60_000;
      await signedIn(pool.jsPool, "gina");
    } finally {
      emulator.core.clock.offsetMs = 0;
    }
    // A success resets the count: one wrong password is again just a wrong password.
    expect(await failure(signIn(pool.jsPool, "gina", "Wr0ng-password!").result)).toBe("NotAuthorizedException: Incorrect username or password.");
  });

  it("signs in with the email of a pool whose usernames are emails; USER_ID_FOR_SRP is the generated username", async () => {
    const pool = await createPool(emulator, { UsernameAttributes: ["email"] });
    const idp = idpClient(emulator);
    const signUp = await idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "Hana@Example.com", Password: PASSWORD }));
    expect(await rejection(idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "hana", Password: PASSWORD })))).toBe(
      "InvalidParameterException: Username should be an email.",
    );
    expect(await rejection(idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "Hana@Example.com", Password: PASSWORD })))).toBe(
      "UsernameExistsException: An account with the given email already exists.",
    );
    const { AdminConfirmSignUpCommand } = await import("@aws-sdk/client-cognito-identity-provider");
    await idp.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.poolId, Username: "Hana@Example.com" }));
    const { session, user } = await signedIn(pool.jsPool, "Hana@Example.com");
    expect(user.getUsername()).toBe(signUp.UserSub);
    const id = await verifyToken(emulator, pool.poolId, session.getIdToken().getJwtToken());
    expect(id).toMatchObject({ "cognito:username": signUp.UserSub, sub: signUp.UserSub, email: "Hana@Example.com", email_verified: false });
  });

  it("treats usernames case-insensitively only when the pool says so", async () => {
    const insensitive = await createPool(emulator, { UsernameConfiguration: { CaseSensitive: false } });
    await createUser(emulator, insensitive.poolId, "Ivan");
    await signedIn(insensitive.jsPool, "IVAN");
    const sensitive = await createPool(emulator);
    await createUser(emulator, sensitive.poolId, "Ivan");
    expect(await failure(signIn(sensitive.jsPool, "IVAN", PASSWORD).result)).toBe("UserNotFoundException: User does not exist.");
    await signedIn(sensitive.jsPool, "Ivan");
  });

  it("signs in with a verified email alias, not an unverified one", async () => {
    const pool = await createPool(emulator, { AliasAttributes: ["email"] });
    await createUser(emulator, pool.poolId, "jack", { email: "jack@example.com", email_verified: "true" });
    await createUser(emulator, pool.poolId, "jill", { email: "jill@example.com" });
    const { session } = await signedIn(pool.jsPool, "jack@example.com");
    expect((await verifyToken(emulator, pool.poolId, session.getIdToken().getJwtToken()))["cognito:username"]).toBe("jack");
    expect(await failure(signIn(pool.jsPool, "jill@example.com", PASSWORD).result)).toBe("UserNotFoundException: User does not exist.");
    expect(await rejection(idpClient(emulator).send(new SignUpCommand({ ClientId: pool.clientId, Username: "kim@example.com", Password: PASSWORD })))).toBe(
      "InvalidParameterException: Username cannot be of email format, since user pool is configured for email alias.",
    );
  });

  it("puts groups, by precedence, and their roles into the tokens", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    await createUser(emulator, pool.poolId, "lena");
    await idp.send(new CreateGroupCommand({ UserPoolId: pool.poolId, GroupName: "readers", Precedence: 5, RoleArn: "arn:aws:iam::000000000000:role/readers" }));
    await idp.send(new CreateGroupCommand({ UserPoolId: pool.poolId, GroupName: "admins", Precedence: 1, RoleArn: "arn:aws:iam::000000000000:role/admins" }));
    await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: "lena", GroupName: "readers" }));
    await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: "lena", GroupName: "admins" }));
    const { session } = await signedIn(pool.jsPool, "lena");
    const id = await verifyToken(emulator, pool.poolId, session.getIdToken().getJwtToken());
    expect(id["cognito:groups"]).toEqual(["admins", "readers"]);
    expect(id["cognito:roles"]).toEqual(["arn:aws:iam::000000000000:role/admins", "arn:aws:iam::000000000000:role/readers"]);
    expect(id["cognito:preferred_role"]).toBe("arn:aws:iam::000000000000:role/admins");
    const access = await verifyToken(emulator, pool.poolId, session.getAccessToken().getJwtToken());
    expect(access["cognito:groups"]).toEqual(["admins", "readers"]);
    expect(access["cognito:roles"]).toBeUndefined();
  });

  it("never stores a password in clear: only an SRP salt and verifier", async () => {
    const pool = await createPool(emulator);
    const secret = "Unm1stakable-Secret!";
    await createUser(emulator, pool.poolId, "mona", {}, secret);
    await signedIn(pool.jsPool, "mona", secret, "USER_PASSWORD_AUTH");
    const state = JSON.stringify(emulator.core.state);
    expect(state).not.toContain(secret);
    expect(state).not.toContain(`Tmp-${secret}`);
    expect(state).not.toContain(Buffer.from(secret).toString("base64"));
    expect(state).not.toContain(Buffer.from(secret).toString("hex"));
    const stored = emulator.core.state.cognitoIdp.pools[pool.poolId]!.users["mona"]!.password!;
    expect(Object.keys(stored).sort()).toEqual(["salt", "setAt", "temporary", "verifier"]);
    expect(stored.verifier).toMatch(/^[0-9a-f]{700,}$/);
  });
});
