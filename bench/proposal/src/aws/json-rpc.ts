/**
 * Calls a Cognito API (awsJson1_1) through the AWS SDK's own wire code: the generated operation
 * schemas of `@aws-sdk/client-cognito-identity(-provider)`, the SDK's `AwsJson1_1Protocol` and its
 * `FetchHttpHandler`. What it leaves out is the generated client class, whose default runtime
 * config statically imports what these unsigned calls never use: the SigV4 signer, a JavaScript
 * SHA-256, retry strategies, the endpoint rule engine with its partition table, the user-agent
 * builder (bowser, package.json) and the middleware stack. About 23 KiB brotli for a guest page.
 */
import { AwsJson1_1Protocol } from "@aws-sdk/core/protocols";
import { operation } from "@smithy/core/schema";
import { fromBase64, fromUtf8, toBase64, toUtf8 } from "@smithy/core/serde";
import { FetchHttpHandler, streamCollector } from "@smithy/fetch-http-handler";

/** A generated operation schema such as `GetId$` (`[9, namespace, name, traits, input, output]`). */
export type OperationSchema = readonly [number, string, string, unknown, unknown, unknown];

type ProtocolOptions = ConstructorParameters<typeof AwsJson1_1Protocol>[0];

export interface JsonRpcOptions {
  /** Base URL, e.g. `https://cognito-identity.eu-west-1.amazonaws.com` or the emulator's. */
  url: string;
  /** `AWSCognitoIdentityService` or `AWSCognitoIdentityProviderService`. */
  serviceTarget: string;
  /** The service's Smithy namespace, e.g. `com.amazonaws.cognitoidentity`. */
  defaultNamespace: string;
  /** The client package's `errorTypeRegistries`, so modeled errors keep their classes. */
  errorTypeRegistries: ProtocolOptions["errorTypeRegistries"];
  requestTimeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  /** Sees the `Date` header of every response, errors included (the server's clock). */
  observeServerDate?: (dateHeader: string | undefined) => void;
}

/** Sends one operation; resolves to its output or rejects with the SDK's modeled error. */
export type JsonRpcSend = <Output>(schema: OperationSchema, input: object) => Promise<Output>;

/**
 * Creates a sender for one service.
 *
 * @example
 * ```ts
 * import { GetId$, errorTypeRegistries } from "@aws-sdk/client-cognito-identity";
 * const send = createJsonRpcSend({
 *   url: "https://cognito-identity.eu-west-1.amazonaws.com",
 *   serviceTarget: "AWSCognitoIdentityService",
 *   defaultNamespace: "com.amazonaws.cognitoidentity",
 *   errorTypeRegistries,
 * });
 * const { IdentityId } = await send<{ IdentityId?: string }>(GetId$, { IdentityPoolId });
 * ```
 */
export function createJsonRpcSend(options: JsonRpcOptions): JsonRpcSend {
  const url = new URL(options.url);
  const context = {
    base64Decoder: fromBase64,
    base64Encoder: toBase64,
    utf8Decoder: fromUtf8,
    utf8Encoder: toUtf8,
    streamCollector,
    endpoint: async () => ({ protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}), path: url.pathname }),
  };
  const protocol = new AwsJson1_1Protocol({
    defaultNamespace: options.defaultNamespace,
    serviceTarget: options.serviceTarget,
    ...(options.errorTypeRegistries ? { errorTypeRegistries: options.errorTypeRegistries } : {}),
  });
  protocol.setSerdeContext(context);
  const handler = new FetchHttpHandler({
    ...(options.requestTimeoutMs ? { requestTimeout: options.requestTimeoutMs } : {}),
    ...(options.fetch ? { customFetch: options.fetch } : {}),
  });
  return async <Output>([, namespace, name, traits, input, output]: OperationSchema, values: object): Promise<Output> => {
    const op = operation(namespace, name, traits as never, input as never, output as never);
    const request = await protocol.serializeRequest(op, values, context as never);
    const { response } = await handler.handle(request as never);
    options.observeServerDate?.(response.headers["date"]);
    return protocol.deserializeResponse<Output & { $metadata: never }>(op, context as never, response);
  };
}

/**
 * A Cognito service's public endpoint in a region: what the generated client's endpoint rules
 * resolve for these services without FIPS or dual-stack (China regions use `amazonaws.com.cn`).
 *
 * @example
 * ```ts
 * serviceUrl("cognito-identity", "eu-west-1"); // "https://cognito-identity.eu-west-1.amazonaws.com"
 * ```
 */
export function serviceUrl(service: "cognito-identity" | "cognito-idp", region: string): string {
  return `https://${service}.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}`;
}
