import {
  AdminDeleteUserCommand,
  AdminForgetDeviceCommand,
  AdminGetDeviceCommand,
  AdminListDevicesCommand,
  AdminUpdateDeviceStatusCommand,
  AdminUserGlobalSignOutCommand,
  ConfirmDeviceCommand,
  DescribeUserPoolCommand,
  ForgetDeviceCommand,
  GetDeviceCommand,
  GetTokensFromRefreshTokenCommand,
  InitiateAuthCommand,
  ListDevicesCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolCommand,
  type DeviceConfigurationType,
  type DeviceType,
} from "@aws-sdk/client-cognito-identity-provider";
import { CognitoUser, type CognitoUserPool, type CognitoUserSession } from "amazon-cognito-identity-js";
import { AuthenticationDetails } from "amazon-cognito-identity-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import {
  callback,
  claimsOf,
  createPool,
  createUser,
  failure,
  idpClient,
  MemoryStorage,
  outcome,
  PASSWORD,
  rejection,
  totp,
  type SignInOutcome,
  type TestPool,
} from "../../test/idp-harness.js";

/**
 * Device tracking, driven through amazon-cognito-identity-js (AWS's own client: it confirms the new
 * device itself, caches its key and secret, and answers DEVICE_SRP_AUTH from that cache on the next
 * sign-in) and the AWS SDK for the control plane.
 */

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.stop());
afterEach(() => {
  emulator.core.clock.offsetMs = 0;
});

const ALWAYS: DeviceConfigurationType = { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false };
const ON_PROMPT: DeviceConfigurationType = { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true };
const STEP_MS = 30_000;

type Request = (op: string, params: Record<string, unknown>, cb: (error: unknown, data?: Record<string, unknown>) => void) => void;

/**
 * Every request amazon-cognito-identity-js makes for a pool, as `Operation` or
 * `RespondToAuthChallenge:NAME`. Also mends one bug of that client: after an MFA answer it starts
 * DEVICE_SRP_AUTH with the MFA challenge's spent Session instead of the one just returned (its other
 * paths, and Amplify's current client, use the returned one), so DEVICE_SRP_AUTH is sent here with
 * the Session of the answer before it.
 */
function recordCalls(pool: CognitoUserPool): string[] {
  const calls: string[] = [];
  const client = (pool as unknown as { client: { request: Request } }).client;
  const original = client.request.bind(client);
  let lastSession: unknown;
  client.request = (op, params, cb) => {
    calls.push(op === "RespondToAuthChallenge" ? `${op}:${String(params["ChallengeName"])}` : op);
    if (params["ChallengeName"] === "DEVICE_SRP_AUTH") params["Session"] = lastSession;
    original(op, params, (error, data) => {
      lastSession = data?.["Session"];
      cb(error, data);
    });
  };
  return calls;
}

/** One browser: a user of amazon-cognito-identity-js over a storage that outlives its sign-ins. */
class Browser {
  readonly storage = new MemoryStorage();
  user!: CognitoUser;
  constructor(
    private readonly pool: CognitoUserPool,
    private readonly username: string,
  ) {}

  signIn(flow: "USER_SRP_AUTH" | "USER_PASSWORD_AUTH" = "USER_SRP_AUTH"): Promise<SignInOutcome & { confirmationNecessary?: boolean }> {
    this.user = new CognitoUser({ Username: this.username, Pool: this.pool, Storage: this.storage });
    this.user.setAuthenticationFlowType(flow);
    return new Promise((resolve) => {
      const { callbacks, result } = outcome();
      void result.then(resolve);
      this.user.authenticateUser(new AuthenticationDetails({ Username: this.username, Password: PASSWORD }), {
        ...callbacks,
        onSuccess: (session: CognitoUserSession, confirmationNecessary?: boolean) =>
          resolve({ kind: "success", session, ...(confirmationNecessary !== undefined ? { confirmationNecessary } : {}) }),
      });
    });
  }

  async signedIn(flow?: "USER_SRP_AUTH" | "USER_PASSWORD_AUTH"): Promise<CognitoUserSession & { confirmationNecessary?: boolean }> {
    const done = await this.signIn(flow);
    if (done.kind !== "success") throw new Error(`sign-in ended in ${done.kind}: ${JSON.stringify(done)}`);
    return Object.assign(done.session, done.confirmationNecessary !== undefined ? { confirmationNecessary: done.confirmationNecessary } : {});
  }

