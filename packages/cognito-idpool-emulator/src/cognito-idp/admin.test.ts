import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CreateGroupCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetGroupCommand,
  GetUserPoolMfaConfigCommand,
  SetUserPoolMfaConfigCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulatorWithCore } from "../index.js";
import { REGION, startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { createPool, failure, idpClient, jsPool, PASSWORD, rejection, signedIn, signIn, verifyToken } from "../../test/idp-harness.js";

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());

describe("user pools and app clients", () => {
  it("creates a pool in the signing region and describes it back", async () => {
    const idp = idpClient(emulator);
    const created = await idp.send(
      new CreateUserPoolCommand({
        PoolName: "shop users",
        Policies: { PasswordPolicy: { MinimumLength: 10, RequireNumbers: true, TemporaryPasswordValidityDays: 3 } },
        AutoVerifiedAttributes: ["email"],
        UsernameAttributes: ["email"],
        UserPoolTags: { team: "web" },
        Schema: [{ Name: "team", AttributeDataType: "String", Mutable: true }],
      }),
    );
    const pool = created.UserPool!;
    expect(pool.Id).toMatch(/^eu-west-1_[0-9A-Za-z]{9}$/);
    expect(pool.Arn).toBe(`arn:aws:cognito-idp:eu-west-1:000000000000:userpool/${pool.Id}`);
    const described = (await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.Id }))).UserPool!;
    expect(described).toMatchObject({
      Id: pool.Id,
      Name: "shop users",
      MfaConfiguration: "OFF",
      AutoVerifiedAttributes: ["email"],
      UsernameAttributes: ["email"],
      UserPoolTags: { team: "web" },
      EstimatedNumberOfUsers: 0,
      Policies: {
        PasswordPolicy: {
          MinimumLength: 10,
          RequireNumbers: true,
          RequireUppercase: false,
          RequireLowercase: false,
          RequireSymbols: false,
          TemporaryPasswordValidityDays: 3,
        },
      },
    });
    expect(described.CreationDate).toBeInstanceOf(Date);
    expect(described.SchemaAttributes?.map((a) => a.Name)).toEqual(expect.arrayContaining(["sub", "email", "phone_number", "custom:team"]));
  });

  it("refuses bad input with InvalidParameterException in Coral's shape, and unknown ids with ResourceNotFoundException", async () => {
    const idp = idpClient(emulator);
    expect(await rejection(idp.send(new CreateUserPoolCommand({ PoolName: "bad/name" })))).toBe(
      "InvalidParameterException: 1 validation error detected: Value 'bad/name' at 'poolName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+",
    );
    expect(await rejection(idp.send(new CreateUserPoolCommand({ PoolName: "p", Policies: { PasswordPolicy: { MinimumLength: 5 } } })))).toBe(
      "InvalidParameterException: 1 validation error detected: Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6",
    );
    expect(await rejection(idp.send(new CreateUserPoolCommand({ PoolName: "p", UsernameAttributes: ["email"], AliasAttributes: ["email"] })))).toBe(
      "InvalidParameterException: Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
    );
    expect(
      await rejection(idp.send(new CreateUserPoolCommand({ PoolName: "p", Schema: [{ Name: "team", AttributeDataType: "String", Required: true }] }))),
    ).toBe("InvalidParameterException: Required custom attributes are not supported currently.");
    expect(await rejection(idp.send(new DescribeUserPoolCommand({ UserPoolId: "not a pool id" })))).toBe(
      "InvalidParameterException: 1 validation error detected: Value 'not a pool id' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+_[0-9a-zA-Z]+",
    );
    expect(await rejection(idp.send(new DescribeUserPoolCommand({ UserPoolId: "eu-west-1_Missing00" })))).toBe(
      "ResourceNotFoundException: User pool eu-west-1_Missing00 does not exist.",
    );
    const pool = await createPool(emulator);
    expect(await rejection(idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool.poolId, ClientId: "missingclient" })))).toBe(
      "ResourceNotFoundException: User pool client missingclient does not exist.",
    );
    expect(await rejection(idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "nobody" })))).toBe(
      "UserNotFoundException: User does not exist.",
    );
  });

  it("requires SigV4 on administrative operations and none on the user-facing ones", async () => {
    const response = await fetch(emulator.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.CreateUserPool" },
      body: JSON.stringify({ PoolName: "unsigned" }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe("MissingAuthenticationTokenException");
    const wrongSecret = idpClient(emulator, { accessKeyId: "test", secretAccessKey: "wrong" });
    expect(await rejection(wrongSecret.send(new CreateUserPoolCommand({ PoolName: "forged" })))).toMatch(/^InvalidSignatureException: /);

    const pool = await createPool(emulator);
    const unsigned = await fetch(emulator.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.SignUp" },
      body: JSON.stringify({ ClientId: pool.clientId, Username: "walk-in", Password: PASSWORD }),
    });
    expect(unsigned.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("switches TOTP MFA on with SetUserPoolMfaConfig and reports it", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    const set = await idp.send(
      new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: "OPTIONAL", SoftwareTokenMfaConfiguration: { Enabled: true } }),
    );
    expect(set).toMatchObject({ MfaConfiguration: "OPTIONAL", SoftwareTokenMfaConfiguration: { Enabled: true } });
    expect(await idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId }))).toMatchObject({
      MfaConfiguration: "OPTIONAL",
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    expect((await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool?.MfaConfiguration).toBe("OPTIONAL");
  });

  it("deletes a pool with everything in it", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    await idp.send(new DeleteUserPoolCommand({ UserPoolId: pool.poolId }));
    expect(await rejection(idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId })))).toBe(
      `ResourceNotFoundException: User pool ${pool.poolId} does not exist.`,
    );
    expect(await failure(signIn(pool.jsPool, "anyone", PASSWORD).result)).toBe(`ResourceNotFoundException: User pool client ${pool.clientId} does not exist.`);
  });
});

