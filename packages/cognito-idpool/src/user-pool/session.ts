/**
 * User-pool sign-in, loaded by the core with `import("./user-pool/session.js")` on first use so a
 * guest-only page never downloads it. Signs in with SRP (or USER_PASSWORD_AUTH), walks the
 * challenges, signs up, resets passwords, keeps the tokens alive and hands the ID token to the
 * identity pool as the login under its issuer.
 */
import type { AuthenticationResultType, ChallengeNameType, InitiateAuthResponse } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoIdpoolError, errorCode, isCognitoIdpoolError } from "../errors.js";
import { clientMetadataOf, createAccount, mfaMethodOf, MFA_NAMES, requireFields, toCodeDelivery, totpSetup } from "./account.js";
import { call, createUserPoolApi, type ChunkKit, type UserPoolApi } from "./client.js";
import type {
  AuthFlow,
  ChallengeName,
  ConfirmSignInInput,
  ConfirmSignUpInput,
  FirstFactor,
  MfaMethod,
  CreateUserPoolSession,
  SignInInput,
  SignInResult,
  SignUpInput,
  SignUpResult,
  StartUserPoolSession,
  UserPoolHost,
  UserPoolSession,
} from "./contract.js";
import { classify } from "../aws/outcome.js";
import { hostOf } from "./host.js";
import { createTokenKeeper, type TokenKeeper } from "./keeper.js";
import { formatSrpTimestamp, newDeviceSecret, startSrp } from "./srp.js";
import type { DeviceKit } from "./devices.js";
import type { OAuthTokens, OAuthWindow } from "./oauth.js";
import { malformedAnswer } from "./errors.js";
import { parseStoredTokens, withClaims, type Tokens } from "./tokens.js";

/**
 * The answer's name in ChallengeResponses, per challenge. MFA_SETUP is answered in steps (see
 * `setUpMfa`); PASSWORD and PASSWORD_SRP are our own steps after SELECT_CHALLENGE, answered as
 * SELECT_CHALLENGE; WEB_AUTHN is answered by the browser's passkey prompt.
 */
const ANSWER_FIELD: Record<ChallengeName, string> = {
  NEW_PASSWORD_REQUIRED: "NEW_PASSWORD",
  SOFTWARE_TOKEN_MFA: "SOFTWARE_TOKEN_MFA_CODE",
  SMS_MFA: "SMS_MFA_CODE",
  EMAIL_OTP: "EMAIL_OTP_CODE",
  SELECT_MFA_TYPE: "ANSWER",
  MFA_SETUP: "",
  CUSTOM_CHALLENGE: "ANSWER",
  SELECT_CHALLENGE: "ANSWER",
  SMS_OTP: "SMS_OTP_CODE",
  PASSWORD: "PASSWORD",
  PASSWORD_SRP: "",
  WEB_AUTHN: "",
};
const FLOWS: readonly string[] = ["USER_SRP_AUTH", "USER_PASSWORD_AUTH", "CUSTOM_AUTH", "CUSTOM_WITH_SRP", "USER_AUTH"] satisfies AuthFlow[];
const FIRST_FACTORS: readonly string[] = ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"] satisfies FirstFactor[];

interface PendingChallenge {
  name: ChallengeName;
  session: string;
  /** SELECT_MFA_TYPE and MFA_SETUP: the methods offered. */
  mfaTypes: MfaMethod[];
  /** MFA_SETUP: the method being set up, once chosen. */
  setup?: "totp" | "email";
  /** SELECT_CHALLENGE: the first factors offered. */
  factors: FirstFactor[];
  /** WEB_AUTHN: the challenge's CREDENTIAL_REQUEST_OPTIONS, for asking the browser again after a dismissed prompt. */
  requestOptions?: string | undefined;
  /** The username Cognito wants back in ChallengeResponses (USER_ID_FOR_SRP when it gave one). */
  username: string;
}

/**
 * Creates the user-pool session for a host.
 */
export const createUserPoolSession: CreateUserPoolSession = (host) => createUserPoolSessionWith(host, createUserPoolApi(host));

/**
 * Creates the user-pool session from the core's parts. This is the export the core loads lazily.
 */
