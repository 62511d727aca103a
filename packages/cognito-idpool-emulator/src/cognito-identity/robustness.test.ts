import { afterAll, beforeAll, expect, it } from "vitest";
import { AwsError } from "../core/errors.js";
import type { ServiceContext } from "../service.js";
import { iamService } from "../iam/index.js";
import { stsService } from "../sts/index.js";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";
import { cognitoIdentityService } from "./index.js";

/**
 * Random inputs straight into every handler of the identity-pool, IAM and STS services: each must
 * answer or throw a client error (4xx AwsError), never crash, and leave state serializable.
 * Deterministic: the generator is seeded.
 */
let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
  await emulator.control.seed({
    roles: [
      {
        RoleName: "R",
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity" }],
        },
      },
    ],
    identityPools: [
      {
        IdentityPoolId: "eu-west-1:0000000a-0000-0000-0000-000000000000",
        IdentityPoolName: "p",
        AllowUnauthenticatedIdentities: true,
        DeveloperProviderName: "dev",
        Roles: { unauthenticated: "arn:aws:iam::000000000000:role/R" },
      },
    ],
  });
});
afterAll(() => emulator.stop());

let seed = 42;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const STRINGS = [
  "",
  "x",
  "eu-west-1:0000000a-0000-0000-0000-000000000000",
  "eu-west-1:ffff",
  "eu-west-1_AbC",
  "dev",
  "authenticated",
  "arn:aws:iam::000000000000:role/R",
  "a.b.c",
  "__proto__",
  "constructor",
  "x".repeat(3000),
  "\u0000\uffff",
];
function value(depth = 0): unknown {
  const kind = Math.floor(random() * (depth > 2 ? 5 : 8));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return pick([0, -1, 1, 61, 1e300, 0.5, Number.MAX_SAFE_INTEGER]);
    case 2:
      return pick([true, false]);
    case 3:
    case 4:
      return pick(STRINGS);
    case 5:
      return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [pick([...STRINGS.slice(0, 10), ...MEMBERS]), value(depth + 1)]));
  }
}

const MEMBERS = [
  "IdentityPoolId",
  "IdentityId",
  "Logins",
  "CustomRoleArn",
  "LoginsToRemove",
  "IdentityPoolName",
  "AllowUnauthenticatedIdentities",
  "AllowClassicFlow",
  "SupportedLoginProviders",
  "DeveloperProviderName",
  "OpenIdConnectProviderARNs",
  "CognitoIdentityProviders",
  "Roles",
  "RoleMappings",
  "MaxResults",
  "NextToken",
  "HideDisabled",
  "IdentityIdsToDelete",
  "DeveloperUserIdentifier",
  "SourceUserIdentifier",
  "DestinationUserIdentifier",
  "TokenDuration",
  "PrincipalTags",
  "SamlProviderARNs",
  "IdentityProviderName",
  "UseDefaults",
];
const QUERY_PARAMS = [
  "RoleName",
  "AssumeRolePolicyDocument",
  "PolicyName",
  "PolicyDocument",
  "Path",
  "MaxSessionDuration",
  "Url",
  "ClientIDList.member.1",
  "ThumbprintList.member.1",
  "OpenIDConnectProviderArn",
  "Marker",
  "MaxItems",
  "RoleArn",
  "RoleSessionName",
  "WebIdentityToken",
  "DurationSeconds",
  "Tags.member.1.Key",
  "Name",
  "SAMLMetadataDocument",
  "SAMLProviderArn",
];

function context(): ServiceContext {
  const { core } = emulator;
  return {
    state: core.state,
    clock: core.clock,
    runtime: core.runtime,
    request: { method: "POST", rawPath: "/", url: new URL(emulator.url), headers: {}, body: Buffer.alloc(0) },
    baseUrl: emulator.url,
    requestId: "fuzz",
    region: "eu-west-1",
    principal: { kind: "root", accessKeyId: "test", arn: "arn:aws:iam::000000000000:root" },
    log: {},
  };
}

async function expectClientErrorOrSuccess(run: () => unknown, label: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof AwsError) || error.status >= 500) throw new Error(`${label} crashed: ${(error as Error).stack ?? error}`, { cause: error });
  }
}

it("never crashes the JSON handlers on random input", async () => {
  for (const [name, operation] of Object.entries(cognitoIdentityService.operations)) {
    for (let i = 0; i < 150; i++) {
      const input = Object.fromEntries(Array.from({ length: 1 + Math.floor(random() * 4) }, () => [pick(MEMBERS), value()]));
      await expectClientErrorOrSuccess(() => operation.handler(input, context()), `${name}(${JSON.stringify(input).slice(0, 300)})`);
    }
  }
  expect(() => JSON.parse(JSON.stringify(emulator.core.state))).not.toThrow();
});

it("never crashes the IAM and STS handlers on random parameters", async () => {
  for (const service of [iamService, stsService]) {
    for (const [name, operation] of Object.entries(service.operations)) {
      for (let i = 0; i < 100; i++) {
        const params = Object.fromEntries(
          Array.from({ length: 1 + Math.floor(random() * 5) }, () => [
            pick(QUERY_PARAMS),
            String(pick([...STRINGS, "{}", '{"Statement":[]}', "3600", "-5", "1e3"])),
          ]),
        );
        await expectClientErrorOrSuccess(() => operation.handler(params, context()), `${name}(${JSON.stringify(params).slice(0, 300)})`);
      }
    }
  }
  expect(() => JSON.parse(JSON.stringify(emulator.core.state))).not.toThrow();
});
