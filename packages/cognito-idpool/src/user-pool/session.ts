/**
 * User-pool sign-in, loaded by the core with `import("./user-pool/session.js")` on first use so a
 * guest-only page never downloads it. Signs in with SRP (or USER_PASSWORD_AUTH), walks the
 * challenges, signs up, resets passwords, keeps the tokens alive and hands the ID token to the
 * identity pool as the login under its issuer.
 */
import type { AuthenticationResultType, InitiateAuthResponse } from "@aws-sdk/client-cognito-identity-provider";
import { CognitoIdpoolError, errorCode, isCognitoIdpoolError } from "../errors.js";
import { createAccount, requireFields, toCodeDelivery } from "./account.js";
import { call, createUserPoolApi, type UserPoolApi } from "./client.js";
import type {
  ChallengeName,
  ConfirmSignInInput,
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

const SUPPORTED_CHALLENGES: readonly string[] = ["NEW_PASSWORD_REQUIRED", "SOFTWARE_TOKEN_MFA", "SMS_MFA", "EMAIL_OTP"] satisfies ChallengeName[];

/** The answer's name in ChallengeResponses, per challenge. */
const ANSWER_FIELD: Record<ChallengeName, string> = {
  NEW_PASSWORD_REQUIRED: "NEW_PASSWORD",
  SOFTWARE_TOKEN_MFA: "SOFTWARE_TOKEN_MFA_CODE",
  SMS_MFA: "SMS_MFA_CODE",
  EMAIL_OTP: "EMAIL_OTP_CODE",
};

interface PendingChallenge {
  name: ChallengeName;
  session: string;
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
    if (!name || !SUPPORTED_CHALLENGES.includes(name) || !out.Session) {
      pending = undefined;
      throw new CognitoIdpoolError("service-error", `The user pool asked for the ${name ?? "unnamed"} challenge, which cognito-idpool does not support.`);
    }
    const params = out.ChallengeParameters ?? {};
    const challenge = name as ChallengeName;
    pending = { name: challenge, session: out.Session, username: params["USER_ID_FOR_SRP"] ?? params["USERNAME"] ?? username };
    const result: Extract<SignInResult, { status: "challenge" }> = { status: "challenge", challenge };
    if (params["CODE_DELIVERY_DESTINATION"]) result.codeDeliveryDestination = params["CODE_DELIVERY_DESTINATION"];
    if (challenge === "NEW_PASSWORD_REQUIRED") {
      result.requiredAttributes = parseJson<string[]>(params["requiredAttributes"], []).map((a) => a.replace(/^userAttributes\./, ""));
      result.userAttributes = parseJson<Record<string, string>>(params["userAttributes"], {});
    }
    return result;
  }

  async function srpSignIn(username: string, password: string, since: number) {
    const srp = startSrp();
    const started = await call(() =>
      api.send("InitiateAuth", { AuthFlow: "USER_SRP_AUTH", ClientId: clientId, AuthParameters: { USERNAME: username, SRP_A: srp.srpA } }),
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
      const { username, password } = requireFields("signIn", input, ["username", "password"]);
      const authFlow = (input as SignInInput).authFlow ?? "USER_SRP_AUTH";
      if (authFlow !== "USER_SRP_AUTH" && authFlow !== "USER_PASSWORD_AUTH") {
        throw new CognitoIdpoolError("invalid-argument", 'signIn: `authFlow` must be "USER_SRP_AUTH" or "USER_PASSWORD_AUTH".');
      }
      if (keeper.current()) {
        throw new CognitoIdpoolError("invalid-argument", "signIn: a user is already signed in; call signOut() first.");
      }
      pending = undefined;
      const started = epoch;
      if (authFlow === "USER_SRP_AUTH") return srpSignIn(username, password, started);
      const out = await call(() =>
        api.send("InitiateAuth", { AuthFlow: "USER_PASSWORD_AUTH", ClientId: clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }),
      );
      return next(out, username, started);
    },

    async confirmSignIn(input: ConfirmSignInInput) {
      const { answer } = requireFields("confirmSignIn", input, ["answer"]);
      const challenge = pending;
      if (!challenge) throw new CognitoIdpoolError("no-pending-challenge", "confirmSignIn: there is no sign-in challenge to answer; call signIn first.");
      const started = epoch;
      const responses: Record<string, string> = { USERNAME: challenge.username, [ANSWER_FIELD[challenge.name]]: answer };
      if (challenge.name === "NEW_PASSWORD_REQUIRED") {
        for (const [name, value] of Object.entries(input.userAttributes ?? {})) responses[`userAttributes.${name}`] = value;
      }
      let out;
      try {
        out = await call(() =>
          api.send("RespondToAuthChallenge", { ChallengeName: challenge.name, ClientId: clientId, Session: challenge.session, ChallengeResponses: responses }),
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
      const out = await call(() =>
        api.send("SignUp", { ClientId: clientId, Username: username, Password: password, ...(attributes.length ? { UserAttributes: attributes } : {}) }),
      );
      const result: SignUpResult = { userConfirmed: out.UserConfirmed ?? false, userSub: out.UserSub ?? "" };
      if (out.CodeDeliveryDetails) result.codeDelivery = toCodeDelivery(out.CodeDeliveryDetails);
      return result;
    },

    async confirmSignUp(input) {
      const { username, code } = requireFields("confirmSignUp", input, ["username", "code"]);
      await call(() => api.send("ConfirmSignUp", { ClientId: clientId, Username: username, ConfirmationCode: code }));
    },

    async resendSignUpCode(input) {
      const { username } = requireFields("resendSignUpCode", input, ["username"]);
      const out = await call(() => api.send("ResendConfirmationCode", { ClientId: clientId, Username: username }));
      return toCodeDelivery(out.CodeDeliveryDetails);
    },

    async forgotPassword(input) {
      const { username } = requireFields("forgotPassword", input, ["username"]);
      const out = await call(() => api.send("ForgotPassword", { ClientId: clientId, Username: username }));
      return toCodeDelivery(out.CodeDeliveryDetails);
    },

    async confirmForgotPassword(input) {
      const { username, code, newPassword } = requireFields("confirmForgotPassword", input, ["username", "code", "newPassword"]);
      await call(() => api.send("ConfirmForgotPassword", { ClientId: clientId, Username: username, ConfirmationCode: code, Password: newPassword }));
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
