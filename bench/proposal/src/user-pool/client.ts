/**
 * The user-pool wire client: `@aws-sdk/client-cognito-identity-provider`'s operation schemas sent
 * through the SDK's awsJson1_1 protocol (see ../aws/json-rpc.ts), pointed at the host's endpoint,
 * reporting each response's `Date` header to the host (its server clock) and turning every failure
 * into a {@link CognitoIdpoolError}. The operations are small classes named like the SDK's
 * commands, so the session reads the same; they carry the input and the operation's schema only,
 * not the SDK's command machinery (middleware stack, endpoint resolution).
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
  type ConfirmForgotPasswordCommandInput,
  type ConfirmForgotPasswordCommandOutput,
  type ConfirmSignUpCommandInput,
  type ConfirmSignUpCommandOutput,
  type ForgotPasswordCommandInput,
  type ForgotPasswordCommandOutput,
  type GlobalSignOutCommandInput,
  type GlobalSignOutCommandOutput,
  type InitiateAuthCommandInput,
  type InitiateAuthCommandOutput,
  type ResendConfirmationCodeCommandInput,
  type ResendConfirmationCodeCommandOutput,
  type RespondToAuthChallengeCommandInput,
  type RespondToAuthChallengeCommandOutput,
  type RevokeTokenCommandInput,
  type RevokeTokenCommandOutput,
  type SignUpCommandInput,
  type SignUpCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import { createJsonRpcSend, serviceUrl, type OperationSchema } from "../aws/json-rpc.js";
import type { UserPoolHost } from "./contract.js";
import { toCognitoIdpoolError, type ErrorContext } from "./errors.js";

/** One call: its input, typed with its output; the class holds the operation's schema. */
export abstract class Operation<Input extends object, Output> {
  /** Phantom: only there so `send` can infer the output type. */
  declare readonly output?: Output;
  constructor(readonly input: Input) {}
}

type OperationClass = { schema: OperationSchema };

/** @example `await api.send(new InitiateAuthCommand({ AuthFlow: "USER_SRP_AUTH", ClientId, AuthParameters }))` */
export class InitiateAuthCommand extends Operation<InitiateAuthCommandInput, InitiateAuthCommandOutput> {
  static readonly schema = InitiateAuth$;
}
/** @example `await api.send(new RespondToAuthChallengeCommand({ ChallengeName, ClientId, Session, ChallengeResponses }))` */
export class RespondToAuthChallengeCommand extends Operation<RespondToAuthChallengeCommandInput, RespondToAuthChallengeCommandOutput> {
  static readonly schema = RespondToAuthChallenge$;
}
/** @example `await api.send(new SignUpCommand({ ClientId, Username, Password }))` */
export class SignUpCommand extends Operation<SignUpCommandInput, SignUpCommandOutput> {
  static readonly schema = SignUp$;
}
/** @example `await api.send(new ConfirmSignUpCommand({ ClientId, Username, ConfirmationCode }))` */
export class ConfirmSignUpCommand extends Operation<ConfirmSignUpCommandInput, ConfirmSignUpCommandOutput> {
  static readonly schema = ConfirmSignUp$;
}
/** @example `await api.send(new ResendConfirmationCodeCommand({ ClientId, Username }))` */
export class ResendConfirmationCodeCommand extends Operation<ResendConfirmationCodeCommandInput, ResendConfirmationCodeCommandOutput> {
  static readonly schema = ResendConfirmationCode$;
}
/** @example `await api.send(new ForgotPasswordCommand({ ClientId, Username }))` */
export class ForgotPasswordCommand extends Operation<ForgotPasswordCommandInput, ForgotPasswordCommandOutput> {
  static readonly schema = ForgotPassword$;
}
/** @example `await api.send(new ConfirmForgotPasswordCommand({ ClientId, Username, ConfirmationCode, Password }))` */
export class ConfirmForgotPasswordCommand extends Operation<ConfirmForgotPasswordCommandInput, ConfirmForgotPasswordCommandOutput> {
  static readonly schema = ConfirmForgotPassword$;
}
/** @example `await api.send(new GlobalSignOutCommand({ AccessToken }))` */
export class GlobalSignOutCommand extends Operation<GlobalSignOutCommandInput, GlobalSignOutCommandOutput> {
  static readonly schema = GlobalSignOut$;
}
/** @example `await api.send(new RevokeTokenCommand({ Token, ClientId }))` */
export class RevokeTokenCommand extends Operation<RevokeTokenCommandInput, RevokeTokenCommandOutput> {
  static readonly schema = RevokeToken$;
}

/** The one method of the client the session uses, so tests can script the user pool. */
export interface UserPoolApi {
  send<Output>(operation: Operation<object, Output>): Promise<Output>;
}

/**
 * Builds the client for a host. Every operation the session calls is unsigned, so no AWS
 * credentials are configured or looked for.
 *
 * @example
 * ```ts
 * const api = createUserPoolApi(host);
 * const out = await call(() => api.send(new RevokeTokenCommand({ Token, ClientId })));
 * ```
 */
export function createUserPoolApi(host: UserPoolHost): UserPoolApi {
  const send = createJsonRpcSend({
    url: host.options.endpoint ?? host.endpoint ?? serviceUrl("cognito-idp", host.region),
    serviceTarget: "AWSCognitoIdentityProviderService",
    defaultNamespace: "com.amazonaws.cognitoidentityprovider",
    errorTypeRegistries,
    observeServerDate: (date) => host.observeServerDate(date),
  });
  return {
    send: (operation) => send((operation.constructor as unknown as OperationClass).schema, operation.input),
  };
}

/**
 * Sends a command and maps any failure.
 *
 * @example
 * ```ts
 * await call(() => api.send(new RevokeTokenCommand({ Token, ClientId })));
 * ```
 */
export async function call<T>(send: () => Promise<T>, context: ErrorContext = "default"): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw toCognitoIdpoolError(error, context);
  }
}
