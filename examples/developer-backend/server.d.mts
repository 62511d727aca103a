// Types of server.mjs, for TypeScript callers (the end-to-end tests).
export interface DeveloperBackendOptions {
  /** The identity pool, e.g. "eu-west-1:11111111-2222-4333-8444-555555555555". */
  identityPoolId: string;
  /** The pool's `DeveloperProviderName`, e.g. "login.example.app". */
  developerProviderName: string;
  /** Defaults to the identity pool's region. */
  region?: string;
  /** Cognito's endpoint; the emulator's URL in development (default: AWS). */
  endpoint?: string;
  /** Default: the AWS SDK's credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Default 0: a free port. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** The page origin allowed by CORS; default "*". */
  allowOrigin?: string;
  /** The OpenID token's lifetime (Cognito's default 900 when absent). */
  tokenDurationSeconds?: number;
}

export interface DeveloperBackend {
  /** Where it listens, e.g. "http://127.0.0.1:38211". */
  url: string;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
}

/** Starts the backend: `POST /token { user, guestIdentityId? }` → `{ identityId, token }`. */
export function startDeveloperBackend(options: DeveloperBackendOptions): Promise<DeveloperBackend>;
