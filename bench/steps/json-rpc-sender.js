// Step 2 (see bench/README.md), as src/aws/json-rpc.ts does it: call Cognito through the AWS SDK's own
// operation schemas and its awsJson1_1 protocol implementation, without the generated client class.
// The client class costs what this job never uses: its default runtime config statically imports
// the SigV4 signer, SHA-256 fallback, retry strategies, endpoint rule engine with the partition
// table, the user-agent builder (with bowser and package.json) and the middleware stack.
import { AwsJson1_1Protocol } from "@aws-sdk/core/protocols";
import { operation } from "@smithy/core/schema";
import { fromBase64, fromUtf8, toBase64, toUtf8 } from "@smithy/core/serde";
import { FetchHttpHandler, streamCollector } from "@smithy/fetch-http-handler";

/**
 * @param {{ url: string, serviceTarget: string, defaultNamespace: string, errorTypeRegistries: unknown[] }} service
 * @returns {(schema: unknown[], input: object) => Promise<any>}
 */
export function jsonRpcSender({ url, serviceTarget, defaultNamespace, errorTypeRegistries }) {
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
  const handler = new FetchHttpHandler();
  return async ([, namespace, name, traits, input, output], values) => {
    const op = operation(namespace, name, traits, input, output);
    const { response } = await handler.handle(await protocol.serializeRequest(op, values, context));
    return protocol.deserializeResponse(op, context, response);
  };
}
