import { describe, expect, test } from "vitest";
import { evaluatePolicies, type PolicyRequest } from "./index.js";

type Context = PolicyRequest["context"];

/** Whether an Allow with this one Condition block allows a request with this context. */
function holds(condition: Record<string, unknown>, context: Context): boolean {
  const policy = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: condition } };
  return evaluatePolicies([policy], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context }) === "Allow";
}

type Row = [operator: string, policyValue: unknown, contextValue: string | string[] | undefined, expected: boolean];

/** Runs rows of one condition key `k`; an undefined context value leaves the key out. */
function rows(title: string, table: Row[]) {
  describe(title, () => {
    test.each(table)("%s %j with %j: %s", (operator, policyValue, contextValue, expected) => {
      const context: Context = contextValue === undefined ? {} : { k: contextValue };
      expect(holds({ [operator]: { k: policyValue } }, context)).toBe(expected);
    });
  });
}

rows("string operators", [
  ["StringEquals", "abc", "abc", true],
  ["StringEquals", "abc", "ABC", false],
  ["StringEquals", "a*", "abc", false],
  ["StringEquals", "a*", "a*", true],
  ["StringEquals", ["x", "abc"], "abc", true],
  ["StringEquals", ["x", "y"], "abc", false],
  ["StringEquals", "abc", undefined, false],
  ["StringNotEquals", "abc", "abd", true],
  ["StringNotEquals", "abc", "abc", false],
  ["StringNotEquals", ["x", "abc"], "abc", false],
  ["StringNotEquals", ["x", "y"], "abc", true],
  ["StringNotEquals", "abc", undefined, true],
  ["StringEqualsIgnoreCase", "AbC", "aBc", true],
  ["StringEqualsIgnoreCase", "abc", "abd", false],
  ["StringEqualsIgnoreCase", "abc", undefined, false],
  ["StringNotEqualsIgnoreCase", "AbC", "aBc", false],
  ["StringNotEqualsIgnoreCase", "abc", "abd", true],
  ["StringNotEqualsIgnoreCase", "abc", undefined, true],
  ["StringLike", "home/*", "home/alice/x", true],
  ["StringLike", "home/*", "Home/alice", false],
  ["StringLike", "home/?", "home/a", true],
  ["StringLike", "home/?", "home/ab", false],
  ["StringLike", "*:CognitoSignIn:*", "cognito-idp.eu-west-1.amazonaws.com/p:CognitoSignIn:s", true],
  ["StringLike", "", "", true],
  ["StringLike", ["", "home/"], "", true],
  ["StringLike", "home/*", undefined, false],
  ["StringNotLike", "home/*", "work/x", true],
  ["StringNotLike", "home/*", "home/x", false],
  ["StringNotLike", "home/*", undefined, true],
]);

rows("numeric operators", [
  ["NumericEquals", "10", "10", true],
  ["NumericEquals", 10, "10.0", true],
  ["NumericEquals", "10", "11", false],
  ["NumericEquals", "10", "ten", false],
  ["NumericEquals", "ten", "10", false],
  ["NumericEquals", "10", undefined, false],
  ["NumericNotEquals", "10", "11", true],
  ["NumericNotEquals", "10", "10", false],
  ["NumericNotEquals", "10", undefined, true],
  ["NumericLessThan", "10", "9", true],
  ["NumericLessThan", "10", "10", false],
  ["NumericLessThanEquals", "10", "10", true],
  ["NumericLessThanEquals", "10", "11", false],
  ["NumericGreaterThan", "10", "11", true],
  ["NumericGreaterThan", "10", "10", false],
  ["NumericGreaterThanEquals", "10", "10", true],
  ["NumericGreaterThanEquals", "10", "-1", false],
  ["NumericLessThan", "1000", undefined, false],
]);

