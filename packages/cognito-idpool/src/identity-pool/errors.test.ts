import { describe, expect, it } from "vitest";
import { fromIdentityPoolError } from "./errors.js";

const context = { identityPoolId: "eu-west-1:00000000-0000-4000-8000-000000000000", loginKeys: ["accounts.google.com"] };
const service = (name: string, message: string, status = 400) =>
  Object.assign(new Error(message), { name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status } });

describe("Cognito identity-pool errors map to stable codes", () => {
  it.each([
    ["NotAuthorizedException", "Unauthenticated access is not supported for this identity pool.", "guests-disabled", false],
    ["NotAuthorizedException", "Access to Identity 'eu-west-1:1' is forbidden.", "identity-rejected", false],
    ["NotAuthorizedException", "Logins don't match. Please include at least one valid login for this identity or identity pool.", "identity-rejected", false],
    ["NotAuthorizedException", "Token is not from a supported provider of this identity pool.", "unsupported-login-provider", false],
    ["NotAuthorizedException", "Invalid login token. Token expired: 1700000000 >= 1699999000", "login-rejected", false],
    ["NotAuthorizedException", "Invalid login token. Issuer doesn't match providerName", "login-rejected", false],
    ["NotAuthorizedException", "The ambiguous role mapping rules denied this request.", "not-authorized", false],
    ["ResourceNotFoundException", "Identity 'eu-west-1:1' not found.", "identity-rejected", false],
    ["ResourceNotFoundException", "IdentityPool 'eu-west-1:2' not found.", "identity-pool-not-found", false],
    [
      "InvalidIdentityPoolConfigurationException",
      "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
      "identity-pool-misconfigured",
      false,
    ],
    ["TooManyRequestsException", "Rate exceeded", "throttled", true],
    ["LimitExceededException", "Limit exceeded", "throttled", true],
    ["ResourceConflictException", "already linked", "login-rejected", false],
    ["ValidationException", "1 validation error detected", "service-error", false],
  ])("%s %j → %s", (name, message, code, retryable) => {
    const error = fromIdentityPoolError(service(name, message), context);
    expect(error).toMatchObject({ code, retryable });
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("server faults are retryable service errors", () => {
    expect(fromIdentityPoolError(service("InternalErrorException", "boom", 500), context)).toMatchObject({ code: "service-error", retryable: true });
    expect(fromIdentityPoolError(service("ServiceUnavailable", "later", 503), context)).toMatchObject({ code: "service-error", retryable: true });
  });

  it("anything without a response is a retryable network error", () => {
    expect(fromIdentityPoolError(new TypeError("fetch failed"), context)).toMatchObject({ code: "network-error", retryable: true });
    expect(fromIdentityPoolError(Object.assign(new Error("Request did not complete within 15000 ms"), { name: "TimeoutError" }), context)).toMatchObject({
      code: "network-error",
    });
  });

  it("an answer without an error type is a service-error, retryable unless it was a 4xx, whatever the body said", () => {
    const unreadable = (status: number) => Object.assign(new Error("The answer could not be read."), { name: "", $metadata: { httpStatusCode: status } });
    expect(fromIdentityPoolError(unreadable(200), context)).toMatchObject({
      code: "service-error",
      retryable: true,
      message: "Amazon Cognito's answer could not be read (HTTP 200).",
    });
    expect(fromIdentityPoolError(unreadable(504), context)).toMatchObject({ code: "service-error", retryable: true });
    expect(fromIdentityPoolError(unreadable(429), context)).toMatchObject({ code: "service-error", retryable: true });
    expect(fromIdentityPoolError(unreadable(403), context)).toMatchObject({ code: "service-error", retryable: false });
  });

  it("configuration mistakes say which login and pool are wrong", () => {
    const error = fromIdentityPoolError(service("NotAuthorizedException", "Token is not from a supported provider of this identity pool."), context);
    expect(error.message).toContain('"accounts.google.com"');
    expect(error.message).toContain(context.identityPoolId);
  });
});