export const startUserPoolSession: StartUserPoolSession = (core) => createUserPoolSession(hostOf(core));

/**
 * {@link createUserPoolSession} with the wire client given, so unit tests can script the user pool.
 */
export function createUserPoolSessionWith(host: UserPoolHost, api: UserPoolApi): UserPoolSession {
  const { userPoolId, clientId } = host.options;
  const keeper: TokenKeeper = createTokenKeeper(host, api);
  let pending: PendingChallenge | undefined;
  const kit: ChunkKit = { Error: CognitoIdpoolError, send: (operation, input) => call(() => api.send(operation, input)), malformedAnswer };
  const deviceKit: DeviceKit = { ...kit, host, srp: { startSrp, formatSrpTimestamp, newDeviceSecret } };
  /** Bumped when the session ends in this page: a sign-in or restore that began before it is void. */
  let epoch = 0;
  /** Throws `cancelled` when the session ended since `started` (checked after every await of a sign-in). */
  const live = (started: number) => {
    if (started !== epoch) throw cancelled();
  };

  async function signedIn(result: AuthenticationResultType, started: number): Promise<SignInResult> {
    live(started);
    pending = undefined;
    if (!result.IdToken || !result.AccessToken || !result.RefreshToken) {
      throw new CognitoIdpoolError("service-error", "The user pool signed the user in but returned no ID, access or refresh token.");
    }
    const tokens = withClaims({
      version: 1,
      userPoolId,
      clientId,
      idToken: result.IdToken,
      accessToken: result.AccessToken,
      refreshToken: result.RefreshToken,
    });
    await keeper.adopt(tokens);
    try {
      live(started);
      await setLogins(tokens);
    } catch (error) {
      await rollBack(tokens);
      throw error;
    }
    if (result.NewDeviceMetadata) {
      // The pool tracks devices and met this browser for the first time. Not being able to confirm
      // it costs only MFA at the next sign-in, so it does not fail this one.
      await loadDevices()
        .then((devices) => devices.confirmNewDevice(deviceKit, result.NewDeviceMetadata!, tokens.username, tokens.accessToken))
        .catch((error: unknown) => host.logger.warn("user pool: could not confirm this device", { code: errorCode(error) }));
    }
    return { status: "signedIn" };
  }

  function setLogins(tokens: Tokens): Promise<void> {
    return host.setLogins({ [tokens.loginKey]: async () => (await keeper.fresh()).idToken });
  }

  /** Half signed in (user pool yes, identity pool no) is a state no app wants: forget the tokens, unless others replaced them meanwhile. */
  async function rollBack(tokens: Tokens): Promise<void> {
    if (keeper.current() === tokens) await keeper.forget().catch(() => undefined);
  }

  /** Turns an InitiateAuth / RespondToAuthChallenge answer into a result. */
  async function next(out: Answer, username: string, started: number, metadata: Metadata = {}): Promise<SignInResult> {
    live(started);
    if (out.AuthenticationResult) return signedIn(out.AuthenticationResult, started);
    const name = out.ChallengeName;
    const params = out.ChallengeParameters ?? {};
    if (name === "DEVICE_SRP_AUTH") {
      // A remembered device is proved with its secret, without the user.
      const user = params["USERNAME"] ?? username;
      const devices = await loadDevices();
      const device = await devices.storedDevice(host, user);
      if (!device) throw new CognitoIdpoolError("service-error", "The user pool asked this browser to prove a device it has no secret for.");
      return next(await devices.proveDevice(deviceKit, device, out.Session, user, metadata), user, started, metadata);
    }
    if (!name || !Object.hasOwn(ANSWER_FIELD, name) || !out.Session) {
      pending = undefined;
      throw new CognitoIdpoolError("service-error", `The user pool asked for the ${name ?? "unnamed"} challenge, which cognito-idpool does not support.`);
    }
    const challenge = name as ChallengeName;
    const offered = parseJson<string[]>(params[challenge === "MFA_SETUP" ? "MFAS_CAN_SETUP" : "MFAS_CAN_CHOOSE"], []);
    const mfaTypes = offered.map(mfaMethodOf).filter((m): m is MfaMethod => m !== undefined);
    const factors = (out.AvailableChallenges ?? []).filter((f): f is FirstFactor => FIRST_FACTORS.includes(f));
    pending = {
      name: challenge,
      session: out.Session,
      mfaTypes,
      factors,
      requestOptions: params["CREDENTIAL_REQUEST_OPTIONS"],
      username: params["USER_ID_FOR_SRP"] ?? params["USERNAME"] ?? username,
    };
    if (challenge === "WEB_AUTHN") return passkeyStep(pending, started, metadata);
    // Only one method can be set up: there is nothing to choose.
    if (challenge === "MFA_SETUP" && mfaTypes.length === 1) return setUpMfa(pending, mfaTypes[0]!, started);
    const result: Extract<SignInResult, { status: "challenge" }> = { status: "challenge", challenge };
    if (params["CODE_DELIVERY_DESTINATION"]) result.codeDeliveryDestination = params["CODE_DELIVERY_DESTINATION"];
    if (challenge === "NEW_PASSWORD_REQUIRED") {
      result.requiredAttributes = parseJson<string[]>(params["requiredAttributes"], []).map((a) => a.replace(/^userAttributes\./, ""));
      result.userAttributes = parseJson<Record<string, string>>(params["userAttributes"], {});
    }
    if (challenge === "SELECT_MFA_TYPE" || challenge === "MFA_SETUP") result.mfaTypes = mfaTypes;
    if (challenge === "CUSTOM_CHALLENGE") result.parameters = { ...params };
    if (challenge === "SELECT_CHALLENGE") result.availableChallenges = factors;
    return result;
  }

  /**
   * WEB_AUTHN: the browser's passkey prompt with the pool's options, its credential the answer. A
   * dismissed or failed prompt rejects and leaves the challenge pending, so `confirmSignIn({
   * answer: "WEB_AUTHN" })` can ask again while the pool's session lasts.
   */
  async function passkeyStep(challenge: PendingChallenge, started: number, metadata: Metadata): Promise<SignInResult> {
    const { passkeyAssertion } = await load(() => import("./passkeys.js"));
    const credential = await passkeyAssertion(kit, challenge.requestOptions);
    live(started);
    return respond(challenge, "WEB_AUTHN", { USERNAME: challenge.username, CREDENTIAL: credential }, started, metadata);
  }

  /** RespondToAuthChallenge for the pending challenge; a session the pool no longer takes ends it here too. */
  async function respond(
    challenge: PendingChallenge,
    ChallengeName: ChallengeNameType,
    ChallengeResponses: Record<string, string>,
    started: number,
    metadata: Metadata,
  ): Promise<SignInResult> {
    let out;
    try {
      out = await call(() =>
        api.send("RespondToAuthChallenge", { ChallengeName, ClientId: clientId, Session: challenge.session, ChallengeResponses, ...metadata }),
      );
    } catch (error) {
      // A wrong code or a weak new password may be retried with the same session; an expired or
      // used-up session may not.
      if (isCognitoIdpoolError(error, "session-expired") || isCognitoIdpoolError(error, "not-authorized")) pending = undefined;
      throw error;
    }
    return next(out, challenge.username, started, metadata);
  }

  /**
   * MFA_SETUP once a method is chosen. TOTP: a secret from AssociateSoftwareToken, then the first
   * code (VerifySoftwareToken), then MFA_SETUP is answered. Email: the address is the answer, and an
   * EMAIL_OTP challenge follows. SMS is set up by the pool from the phone number, not here.
   */
  async function setUpMfa(challenge: PendingChallenge, method: MfaMethod, started: number): Promise<SignInResult> {
    if (method === "sms" || !challenge.mfaTypes.includes(method)) {
      throw new CognitoIdpoolError("invalid-argument", `confirmSignIn: set up one of ${challenge.mfaTypes.filter((m) => m !== "sms").join(", ")} here.`);
    }
    const result: Extract<SignInResult, { status: "challenge" }> = { status: "challenge", challenge: "MFA_SETUP", mfaTypes: challenge.mfaTypes, setup: method };
    if (method === "totp") {
      const out = await call(() => api.send("AssociateSoftwareToken", { Session: challenge.session }));
      live(started);
      if (!out.SecretCode || !out.Session) throw new CognitoIdpoolError("service-error", "AssociateSoftwareToken returned no secret or session.");
      challenge.session = out.Session;
      result.totpSetup = totpSetup(out.SecretCode, challenge.username);
    }
    challenge.setup = method;
    return result;
  }

  /**
   * SRP: the password proves itself without leaving the page. `begin` sends SRP_A (InitiateAuth for
   * USER_SRP_AUTH, CUSTOM_WITH_SRP and USER_AUTH, or the answer to SELECT_CHALLENGE) and resolves
   * to the PASSWORD_VERIFIER challenge. A remembered device of the user is named in the proof.
   */
  async function srpSignIn(password: string, since: number, metadata: Metadata, begin: (srpA: string) => Promise<Answer>) {
    const srp = startSrp();
    const started = await call(() => begin(srp.srpA));
    const { USER_ID_FOR_SRP: userIdForSrp, SRP_B: srpB, SALT: salt, SECRET_BLOCK: secretBlock } = started.ChallengeParameters ?? {};
    if (started.ChallengeName !== "PASSWORD_VERIFIER" || !userIdForSrp || !srpB || !salt || !secretBlock) {
      throw new CognitoIdpoolError(
        "service-error",
        `USER_SRP_AUTH answered ${started.ChallengeName ?? "without a challenge"} instead of PASSWORD_VERIFIER with SRP_B, SALT and SECRET_BLOCK.`,
      );
    }
    // Cognito checks TIMESTAMP against its own clock, so a wrong device clock must not leak in.
    const timestamp = formatSrpTimestamp(host.serverNow());
    const poolName = userPoolId.slice(userPoolId.indexOf("_") + 1);
    const signature = await srp.passwordClaimSignature({ poolName, userIdForSrp, password, srpB, salt, secretBlock, timestamp });
    const verified = await call(() =>
      withDevice(userIdForSrp, (device) =>
        api.send("RespondToAuthChallenge", {
          ChallengeName: "PASSWORD_VERIFIER",
          ClientId: clientId,
          Session: started.Session,
          ChallengeResponses: {
            USERNAME: userIdForSrp,
            PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
            TIMESTAMP: timestamp,
            PASSWORD_CLAIM_SIGNATURE: signature,
            ...device,
          },
          ...metadata,
        }),
      ),
    );
    return next(verified, userIdForSrp, since, metadata);
  }

  /**
   * Sends `request` naming the user's remembered device in this browser (`{ DEVICE_KEY }`, or `{}`
   * without one). A device the pool no longer knows (forgotten elsewhere, or the user recreated) is
   * refused without spending the sign-in: the record is dropped and the request sent again without
   * it. Only the storage read happens on every sign-in; the devices module loads where one is used.
   */
  async function withDevice<T>(username: string, request: (device: { DEVICE_KEY?: string }) => Promise<T>): Promise<T> {
    const stored = (await host.storage.get(host.deviceKey(username)).catch(() => undefined)) as { deviceKey?: unknown } | undefined;
    if (typeof stored?.deviceKey !== "string") return request({});
    try {
      return await request({ DEVICE_KEY: stored.deviceKey });
    } catch (error) {
      if (classify(error).type !== "ResourceNotFoundException") throw error;
      host.logger.debug("user pool: the remembered device is unknown to the pool; signing in without it");
      await host.storage.del(host.deviceKey(username)).catch(() => undefined);
      return request({});
    }
  }

  function loadDevices() {
    return load(() => import("./devices.js"));
  }

  const account = createAccount({
    host,
    api,
    keeper,
    setLogins,
    async userDeleted() {
      // As a sign-out that nobody can revoke any more: the user and its tokens are gone at the pool.
      end();
      await Promise.all([host.storage.del(host.tokensKey), host.endSession("userDeleted", false)]);
    },
  });

  /** The redirect and popup sign-in, made on first use; `userPool.oauth` must be set. */
  let oauth: Promise<ReturnType<typeof import("./oauth.js").createOAuth>> | undefined;
  function loadOAuth(method: string) {
    const options = host.options.oauth;
    if (!options) return Promise.reject(invalid(`${method}: needs the userPool.oauth option ({ domain, redirectUri }).`));
    oauth ??= load(() => import("./oauth.js")).then((m) =>
      m.createOAuth({
        ...kit,
        options: { ...options, clientId },
        base: domainUrl(options.domain),
        attemptKey: host.oauthKey,
        fetch: host.fetch ?? globalThis.fetch.bind(globalThis),
        window: globalThis as unknown as OAuthWindow,
        timers: host.timers,
        now: host.serverNow,
        observeServerDate: host.observeServerDate,
        signedIn: oauthSignedIn,
      }),
    );
    return oauth;
  }

  /**
   * Tokens from the token endpoint: checked as a sign-in's (the ID token is for this app client,
   * from this pool, unexpired, with the attempt's nonce), then taken like `signIn`'s.
   */
  async function oauthSignedIn(tokens: OAuthTokens, nonce: string): Promise<void> {
    if (keeper.current()) throw invalid("A user is already signed in; call signOut() first.");
    const started = epoch;
    const { claims, expiresAt } = withClaims({
      version: 1,
      userPoolId,
      clientId,
      idToken: tokens.IdToken,
      accessToken: tokens.AccessToken,
      refreshToken: tokens.RefreshToken,
    });
    const issuer = `https://cognito-idp.${host.region}.amazonaws.com/${userPoolId}`;
    const wrong =
      claims["iss"] !== issuer
        ? "issuer"
        : claims["aud"] !== clientId
          ? "audience"
          : claims["nonce"] !== nonce
            ? "nonce"
            : expiresAt <= host.serverNow()
              ? "expiry"
              : undefined;
    if (wrong) throw new CognitoIdpoolError("oauth-error", `The login pages' ID token has the wrong ${wrong}.`, { cause: { error: "invalid_token" } });
    pending = undefined;
    await signedIn(tokens, started);
  }

  return {
    ...account,
    logoutUrl() {
      const oauth = host.options.oauth;
      if (!oauth?.logoutUri) throw invalid("signOut({ redirect: true }) needs userPool.oauth with a logoutUri.");
      return `${domainUrl(oauth.domain)}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: oauth.logoutUri })}`;
    },
    signInWithRedirect: async (input) => (await loadOAuth("signInWithRedirect")).signInWithRedirect(input),
    handleRedirect: async () => (await loadOAuth("handleRedirect")).handleRedirect(),
    signInWithPopup: async (input) => (await loadOAuth("signInWithPopup")).signInWithPopup(input),
    passkeys: lazily(
      () => load(() => import("./passkeys.js")).then((m) => m.createPasskeys(kit, async () => (await keeper.fresh()).accessToken)),
      ["register", "list", "delete"],
    ),
    devices: lazily(
      () =>
        loadDevices().then((m) =>
          m.createDevices({
            kit: deviceKit,
            user: async () => {
              const t = await keeper.fresh();
              return { username: t.username, accessToken: t.accessToken, deviceKey: t.deviceKey };
            },
          }),
        ),
      ["remember", "forget", "list"],
    ),

    async restore() {
      const started = epoch;
      if (!(await keeper.load())) return false;
      let tokens: Tokens | undefined;
      try {
        await keeper.fresh().catch((error: unknown) => {
          if (sessionEnded(error)) throw error;
          // Offline: keep the session; the login function renews once the network is back.
          host.logger.debug("user pool: could not renew the ID token while restoring", { code: errorCode(error) });
        });
        tokens = keeper.current();
        live(started);
        if (!tokens) return false;
        try {
          await setLogins(tokens);
        } catch (error) {
          // With ServerSideTokenCheck the identity pool refuses the ID token of a revoked refresh
          // token or of a user signed out everywhere. Only the user pool can tell: ask it, once.
          if (!isCognitoIdpoolError(error, "login-rejected")) throw error;
          tokens = await keeper.renew();
          live(started);
          await setLogins(tokens);
        }
        return true;
      } catch (error) {
        if (sessionEnded(error) || started !== epoch) return false;
        // Offline, the tokens stay for the next attempt; any other refusal is final.
        if (tokens && !(isCognitoIdpoolError(error) && error.retryable)) await rollBack(tokens);
        throw error;
      }
    },

    async signIn(input) {
      const { authFlow = "USER_SRP_AUTH", preferredChallenge: preferred } = (input ?? {}) as SignInInput;
      if (!FLOWS.includes(authFlow)) throw invalid(`signIn: \`authFlow\` must be one of ${FLOWS.join(", ")}.`);
      if (preferred !== undefined && (authFlow !== "USER_AUTH" || !FIRST_FACTORS.includes(preferred)))
        throw invalid(`signIn: \`preferredChallenge\` goes with authFlow "USER_AUTH" and is one of ${FIRST_FACTORS.join(", ")}.`);
      const srp = authFlow === "USER_SRP_AUTH" || authFlow === "CUSTOM_WITH_SRP" || preferred === "PASSWORD_SRP";
      const withPassword = srp || authFlow === "USER_PASSWORD_AUTH" || preferred === "PASSWORD";
      const { username, password } = requireFields("signIn", input, withPassword ? ["username", "password"] : ["username"]);
      const metadata = clientMetadataOf("signIn", input);
      if (keeper.current()) throw invalid("signIn: a user is already signed in; call signOut() first.");
      pending = undefined;
      const started = epoch;
      const AuthParameters: Record<string, string> = { USERNAME: username };
      if (preferred) AuthParameters["PREFERRED_CHALLENGE"] = preferred;
      // CUSTOM_WITH_SRP is CUSTOM_AUTH whose first challenge is SRP.
      const AuthFlow = authFlow === "CUSTOM_WITH_SRP" ? "CUSTOM_AUTH" : authFlow;
      if (authFlow === "CUSTOM_WITH_SRP") AuthParameters["CHALLENGE_NAME"] = "SRP_A";
      if (srp) {
        return srpSignIn(password, started, metadata, (SRP_A) =>
          api.send("InitiateAuth", { AuthFlow, ClientId: clientId, AuthParameters: { ...AuthParameters, SRP_A }, ...metadata }),
        );
      }
      if (withPassword) AuthParameters["PASSWORD"] = password;
      const out = await call(() =>
        withDevice(username, (device) =>
          api.send("InitiateAuth", { AuthFlow, ClientId: clientId, AuthParameters: { ...AuthParameters, ...device }, ...metadata }),
        ),
      );
      return next(out, username, started, metadata);
    },

    async confirmSignIn(input: ConfirmSignInInput) {
      const { answer } = requireFields("confirmSignIn", input, ["answer"]);
      const challenge = pending;
      if (!challenge) throw new CognitoIdpoolError("no-pending-challenge", "confirmSignIn: there is no sign-in challenge to answer; call signIn first.");
      const started = epoch;
      const metadata = clientMetadataOf("confirmSignIn", input);
      const { name } = challenge;
      const choosing = name === "SELECT_MFA_TYPE" || (name === "MFA_SETUP" && !challenge.setup);
      const method = answer as MfaMethod;
      const mustBe = (allowed: readonly string[]) => {
        if (!allowed.includes(answer)) throw invalid(`confirmSignIn: \`answer\` must be one of ${allowed.join(", ")}.`);
      };
      if (choosing) mustBe(challenge.mfaTypes);
      if (name === "MFA_SETUP" && !challenge.setup) return setUpMfa(challenge, method, started);
      if (name === "SELECT_CHALLENGE") {
        mustBe(challenge.factors);
        // The password is asked for next, in a step of our own: it goes with the choice.
        if (answer === "PASSWORD" || answer === "PASSWORD_SRP") {
          pending = { ...challenge, name: answer };
          return { status: "challenge", challenge: answer };
        }
      }
      if (name === "WEB_AUTHN") {
        mustBe(["WEB_AUTHN"]);
        return passkeyStep(challenge, started, metadata);
      }
      if (name === "PASSWORD_SRP") {
        return srpSignIn(answer, started, metadata, (SRP_A) =>
          api.send("RespondToAuthChallenge", {
            ChallengeName: "SELECT_CHALLENGE",
            ClientId: clientId,
            Session: challenge.session,
            ChallengeResponses: { USERNAME: challenge.username, ANSWER: "PASSWORD_SRP", SRP_A },
            ...metadata,
          }),
        );
      }
      const responses: Record<string, string> = { USERNAME: challenge.username };
      if (name === "NEW_PASSWORD_REQUIRED") {
        for (const [attribute, value] of Object.entries(input.userAttributes ?? {})) responses[`userAttributes.${attribute}`] = value;
      }
      if (name === "MFA_SETUP" && challenge.setup === "email") responses["EMAIL"] = answer;
      else if (name !== "MFA_SETUP") responses[ANSWER_FIELD[name]] = choosing ? MFA_NAMES[method] : answer;
      if (name === "PASSWORD") responses["ANSWER"] = "PASSWORD";
      if (name === "MFA_SETUP" && challenge.setup === "totp") {
        const { deviceName } = input;
        const verified = await call(() =>
          api.send("VerifySoftwareToken", { Session: challenge.session, UserCode: answer, ...(deviceName ? { FriendlyDeviceName: deviceName } : {}) }),
        );
        live(started);
        if (verified.Status !== "SUCCESS" || !verified.Session) throw new CognitoIdpoolError("code-mismatch", "The authenticator code was not accepted.");
        challenge.session = verified.Session;
      }
      return respond(challenge, name === "PASSWORD" ? "SELECT_CHALLENGE" : name, responses, started, metadata);
    },

    async signUp(input: SignUpInput): Promise<SignUpResult> {
      const { username } = requireFields("signUp", input, ["username"]);
      // Without a password where the pool lets users sign in by passkey or one-time code.
      const { password } = input;
      if (password !== undefined) requireFields("signUp", input, ["password"]);
      const attributes = Object.entries(input.userAttributes ?? {}).map(([Name, Value]) => ({ Name, Value }));
      const metadata = clientMetadataOf("signUp", input);
      const out = await call(() =>
        api.send("SignUp", {
          ClientId: clientId,
          Username: username,
          ...(password !== undefined ? { Password: password } : {}),
          ...(attributes.length ? { UserAttributes: attributes } : {}),
          ...metadata,
        }),
      );
      const result: SignUpResult = { userConfirmed: out.UserConfirmed ?? false, userSub: out.UserSub ?? "" };
      if (out.CodeDeliveryDetails) result.codeDelivery = toCodeDelivery(out.CodeDeliveryDetails);
      return result;
    },

    async confirmSignUp(input: ConfirmSignUpInput): Promise<never> {
      const { username, code } = requireFields("confirmSignUp", input, ["username", "code"]);
      const metadata = clientMetadataOf("confirmSignUp", input);
      const andSignIn = input.signIn === true;
      if (andSignIn && keeper.current()) throw invalid("confirmSignUp: a user is already signed in; call signOut() first.");
      const started = epoch;
      const confirmed = await call(() => api.send("ConfirmSignUp", { ClientId: clientId, Username: username, ConfirmationCode: code, ...metadata }));
      if (!andSignIn) return undefined as never;
      live(started);
      // The confirmation's session signs the user in once, by choice-based sign-in, with no other factor.
      if (!confirmed.Session) throw new CognitoIdpoolError("service-error", "ConfirmSignUp returned no session to sign in with.");
      pending = undefined;
      const out = await call(() =>
        api.send("InitiateAuth", {
          AuthFlow: "USER_AUTH",
          ClientId: clientId,
          AuthParameters: { USERNAME: username },
          Session: confirmed.Session,
          ...metadata,
        }),
      );
      return next(out, username, started, metadata) as never;
    },

    async resendSignUpCode(input) {
      const { username } = requireFields("resendSignUpCode", input, ["username"]);
      const out = await call(() => api.send("ResendConfirmationCode", { ClientId: clientId, Username: username }));
      return toCodeDelivery(out.CodeDeliveryDetails);
    },

    async forgotPassword(input) {
      const { username } = requireFields("forgotPassword", input, ["username"]);
      const metadata = clientMetadataOf("forgotPassword", input);
      const out = await call(() => api.send("ForgotPassword", { ClientId: clientId, Username: username, ...metadata }));
      return toCodeDelivery(out.CodeDeliveryDetails);
    },

    async confirmForgotPassword(input) {
      const { username, code, newPassword } = requireFields("confirmForgotPassword", input, ["username", "code", "newPassword"]);
      const metadata = clientMetadataOf("confirmForgotPassword", input);
      await call(() =>
        api.send("ConfirmForgotPassword", { ClientId: clientId, Username: username, ConfirmationCode: code, Password: newPassword, ...metadata }),
      );
    },

    async getUser() {
      // Before restore() has run (right after a reload) the stored tokens are the answer.
      const tokens = keeper.current() ?? (await keeper.peek());
      if (!tokens) return undefined;
      return { username: tokens.username, sub: tokens.sub, claims: { ...tokens.claims } };
    },

    end,

    async signOut(options = {}) {
      const revoke = end(keeper.current() ? undefined : await host.storage.get(host.tokensKey));
      await host.storage.del(host.tokensKey);
      await revoke?.(options.global === true);
    },

    dispose() {
      epoch += 1;
      pending = undefined;
      keeper.dispose();
    },
  };

  function end(stored?: unknown): ((global: boolean) => Promise<void>) | undefined {
    epoch += 1;
    pending = undefined;
    const tokens = keeper.end() ?? parseStoredTokens(stored, host.options);
    if (!tokens) return undefined;
    // Revocation only: the core has signed out locally already, and a failure is reported so the
    // app knows the tokens stay valid at the pool until they expire.
    return async (global) => {
      if (global) {
        const accessToken = await usableAccessToken(tokens);
        await call(() => api.send("GlobalSignOut", { AccessToken: accessToken }));
      } else await call(() => api.send("RevokeToken", { Token: tokens.refreshToken, ClientId: clientId }));
    };
  }

  /** GlobalSignOut needs an unexpired access token; renew it (without storing) when it is not. */
  async function usableAccessToken(tokens: Tokens): Promise<string> {
    return tokens.expiresAt > host.serverNow() + 30_000 ? tokens.accessToken : (await keeper.exchange(tokens)).accessToken;
  }
}

