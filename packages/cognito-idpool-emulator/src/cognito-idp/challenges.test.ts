import {
  AdminCreateUserCommand,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
  type CreateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import type { CognitoUser } from "amazon-cognito-identity-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import {
  callback,
  codeSent,
  createPool,
  createUser,
  failure,
  hotp,
  idpClient,
  outcome,
  PASSWORD,
  rejection,
  signedIn,
  signIn,
  srpStart,
  totp,
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

const SMS = { SnsCallerArn: "arn:aws:iam::000000000000:role/sns-sender", ExternalId: "emulator" };

async function adminCreate(pool: TestPool, username: string, temporaryPassword: string, attributes: Record<string, string> = {}) {
  await idpClient(emulator).send(
    new AdminCreateUserCommand({
      UserPoolId: pool.poolId,
      Username: username,
      TemporaryPassword: temporaryPassword,
      MessageAction: "SUPPRESS",
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
}

/** A pool whose MFA is switched on the AWS way: SetUserPoolMfaConfig. */
async function mfaPool(
  configuration: "ON" | "OPTIONAL",
  methods: { totp?: boolean; sms?: boolean; email?: boolean },
  pool: Partial<CreateUserPoolCommandInput> = {},
): Promise<TestPool> {
  const created = await createPool(emulator, methods.sms ? { SmsConfiguration: SMS, ...pool } : pool);
  await idpClient(emulator).send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: created.poolId,
      MfaConfiguration: configuration,
      SoftwareTokenMfaConfiguration: { Enabled: methods.totp === true },
      ...(methods.sms ? { SmsMfaConfiguration: { SmsConfiguration: SMS } } : {}),
      ...(methods.email ? { EmailMfaConfiguration: { Subject: "Your code" } } : {}),
    }),
  );
  return created;
}

const STEP_MS = 30_000;

/**
 * Registers TOTP for a signed-in user through amazon-cognito-identity-js. Returns the secret and the
 * time step whose code VerifySoftwareToken consumed: Cognito refuses that code a second time, so a
 * sign-in right after uses the next step's code (accepted as clock drift).
 */
async function registerTotp(user: CognitoUser, preferred = true): Promise<{ secret: string; step: number }> {
  const secret = await new Promise<string>((resolve, reject) => user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
  const step = Math.floor(Date.now() / STEP_MS);
  await new Promise((resolve, reject) => user.verifySoftwareToken(totp(secret, step * STEP_MS), "phone", { onSuccess: resolve, onFailure: reject }));
  await callback((done) => user.setUserMfaPreference(null, { Enabled: true, PreferredMfa: preferred }, done));
  return { secret, step };
}

describe("the TOTP helper the tests use", () => {
  it("matches RFC 6238's SHA-1 test vector", () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits).
    expect(hotp(Buffer.from("12345678901234567890"), 1, 8)).toBe("94287082");
    expect(totp("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 59_000)).toBe("287082");
  });
});

describe("NEW_PASSWORD_REQUIRED", () => {
  it("challenges a user created with a temporary password, over SRP, and accepts a new password that meets the policy", async () => {
    const pool = await createPool(emulator);
    await adminCreate(pool, "nina", "Temp-pass-123", { email: "nina@example.com" });
    const first = signIn(pool.jsPool, "nina", "Temp-pass-123");
    const challenge = await first.result;
    expect(challenge).toEqual({ kind: "newPasswordRequired", userAttributes: { email: "nina@example.com", email_verified: "false" }, requiredAttributes: [] });

    const weak = outcome();
    first.user.completeNewPasswordChallenge("short", {}, weak.callbacks);
    expect(await failure(weak.result)).toBe("InvalidPasswordException: Password does not conform to policy: Password not long enough");

    // A failed attempt leaves the session usable.
    const done = outcome();
    first.user.completeNewPasswordChallenge("New-pass-456", {}, done.callbacks);
    const signedInNow = await done.result;
    expect(signedInNow.kind).toBe("success");
    await signedIn(pool.jsPool, "nina", "New-pass-456");
    expect(await failure(signIn(pool.jsPool, "nina", "Temp-pass-123").result)).toBe("NotAuthorizedException: Incorrect username or password.");
  });

  it("checks the temporary password before challenging (USER_PASSWORD_AUTH too)", async () => {
    const pool = await createPool(emulator);
    await adminCreate(pool, "omar", "Temp-pass-123");
    expect(await failure(signIn(pool.jsPool, "omar", "Temp-pass-999", "USER_PASSWORD_AUTH").result)).toBe(
      "NotAuthorizedException: Incorrect username or password.",
    );
    expect((await signIn(pool.jsPool, "omar", "Temp-pass-123", "USER_PASSWORD_AUTH").result).kind).toBe("newPasswordRequired");
  });

  it("requires schema-required attributes at creation and refuses to finish the challenge with one emptied", async () => {
    const pool = await createPool(emulator, { Schema: [{ Name: "name", AttributeDataType: "String", Required: true }] });
    await adminCreate(pool, "pia", "Temp-pass-123", { name: "Pia" });
    const idp = idpClient(emulator);
    expect(
      await rejection(
        idp.send(new AdminCreateUserCommand({ UserPoolId: pool.poolId, Username: "quinn", TemporaryPassword: "Temp-pass-123", MessageAction: "SUPPRESS" })),
      ),
    ).toBe("InvalidParameterException: Attributes did not conform to the schema: name: The attribute is required");
    // Required attributes are already required at creation, so the challenge asks for none here…
    const first = signIn(pool.jsPool, "pia", "Temp-pass-123");
    expect(await first.result).toMatchObject({ kind: "newPasswordRequired", requiredAttributes: [] });
    // …and finishing with one emptied is refused.
    const emptied = outcome();
    first.user.completeNewPasswordChallenge("New-pass-456", { name: "" }, emptied.callbacks);
    expect(await failure(emptied.result)).toBe("InvalidParameterException: Invalid attributes given, name is missing");
  });

  it("refuses a temporary password that has outlived TemporaryPasswordValidityDays", async () => {
    const pool = await createPool(emulator, { Policies: { PasswordPolicy: { MinimumLength: 8, TemporaryPasswordValidityDays: 1 } } });
    await adminCreate(pool, "rosa", "temppass");
    emulator.core.clock.offsetMs = 25 * 3600 * 1000;
    expect(await failure(signIn(pool.jsPool, "rosa", "temppass").result)).toBe(
      "NotAuthorizedException: Temporary password has expired and must be reset by an administrator.",
    );
  });

  it("expires the challenge session after three minutes", async () => {
    const pool = await createPool(emulator);
    await adminCreate(pool, "sam", "Temp-pass-123");
    const first = signIn(pool.jsPool, "sam", "Temp-pass-123");
    expect((await first.result).kind).toBe("newPasswordRequired");
    emulator.core.clock.offsetMs = 3 * 60_000 + 5_000;
    const late = outcome();
    first.user.completeNewPasswordChallenge("New-pass-456", {}, late.callbacks);
    expect(await failure(late.result)).toBe("NotAuthorizedException: Invalid session for the user, session is expired.");
  });

  it("validates session strings: unknown, another client's or user's, spent, too short", async () => {
    const pool = await createPool(emulator);
    await adminCreate(pool, "tara", "Temp-pass-123");
    const idp = idpClient(emulator);
    const challenge = await idp.send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "tara", PASSWORD: "Temp-pass-123" } }),
    );
    expect(challenge.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const respond = (session: string, clientId = pool.clientId) =>
      idp.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          Session: session,
          ChallengeResponses: { USERNAME: "tara", NEW_PASSWORD: "New-pass-456" },
        }),
      );

    expect(await rejection(respond("A".repeat(120)))).toBe("NotAuthorizedException: Invalid session for the user.");
    expect(await rejection(respond(`${challenge.Session!.slice(0, -4)}AAA=`))).toBe("NotAuthorizedException: Invalid session for the user.");
    expect(await rejection(respond("short"))).toBe(
      "InvalidParameterException: 1 validation error detected: Value 'short' at 'session' failed to satisfy constraint: Member must have length greater than or equal to 20",
    );
    const answerAs = (responses: Record<string, string>) =>
      idp.send(
        new RespondToAuthChallengeCommand({
          ClientId: pool.clientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          Session: challenge.Session,
          ChallengeResponses: responses,
        }),
      );
    expect(await rejection(answerAs({ NEW_PASSWORD: "New-pass-456" }))).toBe("InvalidParameterException: Missing required parameter USERNAME");
    await createUser(emulator, pool.poolId, "theo");
    expect(await rejection(answerAs({ USERNAME: "theo", NEW_PASSWORD: "New-pass-456" }))).toBe("NotAuthorizedException: Invalid session for the user.");
    const other = await idp.send(
      new CreateUserPoolClientCommand({ UserPoolId: pool.poolId, ClientName: "other", ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"] }),
    );
    expect(await rejection(respond(challenge.Session!, other.UserPoolClient!.ClientId!))).toBe("NotAuthorizedException: Invalid session for the user.");
    const result = await respond(challenge.Session!);
    expect(result.AuthenticationResult?.IdToken).toBeTruthy();
    expect(await rejection(respond(challenge.Session!))).toBe("NotAuthorizedException: Invalid session for the user, session can only be used once.");
  });
});

