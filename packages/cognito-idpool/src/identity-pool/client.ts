import {
  errorTypeRegistries,
  GetCredentialsForIdentity$,
  GetId$,
  GetOpenIdToken$,
  UnlinkIdentity$,
  type GetCredentialsForIdentityResponse,
  type GetIdResponse,
  type GetOpenIdTokenResponse,
} from "@aws-sdk/client-cognito-identity";
import { createJsonRpcSend, type JsonRpcAnswer, type OperationSchema } from "../aws/json-rpc.js";
import { classify, serviceUrl } from "../aws/outcome.js";
import { CognitoIdpoolError, invalidOption } from "../errors.js";
import { lazyModule } from "../lazy.js";
import type { BasicFlow, BasicFlowOptions } from "./basic-flow.js";
import { isText, issued, type IssuedCredentials } from "./credentials.js";
import { isIdentityId } from "./identity-id.js";
import type { Timers } from "../platform/types.js";
import { fromIdentityPoolError, malformedAnswer } from "./errors.js";

/**
 * The unsigned identity-pool calls: the enhanced flow's two, the identity's OpenID Connect token
 * (the basic flow's first step, and `getOpenIdToken()`), and unlinking a login. Errors are
 * {@link CognitoIdpoolError}s.
 */
export interface IdentityPoolApi {
  getId(logins?: Record<string, string>): Promise<string>;
  getCredentialsForIdentity(identityId: string, logins?: Record<string, string>): Promise<IssuedCredentials>;
  /** The identity's OpenID token; Cognito names the identity it is for, which a merge may have changed, as for credentials. */
  getOpenIdToken(identityId: string, logins?: Record<string, string>): Promise<{ identityId: string; token: string }>;
  unlinkIdentity(identityId: string, logins: Record<string, string>, remove: string): Promise<void>;
}

export interface IdentityPoolApiConfig {
  identityPoolId: string;
  region: string;
  endpoint: string | undefined;
  customRoleArn: string | undefined;
  fetch: typeof globalThis.fetch | undefined;
  /** Deadline for each call's whole answer, headers and body. */
  requestTimeoutMs: number;
  /** Runs that deadline. */
  timers: Timers;
  /** Called with the `Date` header of every answer from Cognito, errors included. */
  observeServerDate(dateHeader: string | undefined): void;
  /** `flow: "basic"`: credentials from STS AssumeRoleWithWebIdentity instead of GetCredentialsForIdentity; the options it checks. */
  basic?: BasicFlowOptions | undefined;
}

/**
 * The identity-pool client: `@aws-sdk/client-cognito-identity`'s operation schemas sent through the
 * SDK's awsJson1_1 protocol (see ../aws/json-rpc.ts), through the injected `fetch`. It never
 * retries: every call comes from the credential engine, whose refresh scheduler retries failures
 * marked `retryable` on one backoff schedule shared by every caller, on an injectable clock. (User-pool calls differ; see ../user-pool/client.ts.)
 */
export function createIdentityPoolApi(config: IdentityPoolApiConfig): IdentityPoolApi {
  // The config carries the sender's deadline, timers, fetch and observeServerDate.
  const send = createJsonRpcSend({
    ...config,
    url: config.endpoint ?? serviceUrl("cognito-identity", config.region),
    serviceTarget: "AWSCognitoIdentityService",
    defaultNamespace: "com.amazonaws.cognitoidentity",
    errorTypeRegistries,
  });

  // Members left undefined (no logins, no role) are not sent: the protocol's serializer skips them.
  const call = async <T>(schema: OperationSchema, input: object, logins: Record<string, string> | undefined): Promise<JsonRpcAnswer<T>> => {
    try {
      return await send<T>(schema, { ...input, Logins: logins });
    } catch (error) {
      throw fromIdentityPoolError(error, { identityPoolId: config.identityPoolId, loginKeys: Object.keys(logins ?? {}) });
    }
  };

  /** `flow: "basic"`: the module that asks STS for the role, loaded by the first call. */
  const basicFlowModule = config.basic && lazyModule(() => import("./basic-flow.js"), "the basic flow's module");
  let assumeRole: BasicFlow | undefined;
  // Its options are checked before the first request, and again at each call until they pass.
  const basicFlow =
    basicFlowModule &&
    (async () =>
      (assumeRole ??= (await basicFlowModule()).createBasicFlow({
        config,
        api,
        createSend: createJsonRpcSend,
        serviceUrl,
        classify,
        issued,
        Error: CognitoIdpoolError,
        invalidOption,
      })));
  const api: IdentityPoolApi = {
    async getId(logins) {
      if (basicFlow) await basicFlow();
      const { output } = await call<GetIdResponse>(GetId$, { IdentityPoolId: config.identityPoolId }, logins);
      // The rule stored ids are read back with: an id stored but unreadable would mean a new identity on every load.
      if (!isIdentityId(output.IdentityId)) throw malformedAnswer("IdentityId");
      return output.IdentityId;
    },
    async getCredentialsForIdentity(identityId, logins) {
      if (basicFlow) return (await basicFlow())(identityId, logins);
      const { output, dateMs } = await call<GetCredentialsForIdentityResponse>(
        GetCredentialsForIdentity$,
        { IdentityId: identityId, CustomRoleArn: config.customRoleArn },
        logins,
      );
      if (output.IdentityId !== undefined && !isIdentityId(output.IdentityId)) throw malformedAnswer("IdentityId");
      const { AccessKeyId, SecretKey, SessionToken, Expiration } = output.Credentials ?? {};
      return issued(output.IdentityId ?? identityId, [AccessKeyId, SecretKey, SessionToken], Expiration, dateMs);
    },
    async getOpenIdToken(identityId, logins) {
      const { output } = await call<GetOpenIdTokenResponse>(GetOpenIdToken$, { IdentityId: identityId }, logins);
      if (output.IdentityId !== undefined && !isIdentityId(output.IdentityId)) throw malformedAnswer("IdentityId");
      if (!isText(output.Token)) throw malformedAnswer("Token");
      return { identityId: output.IdentityId ?? identityId, token: output.Token };
    },
    async unlinkIdentity(identityId, logins, remove) {
      await call(UnlinkIdentity$, { IdentityId: identityId, LoginsToRemove: [remove] }, logins);
    },
  };
  return api;
}