  /** Answers the TOTP challenge the last sign-in stopped at. */
  answerTotp(code: string): Promise<SignInOutcome> {
    const { callbacks, result } = outcome();
    this.user.sendMFACode(code, callbacks, "SOFTWARE_TOKEN_MFA");
    return result;
  }

  deviceKey(): string | null {
    return this.storage.getItem(`CognitoIdentityServiceProvider.${this.pool.getClientId()}.${this.username}.deviceKey`);
  }
}

/** A pool that tracks devices (or not, with `undefined`), with TOTP MFA available and OPTIONAL. */
async function devicePool(deviceConfiguration: DeviceConfigurationType | undefined): Promise<TestPool> {
  const pool = await createPool(emulator, deviceConfiguration ? { DeviceConfiguration: deviceConfiguration } : {});
  await setMfa(pool, "OPTIONAL");
  return pool;
}

async function setMfa(pool: TestPool, configuration: "ON" | "OPTIONAL"): Promise<void> {
  await idpClient(emulator).send(
    new SetUserPoolMfaConfigCommand({ UserPoolId: pool.poolId, MfaConfiguration: configuration, SoftwareTokenMfaConfiguration: { Enabled: true } }),
  );
}

/** TOTP registered for a signed-in user and made their MFA; returns the secret. */
async function registerTotp(user: CognitoUser): Promise<string> {
  const secret = await new Promise<string>((resolve, reject) => user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject }));
  await new Promise((resolve, reject) => user.verifySoftwareToken(totp(secret, emulator.core.clock.now()), "phone", { onSuccess: resolve, onFailure: reject }));
  await callback((done) => user.setUserMfaPreference(null, { Enabled: true, PreferredMfa: true }, done));
  return secret;
}

/** A code for a later time step than any used so far: the emulator clock moves on a step first. */
function nextCode(secret: string): string {
  emulator.core.clock.offsetMs += STEP_MS;
  return totp(secret, emulator.core.clock.now());
}

/** A user whose browser has a confirmed device (signed in with MFA off), then TOTP, then MFA ON for the pool. */
async function userWithDevice(deviceConfiguration: DeviceConfigurationType, username: string) {
  const pool = await devicePool(deviceConfiguration);
  await createUser(emulator, pool.poolId, username);
  const browser = new Browser(pool.jsPool, username);
  const first = await browser.signedIn();
  const secret = await registerTotp(browser.user);
  await setMfa(pool, "ON");
  return { pool, browser, first, secret };
}

function attributes(device: DeviceType | undefined): Record<string, string> {
  return Object.fromEntries((device?.DeviceAttributes ?? []).map((a) => [a.Name!, a.Value!]));
}

const deviceKeyPattern = /^[a-z]+-[a-z]+-\d_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("DeviceConfiguration and NewDeviceMetadata", () => {
  it("hands a new device key out, and puts it in the access token, only where the pool tracks devices", async () => {
    const idp = idpClient(emulator);
    const untracked = await devicePool(undefined);
    await createUser(emulator, untracked.poolId, "ada");
    const plain = await idp.send(
      new InitiateAuthCommand({ ClientId: untracked.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "ada", PASSWORD } }),
    );
    expect(plain.AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
    expect(claimsOf(plain.AuthenticationResult!.AccessToken!)["device_key"]).toBeUndefined();
    expect((await idp.send(new DescribeUserPoolCommand({ UserPoolId: untracked.poolId }))).UserPool?.DeviceConfiguration).toBeUndefined();

    const tracked = await devicePool({ DeviceOnlyRememberedOnUserPrompt: true });
    expect((await idp.send(new DescribeUserPoolCommand({ UserPoolId: tracked.poolId }))).UserPool?.DeviceConfiguration).toEqual({
      ChallengeRequiredOnNewDevice: false,
      DeviceOnlyRememberedOnUserPrompt: true,
    });
    await createUser(emulator, tracked.poolId, "ada");
    const signIn = () =>
      idp.send(new InitiateAuthCommand({ ClientId: tracked.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: "ada", PASSWORD } }));
    const first = await signIn();
    const metadata = first.AuthenticationResult?.NewDeviceMetadata;
    expect(metadata?.DeviceKey).toMatch(deviceKeyPattern);
    expect(metadata?.DeviceGroupKey).toMatch(/^\S+$/);
    expect(claimsOf(first.AuthenticationResult!.AccessToken!)["device_key"]).toBe(metadata?.DeviceKey);
    // Each sign-in without a device is a new device; the group stays the user's.
    const second = (await signIn()).AuthenticationResult?.NewDeviceMetadata;
    expect(second?.DeviceKey).not.toBe(metadata?.DeviceKey);
    expect(second?.DeviceGroupKey).toBe(metadata?.DeviceGroupKey);

    // UpdateUserPool without DeviceConfiguration switches tracking off, as it resets every member left out.
    await idp.send(new UpdateUserPoolCommand({ UserPoolId: tracked.poolId }));
    expect((await idp.send(new DescribeUserPoolCommand({ UserPoolId: tracked.poolId }))).UserPool?.DeviceConfiguration).toBeUndefined();
    expect((await signIn()).AuthenticationResult?.NewDeviceMetadata).toBeUndefined();
  });
});

