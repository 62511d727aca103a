import { samlControl } from "./cognito-identity/saml-control.js";
import { socialControl } from "./cognito-identity/social-control.js";
import { lastCodeSent } from "./cognito-idp/queries.js";
import { AwsError } from "./core/errors.js";
import { defaultRuntime, type Fault } from "./core/runtime.js";
import type { EmulatorResponse } from "./core/types.js";
import type { EmulatorCore } from "./emulator.js";
import { applySeed, type Seed } from "./seed.js";
import type { ServiceContext } from "./service.js";
import { emptyState } from "./state.js";

/**
 * Test and demo controls under `/_emulator/` (no AWS path uses this prefix). JSON in, JSON out.
 * Unsigned on purpose: the emulator only listens on loopback unless told otherwise.
 */
export async function handleControl(core: EmulatorCore, ctx: ServiceContext): Promise<EmulatorResponse> {
  const { method, rawPath } = ctx.request;
  const path = rawPath.replace(/\/+$/, "");
  const ok = (body: unknown = { ok: true }): EmulatorResponse => ({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  if (method === "OPTIONS") {
    return {
      status: 204,
      headers: {
        "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
        "access-control-allow-headers": ctx.request.headers["access-control-request-headers"] ?? "content-type",
        "access-control-max-age": "86400",
      },
    };
  }

  if (path === "/_emulator/health" && method === "GET") return ok({ ok: true, now: core.clock.date().toISOString() });

  if (path === "/_emulator/reset" && method === "POST") {
    core.replaceState(emptyState());
    core.clock.offsetMs = 0;
    Object.assign(core.runtime, defaultRuntime());
    return ok();
  }

  if (path === "/_emulator/clock") {
    if (method === "GET") return ok({ offsetSeconds: core.clock.offsetMs / 1000, now: core.clock.date().toISOString() });
    if (method === "POST") {
      const { offsetSeconds } = body(ctx);
      if (typeof offsetSeconds !== "number" || !Number.isFinite(offsetSeconds)) throw invalid("offsetSeconds", "a finite number of seconds");
      core.clock.offsetMs = offsetSeconds * 1000;
      return ok({ offsetSeconds, now: core.clock.date().toISOString() });
    }
  }

  if (path === "/_emulator/credentials" && method === "POST") {
    const { lifetimeSeconds } = body(ctx);
    if (
      lifetimeSeconds !== null &&
      (typeof lifetimeSeconds !== "number" || !Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 1 || lifetimeSeconds > 43200)
    ) {
      throw invalid("lifetimeSeconds", "an integer from 1 to 43200, or null for the default 3600");
    }
    core.runtime.credentialLifetimeSeconds = lifetimeSeconds as number | null;
    return ok({ lifetimeSeconds: lifetimeSeconds ?? 3600 });
  }

  if (path === "/_emulator/faults" && method === "POST") {
    const input = body(ctx);
    if (input["clear"] === true) {
      core.runtime.faults = [];
      return ok();
    }
    const { target, error, count = 1, latencyMs = 0, message, stallBody, stallMs, malformed } = input;
    if (typeof target !== "string" || target === "") throw invalid("target", "an operation name such as GetId, or *");
    if (error !== undefined && (typeof error !== "string" || !/^[A-Za-z]+$/.test(error))) throw invalid("error", "an AWS error type, or network");
    if (stallBody !== undefined && typeof stallBody !== "boolean") throw invalid("stallBody", "true or false");
    if (malformed !== undefined && typeof malformed !== "boolean") throw invalid("malformed", "true or false");
    if (stallMs !== undefined) {
      if (!stallBody) throw invalid("stallMs", "given only with stallBody: true");
      if (typeof stallMs !== "number" || !Number.isInteger(stallMs) || stallMs < 1 || stallMs > 600_000)
        throw invalid("stallMs", "milliseconds from 1 to 600000");
    }
    if (error === undefined && !latencyMs && !stallBody && !malformed)
      throw invalid("error", "an AWS error type, or network (or give latencyMs, stallBody or malformed)");
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1) throw invalid("count", "a positive integer");
    if (typeof latencyMs !== "number" || latencyMs < 0 || latencyMs > 60_000) throw invalid("latencyMs", "milliseconds from 0 to 60000");
    // A dropped connection has no body to stall, and a malformed answer is a 200, not an error.
    if (stallBody && error === "network") throw invalid("stallBody", "left out with error network (a dropped connection has no body)");
    if (malformed && error !== undefined) throw invalid("malformed", "left out with error (a malformed answer is a 200)");
    const fault: Fault = { target, error: (error as string | undefined) ?? "", count, latencyMs };
    if (typeof message === "string") fault.message = message;
    if (stallBody) fault.stallBody = true;
    if (stallMs !== undefined) fault.stallMs = stallMs;
    if (malformed) fault.malformed = true;
    core.runtime.faults.push(fault);
    return ok({ pending: core.runtime.faults });
  }

  if (path === "/_emulator/requests") {
    if (method === "GET") return ok({ requests: core.runtime.requests });
    if (method === "DELETE") {
      core.runtime.requests = [];
      return ok();
    }
  }

  if (path === "/_emulator/seed" && method === "POST") {
    const seed = body(ctx) as Seed;
    try {
      return ok(await applySeed(seed, { state: core.state, clock: core.clock, baseUrl: core.baseUrl() }));
    } catch (error) {
      // Seed validation speaks in TypeErrors naming the bad entry; a caller needs that text, not a 500.
      if (error instanceof TypeError) throw new AwsError("ValidationException", error.message);
      throw error;
    }
  }

  // What the social and SAML stand-ins' control routes read.
  const standIns = { slice: core.state.cognitoIdentity, clock: core.clock, baseUrl: core.baseUrl(), method, path, body: () => body(ctx) };
  const social = await socialControl(standIns);
  if (social !== undefined) return ok(social);

  const saml = samlControl({
    ...standIns,
    params: () => {
      const params = new URLSearchParams(ctx.request.url.searchParams);
      if (method === "POST") for (const [k, v] of new URLSearchParams(ctx.request.body.toString("utf8"))) params.set(k, v);
      return params;
    },
  });
  if (saml && "page" in saml) return saml.page;
  if (saml && "xml" in saml) return { status: 200, headers: { "content-type": "application/samlmetadata+xml" }, body: saml.xml };
  if (saml) return ok(saml.json);

  const code = /^\/_emulator\/codes\/([^/]+)\/([^/]+)$/.exec(path);
  if (code && method === "GET") {
    const found = lastCodeSent(core.state, decodeURIComponent(code[1]!), decodeURIComponent(code[2]!));
    if (!found)
      return {
        status: 404,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ __type: "ResourceNotFoundException", message: "No code was sent to that user." }),
      };
    return ok(found);
  }

  return {
    status: 404,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ __type: "UnknownOperationException", message: `No control route ${method} ${path}` }),
  };
}

function body(ctx: ServiceContext): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(ctx.request.body.toString("utf8") || "{}");
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw new AwsError("SerializationException", "The control API takes a JSON object.");
}

function invalid(field: string, expected: string): AwsError {
  return new AwsError("ValidationException", `${field} must be ${expected}.`);
}
