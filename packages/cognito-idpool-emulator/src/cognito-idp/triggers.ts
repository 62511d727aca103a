import { AwsError } from "../core/errors.js";
import type { ServiceContext, TriggerEvent, TriggerFunction } from "../service.js";
import { idpErrors } from "./errors.js";
import type { PoolUser, UserPool } from "./state.js";

/**
 * User-pool Lambda triggers: where a trigger comes from (an in-process function, or the pool's
 * `LambdaConfig` naming a local HTTP URL), the event Cognito sends it, and how its failures reach
 * the caller of the API.
 */

/** The triggers the emulator invokes, by their `LambdaConfig` names (also the names in AWS's error messages). */
export const TRIGGER_NAMES = [
  "PreSignUp",
  "PostConfirmation",
  "PreAuthentication",
  "PostAuthentication",
  "DefineAuthChallenge",
  "CreateAuthChallenge",
  "VerifyAuthChallengeResponse",
  "PreTokenGeneration",
  "UserMigration",
] as const;
export type TriggerName = (typeof TRIGGER_NAMES)[number];

/** LambdaConfig members that name a function; the emulator stores the others but never calls them. */
const FUNCTION_MEMBERS = [...TRIGGER_NAMES, "CustomMessage"] as const;

/** Cognito waits 5 seconds for a trigger, then fails the call. */
const TIMEOUT_MS = 5000;

/** callerContext.clientId of calls that name no app client (AdminConfirmSignUp, …), as Cognito sends it. */
const NO_CLIENT = "CLIENT_ID_NOT_APPLICABLE";

function isLocalUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" && (url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]");
  } catch {
    return false;
  }
}

/**
 * Checks CreateUserPool's LambdaConfig: each function member is a Lambda ARN or, here only, a local
 * `http://` URL the emulator POSTs events to. Anything else could never be invoked.
 */
export function checkLambdaConfig(value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "object" || Array.isArray(value)) throw idpErrors.invalidParameter("LambdaConfig must be a structure.");
  const config = value as Record<string, unknown>;
  const named: [string, unknown][] = FUNCTION_MEMBERS.map((name) => [name, config[name]]);
  const tokenConfig = config["PreTokenGenerationConfig"];
  if (tokenConfig !== undefined && tokenConfig !== null) {
    if (typeof tokenConfig !== "object") throw idpErrors.invalidParameter("LambdaConfig.PreTokenGenerationConfig must be a structure.");
    const { LambdaArn, LambdaVersion } = tokenConfig as Record<string, unknown>;
    // Only the V1_0 event is emulated; a V2_0 function would read members the emulator never sends.
    if (LambdaVersion !== "V1_0") throw idpErrors.invalidParameter("The emulator supports PreTokenGenerationConfig.LambdaVersion V1_0 only.");
    named.push(["PreTokenGenerationConfig.LambdaArn", LambdaArn]);
  }
  for (const [name, target] of named) {
    if (target === undefined || target === null) continue;
    if (
      typeof target !== "string" ||
      !(/^arn:[\w+=/,.@-]+:[\w+=/,.@-]+:[\w+=/,.@-]*:[0-9]+:[\w+=/,.@-]+(:[\w+=/,.@-]+)?(:[0-9]+)?$/.test(target) || isLocalUrl(target))
    ) {
      throw idpErrors.invalidParameter(`LambdaConfig.${name} must be a Lambda function ARN or a local http:// URL (127.0.0.1 or localhost).`);
    }
  }
}

/** What the pool's LambdaConfig names for a trigger (PreTokenGenerationConfig wins over PreTokenGeneration, as on AWS). */
function configured(pool: UserPool, name: TriggerName): string | undefined {
  const config = pool.extra["LambdaConfig"] as Record<string, unknown> | undefined;
  if (!config) return undefined;
  if (name === "PreTokenGeneration") {
    const arn = (config["PreTokenGenerationConfig"] as Record<string, unknown> | undefined)?.["LambdaArn"];
    if (typeof arn === "string") return arn;
  }
  const target = config[name];
  return typeof target === "string" ? target : undefined;
}

/** Whether the pool has this trigger at all (in-process or configured). */
export function hasTrigger(ctx: ServiceContext, pool: UserPool, name: TriggerName): boolean {
  return inProcess(ctx, pool, name) !== undefined || configured(pool, name) !== undefined;
}

function inProcess(ctx: ServiceContext, pool: UserPool, name: TriggerName): TriggerFunction | undefined {
  return ctx.triggers?.[pool.Id]?.[name] ?? ctx.triggers?.["*"]?.[name];
}

/** The reason a trigger failed, as its message: what was thrown, or what the HTTP endpoint answered. */
class TriggerFailure extends Error {}

