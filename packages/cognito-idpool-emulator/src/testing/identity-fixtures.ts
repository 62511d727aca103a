import { CognitoIdentityClient, CreateIdentityPoolCommand, SetIdentityPoolRolesCommand, type CreateIdentityPoolInput } from "@aws-sdk/client-cognito-identity";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { REGION, ROOT_CREDENTIALS, startTestEmulator, type TestEmulator } from "./harness.js";

/** An emulator plus real AWS SDK clients signed with the root credential. */
export interface IdentityKit {
  /** The emulator the clients point at. */
  emulator: TestEmulator;
  /** An AWS SDK v3 Cognito Identity client signed with the root credentials. */
  identity: CognitoIdentityClient;
  /** An AWS SDK v3 IAM client signed with the root credentials. */
  iam: IAMClient;
  /** An AWS SDK v3 STS client signed with the root credentials. */
  sts: STSClient;
  /** Stops the emulator. */
  stop(): Promise<void>;
}

/**
 * Starts an emulator and the AWS SDK's identity, IAM and STS clients for it, signed as root.
 *
 * @example
 * ```ts
 * import { createTestPool, startIdentityKit } from "cognito-idpool-emulator/testing";
 *
 * const kit = await startIdentityKit();
 * const { poolId } = await createTestPool(kit);
 * // … kit.identity.send(new GetIdCommand({ IdentityPoolId: poolId })) …
 * await kit.stop();
 * ```
 */
export async function startIdentityKit(): Promise<IdentityKit> {
  const emulator = await startTestEmulator();
  const config = { endpoint: emulator.url, region: REGION, credentials: ROOT_CREDENTIALS, maxAttempts: 1 };
  const identity = new CognitoIdentityClient(config);
  const iam = new IAMClient(config);
  const sts = new STSClient(config);
  return {
    emulator,
    identity,
    iam,
    sts,
    async stop() {
      identity.destroy();
      iam.destroy();
      sts.destroy();
      await emulator.stop();
    },
  };
}

/**
 * An unsigned identity client, as a browser uses for the four public operations (GetId,
 * GetCredentialsForIdentity, GetOpenIdToken, UnlinkIdentity); any call needing credentials fails.
 *
 * @example
 * ```ts
 * const { IdentityId } = await publicIdentityClient(emulator.url).send(new GetIdCommand({ IdentityPoolId: poolId }));
 * ```
 */
export function publicIdentityClient(url: string): CognitoIdentityClient {
  return new CognitoIdentityClient({
    endpoint: url,
    region: REGION,
    maxAttempts: 1,
    credentials: () => Promise.reject(new Error("the public operations must not need credentials")),
  });
}

/**
 * The trust policy the AWS console writes for an identity pool's role: this pool's `aud`, guests or users by `amr`,
 * with `sts:TagSession` so sessions may carry principal tags.
 *
 * @example
 * ```ts
 * const roleArn = await createRole(kit.iam, "Guest", cognitoTrustPolicy(poolId, "unauthenticated"));
 * ```
 */
export function cognitoTrustPolicy(poolId: string, amr: "authenticated" | "unauthenticated"): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "cognito-identity.amazonaws.com" },
        // TagSession lets sessions carry principal tags (attribute maps, developer PrincipalTags).
        Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        Condition: {
          StringEquals: { "cognito-identity.amazonaws.com:aud": poolId },
          "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": amr },
        },
      },
    ],
  });
}

let roleCounter = 0;

/**
 * Creates a role with a unique name starting with `prefix`, the given trust policy and inline
 * policies (name → document); resolves to its ARN.
 *
 * @example
 * ```ts
 * const arn = await createRole(kit.iam, "Reader", cognitoTrustPolicy(poolId, "authenticated"), {
 *   read: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/*" }] },
 * });
 * ```
 */
export async function createRole(iam: IAMClient, prefix: string, trust: string, policies: Record<string, unknown> = {}): Promise<string> {
  const RoleName = `${prefix}-${++roleCounter}`;
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust, MaxSessionDuration: 7200 }));
  for (const [PolicyName, document] of Object.entries(policies)) {
    await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName, PolicyDocument: JSON.stringify(document) }));
  }
  return Role!.Arn!;
}

/** An identity pool made by {@link createTestPool}, with the two roles it was given. */
export interface TestPool {
  /** The identity pool id. */
  poolId: string;
  /** The role for authenticated identities. */
  authRoleArn: string;
  /** The role for guests. */
  unauthRoleArn: string;
}

/**
 * Creates an identity pool (guests allowed unless `input` says otherwise) and its two roles,
 * trusting this pool as the console would, and assigns them.
 *
 * @example
 * ```ts
 * const { poolId, authRoleArn } = await createTestPool(kit, { AllowUnauthenticatedIdentities: false });
 * ```
 */
export async function createTestPool(kit: IdentityKit, input: Partial<CreateIdentityPoolInput> = {}): Promise<TestPool> {
  const pool = await kit.identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: "test pool", AllowUnauthenticatedIdentities: true, ...input }));
  const poolId = pool.IdentityPoolId!;
  const authRoleArn = await createRole(kit.iam, "Auth", cognitoTrustPolicy(poolId, "authenticated"));
  const unauthRoleArn = await createRole(kit.iam, "Unauth", cognitoTrustPolicy(poolId, "unauthenticated"));
  await kit.identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: authRoleArn, unauthenticated: unauthRoleArn } }));
  return { poolId, authRoleArn, unauthRoleArn };
}

/** What {@link rawJsonCall} returns. */
export interface RawJsonAnswer {
  /** The HTTP status. */
  status: number;
  /** The response headers. */
  headers: Headers;
  /** The parsed JSON body (an AWS error body on failure). */
  json: any;
}

/**
 * Calls an identity-pool operation with fetch, for tests of the wire format itself (headers, raw numbers).
 *
 * @example
 * ```ts
 * const { status, json } = await rawJsonCall(emulator.url, "GetId", { IdentityPoolId: poolId });
 * ```
 */
export async function rawJsonCall(url: string, operation: string, body: unknown): Promise<RawJsonAnswer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityService.${operation}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}
