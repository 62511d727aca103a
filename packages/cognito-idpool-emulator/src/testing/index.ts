export { REGION, ROOT_CREDENTIALS, startTestEmulator, type TestEmulator } from "./harness.js";
export {
  cognitoTrustPolicy,
  createRole,
  createTestPool,
  publicIdentityClient,
  rawJsonCall,
  startIdentityKit,
  type IdentityKit,
  type TestPool,
} from "./identity-fixtures.js";
export { startOidcIssuer, type MintOptions, type TestIssuer } from "./identity-oidc-issuer.js";