describe("remembered devices", () => {
  it("are confirmed by amazon-cognito-identity-js, remembered at once, and then stand in for MFA through DEVICE_SRP_AUTH", async () => {
    const { pool, browser, first } = await userWithDevice(ALWAYS, "bea");
    // Remembered at once: amazon-cognito-identity-js reports no confirmation to ask the user for.
    expect(first.confirmationNecessary).toBeUndefined();
    expect((await idpClient(emulator).send(new ListDevicesCommand({ AccessToken: first.getAccessToken().getJwtToken() }))).Devices).toHaveLength(1);
    const deviceKey = browser.deviceKey();
    expect(deviceKey).toMatch(deviceKeyPattern);
    expect(claimsOf(first.getAccessToken().getJwtToken())["device_key"]).toBe(deviceKey);

    // Another browser is a new device: MFA is asked.
    const stranger = new Browser(pool.jsPool, "bea");
    expect((await stranger.signIn()).kind).toBe("totpRequired");

    // The remembered device signs in without MFA, proving itself instead.
    const calls = recordCalls(pool.jsPool);
    const again = await browser.signedIn();
    expect(calls).toEqual([
      "InitiateAuth",
      "RespondToAuthChallenge:PASSWORD_VERIFIER",
      "RespondToAuthChallenge:DEVICE_SRP_AUTH",
      "RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER",
    ]);
    expect(claimsOf(again.getAccessToken().getJwtToken())["device_key"]).toBe(deviceKey);

    // USER_PASSWORD_AUTH with DEVICE_KEY goes the same way: DEVICE_SRP_AUTH answers InitiateAuth.
    calls.length = 0;
    await browser.signedIn("USER_PASSWORD_AUTH");
    expect(calls).toEqual(["InitiateAuth", "RespondToAuthChallenge:DEVICE_SRP_AUTH", "RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER"]);
  });

  it("do not replace MFA where ChallengeRequiredOnNewDevice is false: MFA, then the device proves itself", async () => {
    const { pool, browser, secret } = await userWithDevice({ ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: false }, "cyd");
    const calls = recordCalls(pool.jsPool);
    expect((await browser.signIn()).kind).toBe("totpRequired");
    expect((await browser.answerTotp(nextCode(secret))).kind).toBe("success");
    expect(calls.slice(1)).toEqual([
      "RespondToAuthChallenge:PASSWORD_VERIFIER",
      "RespondToAuthChallenge:SOFTWARE_TOKEN_MFA",
      "RespondToAuthChallenge:DEVICE_SRP_AUTH",
      "RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER",
    ]);
  });

  it("stay not remembered under DeviceOnlyRememberedOnUserPrompt until UpdateDeviceStatus, and get MFA until then", async () => {
    const { pool, browser, first, secret } = await userWithDevice(ON_PROMPT, "dot");
    expect(first.confirmationNecessary).toBe(true);
    const deviceKey = browser.deviceKey()!;
    const idp = idpClient(emulator);
    const admin = await idp.send(new AdminGetDeviceCommand({ UserPoolId: pool.poolId, Username: "dot", DeviceKey: deviceKey }));
    expect(attributes(admin.Device)["dev:device_remembered_status"]).toBe("not_remembered");

    // Confirmed but not remembered: MFA first, then the device proves itself.
    const calls = recordCalls(pool.jsPool);
    expect((await browser.signIn()).kind).toBe("totpRequired");
    expect((await browser.answerTotp(nextCode(secret))).kind).toBe("success");
    expect(calls).toContain("RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER");

    await callback((done) => browser.user.setDeviceStatusRemembered({ onSuccess: (r) => done(null, r), onFailure: done }));
    calls.length = 0;
    await browser.signedIn();
    expect(calls).not.toContain("RespondToAuthChallenge:SOFTWARE_TOKEN_MFA");
    expect(calls).toContain("RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER");

    // And not remembered again (the administrator's way): MFA is back.
    await idp.send(
      new AdminUpdateDeviceStatusCommand({ UserPoolId: pool.poolId, Username: "dot", DeviceKey: deviceKey, DeviceRememberedStatus: "not_remembered" }),
    );
    expect((await browser.signIn()).kind).toBe("totpRequired");
  });

  it("once forgotten sign in as a new device, with MFA; a stale key is refused with ResourceNotFoundException and dropped by the client", async () => {
    const { pool, browser, secret } = await userWithDevice(ALWAYS, "eve");
    const idp = idpClient(emulator);
    const deviceKey = browser.deviceKey()!;

    // Forgotten by the administrator: the browser still holds the key.
    await idp.send(new AdminForgetDeviceCommand({ UserPoolId: pool.poolId, Username: "eve", DeviceKey: deviceKey }));
    expect(
      await rejection(
        idp.send(
          new InitiateAuthCommand({
            ClientId: pool.clientId,
            AuthFlow: "USER_PASSWORD_AUTH",
            AuthParameters: { USERNAME: "eve", PASSWORD, DEVICE_KEY: deviceKey },
          }),
        ),
      ),
    ).toBe("ResourceNotFoundException: Device does not exist.");
    const calls = recordCalls(pool.jsPool);
    expect((await browser.signIn()).kind).toBe("totpRequired");
    // amazon-cognito-identity-js answered PASSWORD_VERIFIER again without the key, on the same SECRET_BLOCK.
    expect(calls).toEqual(["InitiateAuth", "RespondToAuthChallenge:PASSWORD_VERIFIER", "RespondToAuthChallenge:PASSWORD_VERIFIER"]);
    expect(browser.deviceKey()).toBeNull();
    const signedIn = await browser.answerTotp(nextCode(secret));
    expect(signedIn.kind).toBe("success");
    const newKey = browser.deviceKey();
    expect(newKey).toMatch(deviceKeyPattern);
    expect(newKey).not.toBe(deviceKey);

    // Forgotten by the user (ForgetDevice): the next sign-in is asked for MFA again.
    await callback((done) => browser.user.forgetDevice({ onSuccess: (r) => done(null, r), onFailure: done }));
    expect(browser.deviceKey()).toBeNull();
    expect((await browser.signIn()).kind).toBe("totpRequired");
    expect(await rejection(idp.send(new AdminGetDeviceCommand({ UserPoolId: pool.poolId, Username: "eve", DeviceKey: newKey! })))).toBe(
      "ResourceNotFoundException: Device does not exist.",
    );
  });

  it("refuses a wrong device proof with NotAuthorizedException", async () => {
    const { pool, browser } = await userWithDevice(ALWAYS, "fay");
    const secretKey = `CognitoIdentityServiceProvider.${pool.clientId}.fay.randomPasswordKey`;
    browser.storage.setItem(secretKey, "not-the-device-secret");
    expect(await failure(browser.signIn())).toBe("NotAuthorizedException: Incorrect username or password.");
  });
});