describe("PASSWORD_VERIFIER sessions (the SECRET_BLOCK)", () => {
  it("accepts amazon-cognito-identity-js's claim once, and refuses it again, expired, tampered or with a malformed TIMESTAMP", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "uma");
    const idp = idpClient(emulator);
    const start = async () => {
      const srp = await srpStart(pool.poolId);
      const init = await idp.send(
        new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_SRP_AUTH", AuthParameters: { USERNAME: "uma", SRP_A: srp.srpA } }),
      );
      expect(init.ChallengeName).toBe("PASSWORD_VERIFIER");
      expect(Object.keys(init.ChallengeParameters!).sort()).toEqual(["SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"]);
      return { srp, parameters: init.ChallengeParameters! };
    };
    const respond = (responses: Record<string, string>) =>
      idp.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: "PASSWORD_VERIFIER", ChallengeResponses: responses }));

    const good = await start();
    const claim = await good.srp.claim(good.parameters, PASSWORD);
    expect((await respond(claim)).AuthenticationResult?.AccessToken).toBeTruthy();
    expect(await rejection(respond(claim))).toBe("NotAuthorizedException: Invalid session for the user, session can only be used once.");

    const late = await start();
    emulator.core.clock.offsetMs = 3 * 60_000 + 5_000;
    expect(await rejection(respond(await late.srp.claim(late.parameters, PASSWORD)))).toBe(
      "NotAuthorizedException: Invalid session for the user, session is expired.",
    );
    emulator.core.clock.offsetMs = 0;

    const forged = await start();
    const forgedClaim = await forged.srp.claim({ ...forged.parameters, SECRET_BLOCK: Buffer.alloc(96, 7).toString("base64") }, PASSWORD);
    expect(await rejection(respond(forgedClaim))).toBe("NotAuthorizedException: Invalid session for the user.");

    const padded = await start();
    const paddedClaim = await padded.srp.claim(padded.parameters, PASSWORD, "Tue Nov 03 09:05:07 UTC 2026");
    expect(await rejection(respond(paddedClaim))).toMatch(/^InvalidParameterException: TIMESTAMP must have the format ddd MMM d HH:mm:ss UTC yyyy/);

    const wrong = await start();
    expect(await rejection(respond(await wrong.srp.claim(wrong.parameters, "Wr0ng-password!")))).toBe(
      "NotAuthorizedException: Incorrect username or password.",
    );
  });

  it("refuses an SRP_A that is not a usable public value", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "vera");
    const idp = idpClient(emulator);
    expect(
      await rejection(
        idp.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_SRP_AUTH", AuthParameters: { USERNAME: "vera", SRP_A: "0" } })),
      ),
    ).toBe("InvalidParameterException: SRP_A is not a valid SRP public value.");
  });
});

