import {
  AdminConfirmSignUpCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { CognitoUser, CognitoUserAttribute, type ISignUpResult } from "amazon-cognito-identity-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import {
  callback,
  codeSent,
  createPool,
  createUser,
  failure,
  idpClient,
  MemoryStorage,
  PASSWORD,
  rejection,
  signedIn,
  signIn,
  verifyToken,
  type TestPool,
} from "../../test/idp-harness.js";

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());
afterEach(() => {
  emulator.core.clock.offsetMs = 0;
});

function jsUser(pool: TestPool, username: string): CognitoUser {
  return new CognitoUser({ Username: username, Pool: pool.jsPool, Storage: new MemoryStorage() });
}

function jsSignUp(pool: TestPool, username: string, password: string, attributes: Record<string, string>): Promise<ISignUpResult> {
  const list = Object.entries(attributes).map(([Name, Value]) => new CognitoUserAttribute({ Name, Value }));
  return callback((done) => pool.jsPool.signUp(username, password, list, [], done));
}

/** Another code than `code`, for answers that must be wrong. */
function not(code: string): string {
  return code === "000000" ? "111111" : "000000";
}

describe("SignUp and confirmation", () => {
  it("signs up with amazon-cognito-identity-js, confirms with the code from the control API and verifies the email", async () => {
    const pool = await createPool(emulator, { AutoVerifiedAttributes: ["email"] });
    const result = await jsSignUp(pool, "sara", PASSWORD, { email: "sara@example.com" });
    expect(result.userConfirmed).toBe(false);
    expect(result.userSub).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.codeDeliveryDetails).toEqual({ Destination: "s***@e***", DeliveryMedium: "EMAIL", AttributeName: "email" });

    const sent = await codeSent(emulator, pool.poolId, "sara");
    expect(sent).toEqual({ code: expect.stringMatching(/^\d{6}$/), kind: "confirmation" });
    const user = jsUser(pool, "sara");
    await expect(callback((done) => user.confirmRegistration(not(sent.code), true, done))).rejects.toMatchObject({
      code: "CodeMismatchException",
      message: "Invalid verification code provided, please try again.",
    });
    expect(await callback((done) => user.confirmRegistration(sent.code, true, done))).toBe("SUCCESS");

    const { session } = await signedIn(pool.jsPool, "sara");
    expect(await verifyToken(emulator, pool.poolId, session.getIdToken().getJwtToken())).toMatchObject({
      sub: result.userSub,
      email: "sara@example.com",
      email_verified: true,
    });
    await expect(callback((done) => user.confirmRegistration(sent.code, true, done))).rejects.toMatchObject({
      code: "NotAuthorizedException",
      message: "User cannot be confirmed. Current status is CONFIRMED",
    });
  });

  it("enforces the password policy at SignUp, in SignUp's words, naming the first rule broken", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    const attempt = (password: string) =>
      rejection(idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: `u${Math.random()}`.replace(".", ""), Password: password })));
    expect(await attempt("Sh0rt!")).toBe("InvalidPasswordException: Password did not conform with policy: Password not long enough");
    expect(await attempt("NO-LOWER-CASE-1")).toBe("InvalidPasswordException: Password did not conform with policy: Password must have lowercase characters");
    expect(await attempt("no-upper-case-1")).toBe("InvalidPasswordException: Password did not conform with policy: Password must have uppercase characters");
    expect(await attempt("No-Numbers-Here")).toBe("InvalidPasswordException: Password did not conform with policy: Password must have numeric characters");
    expect(await attempt("NoSymbols1234")).toBe("InvalidPasswordException: Password did not conform with policy: Password must have symbol characters");

    const lenient = await createPool(emulator, { Policies: { PasswordPolicy: { MinimumLength: 6 } } });
    const ok = await idp.send(new SignUpCommand({ ClientId: lenient.clientId, Username: "lenient", Password: "simple" }));
    expect(ok.UserConfirmed).toBe(false);
    expect(ok.CodeDeliveryDetails).toBeUndefined();
  });

  it("refuses an existing username, unknown or unwritable attributes, and sign-up where only admins create users", async () => {
    const pool = await createPool(emulator, { AutoVerifiedAttributes: ["email"] });
    const idp = idpClient(emulator);
    await idp.send(
      new SignUpCommand({ ClientId: pool.clientId, Username: "tom", Password: PASSWORD, UserAttributes: [{ Name: "email", Value: "tom@example.com" }] }),
    );
    expect(await rejection(idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "tom", Password: PASSWORD })))).toBe(
      "UsernameExistsException: User already exists",
    );
    expect(
      await rejection(
        idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "tim", Password: PASSWORD, UserAttributes: [{ Name: "shoe_size", Value: "9" }] })),
      ),
    ).toBe("InvalidParameterException: Attributes did not conform to the schema: shoe_size: Attribute does not exist in the schema.");
    expect(
      await rejection(
        idp.send(
          new SignUpCommand({
            ClientId: pool.clientId,
            Username: "tim",
            Password: PASSWORD,
            UserAttributes: [
              { Name: "email", Value: "tim@example.com" },
              { Name: "email_verified", Value: "true" },
            ],
          }),
        ),
      ),
    ).toBe("NotAuthorizedException: A client attempted to write unauthorized attribute");
    expect(
      await rejection(
        idp.send(
          new SignUpCommand({ ClientId: pool.clientId, Username: "tim", Password: PASSWORD, UserAttributes: [{ Name: "email", Value: "not-an-email" }] }),
        ),
      ),
    ).toBe("InvalidParameterException: Invalid email address format.");
    const adminOnly = await createPool(emulator, { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    expect(await rejection(idp.send(new SignUpCommand({ ClientId: adminOnly.clientId, Username: "tim", Password: PASSWORD })))).toBe(
      "NotAuthorizedException: SignUp is not permitted for this user pool",
    );
  });

  it("limits wrong confirmation codes, expires codes after 24 hours and resends new ones", async () => {
    const pool = await createPool(emulator, { AutoVerifiedAttributes: ["email"] });
    const idp = idpClient(emulator);
    await idp.send(
      new SignUpCommand({ ClientId: pool.clientId, Username: "uli", Password: PASSWORD, UserAttributes: [{ Name: "email", Value: "uli@example.com" }] }),
    );
    const first = (await codeSent(emulator, pool.poolId, "uli")).code;
    const confirm = (code: string) => idp.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username: "uli", ConfirmationCode: code }));
    for (let i = 0; i < 5; i++)
      expect(await rejection(confirm(not(first)))).toBe("CodeMismatchException: Invalid verification code provided, please try again.");
    expect(await rejection(confirm(first))).toBe("LimitExceededException: Attempt limit exceeded, please try after some time.");

    const resent = await idp.send(new ResendConfirmationCodeCommand({ ClientId: pool.clientId, Username: "uli" }));
    expect(resent.CodeDeliveryDetails).toEqual({ Destination: "u***@e***", DeliveryMedium: "EMAIL", AttributeName: "email" });
    const second = (await codeSent(emulator, pool.poolId, "uli")).code;
    emulator.core.clock.offsetMs = 24 * 3600 * 1000 + 60_000;
    expect(await rejection(confirm(second))).toBe("ExpiredCodeException: Invalid code provided, please request a code again.");
    emulator.core.clock.offsetMs = 0;

    await idp.send(new ResendConfirmationCodeCommand({ ClientId: pool.clientId, Username: "uli" }));
    const third = (await codeSent(emulator, pool.poolId, "uli")).code;
    expect(await rejection(confirm(second))).toBe("CodeMismatchException: Invalid verification code provided, please try again.");
    await confirm(third);
    expect(await rejection(idp.send(new ResendConfirmationCodeCommand({ ClientId: pool.clientId, Username: "uli" })))).toBe(
      "InvalidParameterException: User is already confirmed.",
    );
  });

  it("sends no code without auto-verification; an administrator confirms without verifying the email", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    const result = await idp.send(
      new SignUpCommand({ ClientId: pool.clientId, Username: "vic", Password: PASSWORD, UserAttributes: [{ Name: "email", Value: "vic@example.com" }] }),
    );
    expect(result.CodeDeliveryDetails).toBeUndefined();
    expect(await rejection(idp.send(new ResendConfirmationCodeCommand({ ClientId: pool.clientId, Username: "vic" })))).toBe(
      "InvalidParameterException: Cannot resend codes. Auto verification not turned on.",
    );
    await expect(emulator.control.lastCode(pool.poolId, "vic")).rejects.toThrow(/404 .*ResourceNotFoundException/);
    await idp.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.poolId, Username: "vic" }));
    const user = await idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "vic" }));
    expect(user.UserStatus).toBe("CONFIRMED");
    expect(user.UserAttributes).toContainEqual({ Name: "email_verified", Value: "false" });
    expect(await rejection(idp.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.poolId, Username: "vic" })))).toBe(
      "NotAuthorizedException: User cannot be confirmed. Current status is CONFIRMED",
    );
    await signedIn(pool.jsPool, "vic");
  });

  it("signs up without a password only where users can sign in by one-time code; such a user has no password to sign in with", async () => {
    const idp = idpClient(emulator);
    const passwordOnly = await createPool(emulator);
    expect(await rejection(idp.send(new SignUpCommand({ ClientId: passwordOnly.clientId, Username: "nopass" })))).toMatch(
      /^InvalidParameterException: Password is required/,
    );
    const pool = await createPool(
      emulator,
      { AutoVerifiedAttributes: ["email"], Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "EMAIL_OTP"] } } },
      { ExplicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] },
    );
    const created = await idp.send(
      new SignUpCommand({ ClientId: pool.clientId, Username: "nopass", UserAttributes: [{ Name: "email", Value: "np@example.com" }] }),
    );
    expect(created.UserConfirmed).toBe(false);
    const { code } = await emulator.control.lastCode(pool.poolId, "nopass");
    await idp.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username: "nopass", ConfirmationCode: code }));
    expect(
      await rejection(
        idp.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "nopass", PASSWORD } })),
      ),
    ).toBe("NotAuthorizedException: Incorrect username or password.");
    const offered = await idp.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_AUTH", AuthParameters: { USERNAME: "nopass" } }));
    expect(offered.AvailableChallenges).toEqual(["EMAIL_OTP"]);
  });
});