describe("device operations", () => {
  it("lists, gets and forgets devices for the user (remembered ones) and the administrator (all confirmed ones)", async () => {
    const pool = await devicePool(ON_PROMPT);
    await createUser(emulator, pool.poolId, "gus");
    const idp = idpClient(emulator);
    const phone = new Browser(pool.jsPool, "gus");
    const laptop = new Browser(pool.jsPool, "gus");
    const phoneSession = await phone.signedIn();
    await laptop.signedIn();
    const phoneKey = phone.deviceKey()!;
    const laptopKey = laptop.deviceKey()!;

    // Not yet remembered: the user does not see them; the administrator does.
    const listed = (session: CognitoUserSession) => idp.send(new ListDevicesCommand({ AccessToken: session.getAccessToken().getJwtToken(), Limit: 10 }));
    expect((await listed(phoneSession)).Devices).toEqual([]);
    expect(
      await rejection(
        new Promise((resolve, reject) =>
          phone.user.getDevice({ onSuccess: resolve, onFailure: (e: Error & { code?: string }) => reject(Object.assign(e, { name: e.code })) }),
        ),
      ),
    ).toBe("ResourceNotFoundException: Device does not exist.");
    const all = await idp.send(new AdminListDevicesCommand({ UserPoolId: pool.poolId, Username: "gus" }));
    expect(all.Devices?.map((d) => d.DeviceKey)).toEqual([phoneKey, laptopKey]);

    await callback((done) => phone.user.setDeviceStatusRemembered({ onSuccess: (r) => done(null, r), onFailure: done }));
    const got = await new Promise<{ Device: DeviceType }>((resolve, reject) =>
      phone.user.getDevice({ onSuccess: (r) => resolve(r as unknown as { Device: DeviceType }), onFailure: reject }),
    );
    const now = emulator.core.clock.now() / 1000;
    expect(got.Device.DeviceKey).toBe(phoneKey);
    expect(attributes(got.Device)).toMatchObject({
      device_status: "valid",
      "dev:device_remembered_status": "remembered",
      "dev:device_owner": `gus.${pool.poolId}`,
      "dev:device_arn": `arn:aws:cognito-idp:${pool.poolId.split("_")[0]}:000000000000:owner/gus.${pool.poolId}/device/${phoneKey}`,
    });
    // amazon-cognito-identity-js names the device after its user agent.
    expect(attributes(got.Device)["device_name"]).toMatch(/\S/);
    for (const date of [got.Device.DeviceCreateDate, got.Device.DeviceLastModifiedDate, got.Device.DeviceLastAuthenticatedDate]) {
      expect(Math.abs(Number(date) - now)).toBeLessThan(60);
    }
    const mine = await new Promise<{ Devices: DeviceType[] }>((resolve, reject) => phone.user.listDevices(60, null, { onSuccess: resolve, onFailure: reject }));
    expect(mine.Devices.map((d) => d.DeviceKey)).toEqual([phoneKey]);

    // The administrator's view pages.
    const page1 = await idp.send(new AdminListDevicesCommand({ UserPoolId: pool.poolId, Username: "gus", Limit: 1 }));
    expect(page1.Devices?.map((d) => d.DeviceKey)).toEqual([phoneKey]);
    const page2 = await idp.send(new AdminListDevicesCommand({ UserPoolId: pool.poolId, Username: "gus", Limit: 1, PaginationToken: page1.PaginationToken }));
    expect(page2.Devices?.map((d) => d.DeviceKey)).toEqual([laptopKey]);
    expect(page2.PaginationToken).toBeUndefined();

    await callback((done) => phone.user.forgetDevice({ onSuccess: (r) => done(null, r), onFailure: done }));
    expect((await idp.send(new AdminListDevicesCommand({ UserPoolId: pool.poolId, Username: "gus" }))).Devices?.map((d) => d.DeviceKey)).toEqual([laptopKey]);
    expect(
      await rejection(
        idp.send(new AdminUpdateDeviceStatusCommand({ UserPoolId: pool.poolId, Username: "gus", DeviceKey: phoneKey, DeviceRememberedStatus: "remembered" })),
      ),
    ).toBe("ResourceNotFoundException: Device does not exist.");
  });

  it("confirm only the user's own new device keys, once, and are another user's to no one", async () => {
    const pool = await devicePool(ALWAYS);
    await createUser(emulator, pool.poolId, "jo");
    await createUser(emulator, pool.poolId, "kim");
    const idp = idpClient(emulator);
    const signIn = async (username: string) =>
      (await idp.send(new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: username, PASSWORD } })))
        .AuthenticationResult!;
    const jo = await signIn("jo");
    const kim = await signIn("kim");
    const joKey = jo.NewDeviceMetadata!.DeviceKey!;
    const verifier = { PasswordVerifier: Buffer.from("0badc0de", "hex").toString("base64"), Salt: Buffer.from("00ff", "hex").toString("base64") };
    const confirm = (accessToken: string, deviceKey: string) =>
      idp.send(new ConfirmDeviceCommand({ AccessToken: accessToken, DeviceKey: deviceKey, DeviceSecretVerifierConfig: verifier, DeviceName: "test" }));

    expect(await rejection(confirm(jo.AccessToken!, kim.NewDeviceMetadata!.DeviceKey!))).toBe("InvalidParameterException: Invalid device key given.");
    expect((await confirm(jo.AccessToken!, joKey)).UserConfirmationNecessary).toBe(false);
    expect(await rejection(confirm(jo.AccessToken!, joKey))).toBe("DeviceKeyExistsException: Device key already exists.");
    expect((await idp.send(new GetDeviceCommand({ AccessToken: jo.AccessToken!, DeviceKey: joKey }))).Device?.DeviceKey).toBe(joKey);
    expect(await rejection(idp.send(new GetDeviceCommand({ AccessToken: kim.AccessToken!, DeviceKey: joKey })))).toBe(
      "ResourceNotFoundException: Device does not exist.",
    );
    expect(await rejection(idp.send(new ForgetDeviceCommand({ AccessToken: kim.AccessToken!, DeviceKey: joKey })))).toBe(
      "ResourceNotFoundException: Device does not exist.",
    );
    expect(await rejection(idp.send(new ForgetDeviceCommand({ DeviceKey: joKey })))).toMatch(/^NotAuthorizedException: /);
    await idp.send(new ForgetDeviceCommand({ AccessToken: jo.AccessToken!, DeviceKey: joKey }));
    expect(await rejection(idp.send(new GetDeviceCommand({ AccessToken: jo.AccessToken!, DeviceKey: joKey })))).toBe(
      "ResourceNotFoundException: Device does not exist.",
    );
  });

  it("keeps devices through a global sign-out and drops them with the user", async () => {
    const { pool, browser } = await userWithDevice(ALWAYS, "hal");
    const idp = idpClient(emulator);
    await idp.send(new AdminUserGlobalSignOutCommand({ UserPoolId: pool.poolId, Username: "hal" }));
    expect((await idp.send(new AdminListDevicesCommand({ UserPoolId: pool.poolId, Username: "hal" }))).Devices).toHaveLength(1);
    // Still remembered: no MFA.
    await browser.signedIn();

    await idp.send(new AdminDeleteUserCommand({ UserPoolId: pool.poolId, Username: "hal" }));
    await createUser(emulator, pool.poolId, "hal");
    expect((await idp.send(new AdminListDevicesCommand({ UserPoolId: pool.poolId, Username: "hal" }))).Devices).toEqual([]);
  });
});

