export { createAuth } from "./auth.js";
export type { Auth } from "./auth.js";
export type { AuthOptions } from "./options.js";
export type {
  AuthState,
  AuthStatus,
  AwsCredentials,
  CredentialProvider,
  DeveloperIdentity,
  DeveloperIdentitySource,
  OpenIdToken,
  IdentityChange,
  IdentityCredentials,
  SignOutCause,
} from "./types.js";
export { CognitoIdpoolError, isCognitoIdpoolError } from "./errors.js";
export type { ErrorCode } from "./errors.js";
export type { Clock, KeyValueStore, LockManager, Logger, Timers } from "./platform/types.js";
export { createMemoryStore } from "./storage/memory-store.js";
export { createIndexedDbStore } from "./storage/idb-store.js";
export { createInPageLock } from "./tabs/locks.js";
export type {
  AccountActions,
  AttributeUpdate,
  AuthFlow,
  ChallengeName,
  CodeDelivery,
  ConfirmSignInInput,
  ConfirmSignUpInput,
  Device,
  DeviceActions,
  FirstFactor,
  LoginValue,
  MfaActions,
  MfaMethod,
  MfaPreference,
  MfaSetting,
  OAuthSignInInput,
  Passkey,
  PasskeyActions,
  SignInInput,
  SignInResult,
  SignInWithRedirectResult,
  SignUpInput,
  SignUpResult,
  TotpSetup,
  UserInfo,
  UserPoolActions,
  UserPoolOAuthOptions,
  UserPoolOptions,
  UserPoolTokens,
} from "./user-pool/contract.js";
