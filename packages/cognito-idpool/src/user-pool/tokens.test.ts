import { describe, expect, it } from "vitest";
import { jwt } from "../../test/fakes/userpool-idp.js";
import { CognitoIdpoolError } from "../errors.js";
import { parseStoredTokens, withClaims, type StoredTokens } from "./tokens.js";

const ISS = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool1";
const stored = (idToken: string): StoredTokens => ({
  version: 1,
  userPoolId: "eu-west-1_TestPool1",
  clientId: "client1",
  idToken,
  accessToken: "access",
  refreshToken: "refresh",
});

describe("ID tokens from the user pool", () => {
  it("reads exp, iss and sub", () => {
    const tokens = withClaims(stored(jwt({ exp: 2_000_000_000, iat: 1_999_996_400, iss: ISS, sub: "s-1", "cognito:username": "alice" })));
    expect(tokens).toMatchObject({ expiresAt: 2_000_000_000_000, issuedAt: 1_999_996_400_000, sub: "s-1", username: "alice", loginKey: ISS.slice(8) });
  });

  it.each([
    ["not a JWT", "not-a-jwt"],
    ["a JWT whose payload is not JSON", `eyJhbGciOiJub25lIn0.${btoa("{nope").replace(/=+$/, "")}.`],
    ["without exp", jwt({ iss: ISS, sub: "s-1" })],
    ["with a string exp", jwt({ exp: "2000000000", iss: ISS, sub: "s-1" })],
    ["without iss", jwt({ exp: 2_000_000_000, sub: "s-1" })],
    ["without sub", jwt({ exp: 2_000_000_000, iss: ISS })],
  ])("an ID token %s is a retryable service-error, not jose's or a plain Error", (_label, idToken) => {
    let error: unknown;
    try {
      withClaims(stored(idToken));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CognitoIdpoolError);
    expect(error).toMatchObject({ code: "service-error", retryable: true });
    expect((error as Error).message).not.toContain(idToken.slice(0, 12));
    // A stored value of that shape is simply not a session.
    expect(parseStoredTokens(stored(idToken), { userPoolId: "eu-west-1_TestPool1", clientId: "client1" })).toBeUndefined();
  });
});