rows("date operators", [
  ["DateEquals", "2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z", true],
  ["DateEquals", "2030-01-01T00:00:00Z", "1893456000", true],
  ["DateEquals", "2030-01-01", "2030-01-01T00:00:00Z", true],
  ["DateEquals", "2030-01-01T00:00:00Z", "2030-01-01T00:00:01Z", false],
  ["DateEquals", "2030-01-01T00:00:00Z", "soon", false],
  ["DateNotEquals", "2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z", true],
  ["DateNotEquals", "2030-01-01T00:00:00Z", undefined, true],
  ["DateLessThan", "2030-01-01T00:00:00Z", "2029-12-31T23:59:59Z", true],
  ["DateLessThan", "2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z", false],
  ["DateLessThanEquals", "2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z", true],
  ["DateGreaterThan", "2030-01-01T00:00:00Z", "2030-01-01T00:00:01Z", true],
  ["DateGreaterThan", "2030-01-01T00:00:00Z", "2029-01-01T00:00:00Z", false],
  ["DateGreaterThanEquals", "1893456000", "2030-01-01T00:00:00.000Z", true],
  ["DateLessThan", "2030-01-01T00:00:00Z", undefined, false],
]);

rows("Bool, BinaryEquals, IpAddress", [
  ["Bool", "true", "true", true],
  ["Bool", true, "true", true],
  ["Bool", "false", "true", false],
  ["Bool", "TRUE", "true", true],
  ["Bool", "false", undefined, false],
  ["BinaryEquals", "QmluYXJ5", "QmluYXJ5", true],
  ["BinaryEquals", "QmluYXJ5", "QmluYXJz", false],
  ["IpAddress", "10.0.0.0/8", "10.1.2.3", true],
  ["IpAddress", "10.0.0.0/8", "11.1.2.3", false],
  ["IpAddress", "127.0.0.1", "127.0.0.1", true],
  ["IpAddress", "2001:db8::/32", "2001:db8::1", true],
  ["IpAddress", "2001:db8::/32", "10.1.2.3", false],
  ["IpAddress", "10.0.0.0/8", "not an ip", false],
  ["NotIpAddress", "10.0.0.0/8", "11.1.2.3", true],
  ["NotIpAddress", "10.0.0.0/8", "10.1.2.3", false],
  ["NotIpAddress", "10.0.0.0/8", undefined, true],
]);

rows("ARN operators", [
  ["ArnEquals", "arn:aws:iam::000000000000:role/R", "arn:aws:iam::000000000000:role/R", true],
  ["ArnEquals", "arn:aws:iam::*:role/R", "arn:aws:iam::000000000000:role/R", true],
  ["ArnLike", "arn:aws:iam::000000000000:role/*", "arn:aws:iam::000000000000:role/R", true],
  ["ArnLike", "arn:aws:iam::000000000000:role/*", "arn:aws:iam::111111111111:role/R", false],
  ["ArnLike", "arn:aws:s3:::b/*", "arn:aws:s3:::c/k", false],
  ["ArnLike", "arn:aws:s3:::b/*", undefined, false],
  ["ArnNotEquals", "arn:aws:s3:::b", "arn:aws:s3:::c", true],
  ["ArnNotLike", "arn:aws:s3:::b/*", "arn:aws:s3:::b/k", false],
  ["ArnNotLike", "arn:aws:s3:::b/*", "arn:aws:s3:::c/k", true],
  ["ArnNotLike", "arn:aws:s3:::b/*", undefined, true],
]);

rows("Null", [
  ["Null", "true", undefined, true],
  ["Null", "true", "x", false],
  ["Null", "false", "x", true],
  ["Null", "false", undefined, false],
  ["Null", true, undefined, true],
  ["Null", "false", ["a"], true],
  ["Null", "true", [], true],
]);

rows("IfExists", [
  ["StringEqualsIfExists", "abc", undefined, true],
  ["StringEqualsIfExists", "abc", "abc", true],
  ["StringEqualsIfExists", "abc", "abd", false],
  ["StringNotLikeIfExists", "a*", "abc", false],
  ["NumericLessThanIfExists", "10", undefined, true],
  ["NumericLessThanIfExists", "10", "20", false],
  ["BoolIfExists", "true", "false", false],
  ["ArnLikeIfExists", "arn:aws:s3:::b", undefined, true],
]);

