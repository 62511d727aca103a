/**
 * Sign-in through the user pool's managed login pages (OAuth 2.0 authorization code flow with
 * PKCE), loaded with `import()` by the first redirect or popup call. Everything it needs from the
 * rest of the SDK comes in a {@link OAuthKit}, so that it shares no module with the sign-in code
 * (see {@link ChunkKit}).
 *
 * One attempt = a random `state` (which also names the attempt in `sessionStorage`), a PKCE
 * verifier of 32 random bytes bound to it, and a `nonce` the ID token must carry back. The attempt
 * lives in `sessionStorage`: per tab, so two tabs signing in at once do not mix, and gone with the
 * tab. It is used once: read and deleted before the code is exchanged.
 */
import type { ChunkKit } from "./client.js";
import type { OAuthSignInInput, SignInWithRedirectResult, UserPoolOAuthOptions } from "./contract.js";

/** How long an attempt may take, from leaving the page to coming back with the code. */
const ATTEMPT_MS = 10 * 60_000;
/** How often the opener looks whether the popup is back on `redirectUri`. */
const POPUP_POLL_MS = 200;
const OAUTH_PARAMS = ["code", "state", "error", "error_description", "error_uri"];
/**
 * The popup's window name. It survives the popup's navigations, so the app's own page loaded in
 * the popup at `redirectUri` knows to leave the answer in its address for the opener to read.
 */
const POPUP_NAME = "cognito-idpool-sign-in";

/** What is kept per attempt under `host.oauthKey(state)`. */
interface Attempt {
  verifier: string;
  nonce: string;
  /** The app's own `state`, handed back after the round trip. */
  appState?: string;
  /** When the attempt began (epoch ms, the SDK's server clock). */
  createdAt: number;
}

/** The tokens the token endpoint answered, as the session's sign-in takes them. */
export interface OAuthTokens {
  IdToken: string;
  AccessToken: string;
  RefreshToken: string;
}

/** The browser globals this module uses; the page's own (`globalThis`) unless a test gives others. */
export interface OAuthWindow {
  location: { href: string; assign(url: string): void };
  history: { replaceState(data: unknown, unused: string, url?: string): void; state: unknown };
  sessionStorage: Pick<Storage, "getItem" | "setItem" | "removeItem">;
  name: string;
  crypto: Pick<Crypto, "getRandomValues" | "subtle">;
  open(url: string, target: string, features: string): { closed: boolean; location: { href: string }; close(): void } | null;
}

