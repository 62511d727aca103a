import {
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  AssociateSoftwareTokenCommand,
  ChangePasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserAttributesCommand,
  DeleteUserCommand,
  DescribeUserPoolCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  UpdateUserAttributesCommand,
  VerifySoftwareTokenCommand,
  VerifyUserAttributeCommand,
  type AttributeType,
} from "@aws-sdk/client-cognito-identity-provider";
import { importJWK, SignJWT, type JWK } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { claimsOf, createPool, createUser, idpClient, PASSWORD, rejection, totp } from "../../test/idp-harness.js";
import { userPoolTokenStatus } from "./index.js";

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());
afterEach(() => {
  emulator.core.clock.offsetMs = 0;
});

/** Signs in with USER_PASSWORD_AUTH and returns the tokens. */
async function tokensOf(clientId: string, username: string) {
  const { AuthenticationResult } = await idpClient(emulator).send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD } }),
  );
  return { accessToken: AuthenticationResult!.AccessToken!, refreshToken: AuthenticationResult!.RefreshToken! };
}

async function attributesOf(accessToken: string): Promise<Record<string, string>> {
  const { UserAttributes } = await idpClient(emulator).send(new GetUserCommand({ AccessToken: accessToken }));
  return Object.fromEntries((UserAttributes ?? []).map((a: AttributeType) => [a.Name!, a.Value!]));
}

function update(accessToken: string, attributes: Record<string, string>) {
  const UserAttributes = Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
  return idpClient(emulator).send(new UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes }));
}

function verify(accessToken: string, Code: string, AttributeName = "email") {
  return idpClient(emulator).send(new VerifyUserAttributeCommand({ AccessToken: accessToken, AttributeName, Code }));
}