describe("refresh tokens of a sign-in on a device", () => {
  it("work only with that device's key, and stop once the device is forgotten", async () => {
    const pool = await devicePool(ALWAYS);
    await createUser(emulator, pool.poolId, "ivy");
    const browser = new Browser(pool.jsPool, "ivy");
    const session = await browser.signedIn();
    const deviceKey = browser.deviceKey()!;
    const refreshToken = session.getRefreshToken().getToken();
    const idp = idpClient(emulator);

    // amazon-cognito-identity-js sends the cached DEVICE_KEY with REFRESH_TOKEN_AUTH.
    const renewed = await callback<CognitoUserSession>((done) => browser.user.refreshSession(session.getRefreshToken(), done));
    expect(claimsOf(renewed.getAccessToken().getJwtToken())["device_key"]).toBe(deviceKey);

    const refresh = (parameters: Record<string, string>) =>
      idp.send(
        new InitiateAuthCommand({ ClientId: pool.clientId, AuthFlow: "REFRESH_TOKEN_AUTH", AuthParameters: { REFRESH_TOKEN: refreshToken, ...parameters } }),
      );
    expect(await rejection(refresh({}))).toBe("NotAuthorizedException: Invalid Refresh Token");
    expect(await rejection(refresh({ DEVICE_KEY: `us-east-1_${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}` }))).toBe(
      "NotAuthorizedException: Invalid Refresh Token",
    );
    const fromRefresh = await idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: pool.clientId, RefreshToken: refreshToken, DeviceKey: deviceKey }));
    expect(claimsOf(fromRefresh.AuthenticationResult!.AccessToken!)["device_key"]).toBe(deviceKey);

    await idp.send(new AdminForgetDeviceCommand({ UserPoolId: pool.poolId, Username: "ivy", DeviceKey: deviceKey }));
    expect(await rejection(refresh({ DEVICE_KEY: deviceKey }))).toBe("NotAuthorizedException: Invalid Refresh Token");
  });
});