describe("forgotten passwords", () => {
  it("resets a password with amazon-cognito-identity-js's forgotPassword and confirmPassword", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "wes", { email: "wes@example.com", email_verified: "true" });
    const user = jsUser(pool, "wes");
    const delivery = await new Promise((resolve, reject) => user.forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve }));
    expect(delivery).toEqual({ CodeDeliveryDetails: { Destination: "w***@e***", DeliveryMedium: "EMAIL", AttributeName: "email" } });
    const sent = await codeSent(emulator, pool.poolId, "wes");
    expect(sent.kind).toBe("reset");

    const confirm = (code: string, password: string) =>
      new Promise((resolve, reject) => user.confirmPassword(code, password, { onSuccess: resolve, onFailure: reject }));
    await expect(confirm(sent.code, "weak")).rejects.toMatchObject({
      code: "InvalidPasswordException",
      message: "Password does not conform to policy: Password not long enough",
    });
    await expect(confirm(not(sent.code), "N3w-password!")).rejects.toMatchObject({ code: "CodeMismatchException" });
    expect(await confirm(sent.code, "N3w-password!")).toBe("SUCCESS");
    await signedIn(pool.jsPool, "wes", "N3w-password!");
    expect(await failure(signIn(pool.jsPool, "wes", PASSWORD).result)).toBe("NotAuthorizedException: Incorrect username or password.");
    await expect(confirm(sent.code, "An0ther-password!")).rejects.toMatchObject({
      code: "ExpiredCodeException",
      message: "Invalid code provided, please request a code again.",
    });
  });

  it("needs a verified email or phone, a user who may reset, and a code younger than an hour", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    await createUser(emulator, pool.poolId, "xia", { email: "xia@example.com" });
    expect(await rejection(idp.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: "xia" })))).toBe(
      "InvalidParameterException: Cannot reset password for the user as there is no registered/verified email or phone_number",
    );
    const { AdminCreateUserCommand } = await import("@aws-sdk/client-cognito-identity-provider");
    await idp.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.poolId,
        Username: "yan",
        TemporaryPassword: "Temp-pass-123",
        MessageAction: "SUPPRESS",
        UserAttributes: [
          { Name: "email", Value: "yan@example.com" },
          { Name: "email_verified", Value: "true" },
        ],
      }),
    );
    expect(await rejection(idp.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: "yan" })))).toBe(
      "NotAuthorizedException: User password cannot be reset in the current state.",
    );

    await createUser(emulator, pool.poolId, "zed", { phone_number: "+15555550142", phone_number_verified: "true" });
    const delivery = await idp.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: "zed" }));
    expect(delivery.CodeDeliveryDetails).toEqual({ Destination: "+*******0142", DeliveryMedium: "SMS", AttributeName: "phone_number" });
    const code = (await codeSent(emulator, pool.poolId, "zed")).code;
    emulator.core.clock.offsetMs = 3600 * 1000 + 60_000;
    expect(
      await rejection(
        idp.send(new ConfirmForgotPasswordCommand({ ClientId: pool.clientId, Username: "zed", ConfirmationCode: code, Password: "N3w-password!" })),
      ),
    ).toBe("ExpiredCodeException: Invalid code provided, please request a code again.");
  });

  it("makes a user an administrator reset sign in only after choosing a new password", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    await createUser(emulator, pool.poolId, "ada", { email: "ada@example.com", email_verified: "true" });
    await idp.send(new AdminResetUserPasswordCommand({ UserPoolId: pool.poolId, Username: "ada" }));
    expect(await failure(signIn(pool.jsPool, "ada", PASSWORD).result)).toBe("PasswordResetRequiredException: Password reset required for the user");
    const sent = await codeSent(emulator, pool.poolId, "ada");
    expect(sent.kind).toBe("reset");
    await idp.send(new ConfirmForgotPasswordCommand({ ClientId: pool.clientId, Username: "ada", ConfirmationCode: sent.code, Password: "N3w-password!" }));
    expect((await idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "ada" }))).UserStatus).toBe("CONFIRMED");
    await signedIn(pool.jsPool, "ada", "N3w-password!");
  });
});