describe("administering users", () => {
  it("creates, describes, updates and deletes a user", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    const created = await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.poolId,
        Username: "max",
        TemporaryPassword: "Temp-pass-123",
        MessageAction: "SUPPRESS",
        UserAttributes: [{ Name: "email", Value: "max@example.com" }],
      }),
    );
    expect(created.User).toMatchObject({ Username: "max", Enabled: true, UserStatus: "FORCE_CHANGE_PASSWORD" });
    expect(await rejection(idp.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: "max", MessageAction: "SUPPRESS" })))).toBe(
      "UsernameExistsException: User account already exists",
    );
    expect(
      await rejection(
        idp.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: "mia", TemporaryPassword: "short", MessageAction: "SUPPRESS" })),
      ),
    ).toBe("InvalidPasswordException: Password does not conform to policy: Password not long enough");

    await idp.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: pool.poolId,
        Username: "max",
        UserAttributes: [
          { Name: "email", Value: "max@example.org" },
          { Name: "name", Value: "Max" },
        ],
      }),
    );
    const user = await idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "max" }));
    expect(user.UserAttributes).toEqual(
      expect.arrayContaining([
        { Name: "email", Value: "max@example.org" },
        { Name: "email_verified", Value: "false" },
        { Name: "name", Value: "Max" },
      ]),
    );
    expect(user.UserAttributes?.[0]?.Name).toBe("sub");

    expect(
      await rejection(idp.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: "max", Password: "nouppercase1!", Permanent: true }))),
    ).toBe("InvalidPasswordException: Password does not conform to policy: Password must have uppercase characters");
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: "max", Password: PASSWORD, Permanent: true }));
    expect((await idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "max" }))).UserStatus).toBe("CONFIRMED");
    await signedIn(pool.jsPool, "max");
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.poolId, Username: "max", Password: "Another-pass-1", Permanent: false }));
    expect((await signIn(pool.jsPool, "max", "Another-pass-1").result).kind).toBe("newPasswordRequired");

    await idp.send(new AdminDeleteUserCommand({ UserPoolId: pool.poolId, Username: "max" }));
    expect(await rejection(idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "max" })))).toBe(
      "UserNotFoundException: User does not exist.",
    );
  });

  it("manages groups and memberships", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    await idp.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: "ned", TemporaryPassword: "Temp-pass-123", MessageAction: "SUPPRESS" }));
    const group = await idp.send(new CreateGroupCommand({ UserPoolId: pool.poolId, GroupName: "editors", Description: "edit things", Precedence: 2 }));
    expect(group.Group).toMatchObject({ GroupName: "editors", UserPoolId: pool.poolId, Description: "edit things", Precedence: 2 });
    expect(await rejection(idp.send(new CreateGroupCommand({ UserPoolId: pool.poolId, GroupName: "editors" })))).toBe(
      "GroupExistsException: A group with the name editors already exists.",
    );
    expect((await idp.send(new GetGroupCommand({ UserPoolId: pool.poolId, GroupName: "editors" }))).Group?.Precedence).toBe(2);
    expect(await rejection(idp.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: "ned", GroupName: "nope" })))).toBe(
      "ResourceNotFoundException: Group not found.",
    );
    await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: "ned", GroupName: "editors" }));
    await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: "ned", GroupName: "editors" }));
    expect((await idp.send(new AdminListGroupsForUserCommand({ UserPoolId: pool.poolId, Username: "ned" }))).Groups?.map((g) => g.GroupName)).toEqual([
      "editors",
    ]);
    await idp.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: pool.poolId, Username: "ned", GroupName: "editors" }));
    expect((await idp.send(new AdminListGroupsForUserCommand({ UserPoolId: pool.poolId, Username: "ned" }))).Groups).toEqual([]);
  });
});