/** An object whose methods load their module on first call (each call awaits the same creation). */
function lazily<T extends object>(create: () => Promise<T>, names: (keyof T & string)[]): T {
  let made: Promise<T> | undefined;
  const get = () =>
    (made ??= create().catch((error: unknown) => {
      made = undefined;
      throw error;
    }));
  return Object.fromEntries(names.map((name) => [name, async (...args: unknown[]) => ((await get())[name] as (...a: unknown[]) => unknown)(...args)])) as T;
}

/** The base URL of a user-pool domain: a host name means https, a URL is used as given. */
function domainUrl(domain: string): string {
  return (domain.includes("://") ? domain : `https://${domain}`).replace(/\/+$/, "");
}

function invalid(message: string): CognitoIdpoolError {
  return new CognitoIdpoolError("invalid-argument", message);
}

/** A lazily loaded part of the module; one that cannot be fetched rejects `network-error`. */
async function load<T>(importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    throw new CognitoIdpoolError("network-error", "Could not load a part of the user-pool module.", { cause: error });
  }
}

type Metadata = { ClientMetadata?: Record<string, string> };
/** What InitiateAuth and RespondToAuthChallenge answer, as far as the sign-in reads it. */
type Answer = Pick<InitiateAuthResponse, "AuthenticationResult" | "ChallengeName" | "ChallengeParameters" | "Session" | "AvailableChallenges">;

function cancelled(): CognitoIdpoolError {
  return new CognitoIdpoolError("cancelled", "signOut() was called before the sign-in took effect.");
}

/** The refresh token was refused (the keeper has ended the session), or the tokens are gone (signed out meanwhile). */
function sessionEnded(error: unknown): boolean {
  return isCognitoIdpoolError(error, "session-expired") || isCognitoIdpoolError(error, "not-signed-in");
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