describe("unknown users on the public operations", () => {
  it("says so with LEGACY clients and pretends with PreventUserExistenceErrors ENABLED", async () => {
    const pool = await createPool(emulator, { AutoVerifiedAttributes: ["email"] });
    const idp = idpClient(emulator);
    const legacy = pool.clientId;
    const hidden = (await idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: "hidden", PreventUserExistenceErrors: "ENABLED" })))
      .UserPoolClient!.ClientId!;
    const notFound = "UserNotFoundException: Username/client id combination not found.";

    expect(await rejection(idp.send(new ForgotPasswordCommand({ ClientId: legacy, Username: "ghost@example.com" })))).toBe(notFound);
    expect(await rejection(idp.send(new ResendConfirmationCodeCommand({ ClientId: legacy, Username: "ghost@example.com" })))).toBe(notFound);
    expect(await rejection(idp.send(new ConfirmSignUpCommand({ ClientId: legacy, Username: "ghost@example.com", ConfirmationCode: "123456" })))).toBe(notFound);
    expect(
      await rejection(
        idp.send(new ConfirmForgotPasswordCommand({ ClientId: legacy, Username: "ghost@example.com", ConfirmationCode: "123456", Password: PASSWORD })),
      ),
    ).toBe(notFound);

    expect((await idp.send(new ForgotPasswordCommand({ ClientId: hidden, Username: "ghost@example.com" }))).CodeDeliveryDetails).toEqual({
      Destination: "g***@e***",
      DeliveryMedium: "EMAIL",
      AttributeName: "email",
    });
    expect((await idp.send(new ResendConfirmationCodeCommand({ ClientId: hidden, Username: "ghost@example.com" }))).CodeDeliveryDetails?.DeliveryMedium).toBe(
      "EMAIL",
    );
    expect(await rejection(idp.send(new ConfirmSignUpCommand({ ClientId: hidden, Username: "ghost@example.com", ConfirmationCode: "123456" })))).toBe(
      "CodeMismatchException: Invalid verification code provided, please try again.",
    );
    expect(
      await rejection(
        idp.send(new ConfirmForgotPasswordCommand({ ClientId: hidden, Username: "ghost@example.com", ConfirmationCode: "123456", Password: PASSWORD })),
      ),
    ).toBe("CodeMismatchException: Invalid verification code provided, please try again.");
  });
});
