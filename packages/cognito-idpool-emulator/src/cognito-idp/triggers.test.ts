import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AdminAddUserToGroupCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
  type CreateUserPoolCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TriggerEvent, TriggerFunction, TriggerTable } from "../service.js";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { claimsOf, codeSent, createPool, createUser, idpClient, PASSWORD, rejection, srpStart, verifyToken, type TestPool } from "../../test/idp-harness.js";

/**
 * Lambda triggers and custom authentication, driven through the AWS SDK v3 user-pool client. The
 * triggers are in-process functions (one table shared with the emulator, filled per pool by each
 * test) or, where said, a local HTTP server.
 */

const triggers: TriggerTable = {};
let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ triggers });
});
afterAll(() => emulator.stop());

const CUSTOM_FLOWS = ["ALLOW_CUSTOM_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] as const;

/** A pool and client whose triggers are `table`; every event they receive is recorded in `events`. */
async function poolWith(
  table: Partial<Record<string, TriggerFunction>>,
  pool: Partial<CreateUserPoolCommandInput> = {},
): Promise<TestPool & { events: TriggerEvent[] }> {
  const created = await createPool(emulator, pool, { ExplicitAuthFlows: [...CUSTOM_FLOWS] });
  const events: TriggerEvent[] = [];
  triggers[created.poolId] = Object.fromEntries(
    Object.entries(table).map(([name, fn]) => [
      name,
      async (event: TriggerEvent) => {
        events.push(structuredClone(event));
        return fn!(event);
      },
    ]),
  );
  return { ...created, events };
}

function answer(event: TriggerEvent, response: Record<string, unknown>): TriggerEvent {
  return { ...event, response: { ...event.response, ...response } };
}

/** "what is 2+3?": tokens after one right answer, a second question after a wrong one, refusal after two wrong. */
const mathChallenge: Partial<Record<string, TriggerFunction>> = {
  DefineAuthChallenge: async (event) => {
    const session = event.request["session"] as { challengeName: string; challengeResult: boolean }[];
    const custom = session.filter((s) => s.challengeName === "CUSTOM_CHALLENGE");
    if (custom.at(-1)?.challengeResult) return answer(event, { issueTokens: true, failAuthentication: false });
    if (custom.length >= 2) return answer(event, { issueTokens: false, failAuthentication: true });
    return answer(event, { challengeName: "CUSTOM_CHALLENGE", issueTokens: false, failAuthentication: false });
  },
  CreateAuthChallenge: async (event) =>
    answer(event, { publicChallengeParameters: { question: "what is 2+3?" }, privateChallengeParameters: { answer: "5" }, challengeMetadata: "MATH" }),
  VerifyAuthChallengeResponse: async (event) =>
    answer(event, { answerCorrect: event.request["challengeAnswer"] === event.request["privateChallengeParameters"]["answer"] }),
};

async function startCustom(pool: TestPool, username: string) {
  return idpClient(emulator).send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: username } }));
}

function respondCustom(pool: TestPool, session: string | undefined, username: string, reply: string, metadata?: Record<string, string>) {
  return idpClient(emulator).send(
    new RespondToAuthChallengeCommand({
      ClientId: pool.clientId,
      ChallengeName: "CUSTOM_CHALLENGE",
      Session: session,
      ChallengeResponses: { USERNAME: username, ANSWER: reply },
      ...(metadata ? { ClientMetadata: metadata } : {}),
    }),
  );
}

