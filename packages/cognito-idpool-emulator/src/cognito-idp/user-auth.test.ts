import {
  AdminInitiateAuthCommand,
  ConfirmSignUpCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
  type CreateUserPoolCommandInput,
  type InitiateAuthCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { codeSent, createPool, createUser, idpClient, PASSWORD, rejection, srpStart, verifyToken, type TestPool } from "../../test/idp-harness.js";

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());
afterEach(() => {
  emulator.core.clock.offsetMs = 0;
});

const USER_AUTH_FLOWS = ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"];
const SMS = { SnsCallerArn: "arn:aws:iam::000000000000:role/sns-sender", ExternalId: "emulator" };

/** A pool whose USER_AUTH offers `factors`, with a client that allows USER_AUTH. */
async function choicePool(factors: string[], pool: Partial<CreateUserPoolCommandInput> = {}): Promise<TestPool> {
  return createPool(
    emulator,
    { Policies: { SignInPolicy: { AllowedFirstAuthFactors: factors as never } }, ...pool },
    { ExplicitAuthFlows: USER_AUTH_FLOWS as never },
  );
}

function userAuth(pool: TestPool, parameters: Record<string, string>, session?: string): Promise<InitiateAuthCommandOutput> {
  return idpClient(emulator).send(
    new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_AUTH", AuthParameters: parameters, ...(session ? { Session: session } : {}) }),
  );
}

function respond(pool: TestPool, name: string, session: string | undefined, responses: Record<string, string>) {
  return idpClient(emulator).send(
    new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: name as never, Session: session, ChallengeResponses: responses }),
  );
}

async function expectTokens(pool: TestPool, result: { AuthenticationResult?: { IdToken?: string } }, username: string): Promise<void> {
  const claims = await verifyToken(emulator, pool.poolId, result.AuthenticationResult!.IdToken!, { audience: pool.clientId });
  expect(claims["cognito:username"]).toBe(username);
}

describe("the sign-in policy (AllowedFirstAuthFactors)", () => {
  it("is set by CreateUserPool and UpdateUserPool and shown by DescribeUserPool; PASSWORD only by default", async () => {
    const idp = idpClient(emulator);
    const plain = await createPool(emulator);
    const described = await idp.send(new DescribeUserPoolCommand({ UserPoolId: plain.poolId }));
    expect(described.UserPool!.Policies!.SignInPolicy).toEqual({ AllowedFirstAuthFactors: ["PASSWORD"] });

    const pool = await choicePool(["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]);
    const created = await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }));
    expect(created.UserPool!.Policies!.SignInPolicy!.AllowedFirstAuthFactors).toEqual(["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]);

    await idp.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "SMS_OTP"] } } }));
    const updated = await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }));
    expect(updated.UserPool!.Policies!.SignInPolicy!.AllowedFirstAuthFactors).toEqual(["PASSWORD", "SMS_OTP"]);
  });

  it("refuses unknown factors, an empty list and a list without PASSWORD", async () => {
    const idp = idpClient(emulator);
    const create = (factors: string[]) =>
      rejection(idp.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, Policies: { SignInPolicy: { AllowedFirstAuthFactors: factors as never } } })));
    const pool = await createPool(emulator);
    expect(await create(["PASSWORD", "MAGIC_LINK"])).toBe(
      "InvalidParameterException: 1 validation error detected: Value 'MAGIC_LINK' at 'policies.signInPolicy.allowedFirstAuthFactors.2.member' failed to satisfy constraint: Member must satisfy enum value set: [PASSWORD, EMAIL_OTP, SMS_OTP, WEB_AUTHN]",
    );
    expect(await create([])).toMatch(/^InvalidParameterException: 1 validation error detected: .*Member must have length greater than or equal to 1/);
    expect(await create(["EMAIL_OTP"])).toBe("InvalidParameterException: AllowedFirstAuthFactors must include PASSWORD.");
  });

  it("leaves no room for one-time-password first factors, or single-factor passkeys, when MFA is required", async () => {
    const idp = idpClient(emulator);
    const mfaOn = { MfaConfiguration: "ON" as const, SmsConfiguration: SMS };
    expect(await rejection(choicePool(["PASSWORD", "EMAIL_OTP"], mfaOn))).toBe(
      "InvalidParameterException: Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is enabled",
    );
    expect(await rejection(choicePool(["PASSWORD", "WEB_AUTHN"], mfaOn))).toBe(
      "InvalidParameterException: WEB_AUTHN cannot be used as an auth factor when MFA is enabled if not configured for MFA.",
    );
    // Optional MFA leaves the choice to each user (see the MFA rule below).
    await choicePool(["PASSWORD", "EMAIL_OTP"], { MfaConfiguration: "OPTIONAL", SmsConfiguration: SMS });

    const passkeys = await choicePool(["PASSWORD", "WEB_AUTHN"]);
    const requireMfa = (factor?: "MULTI_FACTOR_WITH_USER_VERIFICATION") =>
      idp.send(
        new SetUserPoolMfaConfigCommand({
          UserPoolId: passkeys.poolId,
          MfaConfiguration: "ON",
          SoftwareTokenMfaConfiguration: { Enabled: true },
          WebAuthnConfiguration: { RelyingPartyId: "example.com", ...(factor ? { FactorConfiguration: factor } : {}) },
        }),
      );
    expect(await rejection(requireMfa())).toBe(
      "InvalidParameterException: Cannot set WebAuthn factor configuration to SINGLE_FACTOR if MFA is required and WebAuthn is an allowed first auth factor",
    );
    const accepted = await requireMfa("MULTI_FACTOR_WITH_USER_VERIFICATION");
    expect(accepted.WebAuthnConfiguration).toEqual({
      RelyingPartyId: "example.com",
      UserVerification: "preferred",
      FactorConfiguration: "MULTI_FACTOR_WITH_USER_VERIFICATION",
    });

    const otp = await choicePool(["PASSWORD", "EMAIL_OTP"]);
    expect(
      await rejection(
        idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: otp.poolId, MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } })),
      ),
    ).toBe("InvalidParameterException: Only PASSWORD and WEB_AUTHN (if configured) can be enabled as an auth factor if MFA is enabled");
  });
});

