/**
 * The user-pool wire client: `@aws-sdk/client-cognito-identity-provider`'s operation schemas sent
 * through the SDK's awsJson1_1 protocol (see ../aws/json-rpc.ts), pointed at the host's endpoint,
 * reporting each response's `Date` header to the host (its server clock). `call` turns every
 * failure into a {@link CognitoIdpoolError}.
 */
import {
  ConfirmForgotPassword$,
  ConfirmSignUp$,
  errorTypeRegistries,
  ForgotPassword$,
  GlobalSignOut$,
  InitiateAuth$,
  ResendConfirmationCode$,
  RespondToAuthChallenge$,
  RevokeToken$,
  SignUp$,
  type ConfirmForgotPasswordRequest,
  type ConfirmForgotPasswordResponse,
  type ConfirmSignUpRequest,
  type ConfirmSignUpResponse,
  type ForgotPasswordRequest,
  type ForgotPasswordResponse,
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
  type SignUpRequest,
  type SignUpResponse,
} from "@aws-sdk/client-cognito-identity-provider";
import { createJsonRpcSend, serviceUrl } from "../aws/json-rpc.js";
import type { UserPoolHost } from "./contract.js";
import { toCognitoIdpoolError, type ErrorContext } from "./errors.js";

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
} satisfies Record<UserPoolOperation, unknown>;

/** The one method of the client the session uses, so tests can script the user pool. */
export interface UserPoolApi {
  send<Name extends UserPoolOperation>(operation: Name, input: UserPoolOperations[Name]["input"]): Promise<UserPoolOperations[Name]["output"]>;
}

/**
 * Attempts per call for failures that may pass (network, throttling, 5xx): the AWS SDK client this
 * replaced made three, in its standard retry mode. Token renewals back off on top of that, in the keeper.
 */
const MAX_ATTEMPTS = 3;
/** The standard mode's base delay: retry `n` waits a random time below `RETRY_BASE_MS * 2^n`. */
const RETRY_BASE_MS = 100;

/**
 * Builds the client for a host. Every operation the session calls is unsigned, so no AWS
 * credentials are configured or looked for.
 */
export function createUserPoolApi(host: UserPoolHost): UserPoolApi {
  const send = createJsonRpcSend({
    url: host.options.endpoint ?? host.endpoint ?? serviceUrl("cognito-idp", host.region),
    serviceTarget: "AWSCognitoIdentityProviderService",
    defaultNamespace: "com.amazonaws.cognitoidentityprovider",
    errorTypeRegistries,
    fetch: host.fetch,
    requestTimeoutMs: host.requestTimeoutMs,
    observeServerDate: (date) => host.observeServerDate(date),
  });
  return {
    async send(operation, input) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await send(SCHEMAS[operation], input);
        } catch (error) {
          if (attempt === MAX_ATTEMPTS || !toCognitoIdpoolError(error).retryable) throw error;
          const delay = Math.random() * RETRY_BASE_MS * 2 ** attempt;
          await new Promise<void>((resolve) => host.timers.setTimeout(resolve, delay));
        }
      }
    },
  };
}

/**
 * Sends a call and maps any failure.
 */
export async function call<T>(send: () => Promise<T>, context: ErrorContext = "default"): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toCognitoIdpoolError(error, context);
  }
}
