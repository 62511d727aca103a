/**
 * What a sign-in in progress carries from step to step. Its own module, so that flow.ts and the
 * modules flow.ts calls (devices.ts) can both name it without importing each other.
 */
import type { ServiceContext } from "../service.js";
import type { TokenSource } from "./pre-token.js";
import type { OAuthGrant, PoolUser, UserPool, UserPoolClient } from "./state.js";

/** A sign-in whose password is known to be right (or is being checked) for one user of one client. */
export interface SignIn {
  ctx: ServiceContext;
  pool: UserPool;
  client: UserPoolClient;
  key: string;
  user: PoolUser;
  /** The ClientMetadata of a RespondToAuthChallenge call, handed to the triggers it runs as `clientMetadata`. */
  clientMetadata?: Record<string, string> | undefined;
  /** What the PreTokenGeneration trigger is told; a sign-in by default. */
  tokenSource?: TokenSource;
  /** The DEVICE_KEY the sign-in names, checked to be one of the user's devices (devices.ts). */
  deviceKey?: string | undefined;
  /** Set once the device has proven itself (DEVICE_PASSWORD_VERIFIER). */
  deviceVerified?: boolean;
  /** A managed-login sign-in (hosted-ui/): the OAuth scopes and nonce its tokens carry. */
  oauth?: OAuthGrant | undefined;
}