async function postEvent(url: string, event: TriggerEvent): Promise<unknown> {
  let answer: Response;
  try {
    answer = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as Error).name === "TimeoutError" ? `Task timed out after ${(TIMEOUT_MS / 1000).toFixed(2)} seconds` : (error as Error).message;
    throw new TriggerFailure(cause);
  }
  const text = await answer.text();
  if (!answer.ok) {
    // A Lambda-style error body ({"errorMessage": …}) gives the message; otherwise the body, or the status.
    let message = text.trim() || `HTTP ${answer.status}`;
    try {
      const parsed = JSON.parse(text) as { errorMessage?: unknown; message?: unknown };
      if (typeof parsed.errorMessage === "string") message = parsed.errorMessage;
      else if (typeof parsed.message === "string") message = parsed.message;
    } catch {
      // not JSON: the text itself is the message
    }
    throw new TriggerFailure(message);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new TriggerFailure("the trigger's answer is not valid JSON");
  }
}

/** The user's attributes as triggers see them: `sub`, the attributes, and `cognito:user_status`. */
export function eventAttributes(user: PoolUser): Record<string, string> {
  const attributes: Record<string, string> = { sub: user.sub };
  for (const [name, value] of Object.entries(user.attributes)) if (!name.startsWith("dev:")) attributes[name] = value;
  attributes["cognito:user_status"] = user.status;
  return attributes;
}

export interface TriggerCall {
  triggerSource: string;
  userName: string;
  /** The app client of the call; absent for administrative calls that name none. */
  clientId?: string | undefined;
  request: Record<string, unknown>;
  /** The response members Cognito sends pre-filled (with their defaults). */
  response?: Record<string, unknown>;
}

/**
 * Invokes a trigger if the pool has one and returns its `response` (undefined when there is no
 * trigger). A trigger that throws, fails over HTTP or answers garbage fails the API call with
 * UserLambdaValidationException, `<Trigger> failed with error <message>.`, as Cognito words it.
 */
export async function invokeTrigger(ctx: ServiceContext, pool: UserPool, name: TriggerName, call: TriggerCall): Promise<Record<string, unknown> | undefined> {
  const fn = inProcess(ctx, pool, name);
  const target = configured(pool, name);
  if (!fn && target === undefined) return undefined;
  const event: TriggerEvent = {
    version: "1",
    triggerSource: call.triggerSource,
    region: pool.Id.slice(0, pool.Id.indexOf("_")),
    userPoolId: pool.Id,
    userName: call.userName,
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: call.clientId ?? NO_CLIENT },
    request: call.request,
    response: call.response ?? {},
  };
  let answer: unknown;
  try {
    if (fn) {
      // A copy, so a trigger that keeps or mutates its event cannot reach the emulator's state.
      answer = await withTimeout(Promise.resolve(fn(structuredClone(event))));
    } else if (isLocalUrl(target!)) {
      answer = await postEvent(target!, event);
    } else {
      // [INF] What Cognito answers when it cannot invoke a function; the emulator never can run a Lambda ARN.
      throw new TriggerFailure(`the emulator cannot invoke ${target}: give startEmulator an in-process trigger for it, or name a local http:// URL`);
    }
  } catch (error) {
    if (error instanceof AwsError) throw error;
    throw triggerFailed(name, error instanceof Error ? error.message : String(error));
  }
  if (answer === null || typeof answer !== "object" || Array.isArray(answer)) throw unrecognizable();
  const response = (answer as { response?: unknown }).response;
  if (response === undefined || response === null) return {};
  if (typeof response !== "object" || Array.isArray(response)) throw unrecognizable();
  return response as Record<string, unknown>;
}

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TriggerFailure(`Task timed out after ${(TIMEOUT_MS / 1000).toFixed(2)} seconds`)), TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function triggerFailed(name: TriggerName, message: string): AwsError {
  return new AwsError("UserLambdaValidationException", `${name} failed with error ${message}.`);
}

/** What Cognito answers when a trigger's output is not an event it can read. */
export function unrecognizable(): AwsError {
  return new AwsError("InvalidLambdaResponseException", "Unrecognizable lambda output");
}

/** A boolean member of a trigger's response; anything but a boolean (or absent) is unreadable output. */
export function flag(response: Record<string, unknown>, member: string): boolean {
  const value = response[member];
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") throw unrecognizable();
  return value;
}

/** A string map member of a trigger's response (challenge parameters, attributes). */
export function stringMap(response: Record<string, unknown>, member: string): Record<string, string> | undefined {
  const value = response[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value) || Object.values(value).some((v) => typeof v !== "string")) throw unrecognizable();
  return value as Record<string, string>;
}