/** "signed in", or the error a password sign-in with `username` got. */
async function signsIn(clientId: string, username: string): Promise<string> {
  try {
    await tokensOf(clientId, username);
    return "signed in";
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe("UpdateUserAttributes and VerifyUserAttribute", () => {
  it("change an email at once where the pool does not wait: unverified, a code sent, verified with the code", async () => {
    const pool = await createPool(emulator, { AutoVerifiedAttributes: ["email"] });
    await createUser(emulator, pool.poolId, "una", { email: "una@example.com", email_verified: "true" });
    const { accessToken } = await tokensOf(pool.clientId, "una");

    const answer = await update(accessToken, { email: "una@example.org", name: "Una" });
    expect(answer.CodeDeliveryDetailsList).toEqual([{ AttributeName: "email", DeliveryMedium: "EMAIL", Destination: "u***@e***" }]);
    expect(await attributesOf(accessToken)).toMatchObject({ email: "una@example.org", email_verified: "false", name: "Una" });
    const sent = await emulator.control.lastCode(pool.poolId, "una");
    expect(sent.kind).toBe("verification");

    expect(await rejection(verify(accessToken, sent.code === "000000" ? "111111" : "000000"))).toBe(
      "CodeMismatchException: Invalid verification code provided, please try again.",
    );
    expect(await verify(accessToken, sent.code)).toBeDefined();
    expect(await attributesOf(accessToken)).toMatchObject({ email: "una@example.org", email_verified: "true" });
    // A name alone sends nothing.
    expect((await update(accessToken, { name: "Una B." })).CodeDeliveryDetailsList).toBeUndefined();
  });

  it("refuse verification flags, unknown and immutable attributes, and those the app client may not write", async () => {
    const pool = await createPool(emulator, { Schema: [{ Name: "tier", AttributeDataType: "String", Mutable: false }] });
    await createUser(emulator, pool.poolId, "vic", { email: "vic@example.com", "custom:tier": "gold" });
    const { accessToken } = await tokensOf(pool.clientId, "vic");
    expect(await rejection(update(accessToken, { email_verified: "true" }))).toBe("NotAuthorizedException: A client attempted to write unauthorized attribute");
    expect(await rejection(update(accessToken, { shoe_size: "9" }))).toBe(
      "InvalidParameterException: Attributes did not conform to the schema: shoe_size: Attribute does not exist in the schema.",
    );
    expect(await rejection(update(accessToken, { "custom:tier": "platinum" }))).toBe(
      "InvalidParameterException: Attributes did not conform to the schema: custom:tier: Attribute cannot be updated. (changing an immutable attribute)",
    );

    const { UserPoolClient } = await idpClient(emulator).send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.poolId,
        ClientName: "narrow",
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"],
        WriteAttributes: ["name"],
      }),
    );
    const narrow = await tokensOf(UserPoolClient!.ClientId!, "vic");
    await update(narrow.accessToken, { name: "Vic" });
    expect(await rejection(update(narrow.accessToken, { email: "vic@example.org" }))).toBe(
      "NotAuthorizedException: A client attempted to write unauthorized attribute",
    );
  });

  it("GetUserAttributeVerificationCode sends a fresh code; an expired one is refused", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "wes", { phone_number: "+15555550100" });
    const { accessToken } = await tokensOf(pool.clientId, "wes");
    const idp = idpClient(emulator);
    const sent = await idp.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: accessToken, AttributeName: "phone_number" }));
    expect(sent.CodeDeliveryDetails).toEqual({ AttributeName: "phone_number", DeliveryMedium: "SMS", Destination: "+*******0100" });
    const { code } = await emulator.control.lastCode(pool.poolId, "wes");
    expect(await rejection(idp.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: accessToken, AttributeName: "email" })))).toBe(
      "InvalidParameterException: The user has no email to verify.",
    );

    emulator.core.clock.offsetMs = 24 * 3600_000 + 1000;
    // The access token has expired by now too: sign in again on the moved clock.
    const later = await tokensOf(pool.clientId, "wes");
    expect(await rejection(verify(later.accessToken, code, "phone_number"))).toBe("ExpiredCodeException: Invalid code provided, please request a code again.");
    expect((await attributesOf(later.accessToken))["phone_number_verified"]).toBeUndefined();
  });

  it("keep the old email, which still signs in, until the new one is verified (AttributesRequireVerificationBeforeUpdate)", async () => {
    const settings = { AttributesRequireVerificationBeforeUpdate: ["email" as const] };
    const pool = await createPool(emulator, { UsernameAttributes: ["email"], AutoVerifiedAttributes: ["email"], UserAttributeUpdateSettings: settings });
    const idp = idpClient(emulator);
    expect((await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool?.UserAttributeUpdateSettings).toEqual(settings);
    await createUser(emulator, pool.poolId, "old@example.com", { email_verified: "true" });
    const { accessToken } = await tokensOf(pool.clientId, "old@example.com");

    const answer = await update(accessToken, { email: "new@example.org" });
    expect(answer.CodeDeliveryDetailsList).toEqual([{ AttributeName: "email", DeliveryMedium: "EMAIL", Destination: "n***@e***" }]);
    expect(await attributesOf(accessToken)).toMatchObject({ email: "old@example.com", email_verified: "true" });
    expect(await signsIn(pool.clientId, "old@example.com")).toBe("signed in");
    expect(await signsIn(pool.clientId, "new@example.org")).toBe("UserNotFoundException: User does not exist.");

    const { code } = await emulator.control.lastCode(pool.poolId, "old@example.com");
    await verify(accessToken, code);
    expect(await attributesOf(accessToken)).toMatchObject({ email: "new@example.org", email_verified: "true" });
    expect(await signsIn(pool.clientId, "new@example.org")).toBe("signed in");
    expect(await signsIn(pool.clientId, "old@example.com")).toBe("UserNotFoundException: User does not exist.");
  });

  it("apply to AdminUpdateUserAttributes too, where marking the address verified applies it at once", async () => {
    const settings = { AttributesRequireVerificationBeforeUpdate: ["email" as const] };
    const pool = await createPool(emulator, { AutoVerifiedAttributes: ["email"], UserAttributeUpdateSettings: settings });
    await createUser(emulator, pool.poolId, "xia", { email: "xia@example.com", email_verified: "true" });
    const idp = idpClient(emulator);
    const adminUpdate = (attributes: Record<string, string>) =>
      idp.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: pool.poolId,
          Username: "xia",
          UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
        }),
      );
    const email = async () =>
      (await idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "xia" }))).UserAttributes?.find((a) => a.Name === "email")?.Value;
    await adminUpdate({ email: "xia@example.org" });
    expect(await email()).toBe("xia@example.com");
    await adminUpdate({ email: "xia@example.net", email_verified: "true" });
    expect(await email()).toBe("xia@example.net");
  });

  it("are refused a pool setting naming an attribute the pool does not verify", async () => {
    expect(
      await rejection(
        idpClient(emulator).send(
          new CreateUserPoolCommand({ PoolName: "p", UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] } }),
        ),
      ),
    ).toBe(
      "InvalidParameterException: AttributesRequireVerificationBeforeUpdate may only name auto-verified attributes; email is not in AutoVerifiedAttributes.",
    );
  });

  it("take the pool setting from a seed too", async () => {
    const settings = { AttributesRequireVerificationBeforeUpdate: ["phone_number"] };
    const seeded = await emulator.control.seed({
      userPools: [{ PoolName: "seeded-settings", AutoVerifiedAttributes: ["phone_number"], UserAttributeUpdateSettings: settings }],
    });
    const { UserPool } = await idpClient(emulator).send(new DescribeUserPoolCommand({ UserPoolId: seeded.userPools[0]!.id }));
    expect(UserPool?.UserAttributeUpdateSettings).toEqual(settings);
  });
});

