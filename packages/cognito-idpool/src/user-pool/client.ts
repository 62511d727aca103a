/**
 * The user-pool wire client: `@aws-sdk/client-cognito-identity-provider`'s operation schemas sent
 * through the SDK's awsJson1_1 protocol (see ../aws/json-rpc.ts), pointed at the host's endpoint,
 * reporting each answer's `Date` header to the host (its server clock). `call` turns every
 * failure into a {@link CognitoIdpoolError}.
 *
 * Who retries what: this client repeats one call, within the call, only where repeating cannot do
 * what the first attempt may already have done (see {@link retries}), with the SDK-wide
 * {@link backoffDelay} and the host's `random`. A call that still fails is the caller's: the
 * token keeper retries renewals through a refresh scheduler, on the same backoff; interactive
 * calls (signIn, signUp, …) reject and the app decides. Identity-pool calls are never repeated in
 * flight (see ../identity-pool/client.ts): the refresh scheduler owns those.
 */
import {
  AssociateSoftwareToken$,
  CompleteWebAuthnRegistration$,
  ConfirmDevice$,
  DeleteWebAuthnCredential$,
  ForgetDevice$,
  ListDevices$,
  ListWebAuthnCredentials$,
  StartWebAuthnRegistration$,
  UpdateDeviceStatus$,
  ChangePassword$,
  ConfirmForgotPassword$,
  ConfirmSignUp$,
  DeleteUser$,
  DeleteUserAttributes$,
  errorTypeRegistries,
  ForgotPassword$,
  GetTokensFromRefreshToken$,
  GetUser$,
  GetUserAttributeVerificationCode$,
  GlobalSignOut$,
  InitiateAuth$,
  ResendConfirmationCode$,
  RespondToAuthChallenge$,
  RevokeToken$,
  SetUserMFAPreference$,
  SignUp$,
  UpdateUserAttributes$,
  VerifySoftwareToken$,
  VerifyUserAttribute$,
  type AssociateSoftwareTokenRequest,
  type AssociateSoftwareTokenResponse,
  type ChangePasswordRequest,
  type ChangePasswordResponse,
  type ConfirmForgotPasswordRequest,
  type ConfirmForgotPasswordResponse,
  type ConfirmSignUpRequest,
  type ConfirmSignUpResponse,
  type DeleteUserRequest,
  type DeleteUserAttributesRequest,
  type DeleteUserAttributesResponse,
  type ForgotPasswordRequest,
  type ForgotPasswordResponse,
  type GetTokensFromRefreshTokenRequest,
  type GetTokensFromRefreshTokenResponse,
  type GetUserRequest,
  type GetUserResponse,
  type GetUserAttributeVerificationCodeRequest,
  type GetUserAttributeVerificationCodeResponse,
  type GlobalSignOutRequest,
  type GlobalSignOutResponse,
  type InitiateAuthRequest,
  type InitiateAuthResponse,
  type ResendConfirmationCodeRequest,
  type ResendConfirmationCodeResponse,
  type RespondToAuthChallengeRequest,
  type RespondToAuthChallengeResponse,
  type RevokeTokenRequest,
  type RevokeTokenResponse,
  type SetUserMFAPreferenceRequest,
  type SetUserMFAPreferenceResponse,
  type SignUpRequest,
  type SignUpResponse,
  type UpdateUserAttributesRequest,
  type UpdateUserAttributesResponse,
  type VerifySoftwareTokenRequest,
  type VerifySoftwareTokenResponse,
  type VerifyUserAttributeRequest,
  type VerifyUserAttributeResponse,
  type StartWebAuthnRegistrationRequest,
  type StartWebAuthnRegistrationResponse,
  type CompleteWebAuthnRegistrationRequest,
  type ListWebAuthnCredentialsRequest,
  type ListWebAuthnCredentialsResponse,
  type DeleteWebAuthnCredentialRequest,
  type ConfirmDeviceRequest,
  type ConfirmDeviceResponse,
  type UpdateDeviceStatusRequest,
  type ListDevicesRequest,
  type ListDevicesResponse,
  type ForgetDeviceRequest,
} from "@aws-sdk/client-cognito-identity-provider";
import type { CognitoIdpoolError } from "../errors.js";
import { serviceUrl } from "../aws/outcome.js";
import { backoffDelay } from "../refresh/backoff.js";
import type { UserPoolHost } from "./contract.js";
import { fromUserPoolError, malformedAnswer, type ErrorContext } from "./errors.js";