describe("CUSTOM_AUTH", () => {
  it("asks the Create trigger's question and signs in with the right answer", async () => {
    const pool = await poolWith(mathChallenge);
    await createUser(emulator, pool.poolId, "alice", { email: "alice@example.com" });
    const started = await startCustom(pool, "alice");
    expect(started.ChallengeName).toBe("CUSTOM_CHALLENGE");
    // The public parameters reach the client; the private ones (the answer) never do.
    expect(started.ChallengeParameters).toEqual({ question: "what is 2+3?", USERNAME: "alice" });
    const done = await respondCustom(pool, started.Session, "alice", "5", { device: "kiosk" });
    const claims = await verifyToken(emulator, pool.poolId, done.AuthenticationResult!.IdToken!, { audience: pool.clientId });
    expect(claims["cognito:username"]).toBe("alice");
    expect(done.AuthenticationResult!.RefreshToken).toBeTruthy();

    const verify = pool.events.find((e) => e.triggerSource === "VerifyAuthChallengeResponse_Authentication")!;
    expect(verify.request).toMatchObject({ challengeAnswer: "5", privateChallengeParameters: { answer: "5" }, clientMetadata: { device: "kiosk" } });
    expect(verify).toMatchObject({ version: "1", userPoolId: pool.poolId, userName: "alice", callerContext: { clientId: pool.clientId } });
    const lastDefine = pool.events.filter((e) => e.triggerSource === "DefineAuthChallenge_Authentication").at(-1)!;
    expect(lastDefine.request["session"]).toEqual([{ challengeName: "CUSTOM_CHALLENGE", challengeResult: true, challengeMetadata: "MATH" }]);
    expect(lastDefine.request["userAttributes"]).toMatchObject({ email: "alice@example.com", "cognito:user_status": "CONFIRMED" });
  });

  it("asks again after a wrong answer, then refuses when Define fails the authentication", async () => {
    const pool = await poolWith(mathChallenge);
    await createUser(emulator, pool.poolId, "bob");
    const started = await startCustom(pool, "bob");
    const again = await respondCustom(pool, started.Session, "bob", "4");
    expect(again.ChallengeName).toBe("CUSTOM_CHALLENGE");
    expect(again.AuthenticationResult).toBeUndefined();
    expect(again.Session).not.toBe(started.Session);
    // Each challenge session is answered once.
    expect(await rejection(respondCustom(pool, started.Session, "bob", "5"))).toBe(
      "NotAuthorizedException: Invalid session for the user, session can only be used once.",
    );
    expect(await rejection(respondCustom(pool, again.Session, "bob", "6"))).toBe("NotAuthorizedException: Incorrect username or password.");
    const defines = pool.events.filter((e) => e.triggerSource === "DefineAuthChallenge_Authentication");
    expect(defines.at(-1)!.request["session"]).toEqual([
      { challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "MATH" },
      { challengeName: "CUSTOM_CHALLENGE", challengeResult: false, challengeMetadata: "MATH" },
    ]);
  });

  it("works through AdminInitiateAuth too", async () => {
    const pool = await poolWith(mathChallenge);
    await createUser(emulator, pool.poolId, "carol");
    const started = await idpClient(emulator).send(
      new AdminInitiateAuthCommand({ UserPoolId: pool.poolId, ClientId: pool.clientId, AuthFlow: "CUSTOM_AUTH", AuthParameters: { USERNAME: "carol" } }),
    );
    expect(started.ChallengeParameters?.["question"]).toBe("what is 2+3?");
    expect((await respondCustom(pool, started.Session, "carol", "5")).AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("is refused without a DefineAuthChallenge trigger, and on clients without ALLOW_CUSTOM_AUTH", async () => {
    const bare = await poolWith({});
    await createUser(emulator, bare.poolId, "dave");
    expect(await rejection(startCustom(bare, "dave"))).toBe("InvalidParameterException: Custom auth lambda trigger is not configured for the user pool.");
    const srpOnly = await createPool(emulator, {}, { ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] });
    triggers[srpOnly.poolId] = mathChallenge;
    await createUser(emulator, srpOnly.poolId, "dave");
    expect(await rejection(startCustom(srpOnly, "dave"))).toBe("InvalidParameterException: CUSTOM_AUTH flow not enabled for this client");
  });

  it("CUSTOM_WITH_SRP: SRP_A in the history, then PASSWORD_VERIFIER, then the custom challenge", async () => {
    const withSrp: Partial<Record<string, TriggerFunction>> = {
      ...mathChallenge,
      DefineAuthChallenge: async (event) => {
        const session = event.request["session"] as { challengeName: string; challengeResult: boolean }[];
        const last = session.at(-1);
        if (session.length === 1 && last?.challengeName === "SRP_A") return answer(event, { challengeName: "PASSWORD_VERIFIER" });
        if (last?.challengeName === "PASSWORD_VERIFIER" && last.challengeResult) return answer(event, { challengeName: "CUSTOM_CHALLENGE" });
        if (last?.challengeName === "CUSTOM_CHALLENGE" && last.challengeResult) return answer(event, { issueTokens: true });
        return answer(event, { failAuthentication: true });
      },
    };
    const pool = await poolWith(withSrp);
    await createUser(emulator, pool.poolId, "erin");
    const idp = idpClient(emulator);
    const srp = await srpStart(pool.poolId);
    const started = await idp.send(
      new InitiateAuthCommand({
        ClientId: pool.clientId,
        AuthFlow: "CUSTOM_AUTH",
        AuthParameters: { USERNAME: "erin", SRP_A: srp.srpA, CHALLENGE_NAME: "SRP_A" },
      }),
    );
    expect(started.ChallengeName).toBe("PASSWORD_VERIFIER");
    const proof = await srp.claim(started.ChallengeParameters!, PASSWORD);
    const custom = await idp.send(
      new RespondToAuthChallengeCommand({ ClientId: pool.clientId, ChallengeName: "PASSWORD_VERIFIER", Session: started.Session, ChallengeResponses: proof }),
    );
    expect(custom.ChallengeName).toBe("CUSTOM_CHALLENGE");
    expect(pool.events.filter((e) => e.triggerSource === "DefineAuthChallenge_Authentication").map((e) => e.request["session"])).toEqual([
      [{ challengeName: "SRP_A", challengeResult: true }],
      [
        { challengeName: "SRP_A", challengeResult: true },
        { challengeName: "PASSWORD_VERIFIER", challengeResult: true },
      ],
    ]);
    expect((await respondCustom(pool, custom.Session, "erin", "5")).AuthenticationResult?.IdToken).toBeTruthy();

    // A wrong password ends the sign-in before any custom challenge.
    const again = await srpStart(pool.poolId);
    const second = await idp.send(
      new InitiateAuthCommand({
        ClientId: pool.clientId,
        AuthFlow: "CUSTOM_AUTH",
        AuthParameters: { USERNAME: "erin", SRP_A: again.srpA, CHALLENGE_NAME: "SRP_A" },
      }),
    );
    const wrong = await again.claim(second.ChallengeParameters!, "Wr0ng-password!");
    expect(
      await rejection(
        idp.send(
          new RespondToAuthChallengeCommand({
            ClientId: pool.clientId,
            ChallengeName: "PASSWORD_VERIFIER",
            Session: second.Session,
            ChallengeResponses: wrong,
          }),
        ),
      ),
    ).toBe("NotAuthorizedException: Incorrect username or password.");
  });
});

describe("sign-up triggers", () => {
  it("PreSignUp confirms the user and verifies the email; it sees ValidationData and ClientMetadata", async () => {
    const pool = await poolWith(
      { PreSignUp: async (event) => answer(event, { autoConfirmUser: true, autoVerifyEmail: true }) },
      { AutoVerifiedAttributes: ["email"] },
    );
    const idp = idpClient(emulator);
    const result = await idp.send(
      new SignUpCommand({
        ClientId: pool.clientId,
        Username: "frank",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "frank@example.com" }],
        ValidationData: [{ Name: "invite", Value: "abc" }],
        ClientMetadata: { campaign: "spring" },
      }),
    );
    expect(result.UserConfirmed).toBe(true);
    expect(result.CodeDeliveryDetails).toBeUndefined();
    const user = await idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "frank" }));
    expect(user.UserStatus).toBe("CONFIRMED");
    expect(user.UserAttributes).toContainEqual({ Name: "email_verified", Value: "true" });
    expect(pool.events[0]).toMatchObject({
      triggerSource: "PreSignUp_SignUp",
      userName: "frank",
      request: { userAttributes: { email: "frank@example.com" }, validationData: { invite: "abc" }, clientMetadata: { campaign: "spring" } },
    });
    const signedIn = await idp.send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "frank", PASSWORD } }),
    );
    expect(signedIn.AuthenticationResult?.IdToken).toBeTruthy();
  });

  it("a PreSignUp that throws refuses the sign-up with UserLambdaValidationException, and no user is created", async () => {
    const pool = await poolWith({
      PreSignUp: async () => {
        throw new Error("sign-ups are closed");
      },
    });
    const idp = idpClient(emulator);
    expect(await rejection(idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "gina", Password: PASSWORD })))).toBe(
      "UserLambdaValidationException: PreSignUp failed with error sign-ups are closed.",
    );
    expect(await rejection(idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "gina" })))).toBe(
      "UserNotFoundException: User does not exist.",
    );
  });

  it("PostConfirmation sees the confirmed user and ConfirmSignUp's ClientMetadata", async () => {
    const pool = await poolWith({ PostConfirmation: async (event) => event }, { AutoVerifiedAttributes: ["email"] });
    const idp = idpClient(emulator);
    await idp.send(
      new SignUpCommand({ ClientId: pool.clientId, Username: "hana", Password: PASSWORD, UserAttributes: [{ Name: "email", Value: "hana@example.com" }] }),
    );
    expect(pool.events).toEqual([]);
    const { code } = await codeSent(emulator, pool.poolId, "hana");
    await idp.send(new ConfirmSignUpCommand({ ClientId: pool.clientId, Username: "hana", ConfirmationCode: code, ClientMetadata: { referrer: "newsletter" } }));
    expect(pool.events).toHaveLength(1);
    expect(pool.events[0]).toMatchObject({
      triggerSource: "PostConfirmation_ConfirmSignUp",
      userName: "hana",
      callerContext: { clientId: pool.clientId },
      request: {
        clientMetadata: { referrer: "newsletter" },
        userAttributes: { email: "hana@example.com", email_verified: "true", "cognito:user_status": "CONFIRMED" },
      },
    });
  });

  it("ClientMetadata must be a map of strings", async () => {
    const pool = await poolWith({});
    expect(
      await rejection(
        idpClient(emulator).send(
          new SignUpCommand({ ClientId: pool.clientId, Username: "ivan", Password: PASSWORD, ClientMetadata: { n: 1 } as unknown as Record<string, string> }),
        ),
      ),
    ).toBe("SerializationException: ClientMetadata must be a map of strings.");
  });
});

