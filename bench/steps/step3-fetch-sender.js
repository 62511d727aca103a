// Step 3, as src/aws/json-rpc.ts does it now: step 2 with the serialized request sent by one `fetch`
// call instead of the SDK's FetchHttpHandler, whose general features (query strings, URL
// credentials, keep-alive probing, its own timeout race) these unsigned POSTs never use.
import { HttpResponse } from "@smithy/core/transport";
import { schemaWorkload } from "./schema-sender.js";

export const getCredentials = schemaWorkload(async (request) => {
  const href = `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ""}${request.path}`;
  const answer = await fetch(href, { method: request.method, headers: request.headers, body: request.body });
  return new HttpResponse({ statusCode: answer.status, headers: Object.fromEntries(answer.headers), body: answer.body });
});