export interface OAuthKit extends ChunkKit {
  options: UserPoolOAuthOptions & { clientId: string };
  /** The domain's base URL (`https://<domain>`, or the URL given). */
  base: string;
  /** Where an attempt is kept in `sessionStorage` (storage/keys.ts names it). */
  attemptKey(state: string): string;
  fetch: typeof globalThis.fetch;
  window: OAuthWindow;
  timers: { setTimeout(callback: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
  /** The SDK's server clock (epoch ms). */
  now(): number;
  /** Learn server time from the token endpoint's `Date` header. */
  observeServerDate(date: string | undefined): void;
  /** Checks the ID token (`iss`, `aud`, expiry, `nonce`), stores the tokens and makes them the identity-pool login. */
  signedIn(tokens: OAuthTokens, nonce: string): Promise<void>;
}

export function createOAuth(kit: OAuthKit) {
  const { options, base, window: w } = kit;

  /** A new attempt, stored under `key`, and the authorize URL that starts it. */
  async function begin(input: OAuthSignInInput | undefined): Promise<{ url: string; key: string }> {
    const { provider, idpIdentifier, loginHint, lang, state: appState } = checkInput(kit, input);
    const verifier = random(w, 32);
    const state = random(w, 16);
    const nonce = random(w, 16);
    const challenge = base64url(new Uint8Array(await w.crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
    const attempt: Attempt = { verifier, nonce, createdAt: kit.now(), ...(appState !== undefined ? { appState } : {}) };
    const key = kit.attemptKey(state);
    w.sessionStorage.setItem(key, JSON.stringify(attempt));
    const query = new URLSearchParams({
      response_type: "code",
      client_id: options.clientId,
      redirect_uri: options.redirectUri,
      scope: (options.scopes ?? ["openid", "email", "profile"]).join(" "),
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    if (idpIdentifier !== undefined) query.set("idp_identifier", idpIdentifier);
    else query.set("identity_provider", provider ?? "COGNITO");
    if (loginHint !== undefined) query.set("login_hint", loginHint);
    if (lang !== undefined) query.set("lang", lang);
    return { url: `${base}/oauth2/authorize?${query}`, key };
  }

  /**
   * Finishes the attempt `url` answers: the attempt is taken (one use), then the code exchanged.
   * `undefined` when the URL carries no OAuth answer.
   */
  async function finish(url: URL): Promise<SignInWithRedirectResult> {
    const params = url.searchParams;
    const state = params.get("state");
    if (!params.has("code") && !params.has("error")) return { status: "none" };
    const key = state ? kit.attemptKey(state) : undefined;
    const stored = key ? w.sessionStorage.getItem(key) : null;
    const attempt = parseAttempt(stored);
    if (key) w.sessionStorage.removeItem(key);
    if (!attempt || !state) throw new kit.Error("state-mismatch", "The sign-in answer in the address is not one this tab asked for, or it was already used.");
    if (kit.now() - attempt.createdAt > ATTEMPT_MS) throw new kit.Error("redirect-expired", "The sign-in took longer than 10 minutes; start it again.");
    const error = params.get("error");
    if (error !== null) {
      const description = params.get("error_description") ?? "";
      throw new kit.Error("oauth-error", `The login page answered ${error}${description ? `: ${description}` : ""}.`, {
        cause: { error, error_description: description },
      });
    }
    const tokens = await exchange(params.get("code") ?? "", attempt.verifier);
    await kit.signedIn(tokens, attempt.nonce);
    return attempt.appState !== undefined ? { status: "signedIn", state: attempt.appState } : { status: "signedIn" };
  }

  /** POST /oauth2/token: the code and the PKCE verifier for the tokens. */
  async function exchange(code: string, verifier: string): Promise<OAuthTokens> {
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      client_id: options.clientId,
      code,
      redirect_uri: options.redirectUri,
      code_verifier: verifier,
    });
    let response: Response;
    try {
      response = await kit.fetch(`${base}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: body.toString(),
      });
    } catch (error) {
      throw new kit.Error("network-error", "The user pool's token endpoint could not be reached.", { cause: error });
    }
    kit.observeServerDate(response.headers.get("date") ?? undefined);
    const answer = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!response.ok) {
      const error = typeof answer?.["error"] === "string" ? answer["error"] : `HTTP ${response.status}`;
      const description = typeof answer?.["error_description"] === "string" ? answer["error_description"] : "";
      throw new kit.Error("oauth-error", `The token endpoint refused the code: ${error}${description ? `: ${description}` : ""}.`, {
        cause: { error, error_description: description },
        retryable: response.status >= 500,
      });
    }
    const { id_token: IdToken, access_token: AccessToken, refresh_token: RefreshToken } = answer ?? {};
    if (typeof IdToken !== "string" || typeof AccessToken !== "string" || typeof RefreshToken !== "string")
      throw kit.malformedAnswer("a token endpoint answer without id_token, access_token and refresh_token");
    return { IdToken, AccessToken, RefreshToken };
  }

  /** The address without the OAuth answer, so a reload or the back button cannot replay it. */
  function cleanAddress(url: URL): void {
    for (const name of OAUTH_PARAMS) url.searchParams.delete(name);
    w.history.replaceState(w.history.state, "", url.toString());
  }

  return {
    async signInWithRedirect(input?: OAuthSignInInput): Promise<void> {
      w.location.assign((await begin(input)).url);
    },

    async handleRedirect(): Promise<SignInWithRedirectResult> {
      // In the popup, the answer is the opener's to finish: it reads it from this page's address.
      if (w.name === POPUP_NAME) return { status: "none" };
      const url = new URL(w.location.href);
      try {
        return await finish(url);
      } finally {
        // Whatever the outcome (a refused or replayed answer too), the answer leaves the address.
        if (OAUTH_PARAMS.some((name) => url.searchParams.has(name))) cleanAddress(url);
      }
    },

    async signInWithPopup(input?: OAuthSignInInput): Promise<SignInWithRedirectResult> {
      const attempt = await begin(input);
      const popup = w.open(attempt.url, POPUP_NAME, "popup,width=520,height=680");
      // An attempt whose popup is blocked or closed can never be answered in this tab.
      const abandon = () => w.sessionStorage.removeItem(attempt.key);
      if (!popup) {
        abandon();
        throw new kit.Error("popup-blocked", "The browser blocked the sign-in window; call signInWithPopup from a click handler.");
      }
      const redirect = new URL(options.redirectUri);
      // The popup is on another origin until the login page sends it back to `redirectUri`; reading
      // its address throws until then. Back on `redirectUri`, the answer is read here and the popup closed.
      const answer = await new Promise<URL>((resolve, reject) => {
        const poll = () => {
          let href: string | undefined;
          try {
            href = popup.location.href;
          } catch {
            href = undefined;
          }
          const url = href ? safeUrl(href) : undefined;
          if (url && url.origin === redirect.origin && url.pathname === redirect.pathname && (url.searchParams.has("code") || url.searchParams.has("error"))) {
            popup.close();
            resolve(url);
          } else if (popup.closed) reject(new kit.Error("popup-closed", "The sign-in window was closed before the sign-in finished."));
          else kit.timers.setTimeout(poll, POPUP_POLL_MS);
        };
        poll();
      }).catch((error: unknown) => {
        abandon();
        throw error;
      });
      return finish(answer);
    },
  };
}

function checkInput(kit: ChunkKit, input: OAuthSignInInput | undefined): OAuthSignInInput {
  if (input === undefined) return {};
  if (typeof input !== "object" || input === null) throw new kit.Error("invalid-argument", 'Expected an object such as { provider: "Google" }.');
  for (const name of ["provider", "idpIdentifier", "loginHint", "lang", "state"] as const) {
    const value = input[name];
    if (value !== undefined && (typeof value !== "string" || value === "")) throw new kit.Error("invalid-argument", `\`${name}\` must be a non-empty string.`);
  }
  if (input.provider !== undefined && input.idpIdentifier !== undefined)
    throw new kit.Error("invalid-argument", "Give `provider` or `idpIdentifier`, not both.");
  return input;
}

function parseAttempt(text: string | null): Attempt | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<Attempt>;
    return typeof value.verifier === "string" && typeof value.nonce === "string" && typeof value.createdAt === "number" ? (value as Attempt) : undefined;
  } catch {
    return undefined;
  }
}

function safeUrl(href: string): URL | undefined {
  try {
    return new URL(href);
  } catch {
    return undefined;
  }
}

/** `bytes` random bytes from the platform's CSPRNG, base64url without padding. */
function random(w: OAuthWindow, bytes: number): string {
  return base64url(w.crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