describe("DeleteUserAttributes and DeleteUser", () => {
  it("delete attributes, but not required ones", async () => {
    const pool = await createPool(emulator, { Schema: [{ Name: "given_name", AttributeDataType: "String", Required: true }] });
    await createUser(emulator, pool.poolId, "yan", { given_name: "Yan", email: "yan@example.com", email_verified: "true", name: "Y" });
    const { accessToken } = await tokensOf(pool.clientId, "yan");
    const idp = idpClient(emulator);
    await idp.send(new DeleteUserAttributesCommand({ AccessToken: accessToken, UserAttributeNames: ["email", "name"] }));
    const left = await attributesOf(accessToken);
    expect(Object.keys(left).sort()).toEqual(["given_name", "sub"]);
    expect(await rejection(idp.send(new DeleteUserAttributesCommand({ AccessToken: accessToken, UserAttributeNames: ["given_name"] })))).toBe(
      "InvalidParameterException: Attributes did not conform to the schema: given_name: The attribute is required",
    );
  });

  it("delete the account: the user is gone and their tokens are refused", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "zed");
    const { accessToken, refreshToken } = await tokensOf(pool.clientId, "zed");
    const idp = idpClient(emulator);
    expect(await idp.send(new DeleteUserCommand({ AccessToken: accessToken }))).toBeDefined();
    expect(await rejection(idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "zed" })))).toBe(
      "UserNotFoundException: User does not exist.",
    );
    expect(await rejection(idp.send(new GetUserCommand({ AccessToken: accessToken })))).toBe("UserNotFoundException: User does not exist.");
    expect(
      await rejection(
        idp.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken } })),
      ),
    ).toBe("NotAuthorizedException: Invalid Refresh Token");
    expect(userPoolTokenStatus(emulator.core.state, pool.poolId, claimsOf(accessToken))).toBe("user-deleted");
  });
});

describe("GetUser", () => {
  it("reports the user's MFA settings", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "mo");
    const { accessToken } = await tokensOf(pool.clientId, "mo");
    const idp = idpClient(emulator);
    const before = await idp.send(new GetUserCommand({ AccessToken: accessToken }));
    expect(before.UserMFASettingList).toBeUndefined();
    const { SecretCode } = await idp.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
    await idp.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(SecretCode!, emulator.core.clock.now()) }));
    await idp.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }));
    const after = await idp.send(new GetUserCommand({ AccessToken: accessToken }));
    expect(after).toMatchObject({ UserMFASettingList: ["SOFTWARE_TOKEN_MFA"], PreferredMfaSetting: "SOFTWARE_TOKEN_MFA" });
  });
});

describe("access-token scope", () => {
  it("every operation made with an access token requires aws.cognito.signin.user.admin", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "sky", { email: "sky@example.com" });
    const { accessToken } = await tokensOf(pool.clientId, "sky");
    // The emulator mints no token without the scope (it has no OAuth endpoints), so one is signed
    // here with the pool's own access-token key: the same token, with only an OAuth scope.
    const { privateJwk, kid } = emulator.core.state.cognitoIdp.pools[pool.poolId]!.keys.access;
    const narrow = await new SignJWT({ ...claimsOf(accessToken), scope: "openid email" })
      .setProtectedHeader({ alg: "RS256", kid })
      .sign(await importJWK(privateJwk as JWK, "RS256"));
    const AccessToken = narrow;
    const idp = idpClient(emulator);
    const calls = [
      new GetUserCommand({ AccessToken }),
      new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: "name", Value: "Sky" }] }),
      new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: "email" }),
      new VerifyUserAttributeCommand({ AccessToken, AttributeName: "email", Code: "123456" }),
      new DeleteUserAttributesCommand({ AccessToken, UserAttributeNames: ["name"] }),
      new ChangePasswordCommand({ AccessToken, PreviousPassword: PASSWORD, ProposedPassword: `${PASSWORD}2` }),
      new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: false } }),
      new AssociateSoftwareTokenCommand({ AccessToken }),
      new VerifySoftwareTokenCommand({ AccessToken, UserCode: "123456" }),
      new GlobalSignOutCommand({ AccessToken }),
      new DeleteUserCommand({ AccessToken }),
    ];
    for (const call of calls) {
      expect(await rejection(idp.send(call as never))).toBe("NotAuthorizedException: Access Token does not have required scopes");
    }
    // The same claims with the scope do work: it is the scope that was missing.
    expect((await idp.send(new GetUserCommand({ AccessToken: accessToken }))).Username).toBe("sky");
  });
});
