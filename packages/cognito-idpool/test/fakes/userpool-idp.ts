/**
 * A scripted user pool for unit tests of the session's scheduling and state handling. It takes the
 * session's calls by operation name, fails with the real AWS SDK exception classes, mints unsigned JWTs with the claims the
 * session reads, and can be told to fail. The flows themselves are proven against real servers
 * (our emulator and cognito-local) in test/integration/userpool-*.test.ts.
 */
import { CodeMismatchException, NotAuthorizedException, RefreshTokenReuseException, TooManyRequestsException } from "@aws-sdk/client-cognito-identity-provider";
import type { UserPoolApi } from "../../src/user-pool/client.js";

export type Fault = "network" | "throttle";

export interface FakeUser {
  password: string;
  sub: string;
  /** Challenge after the password, answered by `answer`. */
  challenge?: { name: "NEW_PASSWORD_REQUIRED" | "SOFTWARE_TOKEN_MFA" | "SMS_MFA" | "EMAIL_OTP"; answer?: string };
}

export class FakeUserPool implements UserPoolApi {
  readonly users = new Map<string, FakeUser>();
  readonly calls: { operation: string; input: any }[] = [];
  readonly revoked = new Set<string>();
  /** Faults for upcoming calls of an operation, used in order. */
  readonly faults: Record<string, Fault[]> = {};
  idTokenSeconds = 3600;
  /** Rotate refresh tokens (grace period 0): a used one fails with RefreshTokenReuseException. */
  rotate = false;
  /** false: answer GetTokensFromRefreshToken as a server that does not know it. */
  knowsGetTokensFromRefreshToken = true;
  private readonly reused = new Set<string>();
  issuer = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1";
  private counter = 0;
  private sessions = new Map<string, string>();

  constructor(private serverNow: () => number) {}

  send = (async (operation: string, input: any) => {
    this.calls.push({ operation, input });
    await Promise.resolve();
    const fault = this.faults[operation]?.shift();
    if (fault === "network") throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET", $metadata: { attempts: 3 } });
    if (fault === "throttle") throw new TooManyRequestsException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } });

    if (operation === "GetTokensFromRefreshToken") {
      if (this.knowsGetTokensFromRefreshToken === false)
        throw Object.assign(new Error("Unsupported"), { name: "UnknownOperationException", $metadata: { httpStatusCode: 400 } });
      return { AuthenticationResult: this.refresh(input.RefreshToken), $metadata: {} };
    }
    if (operation === "InitiateAuth") {
      const params = input.AuthParameters;
      if (input.AuthFlow === "REFRESH_TOKEN_AUTH") {
        if (this.rotate) throw notAuthorized("Refresh token rotation is enabled for this app client: use GetTokensFromRefreshToken.");
        return { AuthenticationResult: this.refresh(params.REFRESH_TOKEN), ChallengeParameters: {}, $metadata: {} };
      }
      const user = this.users.get(params.USERNAME);
      if (!user || user.password !== params.PASSWORD) throw notAuthorized("Incorrect username or password.");
      if (user.challenge) {
        const session = `session-${++this.counter}`;
        this.sessions.set(session, params.USERNAME);
        const parameters: Record<string, string> = { USER_ID_FOR_SRP: params.USERNAME };
        if (user.challenge.name === "NEW_PASSWORD_REQUIRED") {
          parameters["requiredAttributes"] = JSON.stringify(["userAttributes.given_name"]);
          parameters["userAttributes"] = JSON.stringify({ email: "a@example.com" });
        } else if (user.challenge.name !== "SOFTWARE_TOKEN_MFA") {
          parameters["CODE_DELIVERY_DESTINATION"] = "+*******1234";
        }
        return { ChallengeName: user.challenge.name, Session: session, ChallengeParameters: parameters, $metadata: {} };
      }
      return { AuthenticationResult: this.tokens(params.USERNAME, true), ChallengeParameters: {}, $metadata: {} };
    }
    if (operation === "RespondToAuthChallenge") {
      const username = this.sessions.get(input.Session);
      if (!username) throw notAuthorized("Invalid session for the user, session is expired.");
      const user = this.users.get(username)!;
      const field = {
        NEW_PASSWORD_REQUIRED: "NEW_PASSWORD",
        SOFTWARE_TOKEN_MFA: "SOFTWARE_TOKEN_MFA_CODE",
        SMS_MFA: "SMS_MFA_CODE",
        EMAIL_OTP: "EMAIL_OTP_CODE",
      }[user.challenge!.name];
      const answer = input.ChallengeResponses[field];
      if (user.challenge!.name !== "NEW_PASSWORD_REQUIRED" && answer !== user.challenge!.answer) {
        throw new CodeMismatchException({ message: "Invalid code received for user", $metadata: { httpStatusCode: 400 } });
      }
      this.sessions.delete(input.Session);
      return { AuthenticationResult: this.tokens(username, true), ChallengeParameters: {}, $metadata: {} };
    }
    if (operation === "RevokeToken") {
      this.revoked.add(input.Token);
      return { $metadata: {} };
    }
    if (operation === "GlobalSignOut") {
      return { $metadata: {} };
    }
    throw new Error(`FakeUserPool: ${operation} is not scripted`);
  }) as UserPoolApi["send"];

  /** Renewals (GetTokensFromRefreshToken, or REFRESH_TOKEN_AUTH on a server without it). */
  renewals(): number {
    return this.count("GetTokensFromRefreshToken") + this.count("InitiateAuth", "REFRESH_TOKEN_AUTH");
  }

  /** As a rotating app client with no grace period: every renewal returns a new refresh token and the used one dies. */
  private refresh(token: string) {
    const username = token.split(":")[1];
    if (this.revoked.has(token) || !username || !this.users.has(username)) throw notAuthorized("Refresh Token has been revoked");
    if (!this.rotate) return this.tokens(username, false);
    if (this.reused.has(token)) throw new RefreshTokenReuseException({ message: "Refresh token has been used", $metadata: { httpStatusCode: 400 } });
    this.reused.add(token);
    return this.tokens(username, true);
  }

  count(operation: string, authFlow?: string): number {
    return this.calls.filter((c) => c.operation === operation && (!authFlow || c.input.AuthFlow === authFlow)).length;
  }

  private tokens(username: string, withRefresh: boolean) {
    const iat = Math.floor(this.serverNow() / 1000);
    const n = ++this.counter;
    const sub = this.users.get(username)!.sub;
    const idToken = jwt({ sub, iss: this.issuer, aud: "client1", token_use: "id", "cognito:username": username, iat, exp: iat + this.idTokenSeconds, n });
    const accessToken = jwt({ sub, iss: this.issuer, client_id: "client1", token_use: "access", username, iat, exp: iat + this.idTokenSeconds, n });
    return {
      IdToken: idToken,
      AccessToken: accessToken,
      ExpiresIn: this.idTokenSeconds,
      TokenType: "Bearer",
      ...(withRefresh ? { RefreshToken: `refresh:${username}:${n}` } : {}),
    };
  }
}

function notAuthorized(message: string) {
  return new NotAuthorizedException({ message, $metadata: { httpStatusCode: 400 } });
}

/** An unsigned JWT: the session decodes tokens, it does not verify them. */
export function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", kid: "k1" })}.${part(claims)}.c2ln`;
}
