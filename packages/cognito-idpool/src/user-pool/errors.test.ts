import {
  AliasExistsException,
  CodeMismatchException,
  EnableSoftwareTokenMFAException,
  ExpiredCodeException,
  InternalErrorException,
  InvalidParameterException,
  InvalidPasswordException,
  LimitExceededException,
  NotAuthorizedException,
  PasswordResetRequiredException,
  RefreshTokenReuseException,
  ResourceNotFoundException,
  TooManyFailedAttemptsException,
  TooManyRequestsException,
  UserNotConfirmedException,
  UserNotFoundException,
  UsernameExistsException,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { CognitoIdpoolError } from "../errors.js";
import { fromUserPoolError } from "./errors.js";

const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });

describe("user-pool error mapping", () => {
  const cases: [string, unknown, string, boolean][] = [
    ["wrong password", new NotAuthorizedException({ message: "Incorrect username or password.", ...meta(400) }), "incorrect-username-or-password", false],
    ["password attempts exceeded", new NotAuthorizedException({ message: "Password attempts exceeded", ...meta(400) }), "too-many-attempts", false],
    ["disabled user", new NotAuthorizedException({ message: "User is disabled.", ...meta(400) }), "not-authorized", false],
    ["revoked access token", new NotAuthorizedException({ message: "Access Token has been revoked", ...meta(400) }), "session-expired", false],
    [
      "expired challenge session",
      new NotAuthorizedException({ message: "Invalid session for the user, session is expired.", ...meta(400) }),
      "session-expired",
      false,
    ],
    ["unknown user", new UserNotFoundException({ message: "User does not exist.", ...meta(400) }), "user-not-found", false],
    ["unconfirmed", new UserNotConfirmedException({ message: "User is not confirmed.", ...meta(400) }), "user-not-confirmed", false],
    ["reset required", new PasswordResetRequiredException({ message: "Password reset required for the user", ...meta(400) }), "password-reset-required", false],
    [
      "weak password",
      new InvalidPasswordException({ message: "Password did not conform with policy: Password not long enough", ...meta(400) }),
      "invalid-password",
      false,
    ],
    ["taken username", new UsernameExistsException({ message: "User already exists", ...meta(400) }), "username-exists", false],
    ["taken alias", new AliasExistsException({ message: "An account with the given email already exists.", ...meta(400) }), "username-exists", false],
    ["wrong code", new CodeMismatchException({ message: "Invalid verification code provided, please try again.", ...meta(400) }), "code-mismatch", false],
    [
      "wrong authenticator code at TOTP set-up",
      new EnableSoftwareTokenMFAException({ message: "Code mismatch and fail enable Software Token MFA", ...meta(400) }),
      "code-mismatch",
      false,
    ],

    ["expired code", new ExpiredCodeException({ message: "Invalid code provided, please request a code again.", ...meta(400) }), "code-expired", false],
    [
      "limit exceeded",
      new LimitExceededException({ message: "Attempt limit exceeded, please try after some time.", ...meta(400) }),
      "too-many-attempts",
      false,
    ],
    ["failed attempts", new TooManyFailedAttemptsException({ message: "Too many failed attempts.", ...meta(400) }), "too-many-attempts", false],
    ["throttling", new TooManyRequestsException({ message: "Rate exceeded", ...meta(400) }), "throttled", true],
    ["missing client", new ResourceNotFoundException({ message: "User pool client abc does not exist.", ...meta(400) }), "invalid-options", false],
    ["bad parameter", new InvalidParameterException({ message: "Missing required parameter USERNAME", ...meta(400) }), "invalid-argument", false],
    ["server failure", new InternalErrorException({ message: "Internal error", ...meta(500) }), "service-error", true],
    ["socket reset", Object.assign(new Error("socket hang up"), { code: "ECONNRESET", $metadata: { attempts: 3 } }), "network-error", true],
    ["browser fetch failure", new TypeError("Failed to fetch"), "network-error", true],
  ];

  it.each(cases)("%s", (_label, error, code, retryable) => {
    const mapped = fromUserPoolError(error);
    expect(mapped).toBeInstanceOf(CognitoIdpoolError);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.cause).toBe(error);
  });

  it("in the refresh context any refusal of the refresh token means the session is over", () => {
    for (const message of ["Refresh Token has expired", "Invalid Refresh Token", "Refresh Token has been revoked", "User is disabled."]) {
      expect(fromUserPoolError(new NotAuthorizedException({ message, ...meta(400) }), "refresh").code).toBe("session-expired");
    }
    expect(fromUserPoolError(new UserNotFoundException({ message: "User does not exist.", ...meta(400) }), "refresh").code).toBe("session-expired");
    // A rotated refresh token used again after the app client's grace period.
    const reused = new RefreshTokenReuseException({ message: "Refresh Token has already been used", ...meta(400) });
    expect(fromUserPoolError(reused, "refresh").code).toBe("session-expired");
    expect(fromUserPoolError(reused).code).toBe("service-error");
    // Throttling and the network stay retryable there too.
    expect(fromUserPoolError(new TooManyRequestsException({ message: "Rate exceeded", ...meta(400) }), "refresh").code).toBe("throttled");
    expect(fromUserPoolError(new Error("offline"), "refresh").code).toBe("network-error");
  });

  it("never puts a token into a message", () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    const mapped = fromUserPoolError(new InvalidParameterException({ message: `Bad value ${token}`, ...meta(400) }));
    expect(mapped.message).not.toContain(token);
    expect(mapped.message).toContain("[token]");
  });

  it("an answer without an error type is a service-error, retryable unless it was a 4xx, like the identity pool's", () => {
    const unreadable = (status: number) => Object.assign(new Error("The answer could not be read."), { name: "", $metadata: { httpStatusCode: status } });
    expect(fromUserPoolError(unreadable(200))).toMatchObject({
      code: "service-error",
      retryable: true,
      message: "The user pool's answer could not be read (HTTP 200).",
    });
    expect(fromUserPoolError(unreadable(502))).toMatchObject({ code: "service-error", retryable: true });
    expect(fromUserPoolError(unreadable(403))).toMatchObject({ code: "service-error", retryable: false });
  });

  it("passes our own errors through", () => {
    const ours = new CognitoIdpoolError("not-signed-in", "x");
    expect(fromUserPoolError(ours)).toBe(ours);
  });
});
