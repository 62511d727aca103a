/**
 * User-pool sign-in, loaded by the core with `import("./user-pool/session.js")` on first use so a
 * guest-only page never downloads it. Signs in with SRP (or USER_PASSWORD_AUTH), walks the
 * challenges, signs up, resets passwords, keeps the tokens alive and hands the ID token to the
 * identity pool as the login under its issuer.
 */
import type { AuthenticationResultType, InitiateAuthResponse } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoIdpoolError, errorCode, isCognitoIdpoolError } from "../errors.js";
import { clientMetadataOf, createAccount, mfaMethodOf, MFA_NAMES, requireFields, toCodeDelivery, totpSetup } from "./account.js";
import { call, createUserPoolApi, type UserPoolApi } from "./client.js";
import type {
  AuthFlow,
  ChallengeName,
  ConfirmSignInInput,
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
import { hostOf } from "./host.js";
import { createTokenKeeper, type TokenKeeper } from "./keeper.js";
import { formatSrpTimestamp, startSrp } from "./srp.js";
import { parseStoredTokens, withClaims, type Tokens } from "./tokens.js";

/** The answer's name in ChallengeResponses, per challenge (MFA_SETUP is answered in steps, see `setUpMfa`). */
const ANSWER_FIELD: Record<ChallengeName, string> = {
  NEW_PASSWORD_REQUIRED: "NEW_PASSWORD",
  SOFTWARE_TOKEN_MFA: "SOFTWARE_TOKEN_MFA_CODE",
  SMS_MFA: "SMS_MFA_CODE",
  EMAIL_OTP: "EMAIL_OTP_CODE",
  SELECT_MFA_TYPE: "ANSWER",
  MFA_SETUP: "",
  CUSTOM_CHALLENGE: "ANSWER",
};
const FLOWS: readonly string[] = ["USER_SRP_AUTH", "USER_PASSWORD_AUTH", "CUSTOM_AUTH", "CUSTOM_WITH_SRP"] satisfies AuthFlow[];

interface PendingChallenge {
  name: ChallengeName;
  session: string;
  /** SELECT_MFA_TYPE and MFA_SETUP: the methods offered. */
  mfaTypes: MfaMethod[];
  /** MFA_SETUP: the method being set up, once chosen. */
  setup?: "totp" | "email";
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
  async function next(
    out: Pick<InitiateAuthResponse, "AuthenticationResult" | "ChallengeName" | "ChallengeParameters" | "Session">,
    username: string,
    started: number,
  ): Promise<SignInResult> {
    live(started);
    if (out.AuthenticationResult) return signedIn(out.AuthenticationResult, started);
    const name = out.ChallengeName;
    if (!name || !Object.hasOwn(ANSWER_FIELD, name) || !out.Session) {
      pending = undefined;
      throw new CognitoIdpoolError("service-error", `The user pool asked for the ${name ?? "unnamed"} challenge, which cognito-idpool does not support.`);
    }
    const params = out.ChallengeParameters ?? {};
    const challenge = name as ChallengeName;
    const offered = parseJson<string[]>(params[challenge === "MFA_SETUP" ? "MFAS_CAN_SETUP" : "MFAS_CAN_CHOOSE"], []);
    const mfaTypes = offered.map(mfaMethodOf).filter((m): m is MfaMethod => m !== undefined);
    pending = { name: challenge, session: out.Session, mfaTypes, username: params["USER_ID_FOR_SRP"] ?? params["USERNAME"] ?? username };
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
    return result;
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

  /** SRP: the password proves itself without leaving the page. `custom`: CUSTOM_AUTH that starts with SRP (custom challenges follow). */
  async function srpSignIn(username: string, password: string, since: number, custom: boolean, metadata: { ClientMetadata?: Record<string, string> }) {
    const srp = startSrp();
    const started = await call(() =>
      api.send("InitiateAuth", {
        AuthFlow: custom ? "CUSTOM_AUTH" : "USER_SRP_AUTH",
        ClientId: clientId,
        AuthParameters: { USERNAME: username, SRP_A: srp.srpA, ...(custom ? { CHALLENGE_NAME: "SRP_A" } : {}) },
        ...metadata,
      }),
    );
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
      api.send("RespondToAuthChallenge", {
        ChallengeName: "PASSWORD_VERIFIER",
        ClientId: clientId,
        Session: started.Session,
        ChallengeResponses: { USERNAME: userIdForSrp, PASSWORD_CLAIM_SECRET_BLOCK: secretBlock, TIMESTAMP: timestamp, PASSWORD_CLAIM_SIGNATURE: signature },
        ...metadata,
      }),
    );
    return next(verified, userIdForSrp, since);
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

  return {
    ...account,

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
      const authFlow = (input as SignInInput | undefined)?.authFlow ?? "USER_SRP_AUTH";
      if (!FLOWS.includes(authFlow)) throw new CognitoIdpoolError("invalid-argument", `signIn: \`authFlow\` must be one of ${FLOWS.join(", ")}.`);
      const { username, password } = requireFields("signIn", input, authFlow === "CUSTOM_AUTH" ? ["username"] : ["username", "password"]);
      const metadata = clientMetadataOf("signIn", input);
      if (keeper.current()) {
        throw new CognitoIdpoolError("invalid-argument", "signIn: a user is already signed in; call signOut() first.");
      }
      pending = undefined;
      const started = epoch;
      if (authFlow === "USER_SRP_AUTH" || authFlow === "CUSTOM_WITH_SRP")
        return srpSignIn(username, password, started, authFlow === "CUSTOM_WITH_SRP", metadata);
      const AuthParameters: Record<string, string> = authFlow === "CUSTOM_AUTH" ? { USERNAME: username } : { USERNAME: username, PASSWORD: password };
      const out = await call(() => api.send("InitiateAuth", { AuthFlow: authFlow, ClientId: clientId, AuthParameters, ...metadata }));
      return next(out, username, started);
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
      if (choosing && !challenge.mfaTypes.includes(method)) {
        throw new CognitoIdpoolError("invalid-argument", `confirmSignIn: \`answer\` must be one of ${challenge.mfaTypes.join(", ")}.`);
      }
      if (name === "MFA_SETUP" && !challenge.setup) return setUpMfa(challenge, method, started);
      const responses: Record<string, string> = { USERNAME: challenge.username };
      if (name === "NEW_PASSWORD_REQUIRED") {
        for (const [attribute, value] of Object.entries(input.userAttributes ?? {})) responses[`userAttributes.${attribute}`] = value;
      }
      if (name === "MFA_SETUP" && challenge.setup === "email") responses["EMAIL"] = answer;
      else if (name !== "MFA_SETUP") responses[ANSWER_FIELD[name]] = choosing ? MFA_NAMES[method] : answer;
      let out;
      try {
        if (name === "MFA_SETUP" && challenge.setup === "totp") {
          const { deviceName } = input;
          const verified = await call(() =>
            api.send("VerifySoftwareToken", { Session: challenge.session, UserCode: answer, ...(deviceName ? { FriendlyDeviceName: deviceName } : {}) }),
          );
          live(started);
          if (verified.Status !== "SUCCESS" || !verified.Session) throw new CognitoIdpoolError("code-mismatch", "The authenticator code was not accepted.");
          challenge.session = verified.Session;
        }
        out = await call(() =>
          api.send("RespondToAuthChallenge", {
            ChallengeName: name,
            ClientId: clientId,
            Session: challenge.session,
            ChallengeResponses: responses,
            ...metadata,
          }),
        );
      } catch (error) {
        // A wrong code or a weak new password may be retried with the same session; an expired or
        // used-up session may not.
        if (isCognitoIdpoolError(error, "session-expired") || isCognitoIdpoolError(error, "not-authorized")) pending = undefined;
        throw error;
      }
      return next(out, challenge.username, started);
    },

    async signUp(input: SignUpInput): Promise<SignUpResult> {
      const { username, password } = requireFields("signUp", input, ["username", "password"]);
      const attributes = Object.entries(input.userAttributes ?? {}).map(([Name, Value]) => ({ Name, Value }));
      const metadata = clientMetadataOf("signUp", input);
      const out = await call(() =>
        api.send("SignUp", {
          ClientId: clientId,
          Username: username,
          Password: password,
          ...(attributes.length ? { UserAttributes: attributes } : {}),
          ...metadata,
        }),
      );
      const result: SignUpResult = { userConfirmed: out.UserConfirmed ?? false, userSub: out.UserSub ?? "" };
      if (out.CodeDeliveryDetails) result.codeDelivery = toCodeDelivery(out.CodeDeliveryDetails);
      return result;
    },

    async confirmSignUp(input) {
      const { username, code } = requireFields("confirmSignUp", input, ["username", "code"]);
      const metadata = clientMetadataOf("confirmSignUp", input);
      await call(() => api.send("ConfirmSignUp", { ClientId: clientId, Username: username, ConfirmationCode: code, ...metadata }));
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