describe("SOFTWARE_TOKEN_MFA", () => {
  it("registers TOTP with AssociateSoftwareToken/VerifySoftwareToken and challenges for it at the next sign-in", async () => {
    const pool = await mfaPool("OPTIONAL", { totp: true });
    await createUser(emulator, pool.poolId, "walt");
    const { user } = await signedIn(pool.jsPool, "walt");
    const { secret, step } = await registerTotp(user);
    expect(secret).toMatch(/^[A-Z2-7]{52}$/);

    const next = signIn(pool.jsPool, "walt", PASSWORD);
    expect(await next.result).toMatchObject({ kind: "totpRequired", challengeName: "SOFTWARE_TOKEN_MFA" });

    const wrong = outcome();
    next.user.sendMFACode(String((Number(totp(secret, Date.now())) + 1) % 1_000_000).padStart(6, "0"), wrong.callbacks, "SOFTWARE_TOKEN_MFA");
    expect(await failure(wrong.result)).toBe("CodeMismatchException: Invalid code received for user");

    // The code VerifySoftwareToken consumed cannot be used again; the next time step's can.
    const replay = outcome();
    next.user.sendMFACode(totp(secret, step * STEP_MS), replay.callbacks, "SOFTWARE_TOKEN_MFA");
    expect(await failure(replay.result)).toBe("ExpiredCodeException: Your software token has already been used once.");

    const right = outcome();
    next.user.sendMFACode(totp(secret, (step + 1) * STEP_MS), right.callbacks, "SOFTWARE_TOKEN_MFA");
    const done = await right.result;
    expect(done.kind).toBe("success");
  });

  it("asks a user of an MFA-required pool to set TOTP up during sign-in (MFA_SETUP)", async () => {
    const pool = await mfaPool("ON", { totp: true });
    await createUser(emulator, pool.poolId, "xena");
    const first = signIn(pool.jsPool, "xena", PASSWORD);
    expect(await first.result).toMatchObject({ kind: "mfaSetup", challengeName: "MFA_SETUP", parameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' } });
    const secret = await new Promise<string>((resolve, reject) => first.user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
    const step = Math.floor(Date.now() / STEP_MS);
    const session = await new Promise<{ getIdToken(): { getJwtToken(): string } }>((resolve, reject) =>
      first.user.verifySoftwareToken(totp(secret, step * STEP_MS), "phone", { onSuccess: resolve as never, onFailure: reject }),
    );
    expect((await verifyToken(emulator, pool.poolId, session.getIdToken().getJwtToken()))["cognito:username"]).toBe("xena");

    const again = signIn(pool.jsPool, "xena", PASSWORD);
    expect(await again.result).toMatchObject({ kind: "totpRequired" });
    const right = outcome();
    again.user.sendMFACode(totp(secret, (step + 1) * STEP_MS), right.callbacks, "SOFTWARE_TOKEN_MFA");
    expect((await right.result).kind).toBe("success");
  });

  it("sets email MFA up during sign-in: MFA_SETUP answered with an address, then the EMAIL_OTP code sent there", async () => {
    const pool = await mfaPool("ON", { totp: true, email: true });
    await createUser(emulator, pool.poolId, "wanda");
    const idp = idpClient(emulator);
    const started = await idp.send(
      new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: pool.clientId, AuthParameters: { USERNAME: "wanda", PASSWORD } }),
    );
    expect(started).toMatchObject({ ChallengeName: "MFA_SETUP", ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]' } });
    const respond = (ChallengeName: "MFA_SETUP" | "EMAIL_OTP", Session: string | undefined, extra: Record<string, string>) =>
      idp.send(new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName, Session, ChallengeResponses: { USERNAME: "wanda", ...extra } }));
    expect(await rejection(respond("MFA_SETUP", started.Session, { EMAIL: "not an address" }))).toBe(
      "InvalidParameterException: Invalid email address format.",
    );
    const emailed = await respond("MFA_SETUP", started.Session, { EMAIL: "wanda@example.com" });
    expect(emailed).toMatchObject({ ChallengeName: "EMAIL_OTP", ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: "EMAIL" } });
    const { code } = await emulator.control.lastCode(pool.poolId, "wanda");
    const done = await respond("EMAIL_OTP", emailed.Session, { EMAIL_OTP_CODE: code });
    expect(done.AuthenticationResult?.IdToken).toBeDefined();
    const claims = await verifyToken(emulator, pool.poolId, done.AuthenticationResult!.IdToken!);
    expect(claims).toMatchObject({ email: "wanda@example.com", email_verified: true });
    // Enrolled: the next sign-in goes straight to an emailed code.
    const next = await idp.send(
      new InitiateAuthCommand({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: pool.clientId, AuthParameters: { USERNAME: "wanda", PASSWORD } }),
    );
    expect(next.ChallengeName).toBe("EMAIL_OTP");
  });

  it("refuses a wrong code at VerifySoftwareToken and an unverified factor at SetUserMFAPreference", async () => {
    const pool = await mfaPool("OPTIONAL", { totp: true });
    await createUser(emulator, pool.poolId, "yuri");
    const { user, session } = await signedIn(pool.jsPool, "yuri");
    const secret = await new Promise<string>((resolve, reject) => user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
    const idp = idpClient(emulator);
    const accessToken = session.getAccessToken().getJwtToken();
    expect(
      await rejection(idp.send(new SetUserMFAPreferenceCommand({ AccessToken: accessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }))),
    ).toBe("InvalidParameterException: User has not verified software token mfa");
    const wrongCode = String((Number(totp(secret, Date.now())) + 500_000) % 1_000_000).padStart(6, "0");
    expect(await rejection(idp.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: wrongCode })))).toBe(
      "EnableSoftwareTokenMFAException: Code mismatch and fail enable Software Token MFA",
    );
    expect((await idp.send(new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totp(secret, Date.now()) }))).Status).toBe("SUCCESS");
    // Verified but not enabled: an OPTIONAL pool does not challenge yet.
    await signedIn(pool.jsPool, "yuri");
  });
});

