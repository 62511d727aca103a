/**
 * Calls a Cognito API (awsJson1_1) through the AWS SDK's own wire code: the generated operation
 * schemas of `@aws-sdk/client-cognito-identity(-provider)` and the SDK's `AwsJson1_1Protocol`,
 * which builds the request and reads the answer. What it leaves out is the generated client class,
 * whose default runtime config statically imports what these unsigned calls never use: the SigV4
 * signer, a JavaScript SHA-256, retry strategies, the endpoint rule engine with its partition
 * table, the user-agent builder and the middleware stack (bench/README.md measures the
 * difference). Nor does it use the SDK's `FetchHttpHandler`: the request goes out with one
 * `fetch`, exactly as that class sends these calls, without what they never need (query strings,
 * URL credentials, keep-alive probing, its own timeout and abort race), which was about 0.8 KB
 * brotli of the guest page load.
 */
import { AwsJson1_1Protocol } from "@aws-sdk/core/protocols";
import { operation } from "@smithy/core/schema";
import { HttpResponse, type HttpRequest } from "@smithy/core/transport";
import { streamCollector } from "@smithy/fetch-http-handler";
import { withDeadline } from "../platform/deadline.js";
import type { Timers } from "../platform/types.js";

type SchemaParts = Parameters<typeof operation>;

/** A generated operation schema such as `GetId$`: `[9, namespace, name, traits, input, output]`. */
export type OperationSchema = readonly [number, ...SchemaParts];

type ProtocolOptions = ConstructorParameters<typeof AwsJson1_1Protocol>[0];

/** Which protocol speaks to the service: awsJson1_1, built from the service's names, or one the caller built. */
export type JsonRpcProtocolOptions =
  | {
      /** `AWSCognitoIdentityService` or `AWSCognitoIdentityProviderService`. */
      serviceTarget: string;
      /** The service's Smithy namespace, e.g. `com.amazonaws.cognitoidentity`. */
      defaultNamespace: string;
      /** The client package's `errorTypeRegistries`, so modeled errors keep their classes. */
      errorTypeRegistries: ProtocolOptions["errorTypeRegistries"];
      protocol?: never;
    }
  | {
      /** Another of the SDK's protocols, built by the caller (STS speaks awsQuery: the basic flow's lazily loaded module brings its own). */
      protocol: Pick<AwsJson1_1Protocol, "serializeRequest" | "deserializeResponse" | "setSerdeContext">;
    };

export type JsonRpcOptions = JsonRpcProtocolOptions & JsonRpcTransportOptions;

export interface JsonRpcTransportOptions {
  /** Base URL, e.g. `https://cognito-identity.eu-west-1.amazonaws.com` or the emulator's. */
  url: string;
  /** Give up on a call whose answer (headers and body) is not in and read after this long. @default no limit */
  requestTimeoutMs?: number;
  /** Runs the deadline. */
  timers: Timers;
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Sees the `Date` header of every answer Cognito gave, errors included (the server's clock); not of unreadable ones. */
  observeServerDate(dateHeader: string | undefined): void;
}

/** A successful answer. */
export interface JsonRpcAnswer<Output> {
  output: Output;
  /** The answer's `Date` header (server time), epoch ms; NaN when it is missing or unreadable. */
  dateMs: number;
}

/**
 * Sends one operation; resolves to its answer or rejects with: the SDK's modeled error (with
 * `name`, `$fault` and `$metadata.httpStatusCode`) when the service answered with one, an
 * error with `$metadata.httpStatusCode` and neither name nor message when the answer could not be read, and
 * an error without `$metadata` when there was no complete answer (the transport's, or a
 * `TimeoutError` naming the operation and the deadline). `classify` (./outcome.ts) tells them apart.
 */
export type JsonRpcSend = <Output>(schema: OperationSchema, input: object) => Promise<JsonRpcAnswer<Output>>;

/**
 * Creates a sender for one service.
 */
export function createJsonRpcSend(options: JsonRpcOptions): JsonRpcSend {
  const url = new URL(options.url);
  const endpoint = { protocol: url.protocol, hostname: url.hostname, port: +url.port || undefined, path: url.pathname };
  // No base64 or UTF-8 codecs: the protocol's serde falls back to @smithy/core's own, the same functions.
  const context = { streamCollector, endpoint: async () => endpoint } as Parameters<AwsJson1_1Protocol["serializeRequest"]>[2];
  const protocol =
    options.protocol ??
    new AwsJson1_1Protocol({
      defaultNamespace: options.defaultNamespace,
      serviceTarget: options.serviceTarget,
      errorTypeRegistries: options.errorTypeRegistries,
    });
  protocol.setSerdeContext(context);
  const { requestTimeoutMs: deadlineMs, timers } = options;

  const exchange = async <Output>(schema: ReturnType<typeof operation>, input: object, signal: AbortSignal): Promise<JsonRpcAnswer<Output>> => {
    // serializeRequest builds an `HttpRequest` instance; its declared type is the interface.
    const request = (await protocol.serializeRequest(schema, input, context)) as HttpRequest;
    // Sent as the SDK's `FetchHttpHandler` sends these requests: a POST with a body (so `duplex`,
    // which it sets for any body), to an endpoint without query, fragment or credentials; no
    // keep-alive, and no timeout of its own (the deadline below covers the whole answer, body included).
    const { protocol: scheme, hostname, port, path, method, headers, body } = request;
    const href = `${scheme}//${hostname}${port ? `:${port}` : ""}${path}`;
    const answer = await (options.fetch ?? fetch)(new Request(href, { method, headers, body, signal, duplex: "half" } as RequestInit));
    // An answer that comes once the call is over (from a `fetch` that ignores the abort) is dropped, as the handler drops it.
    if (signal.aborted) throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
    const response = new HttpResponse({
      statusCode: answer.status,
      reason: answer.statusText,
      headers: Object.fromEntries(answer.headers),
      // A `Response` without a stream (some fetch polyfills) is read whole, as the handler reads it.
      body: answer.body ?? (await answer.blob()),
    });
    const date: string | undefined = response.headers["date"];
    let output: Output;
    try {
      output = await protocol.deserializeResponse<Output & { $metadata: object }>(schema, context, response);
    } catch (error) {
      // Only a modeled error is Cognito speaking. Anything else thrown here means the body was no
      // Cognito answer (a proxy's or captive portal's page, a truncated body): its Date is not
      // Cognito's clock, and the parser's message quotes the body, which may hold a secret. So it
      // goes on as its status alone: no error type, no message.
      const { $fault, name } = Object(error) as { $fault?: unknown; name?: unknown };
      if (!$fault || name === "Unknown") throw Object.assign(new Error(), { name: "", $metadata: { httpStatusCode: response.statusCode } });
      options.observeServerDate(date);
      throw error;
    }
    options.observeServerDate(date);
    // Date.parse(undefined) is NaN, the "no Date" value.
    return { output, dateMs: Date.parse(date as string) };
  };

  return <Output>([, ...parts]: OperationSchema, input: object) => {
    // One deadline for the whole answer, body included. The abort, once the call is over either
    // way, makes the browser drop a connection that is still sending.
    const controller = new AbortController();
    return withDeadline(exchange<Output>(operation(...parts), input, controller.signal), timers, deadlineMs, () =>
      Object.assign(new Error(`no complete answer to ${parts[1]} within ${deadlineMs} ms`), { name: "TimeoutError" }),
    ).finally(() => controller.abort());
  };
}