describe("USER_AUTH", () => {
  it("needs ALLOW_USER_AUTH on the app client", async () => {
    const pool = await createPool(emulator, { Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "EMAIL_OTP"] } } });
    await createUser(emulator, pool.poolId, "ava", { email: "ava@example.com" });
    expect(await rejection(userAuth(pool, { USERNAME: "ava", PREFERRED_CHALLENGE: "PASSWORD", PASSWORD }))).toBe(
      "InvalidParameterException: USER_AUTH flow not enabled for this client",
    );
  });

  it("lets the user choose among what the pool allows and the user can use (SELECT_CHALLENGE)", async () => {
    const pool = await choicePool(["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"]);
    await createUser(emulator, pool.poolId, "emma", { email: "emma@example.com" });
    await createUser(emulator, pool.poolId, "sam", { phone_number: "+15555550100" });
    await createUser(emulator, pool.poolId, "pat");

    const emma = await userAuth(pool, { USERNAME: "emma" });
    expect(emma.ChallengeName).toBe("SELECT_CHALLENGE");
    expect(emma.Session).toBeTruthy();
    // No passkey registered: WEB_AUTHN is not offered.
    expect(emma.AvailableChallenges).toEqual(["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]);
    expect((await userAuth(pool, { USERNAME: "sam" })).AvailableChallenges).toEqual(["PASSWORD", "PASSWORD_SRP", "SMS_OTP"]);
    expect((await userAuth(pool, { USERNAME: "pat" })).AvailableChallenges).toEqual(["PASSWORD", "PASSWORD_SRP"]);

    // A pool that allows passwords only offers nothing else, whatever the user has.
    const plain = await choicePool(["PASSWORD"]);
    await createUser(emulator, plain.poolId, "emma", { email: "emma@example.com" });
    expect((await userAuth(plain, { USERNAME: "emma" })).AvailableChallenges).toEqual(["PASSWORD", "PASSWORD_SRP"]);
    // A preference the user cannot use is met with the choice.
    const unavailable = await userAuth(plain, { USERNAME: "emma", PREFERRED_CHALLENGE: "EMAIL_OTP" });
    expect(unavailable).toMatchObject({ ChallengeName: "SELECT_CHALLENGE", AvailableChallenges: ["PASSWORD", "PASSWORD_SRP"] });
    expect(await rejection(respond(plain, "SELECT_CHALLENGE", unavailable.Session, { USERNAME: "emma", ANSWER: "EMAIL_OTP" }))).toBe(
      "InvalidParameterException: The challenge EMAIL_OTP is not available for this user.",
    );
    expect(await rejection(userAuth(plain, { USERNAME: "emma", PREFERRED_CHALLENGE: "MAGIC_LINK" }))).toMatch(
      /^InvalidParameterException: PREFERRED_CHALLENGE/,
    );
  });

  it("signs in with PASSWORD, named up front or chosen from SELECT_CHALLENGE (AdminInitiateAuth too)", async () => {
    const pool = await choicePool(["PASSWORD", "EMAIL_OTP"]);
    await createUser(emulator, pool.poolId, "olga", { email: "olga@example.com" });
    await expectTokens(pool, await userAuth(pool, { USERNAME: "olga", PREFERRED_CHALLENGE: "PASSWORD", PASSWORD }), "olga");
    expect(await rejection(userAuth(pool, { USERNAME: "olga", PREFERRED_CHALLENGE: "PASSWORD", PASSWORD: "Wr0ng-horse!" }))).toBe(
      "NotAuthorizedException: Incorrect username or password.",
    );

    const select = await userAuth(pool, { USERNAME: "olga" });
    const chosen = await respond(pool, "SELECT_CHALLENGE", select.Session, { USERNAME: "olga", ANSWER: "PASSWORD", PASSWORD });
    await expectTokens(pool, chosen, "olga");
    // The choice is made once.
    expect(await rejection(respond(pool, "SELECT_CHALLENGE", select.Session, { USERNAME: "olga", ANSWER: "PASSWORD", PASSWORD }))).toBe(
      "NotAuthorizedException: Invalid session for the user, session can only be used once.",
    );

    const admin = await idpClient(emulator).send(
      new AdminInitiateAuthCommand({
        UserPoolId: pool.poolId,
        ClientId: pool.clientId,
        AuthFlow: "USER_AUTH",
        AuthParameters: { USERNAME: "olga", PREFERRED_CHALLENGE: "PASSWORD", PASSWORD },
      }),
    );
    await expectTokens(pool, admin, "olga");
  });

  it("signs in with PASSWORD_SRP: the PASSWORD_VERIFIER challenge follows, as in USER_SRP_AUTH", async () => {
    const pool = await choicePool(["PASSWORD"]);
    await createUser(emulator, pool.poolId, "sven");
    const srp = await srpStart(pool.poolId);
    const started = await userAuth(pool, { USERNAME: "sven", PREFERRED_CHALLENGE: "PASSWORD_SRP", SRP_A: srp.srpA });
    expect(started.ChallengeName).toBe("PASSWORD_VERIFIER");
    expect(started.Session).toBeTruthy();
    const done = await respond(pool, "PASSWORD_VERIFIER", started.Session, await srp.claim(started.ChallengeParameters!, PASSWORD));
    await expectTokens(pool, done, "sven");

    // Through SELECT_CHALLENGE, with a wrong password this time.
    const select = await userAuth(pool, { USERNAME: "sven" });
    const again = await srpStart(pool.poolId);
    const verifier = await respond(pool, "SELECT_CHALLENGE", select.Session, { USERNAME: "sven", ANSWER: "PASSWORD_SRP", SRP_A: again.srpA });
    expect(verifier.ChallengeName).toBe("PASSWORD_VERIFIER");
    expect(await rejection(respond(pool, "PASSWORD_VERIFIER", verifier.Session, await again.claim(verifier.ChallengeParameters!, "Wr0ng-horse!")))).toBe(
      "NotAuthorizedException: Incorrect username or password.",
    );
  });

  it("signs in with an EMAIL_OTP first factor: wrong codes may be retried in the session, an expired session is refused", async () => {
    const pool = await choicePool(["PASSWORD", "EMAIL_OTP"]);
    await createUser(emulator, pool.poolId, "eve", { email: "eve@example.com" });
    const started = await userAuth(pool, { USERNAME: "eve", PREFERRED_CHALLENGE: "EMAIL_OTP" });
    expect(started.ChallengeName).toBe("EMAIL_OTP");
    expect(started.ChallengeParameters).toEqual({ CODE_DELIVERY_DELIVERY_MEDIUM: "EMAIL", CODE_DELIVERY_DESTINATION: "e***@e***" });
    const sent = await codeSent(emulator, pool.poolId, "eve");
    expect(sent.kind).toBe("sign-in");
    expect(sent.code).toMatch(/^\d{8}$/);

    const wrong = sent.code === "00000000" ? "11111111" : "00000000";
    expect(await rejection(respond(pool, "EMAIL_OTP", started.Session, { USERNAME: "eve", EMAIL_OTP_CODE: wrong }))).toBe(
      "CodeMismatchException: Invalid code or auth state for the user.",
    );
    await expectTokens(pool, await respond(pool, "EMAIL_OTP", started.Session, { USERNAME: "eve", EMAIL_OTP_CODE: sent.code }), "eve");

    // Chosen from SELECT_CHALLENGE, and answered after the session ran out (3 minutes by default).
    const select = await userAuth(pool, { USERNAME: "eve" });
    const challenge = await respond(pool, "SELECT_CHALLENGE", select.Session, { USERNAME: "eve", ANSWER: "EMAIL_OTP" });
    expect(challenge.ChallengeName).toBe("EMAIL_OTP");
    const code = (await codeSent(emulator, pool.poolId, "eve")).code;
    emulator.core.clock.offsetMs = 4 * 60_000;
    expect(await rejection(respond(pool, "EMAIL_OTP", challenge.Session, { USERNAME: "eve", EMAIL_OTP_CODE: code }))).toBe(
      "NotAuthorizedException: Invalid session for the user, session is expired.",
    );
  });

  it("signs in with an SMS_OTP first factor", async () => {
    const pool = await choicePool(["PASSWORD", "SMS_OTP"], { SmsConfiguration: SMS });
    await createUser(emulator, pool.poolId, "sid", { phone_number: "+15555550123" });
    const started = await userAuth(pool, { USERNAME: "sid", PREFERRED_CHALLENGE: "SMS_OTP" });
    expect(started).toMatchObject({ ChallengeName: "SMS_OTP", ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: "SMS" } });
    const { code } = await codeSent(emulator, pool.poolId, "sid");
    await expectTokens(pool, await respond(pool, "SMS_OTP", started.Session, { USERNAME: "sid", SMS_OTP_CODE: code }), "sid");
  });

  it("offers no passwordless first factor to a user who has MFA set up; their password sign-in goes on to MFA", async () => {
    const idp = idpClient(emulator);
    const pool = await choicePool(["PASSWORD", "EMAIL_OTP"]);
    await idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: "OPTIONAL", EmailMfaConfiguration: { Subject: "Code" } }));
    await createUser(emulator, pool.poolId, "mia", { email: "mia@example.com" });
    expect((await userAuth(pool, { USERNAME: "mia" })).AvailableChallenges).toEqual(["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]);

    const signedIn = await userAuth(pool, { USERNAME: "mia", PREFERRED_CHALLENGE: "PASSWORD", PASSWORD });
    await idp.send(
      new SetUserMFAPreferenceCommand({ AccessToken: signedIn.AuthenticationResult!.AccessToken!, EmailMfaSettings: { Enabled: true, PreferredMfa: true } }),
    );
    expect((await userAuth(pool, { USERNAME: "mia" })).AvailableChallenges).toEqual(["PASSWORD", "PASSWORD_SRP"]);
    const preferred = await userAuth(pool, { USERNAME: "mia", PREFERRED_CHALLENGE: "EMAIL_OTP" });
    expect(preferred.ChallengeName).toBe("SELECT_CHALLENGE");
    expect(await rejection(respond(pool, "SELECT_CHALLENGE", preferred.Session, { USERNAME: "mia", ANSWER: "EMAIL_OTP" }))).toBe(
      "InvalidParameterException: The challenge EMAIL_OTP is not available for this user.",
    );
    const withPassword = await userAuth(pool, { USERNAME: "mia", PREFERRED_CHALLENGE: "PASSWORD", PASSWORD });
    expect(withPassword.ChallengeName).toBe("EMAIL_OTP");
    const { code, kind } = await codeSent(emulator, pool.poolId, "mia");
    expect(kind).toBe("mfa");
    await expectTokens(pool, await respond(pool, "EMAIL_OTP", withPassword.Session, { USERNAME: "mia", EMAIL_OTP_CODE: code }), "mia");
  });
});

