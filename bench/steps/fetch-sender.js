// Step 3 (see bench/README.md), as src/aws/json-rpc.ts does it now: step 2's schemas and awsJson1_1
// protocol, with the serialized request sent by one `fetch` call instead of the SDK's
// FetchHttpHandler, whose general features (query strings, URL credentials, keep-alive probing,
// its own timeout race) these unsigned POSTs never use.
import { AwsJson1_1Protocol } from "@aws-sdk/core/protocols";
import { operation } from "@smithy/core/schema";
import { fromBase64, fromUtf8, toBase64, toUtf8 } from "@smithy/core/serde";
import { HttpResponse } from "@smithy/core/transport";
import { streamCollector } from "@smithy/fetch-http-handler";

/**
 * @param {{ url: string, serviceTarget: string, defaultNamespace: string, errorTypeRegistries: unknown[] }} service
 * @returns {(schema: unknown[], input: object) => Promise<any>}
 */
export function fetchSender({ url, serviceTarget, defaultNamespace, errorTypeRegistries }) {
  const { protocol: scheme, hostname, port, pathname } = new URL(url);
  const context = {
    utf8Decoder: fromUtf8,
    utf8Encoder: toUtf8,
    base64Decoder: fromBase64,
    base64Encoder: toBase64,
    streamCollector,
    endpoint: async () => ({ protocol: scheme, hostname, port: port ? Number(port) : undefined, path: pathname }),
  };
  const protocol = new AwsJson1_1Protocol({ defaultNamespace, serviceTarget, errorTypeRegistries, awsQueryCompatible: false });
  protocol.setSerdeContext(context);
  return async ([, namespace, name, traits, input, output], values) => {
    const op = operation(namespace, name, traits, input, output);
    const request = await protocol.serializeRequest(op, values, context);
    const href = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ""}${request.path}`;
    const answer = await fetch(href, { method: request.method, headers: request.headers, body: request.body });
    const response = new HttpResponse({ statusCode: answer.status, headers: Object.fromEntries(answer.headers), body: answer.body });
    return protocol.deserializeResponse(op, context, response);
  };
}
