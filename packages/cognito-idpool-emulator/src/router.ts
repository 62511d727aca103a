import { randomUUID } from "node:crypto";
import { cognitoIdentityService, serveCognitoIdentityWellKnown } from "./cognito-identity/index.js";
import { cognitoIdpService, serveUserPoolWellKnown } from "./cognito-idp/index.js";
import { handleControl } from "./control.js";
import { hostedUiFailure, hostedUiRoute } from "./hosted-ui/index.js";
import { AwsError } from "./core/errors.js";
import { jsonAuthError, jsonError, jsonSuccess, queryAuthError, queryError, querySuccess, s3Error } from "./core/protocols.js";
import { faultError, malformedAnswer, recordRequest, takeFault, type Fault, type RequestLogEntry } from "./core/runtime.js";
import { verifySigV4 } from "./core/sigv4.js";
import type { EmulatorRequest, EmulatorResponse, ServiceName } from "./core/types.js";
import type { EmulatorCore } from "./emulator.js";
import { iamService } from "./iam/index.js";
import type { JsonService, QueryService, ServiceContext } from "./service.js";
import { s3Service } from "./s3/index.js";
import { stsService } from "./sts/index.js";
import { own } from "./core/records.js";

/** JSON bodies are small on every Cognito operation; S3 objects may be larger. */
const MAX_JSON_BODY = 1024 * 1024;
const MAX_S3_BODY = 64 * 1024 * 1024;

const JSON_SERVICES: JsonService[] = [cognitoIdentityService, cognitoIdpService];
const QUERY_SERVICES: QueryService[] = [iamService, stsService];

/** Headers AWS exposes to pages on the Cognito and query endpoints (seen on real responses). */
const CORS_EXPOSE = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date,x-amz-request-id";

/** A request as the HTTP adapter receives it, before its body is read. */
export interface IncomingRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  /** Lower-cased names; repeated headers joined with commas. */
  headers: Record<string, string>;
  /** Reads the whole body, or resolves undefined once it grows past `limit` bytes. */
  readBody(limit: number): Promise<Buffer | undefined>;
}

/**
 * What the adapter does with the request: answer it (closing the connection after if `close`), or
 * drop the connection. With `stallBody`, the status and headers go out at once and the body is held
 * back until the client closes the connection, or for `stallBody.ms` when that is set.
 */
export type Outcome = { response: EmulatorResponse; close: boolean; stallBody?: { ms?: number } } | { dropConnection: true };

interface Routed {
  service: ServiceName | "control";
  operation: string;
  /** An awsJson operation (`X-Amz-Target`): the only kind a `malformed` fault applies to. */
  awsJson?: true;
  run(ctx: ServiceContext): Promise<EmulatorResponse>;
  /** Serializes an error (faults, limits) in this route's protocol. */
  fail(error: AwsError, ctx: ServiceContext): EmulatorResponse;
}

/**
 * Serves one request: routes it to the control API or to a service by AWS's own rules (awsJson by
 * `X-Amz-Target`, the query protocol by `Action=`, user-pool discovery documents, everything else
 * S3), applies pending faults, and records it in the request log. Knows nothing of node:http.
 */
export async function dispatch(core: EmulatorCore, incoming: IncomingRequest): Promise<Outcome> {
  const rawPath = incoming.url.split("?")[0] || "/";
  let url: URL;
  try {
    url = new URL(incoming.url, "http://emulator.local");
  } catch {
    return { response: dated(core, { status: 400, headers: { "content-type": "text/plain" }, body: "malformed request URL" }), close: true };
  }
  const { headers } = incoming;
  const method = incoming.method.toUpperCase();
  const isS3 = !rawPath.startsWith("/_emulator/") && !headers["x-amz-target"] && !(rawPath === "/" && isQueryRequest(method, headers, url));
  const limit = isS3 ? MAX_S3_BODY : MAX_JSON_BODY;
  const body = await incoming.readBody(limit);
  const request: EmulatorRequest = { method, rawPath, url, headers, body: body ?? Buffer.alloc(0) };
  const ctx: ServiceContext = {
    state: core.state,
    clock: core.clock,
    runtime: core.runtime,
    request,
    baseUrl: core.baseUrl(),
    requestId: randomUUID(),
    region: "us-east-1",
    log: {},
    dataDir: core.dataDir,
    triggers: core.triggers,
  };

  const routed = route(core, request);
  if (body === undefined) {
    const tooLarge = isS3
      ? new AwsError("EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size.", 400)
      : new AwsError("SerializationException", `Request body exceeds ${limit} bytes.`, 413);
    return finish(core, routed, ctx, routed.fail(tooLarge, ctx), true);
  }

  let fault: Fault | undefined;
  if (routed.service !== "control" && method !== "OPTIONS") {
    fault = takeFault(core.runtime, routed.operation, { awsJson: routed.awsJson === true });
    if (fault) {
      const delay = fault.latencyMs;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      if (fault.error === "network") {
        record(core, routed, ctx, 0);
        return { dropConnection: true };
      }
      if (fault.error) return stalled(finish(core, routed, ctx, routed.fail(faultError(fault), ctx)), fault);
    }
  }

  let response: EmulatorResponse;
  try {
    response = await routed.run(ctx);
  } catch (error) {
    if (error instanceof AwsError) response = routed.fail(error, ctx);
    else {
      process.stderr.write(`cognito-idpool-emulator: ${routed.service}.${routed.operation} failed: ${(error as Error).stack ?? error}\n`);
      const internal =
        routed.service === "s3"
          ? new AwsError("InternalError", "We encountered an internal error. Please try again.", 500)
          : new AwsError("InternalErrorException", "An internal error occurred.", 500);
      response = routed.fail(internal, ctx);
    }
  }
  // The operation still ran (its effects stay), as when a real answer is cut short on the way back.
  if (fault?.malformed) response = malformedAnswer(response);
  return stalled(finish(core, routed, ctx, response), fault);
}

