import { describe, expect, test } from "vitest";
import { evaluatePolicies, policyProblem, type PolicyDocument, type PolicyRequest } from "./index.js";

const V = "2012-10-17";
const SUB = "eu-west-1:11111111-2222-3333-4444-555555555555";

/** `null` leaves Version out. */
function identity(statement: unknown, version: string | null = V): PolicyDocument {
  return version === null ? { Statement: statement } : { Version: version, Statement: statement };
}

function request(action: string, resource: string, context: PolicyRequest["context"] = {}): PolicyRequest {
  return { action, resource, context };
}

const allow = (extra: Record<string, unknown> = {}) => ({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", ...extra });
const deny = (extra: Record<string, unknown> = {}) => ({ Effect: "Deny", Action: "s3:GetObject", Resource: "*", ...extra });
const get = (resource = "arn:aws:s3:::b/k", context: PolicyRequest["context"] = {}) => request("s3:GetObject", resource, context);

describe("decision", () => {
  test("no policy is an implicit deny", () => {
    expect(evaluatePolicies([], get())).toBe("ImplicitDeny");
  });

  test("a matching Allow allows", () => {
    expect(evaluatePolicies([identity(allow())], get())).toBe("Allow");
  });

  test("an Allow for another action is an implicit deny", () => {
    expect(evaluatePolicies([identity(allow({ Action: "s3:PutObject" }))], get())).toBe("ImplicitDeny");
  });

  test.each([
    ["in the same policy, Deny first", [identity([deny(), allow()])]],
    ["in the same policy, Deny last", [identity([allow(), deny()])]],
    ["in another policy", [identity(allow()), identity(deny())]],
    ["in an earlier policy", [identity(deny()), identity(allow())]],
  ])("an explicit Deny beats an Allow %s", (_, policies) => {
    expect(evaluatePolicies(policies, get())).toBe("ExplicitDeny");
  });

  test("a Deny that does not match leaves the Allow", () => {
    const policies = [identity([allow(), deny({ Resource: "arn:aws:s3:::b/secret/*" })])];
    expect(evaluatePolicies(policies, get("arn:aws:s3:::b/public/x"))).toBe("Allow");
    expect(evaluatePolicies(policies, get("arn:aws:s3:::b/secret/x"))).toBe("ExplicitDeny");
  });

  test("Statement may be one object or a list", () => {
    expect(evaluatePolicies([identity(allow())], get())).toBe("Allow");
    expect(evaluatePolicies([identity([allow()])], get())).toBe("Allow");
  });
});

describe("Action and NotAction", () => {
  test.each([
    ["*", "s3:GetObject", true],
    ["s3:*", "s3:GetObject", true],
    ["s3:*", "sts:GetCallerIdentity", false],
    ["s3:Get*", "s3:GetObject", true],
    ["s3:Get*", "s3:PutObject", false],
    ["s3:*Object", "s3:DeleteObject", true],
    ["s3:?etObject", "s3:GetObject", true],
    ["s3:?etObject", "s3:GGetObject", false],
    ["S3:GETOBJECT", "s3:GetObject", true],
    ["s3:getobject", "s3:GetObject", true],
    ["s3:GetObject", "s3:GetObjectAcl", false],
  ])("Action %s against %s: %s", (pattern, action, expected) => {
    const decision = evaluatePolicies([identity(allow({ Action: pattern }))], request(action, "arn:aws:s3:::b/k"));
    expect(decision).toBe(expected ? "Allow" : "ImplicitDeny");
  });

  test("a list of actions matches any of them", () => {
    const policy = identity(allow({ Action: ["s3:PutObject", "s3:GetObject"] }));
    expect(evaluatePolicies([policy], get())).toBe("Allow");
    expect(evaluatePolicies([policy], request("s3:DeleteObject", "arn:aws:s3:::b/k"))).toBe("ImplicitDeny");
  });

  test("NotAction applies to every action but the listed ones", () => {
    const policy = identity({ Effect: "Allow", NotAction: ["s3:Delete*"], Resource: "*" });
    expect(evaluatePolicies([policy], get())).toBe("Allow");
    expect(evaluatePolicies([policy], request("s3:DeleteObject", "arn:aws:s3:::b/k"))).toBe("ImplicitDeny");
  });

  test("a Deny with NotAction denies everything else", () => {
    const policies = [identity([allow({ Action: "*" }), { Effect: "Deny", NotAction: "s3:GetObject", Resource: "*" }])];
    expect(evaluatePolicies(policies, get())).toBe("Allow");
    expect(evaluatePolicies(policies, request("s3:PutObject", "arn:aws:s3:::b/k"))).toBe("ExplicitDeny");
  });
});

describe("Resource and NotResource", () => {
  test.each([
    ["*", "arn:aws:s3:::b/k", true],
    ["arn:aws:s3:::b/*", "arn:aws:s3:::b/dir/k", true],
    ["arn:aws:s3:::b/*", "arn:aws:s3:::b", false],
    ["arn:aws:s3:::b", "arn:aws:s3:::b", true],
    ["arn:aws:s3:::b", "arn:aws:s3:::b/k", false],
    ["arn:aws:s3:::b/public/*", "arn:aws:s3:::b/private/k", false],
    ["arn:aws:s3:::b/k?", "arn:aws:s3:::b/k1", true],
    ["arn:aws:s3:::b/k?", "arn:aws:s3:::b/k12", false],
    // Resources are case-sensitive.
    ["arn:aws:s3:::B/*", "arn:aws:s3:::b/k", false],
    ["arn:aws:s3:::b/K", "arn:aws:s3:::b/k", false],
    // A `*` inside an ARN segment stays inside it; one that ends a segment may run past colons.
    ["arn:aws:iam::*:role/R", "arn:aws:iam::000000000000:role/R", true],
    ["arn:aws:s3:eu-*-1::b", "arn:aws:s3:eu-west-1::b", true],
    ["arn:aws:s3:eu-*-1::b", "arn:aws:s3:eu-west:x-1::b", false],
    ["arn:aws:*", "arn:aws:s3:::b/k", true],
    ["arn:aws:s3:::*", "arn:aws:s3:::b/k", true],
    ["arn:aws:s3:::b/a:*", "arn:aws:s3:::b/a:b:c", true],
  ])("Resource %s against %s: %s", (pattern, resource, expected) => {
    const decision = evaluatePolicies([identity(allow({ Resource: pattern }))], get(resource));
    expect(decision).toBe(expected ? "Allow" : "ImplicitDeny");
  });

  test("NotResource applies to every resource but the listed ones", () => {
    const policy = identity({ Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::b/secret/*" });
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/public"))).toBe("Allow");
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/secret/x"))).toBe("ImplicitDeny");
  });
});

describe("policy variables", () => {
  const own = allow({ Resource: "arn:aws:s3:::b/private/${cognito-identity.amazonaws.com:sub}/*" });
  const context = { "cognito-identity.amazonaws.com:sub": SUB };

  test("a variable in Resource takes the value from the context", () => {
    expect(evaluatePolicies([identity(own)], get(`arn:aws:s3:::b/private/${SUB}/photo.jpg`, context))).toBe("Allow");
  });

  test("another identity's prefix does not match", () => {
    const other = "eu-west-1:99999999-2222-3333-4444-555555555555";
    expect(evaluatePolicies([identity(own)], get(`arn:aws:s3:::b/private/${other}/photo.jpg`, context))).toBe("ImplicitDeny");
  });

  test("variable names are case-insensitive", () => {
    const policy = identity(allow({ Resource: "arn:aws:s3:::b/${Cognito-Identity.amazonaws.com:SUB}/*" }));
    expect(evaluatePolicies([policy], get(`arn:aws:s3:::b/${SUB}/x`, context))).toBe("Allow");
  });

  test("a variable without a value matches nothing, not even its own text", () => {
    expect(evaluatePolicies([identity(own)], get("arn:aws:s3:::b/private/${cognito-identity.amazonaws.com:sub}/x", {}))).toBe("ImplicitDeny");
    expect(evaluatePolicies([identity(own)], get("arn:aws:s3:::b/private//x", {}))).toBe("ImplicitDeny");
  });

  test("a Deny whose variable has no value does not apply", () => {
    const policies = [identity([allow(), deny({ Resource: "arn:aws:s3:::b/${aws:username}/*" })])];
    expect(evaluatePolicies(policies, get("arn:aws:s3:::b/alice/x"))).toBe("Allow");
    expect(evaluatePolicies(policies, get("arn:aws:s3:::b/alice/x", { "aws:username": "alice" }))).toBe("ExplicitDeny");
  });

  test("a default value stands in for a missing key", () => {
    const policy = identity(allow({ Resource: "arn:aws:s3:::b/${aws:username, 'anonymous'}/*" }));
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/anonymous/x"))).toBe("Allow");
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/alice/x", { "aws:username": "alice" }))).toBe("Allow");
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/anonymous/x", { "aws:username": "alice" }))).toBe("ImplicitDeny");
  });

  test("a quote in a default is written twice", () => {
    const policy = identity(allow({ Resource: "arn:aws:s3:::b/${aws:username,'o''brien'}/*" }));
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/o'brien/x"))).toBe("Allow");
  });

  test("a multi-valued key cannot be a variable", () => {
    const policy = identity(allow({ Resource: "arn:aws:s3:::b/${cognito-identity.amazonaws.com:amr}/*" }));
    const amr = { "cognito-identity.amazonaws.com:amr": ["authenticated"] };
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/authenticated/x", amr))).toBe("ImplicitDeny");
  });

  test("a value from the context is literal: its * is no wildcard", () => {
    const policy = identity(allow({ Resource: "arn:aws:s3:::b/${aws:username}/x" }));
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/anything/x", { "aws:username": "*" }))).toBe("ImplicitDeny");
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/*/x", { "aws:username": "*" }))).toBe("Allow");
  });

  test.each([
    ["${*}", "arn:aws:s3:::b/*", "arn:aws:s3:::b/x"],
    ["${?}", "arn:aws:s3:::b/?", "arn:aws:s3:::b/x"],
    ["${$}", "arn:aws:s3:::b/$", "arn:aws:s3:::b/x"],
  ])("the escape %s matches only that character", (escape, literal, other) => {
    const policy = identity(allow({ Resource: `arn:aws:s3:::b/${escape}` }));
    expect(evaluatePolicies([policy], get(literal))).toBe("Allow");
    expect(evaluatePolicies([policy], get(other))).toBe("ImplicitDeny");
  });

  test("${$} lets a policy name a resource that contains ${", () => {
    const policy = identity(allow({ Resource: "arn:aws:s3:::b/${$}{x}" }));
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/${x}", { x: "y" }))).toBe("Allow");
  });

  test.each([
    ["2008-10-17", "2008-10-17"],
    ["no Version", null],
  ])("with %s, ${…} is plain text", (_, version) => {
    const policy = identity(allow({ Resource: "arn:aws:s3:::b/${aws:username}/*" }), version);
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/alice/x", { "aws:username": "alice" }))).toBe("ImplicitDeny");
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/${aws:username}/x", { "aws:username": "alice" }))).toBe("Allow");
  });

  test("variables work in condition values", () => {
    const policy = identity(
      allow({
        Action: "s3:ListBucket",
        Resource: "arn:aws:s3:::b",
        Condition: { StringLike: { "s3:prefix": "private/${cognito-identity.amazonaws.com:sub}/*" } },
      }),
    );
    const list = (prefix: string) => request("s3:ListBucket", "arn:aws:s3:::b", { ...context, "s3:prefix": prefix });
    expect(evaluatePolicies([policy], list(`private/${SUB}/`))).toBe("Allow");
    expect(evaluatePolicies([policy], list("private/someone-else/"))).toBe("ImplicitDeny");
  });

  test("variables are not substituted for numeric operators", () => {
    const policy = identity(allow({ Condition: { NumericEquals: { "s3:max-keys": "${n}" } } }));
    expect(evaluatePolicies([policy], get("arn:aws:s3:::b/k", { n: "10", "s3:max-keys": "10" }))).toBe("ImplicitDeny");
  });
});

describe("Principal and NotPrincipal (trust and resource policies)", () => {
  const pool = "eu-west-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
  const cognitoTrust: PolicyDocument = {
    Version: V,
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "cognito-identity.amazonaws.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { "cognito-identity.amazonaws.com:aud": pool },
          "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" },
        },
      },
    ],
  };
  const assume = (
    context: PolicyRequest["context"],
    principal: PolicyRequest["principal"] = { Federated: "cognito-identity.amazonaws.com" },
  ): PolicyRequest => ({
    action: "sts:AssumeRoleWithWebIdentity",
    resource: "arn:aws:iam::000000000000:role/Auth",
    context,
    principal,
  });

  test("the Cognito trust policy from the developer guide admits an authenticated identity of the pool", () => {
    const ctx = { "cognito-identity.amazonaws.com:aud": pool, "cognito-identity.amazonaws.com:amr": ["authenticated", "accounts.example.com"] };
    expect(evaluatePolicies([cognitoTrust], assume(ctx))).toBe("Allow");
  });

  test.each([
    ["a guest", { "cognito-identity.amazonaws.com:aud": pool, "cognito-identity.amazonaws.com:amr": ["unauthenticated"] }],
    ["another pool", { "cognito-identity.amazonaws.com:aud": "eu-west-1:other", "cognito-identity.amazonaws.com:amr": ["authenticated"] }],
    ["no amr", { "cognito-identity.amazonaws.com:aud": pool }],
    ["no aud", { "cognito-identity.amazonaws.com:amr": ["authenticated"] }],
  ])("it refuses %s", (_, ctx) => {
    expect(evaluatePolicies([cognitoTrust], assume(ctx))).toBe("ImplicitDeny");
  });

  test("it refuses another federated provider", () => {
    const ctx = { "cognito-identity.amazonaws.com:aud": pool, "cognito-identity.amazonaws.com:amr": ["authenticated"] };
    expect(evaluatePolicies([cognitoTrust], assume(ctx, { Federated: "accounts.google.com" }))).toBe("ImplicitDeny");
  });

  test("it refuses sts:AssumeRole", () => {
    const ctx = { "cognito-identity.amazonaws.com:aud": pool, "cognito-identity.amazonaws.com:amr": ["authenticated"] };
    expect(evaluatePolicies([cognitoTrust], { ...assume(ctx), action: "sts:AssumeRole" })).toBe("ImplicitDeny");
  });

  const session = "arn:aws:sts::000000000000:assumed-role/Reader/alice";
  test.each([
    ["*", { AWS: session }, true],
    [{ AWS: "*" }, { Federated: "cognito-identity.amazonaws.com" }, true],
    [{ AWS: "000000000000" }, { AWS: session }, true],
    [{ AWS: "arn:aws:iam::000000000000:root" }, { AWS: session }, true],
    [{ AWS: "arn:aws:iam::111111111111:root" }, { AWS: session }, false],
    [{ AWS: "arn:aws:iam::000000000000:role/Reader" }, { AWS: session }, true],
    [{ AWS: "arn:aws:iam::000000000000:role/path/Reader" }, { AWS: session }, true],
    [{ AWS: "arn:aws:iam::000000000000:role/Writer" }, { AWS: session }, false],
    [{ AWS: [session] }, { AWS: session }, true],
    [{ Service: "lambda.amazonaws.com" }, { Service: "lambda.amazonaws.com" }, true],
    [{ Service: "lambda.amazonaws.com" }, { Service: "ec2.amazonaws.com" }, false],
    [{ Federated: ["accounts.google.com", "cognito-identity.amazonaws.com"] }, { Federated: "cognito-identity.amazonaws.com" }, true],
    [{ Federated: "cognito-identity.amazonaws.com" }, { AWS: session }, false],
  ])("Principal %j against %j: %s", (principal, who, expected) => {
    const policy = { Version: V, Statement: { Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" } };
    expect(evaluatePolicies([policy], { action: "sts:AssumeRole", resource: "arn:aws:iam::000000000000:role/R", context: {}, principal: who })).toBe(
      expected ? "Allow" : "ImplicitDeny",
    );
  });

  test("NotPrincipal applies to everyone but the listed principals", () => {
    const policy = {
      Version: V,
      Statement: [
        { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" },
        { Effect: "Deny", NotPrincipal: { AWS: "arn:aws:iam::000000000000:role/Reader" }, Action: "s3:GetObject", Resource: "*" },
      ],
    };
    const asking = (arn: string): PolicyRequest => ({ ...get(), principal: { AWS: arn } });
    expect(evaluatePolicies([policy], asking(session))).toBe("Allow");
    expect(evaluatePolicies([policy], asking("arn:aws:sts::000000000000:assumed-role/Other/bob"))).toBe("ExplicitDeny");
  });
});

describe("documents IAM would refuse take no part", () => {
  const malformed: [string, unknown][] = [
    ["not an object", "just text"],
    ["null", null],
    ["a list", [allow()]],
    ["no Statement", { Version: V }],
    ["an unknown version", { Version: "2020-01-01", Statement: allow() }],
    ["an unknown top-level element", { Version: V, Statement: allow(), Extra: 1 }],
    ["a statement that is a string", { Version: V, Statement: "Allow" }],
    ["Effect in lower case", identity(allow({ Effect: "allow" }))],
    ["no Effect", identity({ Action: "s3:GetObject", Resource: "*" })],
    ["no Action", identity({ Effect: "Allow", Resource: "*" })],
    ["Action and NotAction", identity(allow({ NotAction: "s3:PutObject" }))],
    ["an Action without a service", identity(allow({ Action: "GetObject" }))],
    ["an empty Action list", identity(allow({ Action: [] }))],
    ["a number as Action", identity(allow({ Action: 3 }))],
    ["no Resource in an identity policy", identity({ Effect: "Allow", Action: "s3:GetObject" })],
    ["Resource and NotResource", identity(allow({ NotResource: "arn:aws:s3:::x" }))],
    ["a Principal in an identity policy", identity(allow({ Principal: "*" }))],
    ["an unknown statement element", identity(allow({ Effects: "Allow" }))],
    ["an unknown condition operator", identity(allow({ Condition: { StringSortOf: { k: "v" } } }))],
    ["NullIfExists", identity(allow({ Condition: { NullIfExists: { k: "true" } } }))],
    ["a condition block that is a string", identity(allow({ Condition: { StringEquals: "k" } }))],
    ["an object as condition value", identity(allow({ Condition: { StringEquals: { k: { v: 1 } } } }))],
    ["an empty condition value list", identity(allow({ Condition: { StringEquals: { k: [] } } }))],
  ];

  test.each(malformed)("%s: never allows, and policyProblem says why", (_, document) => {
    expect(evaluatePolicies([document as PolicyDocument], get())).toBe("ImplicitDeny");
    expect(policyProblem(document, "identity")).toEqual(expect.any(String));
  });

  test("a malformed Deny does not deny, and a well-formed Allow next to it still allows", () => {
    const broken = identity(deny({ Effect: "deny" }));
    expect(evaluatePolicies([broken, identity(allow())], get())).toBe("Allow");
  });

  test("a malformed statement discards its whole document, as IAM refuses the whole document", () => {
    const mixed = identity([allow(), { Effect: "Allow", Action: "s3:PutObject" }]);
    expect(evaluatePolicies([mixed], get())).toBe("ImplicitDeny");
  });

  test("a trust policy needs a Principal", () => {
    const policy = { Version: V, Statement: { Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity" } };
    expect(policyProblem(policy, "resource")).toMatch(/Principal/);
    expect(
      evaluatePolicies([policy], {
        action: "sts:AssumeRoleWithWebIdentity",
        resource: "arn:aws:iam::000000000000:role/R",
        context: {},
        principal: { Federated: "x" },
      }),
    ).toBe("ImplicitDeny");
  });

  test("well-formed documents have no problem", () => {
    expect(policyProblem(identity([allow(), deny({ Condition: { "ForAnyValue:StringLikeIfExists": { k: ["a", 1, true] } } })]), "identity")).toBeUndefined();
    expect(
      policyProblem(
        { Version: V, Statement: { Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity" } },
        "resource",
      ),
    ).toBeUndefined();
  });
});
