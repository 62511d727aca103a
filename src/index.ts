export { CognitoIdpoolError, isCognitoIdpoolError } from "./errors.js";
export type { ErrorCode } from "./errors.js";
export type { Clock, KeyValueStore, LockManager, Logger, Timers } from "./platform/types.js";