function stalled(outcome: Outcome, fault: Fault | undefined): Outcome {
  if (!fault?.stallBody || "dropConnection" in outcome) return outcome;
  return { ...outcome, stallBody: fault.stallMs === undefined ? {} : { ms: fault.stallMs } };
}

function finish(core: EmulatorCore, routed: Routed, ctx: ServiceContext, response: EmulatorResponse, close = false): Outcome {
  if (routed.service !== "control" && ctx.request.method !== "OPTIONS") record(core, routed, ctx, response.status);
  // S3 decides its CORS headers from the bucket's configuration; everything else is open like AWS.
  if (routed.service !== "s3") {
    response.headers["access-control-allow-origin"] ??= "*";
    response.headers["access-control-expose-headers"] ??= CORS_EXPOSE;
  }
  if (ctx.request.method !== "GET" && ctx.request.method !== "HEAD" && ctx.request.method !== "OPTIONS") core.onChange();
  return { response: dated(core, response), close };
}

/** AWS's `Date` header, on the emulator's clock so a shifted clock shows in every answer. */
function dated(core: EmulatorCore, response: EmulatorResponse): EmulatorResponse {
  return { ...response, headers: { ...response.headers, date: core.clock.date().toUTCString() } };
}

function record(core: EmulatorCore, routed: Routed, ctx: ServiceContext, status: number): void {
  if (routed.service === "control") return;
  const entry: RequestLogEntry = { service: routed.service, operation: routed.operation, status, time: ctx.clock.date().toISOString() };
  if (ctx.log.identityId) entry.identityId = ctx.log.identityId;
  if (ctx.log.clientId) entry.clientId = ctx.log.clientId;
  recordRequest(core.runtime, entry);
}

