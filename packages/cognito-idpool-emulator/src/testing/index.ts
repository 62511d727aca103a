export {
  ControlApiError,
  createControlClient,
  type ClockState,
  type ControlClient,
  type ControlClientOptions,
  type CredentialLifetime,
  type FaultRequest,
  type Health,
  type LoggedRequest,
  type PendingFault,
  type SamlResponse,
  type SamlResponseRequest,
  type SentCode,
  type SocialProviderName,
  type SocialToken,
  type SocialTokenRequest,
} from "./control.js";
export type { Fault, RequestLogEntry } from "../core/runtime.js";
export type { ServiceName } from "../core/types.js";
export { REGION, ROOT_CREDENTIALS, startTestEmulator, type TestControl, type TestEmulator } from "./harness.js";
export {
  cognitoTrustPolicy,
  createRole,
  createTestPool,
  publicIdentityClient,
  rawJsonCall,
  startIdentityKit,
  type IdentityKit,
  type RawJsonAnswer,
  type TestPool,
} from "./identity-fixtures.js";
export { startOidcIssuer, type MintOptions, type TestIssuer } from "./identity-oidc-issuer.js";