describe("the Session ConfirmSignUp returns", () => {
  async function signedUp(pool: TestPool, username: string): Promise<string> {
    const idp = idpClient(emulator);
    await idp.send(
      new SignUpCommand({
        ClientId: pool.clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: `${username}@example.com` }],
      }),
    );
    const { code } = await codeSent(emulator, pool.poolId, username);
    const confirmed = await idp.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username: username, ConfirmationCode: code }));
    expect(confirmed.Session).toBeTruthy();
    return confirmed.Session!;
  }

  it("signs the new user in once through USER_AUTH, with no other factor", async () => {
    const pool = await choicePool(["PASSWORD", "EMAIL_OTP"], { AutoVerifiedAttributes: ["email"] });
    const session = await signedUp(pool, "nora");
    await expectTokens(pool, await userAuth(pool, { USERNAME: "nora" }, session), "nora");
    expect(await rejection(userAuth(pool, { USERNAME: "nora" }, session))).toBe(
      "NotAuthorizedException: Invalid session for the user, session can only be used once.",
    );

    // Only for the user who confirmed.
    const other = await signedUp(pool, "otto");
    expect(await rejection(userAuth(pool, { USERNAME: "nora" }, other))).toBe("NotAuthorizedException: Invalid session for the user.");
  });

  it("runs out with the client's session lifetime", async () => {
    const pool = await choicePool(["PASSWORD"], { AutoVerifiedAttributes: ["email"] });
    const session = await signedUp(pool, "late");
    emulator.core.clock.offsetMs = 4 * 60_000;
    expect(await rejection(userAuth(pool, { USERNAME: "late" }, session))).toBe("NotAuthorizedException: Invalid session for the user, session is expired.");
  });
});
