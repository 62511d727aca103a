import type { EmulatorClock } from "./core/clock.js";
import type { Principal } from "./core/credentials.js";
import type { RuntimeConfig } from "./core/runtime.js";
import type { EmulatorRequest, XmlValue } from "./core/types.js";
import type { EmulatorState } from "./state.js";

// The contract between the router and the services: what a handler is given and what a service
// table looks like. It lives above core/ because it names the composed EmulatorState.

/** Everything a service handler may use. One per request. */
export interface ServiceContext {
  state: EmulatorState;
  clock: EmulatorClock;
  runtime: RuntimeConfig;
  request: EmulatorRequest;
  /** `http://127.0.0.1:PORT`, the emulator's own base URL. */
  baseUrl: string;
  requestId: string;
  /** Region from the SigV4 scope when signed, else `us-east-1`. Handlers may refine it. */
  region: string;
  /** Set for signed requests once SigV4 verified. */
  principal?: Principal;
  /** What the request log records for this request; handlers set `identityId` or the user-pool app `clientId` when they know one. */
  log: { identityId?: string; clientId?: string };
  /** The `--data` folder, if any: S3 keeps multipart parts and the objects made of them there as files. */
  dataDir?: string | undefined;
  /** In-process Lambda triggers of user pools, from `startEmulator({ triggers })`. */
  triggers?: TriggerTable | undefined;
}

/**
 * A user-pool Lambda trigger run in the emulator's process: it receives the event in AWS's JSON shape
 * and answers it (usually the same event with `response` filled in), as a Lambda function does.
 */
export type TriggerFunction = (event: TriggerEvent) => Promise<TriggerEvent> | TriggerEvent;

/** A trigger event as Cognito sends it: common members, then the trigger's `request` and `response`. */
export interface TriggerEvent {
  version: string;
  triggerSource: string;
  region: string;
  userPoolId: string;
  userName: string;
  callerContext: { awsSdkVersion: string; clientId: string };
  // Each trigger has its own request and response members; handlers read the ones of their trigger.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request: Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  response: Record<string, any>;
}

/**
 * In-process triggers by user pool id (or `*` for every pool), then by the trigger's `LambdaConfig`
 * name (`PreSignUp`, `DefineAuthChallenge`, …). Lives beside the state, never in it: functions are not JSON.
 */
export type TriggerTable = Record<string, Partial<Record<string, TriggerFunction>>>;

/** A JSON-protocol operation (awsJson 1.1, `X-Amz-Target: <prefix>.<Operation>`). */
export interface JsonOperation {
  /** `none` for the operations AWS serves unsigned (GetId, InitiateAuth, …). */
  auth: "none" | "sigv4";
  // Each handler reads its own operation's input shape; the table holds them all.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler(input: Record<string, any>, ctx: ServiceContext): unknown | Promise<unknown>;
}

export interface JsonService {
  service: "cognito-identity" | "cognito-idp";
  targetPrefix: string;
  operations: Record<string, JsonOperation>;
}

/** A query-protocol operation (`Action=…&Version=…`, XML out). Params arrive flat (`ClientIDList.member.1`). */
export interface QueryOperation {
  auth: "none" | "sigv4";
  handler(params: Record<string, string>, ctx: ServiceContext): XmlValue | Promise<XmlValue>;
}

export interface QueryService {
  service: "iam" | "sts";
  xmlns: string;
  operations: Record<string, QueryOperation>;
}

/** What a service's seed function may use (`seed.ts` calls them in dependency order). */
export interface SeedContext {
  state: EmulatorState;
  clock: EmulatorClock;
  baseUrl: string;
}