/** The operations the session calls: their input and output. */
export interface UserPoolOperations {
  InitiateAuth: { input: InitiateAuthRequest; output: InitiateAuthResponse };
  RespondToAuthChallenge: { input: RespondToAuthChallengeRequest; output: RespondToAuthChallengeResponse };
  SignUp: { input: SignUpRequest; output: SignUpResponse };
  ConfirmSignUp: { input: ConfirmSignUpRequest; output: ConfirmSignUpResponse };
  ResendConfirmationCode: { input: ResendConfirmationCodeRequest; output: ResendConfirmationCodeResponse };
  ForgotPassword: { input: ForgotPasswordRequest; output: ForgotPasswordResponse };
  ConfirmForgotPassword: { input: ConfirmForgotPasswordRequest; output: ConfirmForgotPasswordResponse };
  GlobalSignOut: { input: GlobalSignOutRequest; output: GlobalSignOutResponse };
  RevokeToken: { input: RevokeTokenRequest; output: RevokeTokenResponse };
  GetTokensFromRefreshToken: { input: GetTokensFromRefreshTokenRequest; output: GetTokensFromRefreshTokenResponse };
  GetUser: { input: GetUserRequest; output: GetUserResponse };
  UpdateUserAttributes: { input: UpdateUserAttributesRequest; output: UpdateUserAttributesResponse };
  GetUserAttributeVerificationCode: { input: GetUserAttributeVerificationCodeRequest; output: GetUserAttributeVerificationCodeResponse };
  VerifyUserAttribute: { input: VerifyUserAttributeRequest; output: VerifyUserAttributeResponse };
  DeleteUserAttributes: { input: DeleteUserAttributesRequest; output: DeleteUserAttributesResponse };
  ChangePassword: { input: ChangePasswordRequest; output: ChangePasswordResponse };
  DeleteUser: { input: DeleteUserRequest; output: object };
  AssociateSoftwareToken: { input: AssociateSoftwareTokenRequest; output: AssociateSoftwareTokenResponse };
  VerifySoftwareToken: { input: VerifySoftwareTokenRequest; output: VerifySoftwareTokenResponse };
  SetUserMFAPreference: { input: SetUserMFAPreferenceRequest; output: SetUserMFAPreferenceResponse };
  StartWebAuthnRegistration: { input: StartWebAuthnRegistrationRequest; output: StartWebAuthnRegistrationResponse };
  CompleteWebAuthnRegistration: { input: CompleteWebAuthnRegistrationRequest; output: object };
  ListWebAuthnCredentials: { input: ListWebAuthnCredentialsRequest; output: ListWebAuthnCredentialsResponse };
  DeleteWebAuthnCredential: { input: DeleteWebAuthnCredentialRequest; output: object };
  ConfirmDevice: { input: ConfirmDeviceRequest; output: ConfirmDeviceResponse };
  UpdateDeviceStatus: { input: UpdateDeviceStatusRequest; output: object };
  ListDevices: { input: ListDevicesRequest; output: ListDevicesResponse };
  ForgetDevice: { input: ForgetDeviceRequest; output: object };
}

export type UserPoolOperation = keyof UserPoolOperations;

const SCHEMAS = {
  InitiateAuth: InitiateAuth$,
  RespondToAuthChallenge: RespondToAuthChallenge$,
  SignUp: SignUp$,
  ConfirmSignUp: ConfirmSignUp$,
  ResendConfirmationCode: ResendConfirmationCode$,
  ForgotPassword: ForgotPassword$,
  ConfirmForgotPassword: ConfirmForgotPassword$,
  GlobalSignOut: GlobalSignOut$,
  RevokeToken: RevokeToken$,
  GetTokensFromRefreshToken: GetTokensFromRefreshToken$,
  GetUser: GetUser$,
  UpdateUserAttributes: UpdateUserAttributes$,
  GetUserAttributeVerificationCode: GetUserAttributeVerificationCode$,
  VerifyUserAttribute: VerifyUserAttribute$,
  DeleteUserAttributes: DeleteUserAttributes$,
  ChangePassword: ChangePassword$,
  DeleteUser: DeleteUser$,
  AssociateSoftwareToken: AssociateSoftwareToken$,
  VerifySoftwareToken: VerifySoftwareToken$,
  SetUserMFAPreference: SetUserMFAPreference$,
  // Carried here although only the lazily loaded passkeys and devices modules call them: imported
  // there, they would make bundlers split everything those modules share with this one into
  // extra, separately compressed chunks, which costs more than the schemas.
  StartWebAuthnRegistration: StartWebAuthnRegistration$,
  CompleteWebAuthnRegistration: CompleteWebAuthnRegistration$,
  ListWebAuthnCredentials: ListWebAuthnCredentials$,
  DeleteWebAuthnCredential: DeleteWebAuthnCredential$,
  ConfirmDevice: ConfirmDevice$,
  UpdateDeviceStatus: UpdateDeviceStatus$,
  ListDevices: ListDevices$,
  ForgetDevice: ForgetDevice$,
} satisfies Record<UserPoolOperation, unknown>;

/** The one method of the client the session uses, so tests can script the user pool. */
export interface UserPoolApi {
  send<Name extends UserPoolOperation>(operation: Name, input: UserPoolOperations[Name]["input"]): Promise<UserPoolOperations[Name]["output"]>;
}

