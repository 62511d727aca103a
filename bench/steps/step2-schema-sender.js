// Step 2: the generated operation schemas sent through the SDK's awsJson1_1 protocol directly
// (schema-sender.js) and the SDK's FetchHttpHandler: no Client, Command, middleware stack or
// endpoint middleware.
import { FetchHttpHandler } from "@smithy/fetch-http-handler";
import { schemaWorkload } from "./schema-sender.js";

const handler = new FetchHttpHandler();

export const getCredentials = schemaWorkload(async (request) => (await handler.handle(request)).response);