describe("sign-in triggers", () => {
  it("PreTokenGeneration adds, overrides and suppresses ID-token claims and overrides groups, on sign-in and refresh", async () => {
    const pool = await poolWith({
      PreTokenGeneration: async (event) =>
        answer(event, {
          claimsOverrideDetails: {
            claimsToAddOrOverride: { tier: "gold", name: "Jo Override", sub: "not-allowed" },
            claimsToSuppress: ["email"],
            groupOverrideDetails: { groupsToOverride: ["vip"] },
          },
        }),
    });
    const idp = idpClient(emulator);
    await createUser(emulator, pool.poolId, "jo", { email: "jo@example.com", name: "Jo" });
    await idp.send(new CreateGroupCommand({ UserPoolId: pool.poolId, GroupName: "staff" }));
    await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: pool.poolId, Username: "jo", GroupName: "staff" }));
    const result = await idp.send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "jo", PASSWORD } }),
    );
    const id = await verifyToken(emulator, pool.poolId, result.AuthenticationResult!.IdToken!, { audience: pool.clientId });
    expect(id["tier"]).toBe("gold");
    expect(id["name"]).toBe("Jo Override");
    expect(id["email"]).toBeUndefined();
    expect(id["sub"]).not.toBe("not-allowed");
    expect(id["cognito:groups"]).toEqual(["vip"]);
    const access = claimsOf(result.AuthenticationResult!.AccessToken!);
    expect(access["cognito:groups"]).toEqual(["vip"]);
    expect(access["tier"]).toBeUndefined();
    expect(pool.events[0]).toMatchObject({
      triggerSource: "TokenGeneration_Authentication",
      request: { groupConfiguration: { groupsToOverride: ["staff"], iamRolesToOverride: [], preferredRole: null } },
    });

    const refreshed = await idp.send(
      new InitiateAuthCommand({
        ClientId: pool.clientId,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: result.AuthenticationResult!.RefreshToken! },
      }),
    );
    expect(claimsOf(refreshed.AuthenticationResult!.IdToken!)["tier"]).toBe("gold");
    expect(pool.events.at(-1)!.triggerSource).toBe("TokenGeneration_RefreshTokens");
  });

  it("a PreAuthentication that throws refuses the sign-in; it gets InitiateAuth's ClientMetadata as validationData", async () => {
    const pool = await poolWith({
      PreAuthentication: async (event) => {
        if (event.request["validationData"]?.["device"] !== "trusted") throw new Error("untrusted device");
        return event;
      },
    });
    await createUser(emulator, pool.poolId, "kim");
    const idp = idpClient(emulator);
    const signIn = (metadata: Record<string, string>) =>
      idp.send(
        new InitiateAuthCommand({
          ClientId: pool.clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: "kim", PASSWORD },
          ClientMetadata: metadata,
        }),
      );
    expect(await rejection(signIn({ device: "unknown" }))).toBe("UserLambdaValidationException: PreAuthentication failed with error untrusted device.");
    expect((await signIn({ device: "trusted" })).AuthenticationResult?.IdToken).toBeTruthy();
    expect(pool.events[0]).toMatchObject({ triggerSource: "PreAuthentication_Authentication", userName: "kim", request: { userNotFound: false } });
  });

  it("PostAuthentication runs after a successful sign-in, and its failure withholds the tokens", async () => {
    let fail = true;
    const pool = await poolWith({
      PostAuthentication: async (event) => {
        if (fail) throw new Error("audit log unavailable");
        return event;
      },
    });
    await createUser(emulator, pool.poolId, "lee");
    const signIn = () =>
      idpClient(emulator).send(
        new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "lee", PASSWORD } }),
      );
    expect(await rejection(signIn())).toBe("UserLambdaValidationException: PostAuthentication failed with error audit log unavailable.");
    fail = false;
    expect((await signIn()).AuthenticationResult?.IdToken).toBeTruthy();
    expect(pool.events.at(-1)).toMatchObject({ triggerSource: "PostAuthentication_Authentication", request: { newDeviceUsed: false } });
  });

  it("UserMigration creates an unknown user at a password sign-in, who then signs in with SRP too", async () => {
    const pool = await poolWith({
      UserMigration: async (event) => {
        if (event.request["password"] !== "Legacy-pass1!") throw new Error("Bad password");
        return answer(event, { userAttributes: { email: "mo@example.com", email_verified: "true" }, finalUserStatus: "CONFIRMED", messageAction: "SUPPRESS" });
      },
    });
    const idp = idpClient(emulator);
    const signIn = (password: string) =>
      idp.send(
        new InitiateAuthCommand({
          ClientId: pool.clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: "mo", PASSWORD: password },
          ClientMetadata: { source: "legacy" },
        }),
      );
    expect(await rejection(signIn("Wrong-pass1!"))).toBe("UserLambdaValidationException: UserMigration failed with error Bad password.");
    expect(await rejection(idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "mo" })))).toBe("UserNotFoundException: User does not exist.");
    const result = await signIn("Legacy-pass1!");
    expect(claimsOf(result.AuthenticationResult!.IdToken!)["email"]).toBe("mo@example.com");
    expect(pool.events.at(-1)).toMatchObject({
      triggerSource: "UserMigration_Authentication",
      userName: "mo",
      request: { password: "Legacy-pass1!", validationData: { source: "legacy" } },
    });
    const user = await idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "mo" }));
    expect(user.UserStatus).toBe("CONFIRMED");
    // Migrated once: the next sign-in finds the user and never asks the trigger.
    const count = pool.events.length;
    const srp = await srpStart(pool.poolId);
    const started = await idp.send(
      new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_SRP_AUTH", AuthParameters: { USERNAME: "mo", SRP_A: srp.srpA } }),
    );
    const done = await idp.send(
      new RespondToAuthChallengeCommand({
        ClientId: pool.clientId,
        ChallengeName: "PASSWORD_VERIFIER",
        ChallengeResponses: await srp.claim(started.ChallengeParameters!, "Legacy-pass1!"),
      }),
    );
    expect(done.AuthenticationResult?.IdToken).toBeTruthy();
    expect(pool.events).toHaveLength(count);
  });

  it("UserMigration at ForgotPassword creates the user waiting for a reset code", async () => {
    const pool = await poolWith({
      UserMigration: async (event) => answer(event, { userAttributes: { email: "nia@example.com", email_verified: "true" }, messageAction: "SUPPRESS" }),
    });
    const idp = idpClient(emulator);
    const sent = await idp.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: "nia", ClientMetadata: { from: "reset-page" } }));
    expect(sent.CodeDeliveryDetails?.AttributeName).toBe("email");
    expect((await codeSent(emulator, pool.poolId, "nia")).kind).toBe("reset");
    expect((await idp.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: "nia" }))).UserStatus).toBe("RESET_REQUIRED");
    expect(pool.events[0]).toMatchObject({ triggerSource: "UserMigration_ForgotPassword", request: { clientMetadata: { from: "reset-page" } } });
  });
});