/**
 * What the session hands its lazily loaded parts (passkeys, devices): `send` is `api.send` with
 * failures mapped (see {@link call}). Handed over rather than imported, for the reason the
 * schemas are all carried here: a module they share would be split into a chunk of its own.
 */
export interface ChunkKit {
  /** {@link CognitoIdpoolError} itself. */
  Error: typeof CognitoIdpoolError;
  send<Name extends UserPoolOperation>(operation: Name, input: UserPoolOperations[Name]["input"]): Promise<UserPoolOperations[Name]["output"]>;
  malformedAnswer(what: string): CognitoIdpoolError;
}

/** Attempts per call, where repeating is allowed: what the AWS SDK client this replaced made in its standard retry mode. */
const MAX_ATTEMPTS = 3;
/**
 * Operations that may be sent again after a failure without an answer (network, deadline) or a
 * 5xx, when the first may have been carried out: a sign-in attempt, a read or a revocation repeated
 * does no harm, and a renewal repeated with a refresh token the lost answer rotated still works
 * within the app client's grace period. The others would send a second code (ForgotPassword,
 * ResendConfirmationCode, UpdateUserAttributes), spend a one-time code or challenge session, or
 * answer "already done" (SignUp, GlobalSignOut, DeleteUser, ChangePassword).
 */
const REPEATABLE: ReadonlySet<UserPoolOperation> = new Set(["InitiateAuth", "GetTokensFromRefreshToken", "GetUser", "RevokeToken"]);

/** Whether attempt `attempt` of `operation`, which failed with `error`, is worth another. Throttling means nothing was done. */
function retries(operation: UserPoolOperation, error: CognitoIdpoolError, attempt: number): boolean {
  return attempt < MAX_ATTEMPTS && (error.code === "throttled" || (error.retryable && REPEATABLE.has(operation)));
}

/** What the client needs of the host. */
export type UserPoolApiHost = Pick<
  UserPoolHost,
  "options" | "region" | "endpoint" | "fetch" | "jsonRpc" | "requestTimeoutMs" | "timers" | "random" | "observeServerDate"
>;

/**
 * Builds the client for a host. Every operation the session calls is unsigned, so no AWS
 * credentials are configured or looked for.
 */
export function createUserPoolApi(host: UserPoolApiHost): UserPoolApi {
  const send = host.jsonRpc({
    url: host.options.endpoint ?? host.endpoint ?? serviceUrl("cognito-idp", host.region),
    serviceTarget: "AWSCognitoIdentityProviderService",
    defaultNamespace: "com.amazonaws.cognitoidentityprovider",
    errorTypeRegistries,
    fetch: host.fetch,
    requestTimeoutMs: host.requestTimeoutMs,
    timers: host.timers,
    observeServerDate: (date) => host.observeServerDate(date),
  });
  return {
    async send(operation, input) {
      for (let attempt = 1; ; attempt++) {
        let output: UserPoolOperations[typeof operation]["output"];
        try {
          ({ output } = await send<UserPoolOperations[typeof operation]["output"]>(SCHEMAS[operation], input));
        } catch (error) {
          if (!retries(operation, fromUserPoolError(error), attempt)) throw error;
          await new Promise<void>((resolve) =>
            host.timers.setTimeout(
              resolve,
              backoffDelay(attempt, () => host.random()),
            ),
          );
          continue;
        }
        checkChallengeParameters(output as InitiateAuthResponse);
        return output;
      }
    },
  };
}

/**
 * The session reads NEW_PASSWORD_REQUIRED's `requiredAttributes` (a JSON array of names) and
 * `userAttributes` (a JSON object) as such; anything else is a malformed answer, not a TypeError later.
 */
function checkChallengeParameters(output: Pick<InitiateAuthResponse, "ChallengeName" | "ChallengeParameters">): void {
  if (output.ChallengeName !== "NEW_PASSWORD_REQUIRED") return;
  const { requiredAttributes, userAttributes } = output.ChallengeParameters ?? {};
  const parsed = (text: string | undefined, fallback: unknown): unknown => {
    try {
      return text ? JSON.parse(text) : fallback;
    } catch {
      return undefined;
    }
  };
  const required = parsed(requiredAttributes, []);
  const attributes = parsed(userAttributes, {});
  if (!Array.isArray(required) || !required.every((name) => typeof name === "string"))
    throw malformedAnswer("a requiredAttributes that is not a JSON array of names");
  if (typeof attributes !== "object" || attributes === null || Array.isArray(attributes)) throw malformedAnswer("a userAttributes that is not a JSON object");
}

/**
 * Sends a call and maps any failure.
 */
export async function call<T>(send: () => Promise<T>, context: ErrorContext = "default"): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw fromUserPoolError(error, context);
  }
}