const AMR = ["authenticated", "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc:CognitoSignIn:s"];

rows("set operators on a multi-valued key (amr)", [
  ["ForAnyValue:StringLike", "authenticated", AMR, true],
  ["ForAnyValue:StringLike", "unauthenticated", AMR, false],
  ["ForAnyValue:StringLike", "unauthenticated", ["unauthenticated"], true],
  ["ForAnyValue:StringLike", "*:CognitoSignIn:*", AMR, true],
  ["ForAnyValue:StringEquals", ["x", "authenticated"], AMR, true],
  ["ForAnyValue:StringEquals", "authenticated", undefined, false],
  ["ForAnyValue:StringEquals", "authenticated", [], false],
  ["ForAnyValue:StringNotEquals", "authenticated", AMR, true],
  ["ForAnyValue:StringNotEquals", "authenticated", ["authenticated"], false],
  ["ForAllValues:StringLike", ["authenticated", "cognito-idp.*"], AMR, true],
  ["ForAllValues:StringLike", "authenticated", AMR, false],
  ["ForAllValues:StringEquals", "authenticated", undefined, true],
  ["ForAllValues:StringEquals", "authenticated", [], true],
  ["ForAllValues:StringNotLike", "unauth*", AMR, true],
  ["ForAllValues:StringNotLike", "cognito-idp.*", AMR, false],
  ["ForAnyValue:StringLikeIfExists", "authenticated", undefined, true],
  ["forallvalues:stringequals", "authenticated", ["authenticated"], true],
  // A single value acts as a set of one.
  ["ForAnyValue:StringEquals", "abc", "abc", true],
  // Without a set operator a multi-valued key does not match, even with one value.
  ["StringEquals", "authenticated", ["authenticated"], false],
  ["StringLike", "*", AMR, false],
  ["StringNotEquals", "unauthenticated", AMR, false],
]);

describe("combining conditions", () => {
  test("several keys under one operator must all hold", () => {
    const condition = { StringEquals: { a: "1", b: "2" } };
    expect(holds(condition, { a: "1", b: "2" })).toBe(true);
    expect(holds(condition, { a: "1", b: "3" })).toBe(false);
  });

  test("several operators must all hold", () => {
    const condition = { StringEquals: { a: "1" }, NumericLessThan: { n: "5" } };
    expect(holds(condition, { a: "1", n: "4" })).toBe(true);
    expect(holds(condition, { a: "1", n: "5" })).toBe(false);
  });

  test("condition keys are case-insensitive, values are not", () => {
    expect(holds({ StringEquals: { "S3:Prefix": "Home/" } }, { "s3:prefix": "Home/" })).toBe(true);
    expect(holds({ StringEquals: { "s3:prefix": "Home/" } }, { "S3:PREFIX": "Home/" })).toBe(true);
    expect(holds({ StringEquals: { "s3:prefix": "Home/" } }, { "s3:prefix": "home/" })).toBe(false);
  });

  test("operator names are case-insensitive", () => {
    expect(holds({ stringequals: { a: "1" } }, { a: "1" })).toBe(true);
    expect(holds({ STRINGLIKEIFEXISTS: { a: "1*" } }, {})).toBe(true);
  });

  test("a condition value whose variable has no value matches nothing", () => {
    expect(holds({ StringEquals: { a: "${missing}" } }, { a: "" })).toBe(false);
    expect(holds({ StringEquals: { a: ["${missing}", "x"] } }, { a: "x" })).toBe(true);
    expect(holds({ StringEquals: { a: "${missing, 'd'}" } }, { a: "d" })).toBe(true);
  });

  test("a Deny with a condition denies only when the condition holds", () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "s3:*", Resource: "*" },
        { Effect: "Deny", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
      ],
    };
    const ask = (context: Context) => evaluatePolicies([policy], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context });
    expect(ask({ "aws:SecureTransport": "false" })).toBe("ExplicitDeny");
    expect(ask({ "aws:SecureTransport": "true" })).toBe("Allow");
    expect(ask({})).toBe("Allow");
  });
});