describe("LambdaConfig", () => {
  let server: Server;
  let url: string;
  /** What the local "Lambda" answers next: status and body. */
  let reply: (event: TriggerEvent) => { status: number; body: string };
  const received: TriggerEvent[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as TriggerEvent;
        received.push(event);
        const { status, body } = reply(event);
        res.writeHead(status, { "content-type": "application/json" }).end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/presignup`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // The emulator's fetch keeps its connection alive; close it so the server stops at once.
        server.closeAllConnections();
      }),
  );

  it("POSTs the event to a local HTTP URL and uses the JSON answer", async () => {
    reply = (event) => ({ status: 200, body: JSON.stringify(answer(event, { autoConfirmUser: true })) });
    const pool = await createPool(emulator, { LambdaConfig: { PreSignUp: url } });
    const idp = idpClient(emulator);
    const result = await idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "olga", Password: PASSWORD, ClientMetadata: { via: "http" } }));
    expect(result.UserConfirmed).toBe(true);
    expect(received.at(-1)).toMatchObject({
      triggerSource: "PreSignUp_SignUp",
      userPoolId: pool.poolId,
      userName: "olga",
      request: { clientMetadata: { via: "http" } },
    });
    expect((await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool?.LambdaConfig).toEqual({ PreSignUp: url });
  });

  it("an HTTP error or an answer that is not JSON fails the call with UserLambdaValidationException", async () => {
    const pool = await createPool(emulator, { LambdaConfig: { PreSignUp: url } });
    const idp = idpClient(emulator);
    const signUp = (username: string) => idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: username, Password: PASSWORD }));
    reply = () => ({ status: 500, body: JSON.stringify({ errorMessage: "database down", errorType: "Error" }) });
    expect(await rejection(signUp("pia"))).toBe("UserLambdaValidationException: PreSignUp failed with error database down.");
    reply = () => ({ status: 200, body: "{not json" });
    expect(await rejection(signUp("pia"))).toMatch(/^UserLambdaValidationException: PreSignUp failed with error .*not valid JSON.*\.$/);
  });

  it("a Lambda ARN with no in-process function fails the call; a remote URL is refused when the pool is created", async () => {
    const pool = await createPool(emulator, { LambdaConfig: { PreSignUp: "arn:aws:lambda:eu-west-1:000000000000:function:pre-sign-up" } });
    expect(await rejection(idpClient(emulator).send(new SignUpCommand({ ClientId: pool.clientId, Username: "quinn", Password: PASSWORD })))).toMatch(
      /^UserLambdaValidationException: PreSignUp failed with error the emulator cannot invoke arn:aws:lambda:eu-west-1:000000000000:function:pre-sign-up/,
    );
    expect(await rejection(createPool(emulator, { LambdaConfig: { PreSignUp: "http://example.com/hook" } }))).toBe(
      "InvalidParameterException: LambdaConfig.PreSignUp must be a Lambda function ARN or a local http:// URL (127.0.0.1 or localhost).",
    );
  });

  it("UpdateUserPool sets and, when left out, removes the LambdaConfig", async () => {
    const pool = await createPool(emulator);
    const idp = idpClient(emulator);
    const arn = "arn:aws:lambda:eu-west-1:000000000000:function:pre-sign-up";
    await idp.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId, LambdaConfig: { PreSignUp: arn } }));
    expect((await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool?.LambdaConfig).toEqual({ PreSignUp: arn });
    expect(await rejection(idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "sam", Password: PASSWORD })))).toMatch(
      /^UserLambdaValidationException: PreSignUp failed with error the emulator cannot invoke/,
    );
    await idp.send(new UpdateUserPoolCommand({ UserPoolId: pool.poolId }));
    expect((await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.poolId }))).UserPool?.LambdaConfig).toEqual({});
    expect((await idp.send(new SignUpCommand({ ClientId: pool.clientId, Username: "sam", Password: PASSWORD }))).UserConfirmed).toBe(false);
  });

  it("an in-process function for the pool wins over its LambdaConfig ARN", async () => {
    const pool = await createPool(emulator, { LambdaConfig: { PreSignUp: "arn:aws:lambda:eu-west-1:000000000000:function:pre-sign-up" } });
    triggers[pool.poolId] = { PreSignUp: async (event) => answer(event, { autoConfirmUser: true }) };
    const result = await idpClient(emulator).send(new SignUpCommand({ ClientId: pool.clientId, Username: "ruth", Password: PASSWORD }));
    expect(result.UserConfirmed).toBe(true);
  });
});
