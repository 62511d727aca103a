/**
 * Calls a Cognito API (awsJson1_1) through the AWS SDK's own wire code: the generated operation
 * schemas of `@aws-sdk/client-cognito-identity(-provider)`, the SDK's `AwsJson1_1Protocol` and its
 * `FetchHttpHandler`. What it leaves out is the generated client class, whose default runtime
 * config statically imports what these unsigned calls never use: the SigV4 signer, a JavaScript
 * SHA-256, retry strategies, the endpoint rule engine with its partition table, the user-agent
 * builder and the middleware stack (bench/README.md measures the difference).
 */
import { AwsJson1_1Protocol } from "@aws-sdk/core/protocols";
import { operation } from "@smithy/core/schema";
import { fromBase64, fromUtf8, toBase64, toUtf8 } from "@smithy/core/serde";
import { FetchHttpHandler, streamCollector } from "@smithy/fetch-http-handler";

type SchemaParts = Parameters<typeof operation>;

/** A generated operation schema such as `GetId$`: `[9, namespace, name, traits, input, output]`. */
export type OperationSchema = readonly [number, ...SchemaParts];

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
  /** Abort a request that has not been answered after this long. @default no limit */
  requestTimeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Sees the `Date` header of every response, errors included (the server's clock). */
  observeServerDate(dateHeader: string | undefined): void;
}

/**
 * Sends one operation; resolves to its output or rejects with the SDK's error: a modeled error
 * (with `name`, `$fault` and `$metadata.httpStatusCode`) when the service answered with one, an
 * error with `$metadata.httpStatusCode` when the answer could not be read, and the transport's
 * error (no `$metadata`) when there was no answer.
 */
export type JsonRpcSend = <Output>(schema: OperationSchema, input: object) => Promise<Output>;

/**
 * Creates a sender for one service.
 */
export function createJsonRpcSend(options: JsonRpcOptions): JsonRpcSend {
  const url = new URL(options.url);
  const endpoint = { protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname };
  const context = {
    base64Decoder: fromBase64,
    base64Encoder: toBase64,
    utf8Decoder: fromUtf8,
    utf8Encoder: toUtf8,
    streamCollector,
    endpoint: async () => endpoint,
  };
  const protocol = new AwsJson1_1Protocol({
    defaultNamespace: options.defaultNamespace,
    serviceTarget: options.serviceTarget,
    errorTypeRegistries: options.errorTypeRegistries,
  });
  protocol.setSerdeContext(context);
  const handler = new FetchHttpHandler({ requestTimeout: options.requestTimeoutMs, customFetch: options.fetch });

  return async <Output>([, ...parts]: OperationSchema, input: object) => {
    const schema = operation(...parts);
    // serializeRequest builds an `HttpRequest` instance; its declared type is the interface.
    const request = (await protocol.serializeRequest(schema, input, context)) as Parameters<FetchHttpHandler["handle"]>[0];
    const { response } = await handler.handle(request);
    options.observeServerDate(response.headers["date"]);
    try {
      return await protocol.deserializeResponse<Output & { $metadata: object }>(schema, context, response);
    } catch (error) {
      // An answer that could not be read (an HTML error page from a proxy, say) still had a
      // status, as the SDK's client reports it; only a missing answer has none.
      if (error instanceof Error && !("$metadata" in error)) Object.assign(error, { $metadata: { httpStatusCode: response.statusCode } });
      throw error;
    }
  };
}

/** DNS suffixes of the AWS partitions other than `aws` (`amazonaws.com`), by region prefix. */
const PARTITION_DNS_SUFFIXES: [RegExp, string][] = [
  [/^cn-/, "amazonaws.com.cn"],
  [/^us-iso-/, "c2s.ic.gov"],
  [/^us-isob-/, "sc2s.sgov.gov"],
  [/^eu-isoe-/, "cloud.adc-e.uk"],
  [/^us-isof-/, "csp.hci.ic.gov"],
];

/**
 * A Cognito service's public endpoint in a region: what the generated clients' endpoint rules
 * resolve for these services without FIPS or dual-stack, e.g.
 * `https://cognito-identity.eu-west-1.amazonaws.com`.
 */
export function serviceUrl(service: "cognito-identity" | "cognito-idp", region: string): string {
  const suffix = PARTITION_DNS_SUFFIXES.find(([prefix]) => prefix.test(region))?.[1] ?? "amazonaws.com";
  return `https://${service}.${region}.${suffix}`;
}