describe("SMS_MFA, EMAIL_OTP and SELECT_MFA_TYPE", () => {
  it("sends an SMS code, readable through the control API, and signs in with it", async () => {
    const pool = await mfaPool("OPTIONAL", { sms: true });
    await createUser(emulator, pool.poolId, "zoe", { phone_number: "+15555550123", phone_number_verified: "true" });
    const { user } = await signedIn(pool.jsPool, "zoe");
    await callback((done) => user.setUserMfaPreference({ Enabled: true, PreferredMfa: true }, null, done));

    const next = signIn(pool.jsPool, "zoe", PASSWORD);
    expect(await next.result).toMatchObject({
      kind: "mfaRequired",
      challengeName: "SMS_MFA",
      parameters: { CODE_DELIVERY_DELIVERY_MEDIUM: "SMS", CODE_DELIVERY_DESTINATION: "+*******0123" },
    });
    const sent = await codeSent(emulator, pool.poolId, "zoe");
    expect(sent).toMatchObject({ kind: "mfa", code: expect.stringMatching(/^\d{6}$/) });

    const wrong = outcome();
    next.user.sendMFACode(sent.code === "000000" ? "111111" : "000000", wrong.callbacks);
    expect(await failure(wrong.result)).toBe("CodeMismatchException: Invalid code received for user");
    const right = outcome();
    next.user.sendMFACode(sent.code, right.callbacks);
    expect((await right.result).kind).toBe("success");
  });

  it("sends an email one-time code (EMAIL_OTP) when the user chose email MFA", async () => {
    const pool = await mfaPool("OPTIONAL", { email: true });
    await createUser(emulator, pool.poolId, "abe", { email: "abe@example.com", email_verified: "true" });
    const idp = idpClient(emulator);
    const { session } = await signedIn(pool.jsPool, "abe");
    await idp.send(
      new SetUserMFAPreferenceCommand({ AccessToken: session.getAccessToken().getJwtToken(), EmailMfaSettings: { Enabled: true, PreferredMfa: true } }),
    );

    const challenge = await idp.send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "abe", PASSWORD } }),
    );
    expect(challenge).toMatchObject({
      ChallengeName: "EMAIL_OTP",
      ChallengeParameters: { CODE_DELIVERY_DELIVERY_MEDIUM: "EMAIL", CODE_DELIVERY_DESTINATION: "a***@e***" },
    });
    const sent = await codeSent(emulator, pool.poolId, "abe");
    const respond = (code: string) =>
      idp.send(
        new RespondToAuthChallengeCommand({
          ClientId: pool.clientId,
          ChallengeName: "EMAIL_OTP",
          Session: challenge.Session,
          ChallengeResponses: { USERNAME: "abe", EMAIL_OTP_CODE: code },
        }),
      );
    expect(await rejection(respond(sent.code === "000000" ? "111111" : "000000"))).toBe("CodeMismatchException: Invalid code or auth state for the user.");
    expect((await respond(sent.code)).AuthenticationResult?.IdToken).toBeTruthy();
  });

  it("lets a user with two factors and no preference choose one (SELECT_MFA_TYPE)", async () => {
    const pool = await mfaPool("OPTIONAL", { totp: true, sms: true });
    await createUser(emulator, pool.poolId, "bea", { phone_number: "+15555550199" });
    const { user } = await signedIn(pool.jsPool, "bea");
    await registerTotp(user, false);
    await callback((done) => user.setUserMfaPreference({ Enabled: true, PreferredMfa: false }, null, done));

    const next = signIn(pool.jsPool, "bea", PASSWORD);
    expect(await next.result).toMatchObject({ kind: "selectMFAType", parameters: { MFAS_CAN_CHOOSE: '["SOFTWARE_TOKEN_MFA","SMS_MFA"]' } });
    const chosen = outcome();
    next.user.sendMFASelectionAnswer("SMS_MFA", chosen.callbacks as never);
    expect(await chosen.result).toMatchObject({ kind: "mfaRequired", challengeName: "SMS_MFA" });
    const code = (await codeSent(emulator, pool.poolId, "bea")).code;
    const done = outcome();
    next.user.sendMFACode(code, done.callbacks);
    expect((await done.result).kind).toBe("success");
  });

  it("spends an MFA session after five wrong codes", async () => {
    const pool = await mfaPool("OPTIONAL", { sms: true });
    await createUser(emulator, pool.poolId, "cal", { phone_number: "+15555550100" });
    const { user } = await signedIn(pool.jsPool, "cal");
    await callback((done) => user.setUserMfaPreference({ Enabled: true, PreferredMfa: true }, null, done));
    const idp = idpClient(emulator);
    const challenge = await idp.send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "cal", PASSWORD } }),
    );
    const code = (await codeSent(emulator, pool.poolId, "cal")).code;
    const respond = (answer: string) =>
      idp.send(
        new RespondToAuthChallengeCommand({
          ClientId: pool.clientId,
          ChallengeName: "SMS_MFA",
          Session: challenge.Session,
          ChallengeResponses: { USERNAME: "cal", SMS_MFA_CODE: answer },
        }),
      );
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) expect(await rejection(respond(wrong))).toBe("CodeMismatchException: Invalid code received for user");
    expect(await rejection(respond(code))).toBe("NotAuthorizedException: Invalid session for the user, session can only be used once.");
  });
});

describe("user-pool MFA configuration", () => {
  it("requires SMS configuration for MFA at CreateUserPool and a method at SetUserPoolMfaConfig", async () => {
    const idp = idpClient(emulator);
    const { CreateUserPoolCommand } = await import("@aws-sdk/client-cognito-identity-provider");
    expect(await rejection(idp.send(new CreateUserPoolCommand({ PoolName: "mfa", MfaConfiguration: "ON" })))).toBe(
      "InvalidParameterException: SMS configuration and Auto verification for phone_number are required when MFA is required/optional",
    );
    const pool = await createPool(emulator);
    expect(await rejection(idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: "ON" })))).toMatch(
      /^InvalidParameterException: At least one MFA method/,
    );
  });

  it("does not challenge users of an MFA-off pool, whatever they set up", async () => {
    const pool = await createPool(emulator);
    await createUser(emulator, pool.poolId, "dan");
    const { user } = await signedIn(pool.jsPool, "dan");
    await registerTotp(user);
    await signedIn(pool.jsPool, "dan");
  });
});