function isQueryRequest(method: string, headers: Record<string, string>, url: URL): boolean {
  if (url.searchParams.has("Action")) return true;
  return method === "POST" && (headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
}

function route(core: EmulatorCore, request: EmulatorRequest): Routed {
  const { method, rawPath, headers, url } = request;

  if (rawPath.startsWith("/_emulator/") || rawPath === "/_emulator") {
    return {
      service: "control",
      operation: rawPath,
      run: (ctx) => handleControl(core, ctx),
      fail: (error, ctx) => jsonError(error, ctx.requestId),
    };
  }

  const target = headers["x-amz-target"];
  if (target || (method === "OPTIONS" && rawPath === "/")) {
    if (method === "OPTIONS") return preflight("cognito-identity");
    const dot = target!.lastIndexOf(".");
    const prefix = target!.slice(0, dot);
    const operationName = target!.slice(dot + 1);
    const service = JSON_SERVICES.find((s) => s.targetPrefix === prefix);
    return jsonRoute(service, operationName);
  }

  // User-pool domains (managed login, OAuth 2.0 endpoints): pages and redirects, not awsJson.
  const hosted = hostedUiRoute(request);
  if (hosted) {
    return {
      service: "cognito-idp",
      operation: hosted.operation,
      run: (ctx) => hosted.run(ctx),
      fail: (error, ctx) => hostedUiFailure(error, ctx.request),
    };
  }

  if (method === "GET" && (rawPath === "/.well-known/jwks_uri" || rawPath === "/.well-known/openid-configuration")) {
    // Cognito Identity's own issuer (the OpenID tokens of GetOpenIdToken), at AWS's paths on the emulator's host.
    return {
      service: "cognito-identity",
      operation: rawPath.endsWith("jwks_uri") ? "GetJWKS" : "GetOpenIdConfiguration",
      run: async (ctx) => serveCognitoIdentityWellKnown(rawPath.endsWith("jwks_uri") ? "jwks_uri" : "openid-configuration", ctx),
      fail: (error, ctx) => jsonError(error, ctx.requestId),
    };
  }

  if (method === "GET") {
    const wellKnown = /^\/([\w-]+_[0-9A-Za-z]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(rawPath);
    if (wellKnown) {
      return {
        service: "cognito-idp",
        operation: wellKnown[2] === "jwks.json" ? "GetJWKS" : "GetOpenIdConfiguration",
        run: async (ctx) => serveUserPoolWellKnown(wellKnown[1]!, wellKnown[2]!, ctx),
        fail: (error, ctx) => jsonError(error, ctx.requestId),
      };
    }
  }

  if (rawPath === "/" && isQueryRequest(method, headers, url)) return queryRoute(request);

  return {
    service: "s3",
    operation: s3Service.operationName(request),
    run: (ctx) => s3Service.handle(ctx),
    fail: (error, ctx) => s3Service.decorate(s3Error(error, ctx.requestId), ctx),
  };
}

function preflight(service: ServiceName): Routed {
  return {
    service,
    operation: "OPTIONS",
    run: async (ctx) => ({
      status: 200,
      headers: {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers": ctx.request.headers["access-control-request-headers"] ?? "*",
        "access-control-max-age": "86400",
      },
    }),
    fail: (error, ctx) => jsonError(error, ctx.requestId),
  };
}

function jsonRoute(service: JsonService | undefined, operationName: string): Routed {
  const name = service?.service ?? "cognito-identity";
  return {
    service: name,
    operation: operationName,
    awsJson: true,
    fail: (error, ctx) => jsonError(error, ctx.requestId),
    async run(ctx) {
      const operation = service ? own(service.operations, operationName) : undefined;
      if (!service || !operation) throw new AwsError("UnknownOperationException", `Unknown operation ${operationName}`);
      if (operation.auth === "sigv4") {
        const result = await verifySigV4(ctx.request, ctx.state, ctx.clock);
        if (!result.ok) throw jsonAuthError(result.failure);
        if (result.service !== name) throw new AwsError("InvalidSignatureException", `Credential should be scoped to correct service: '${name}'.`);
        ctx.principal = result.principal;
        ctx.region = result.region;
      }
      let input: unknown;
      try {
        const text = ctx.request.body.toString("utf8");
        input = text.trim() === "" ? {} : JSON.parse(text);
      } catch {
        throw new AwsError("SerializationException", "Unable to parse the request body as JSON.");
      }
      if (typeof input !== "object" || input === null || Array.isArray(input)) {
        throw new AwsError("SerializationException", "Start of structure or map found where not expected.");
      }
      return jsonSuccess(await operation.handler(input as Record<string, unknown>, ctx), ctx.requestId);
    },
  };
}

function queryRoute(request: EmulatorRequest): Routed {
  const params: Record<string, string> = {};
  for (const [k, v] of request.url.searchParams) params[k] = v;
  if ((request.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(request.body.toString("utf8"))) params[k] = v;
  }
  const action = params["Action"] ?? "";
  // Signed requests name their service in the credential scope; unsigned ones (AssumeRoleWithWebIdentity) by action.
  const scoped = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(request.headers["authorization"] ?? "")?.[1];
  const service =
    QUERY_SERVICES.find((s) => s.service === scoped && Object.hasOwn(s.operations, action)) ??
    QUERY_SERVICES.find((s) => Object.hasOwn(s.operations, action)) ??
    QUERY_SERVICES.find((s) => s.service === scoped) ??
    iamService;
  return {
    service: service.service,
    operation: action || "Unknown",
    fail: (error, ctx) => queryError(error, service.xmlns, ctx.requestId),
    async run(ctx) {
      if (!action) throw new AwsError("MissingAction", "Missing Action");
      const operation = own(service.operations, action);
      if (!operation) throw new AwsError("InvalidAction", `Could not find operation ${action} for version ${params["Version"] ?? "NO_VERSION_SPECIFIED"}`);
      if (operation.auth === "sigv4") {
        const result = await verifySigV4(ctx.request, ctx.state, ctx.clock);
        if (!result.ok) throw queryAuthError(result.failure);
        ctx.principal = result.principal;
        ctx.region = result.region;
      }
      return querySuccess(action, service.xmlns, await operation.handler(params, ctx), ctx.requestId);
    },
  };
}