describe("administrative sign-in", () => {
  it("signs in with ADMIN_USER_PASSWORD_AUTH where the client allows it, and answers challenges with AdminRespondToAuthChallenge", async () => {
    const pool = await createPool(emulator, {}, { ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] });
    const idp = idpClient(emulator);
    await idp.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: "ola", TemporaryPassword: "Temp-pass-123", MessageAction: "SUPPRESS" }));
    const start = (username: string, password: string, poolId = pool.poolId) =>
      idp.send(
        new AdminInitiateAuthCommand({
          UserPoolId: poolId,
          ClientId: pool.clientId,
          AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
      );
    expect(await rejection(start("ola", "Temp-pass-999"))).toBe("NotAuthorizedException: Incorrect username or password.");
    expect(await rejection(start("ola", "Temp-pass-123", "eu-west-1_Other0000"))).toBe(
      "ResourceNotFoundException: User pool eu-west-1_Other0000 does not exist.",
    );
    const challenge = await start("ola", "Temp-pass-123");
    expect(challenge.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const done = await idp.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: pool.poolId,
        ClientId: pool.clientId,
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: "ola", NEW_PASSWORD: PASSWORD },
      }),
    );
    expect((await verifyToken(emulator, pool.poolId, done.AuthenticationResult!.IdToken!, { audience: pool.clientId }))["cognito:username"]).toBe("ola");
    expect((await start("ola", PASSWORD)).AuthenticationResult?.AccessToken).toBeTruthy();

    const srpOnly = await createPool(emulator);
    expect(
      await rejection(
        idp.send(
          new AdminInitiateAuthCommand({
            UserPoolId: srpOnly.poolId,
            ClientId: srpOnly.clientId,
            AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
            AuthParameters: { USERNAME: "ola", PASSWORD },
          }),
        ),
      ),
    ).toBe("InvalidParameterException: Auth flow not enabled for this client");
  });
});

describe("seeding", () => {
  const seed = {
    userPools: [
      {
        Id: "eu-west-1_SeedPool1",
        PoolName: "seeded",
        AutoVerifiedAttributes: ["email"],
        SoftwareTokenMfaConfiguration: { Enabled: true },
        MfaConfiguration: "OPTIONAL",
        Clients: [{ ClientId: "seededwebclient00000000001", ClientName: "web", ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] }],
        Groups: [{ GroupName: "staff", Precedence: 1 }],
        Users: [{ Username: "olga", Password: "Seeded-pass-1", Attributes: { email: "olga@example.com", email_verified: "true" }, Groups: ["staff"] }],
      },
    ],
  };

  it("creates pools, clients, groups and users with fixed ids through the control API", async () => {
    const result = await emulator.control.seed(seed);
    expect(result.userPools).toEqual([{ id: "eu-west-1_SeedPool1", name: "seeded", clients: [{ id: "seededwebclient00000000001", name: "web" }] }]);
    const pool = jsPool(emulator, "eu-west-1_SeedPool1", "seededwebclient00000000001");
    const { session } = await signedIn(pool, "olga", "Seeded-pass-1");
    const id = await verifyToken(emulator, "eu-west-1_SeedPool1", session.getIdToken().getJwtToken(), { audience: "seededwebclient00000000001" });
    expect(id).toMatchObject({ "cognito:groups": ["staff"], email_verified: true });
    expect(await idpClient(emulator).send(new GetUserPoolMfaConfigCommand({ UserPoolId: "eu-west-1_SeedPool1" }))).toMatchObject({
      MfaConfiguration: "OPTIONAL",
      SoftwareTokenMfaConfiguration: { Enabled: true },
    });
    await expect(emulator.control.seed(seed)).rejects.toThrow(/InvalidParameterException.*already exists/);
  });

  it("refuses seed users whose password breaks the policy", async () => {
    const bad = { userPools: [{ PoolName: "weak", Users: [{ Username: "pat", Password: "weak" }] }] };
    await expect(emulator.control.seed(bad)).rejects.toThrow(/InvalidPasswordException.*Password not long enough/);
  });

  it("keeps pools, users and signing keys across a restart with --data", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "idp-data-"));
    const restartSeed = {
      userPools: [{ ...seed.userPools[0]!, Id: "eu-west-1_Restart01", Clients: [{ ClientId: "restartclient0000000000001", ClientName: "web" }] }],
    };
    try {
      const first = await startEmulatorWithCore({ port: 0, seed: restartSeed, dataDir });
      const before = await signedIn(
        jsPool({ url: first.running.url } as TestEmulator, "eu-west-1_Restart01", "restartclient0000000000001"),
        "olga",
        "Seeded-pass-1",
      );
      await first.running.stop();

      const second = await startEmulatorWithCore({ port: 0, dataDir });
      try {
        const restarted = { url: second.running.url } as TestEmulator;
        await verifyToken(restarted, "eu-west-1_Restart01", before.session.getIdToken().getJwtToken(), { audience: "restartclient0000000000001" });
        const after = await signedIn(jsPool(restarted, "eu-west-1_Restart01", "restartclient0000000000001"), "olga", "Seeded-pass-1");
        expect(after.session.getIdToken().decodePayload()["sub"]).toBe(before.session.getIdToken().decodePayload()["sub"]);
      } finally {
        await second.running.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("the codes control route", () => {
  it("answers 404 for a user who was sent nothing or does not exist", async () => {
    const pool = await createPool(emulator);
    await expect(emulator.control.lastCode(pool.poolId, "nobody")).rejects.toThrow(/404/);
    await expect(emulator.control.lastCode(`${REGION}_Nothing00`, "nobody")).rejects.toThrow(/404/);
  });
});
