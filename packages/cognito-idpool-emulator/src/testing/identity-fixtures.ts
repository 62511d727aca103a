import { CognitoIdentityClient, CreateIdentityPoolCommand, SetIdentityPoolRolesCommand, type CreateIdentityPoolInput } from "@aws-sdk/client-cognito-identity";
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { REGION, ROOT_CREDENTIALS, startTestEmulator, type TestEmulator } from "./harness.js";

/** An emulator plus real AWS SDK clients signed with the root credential. */
export interface IdentityKit {
  emulator: TestEmulator;
  identity: CognitoIdentityClient;
  iam: IAMClient;
  sts: STSClient;
  stop(): Promise<void>;
}

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

/** An unsigned identity client, as a browser uses for the four public operations. */
export function publicIdentityClient(url: string): CognitoIdentityClient {
  return new CognitoIdentityClient({
    endpoint: url,
    region: REGION,
    maxAttempts: 1,
    credentials: () => Promise.reject(new Error("the public operations must not need credentials")),
  });
}

/** The trust policy the AWS console writes for an identity pool's role (research spec §6.2). */
export function cognitoTrustPolicy(poolId: string, amr: "authenticated" | "unauthenticated"): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: "cognito-identity.amazonaws.com" },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { "cognito-identity.amazonaws.com:aud": poolId },
          "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": amr },
        },
      },
    ],
  });
}

let roleCounter = 0;

export async function createRole(iam: IAMClient, prefix: string, trust: string, policies: Record<string, unknown> = {}): Promise<string> {
  const RoleName = `${prefix}-${++roleCounter}`;
  const { Role } = await iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust, MaxSessionDuration: 7200 }));
  for (const [PolicyName, document] of Object.entries(policies)) {
    await iam.send(new PutRolePolicyCommand({ RoleName, PolicyName, PolicyDocument: JSON.stringify(document) }));
  }
  return Role!.Arn!;
}

export interface TestPool {
  poolId: string;
  authRoleArn: string;
  unauthRoleArn: string;
}

/** Creates a pool and its two roles (trusting this pool as the console would) and assigns them. */
export async function createTestPool(kit: IdentityKit, input: Partial<CreateIdentityPoolInput> = {}): Promise<TestPool> {
  const pool = await kit.identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: "test pool", AllowUnauthenticatedIdentities: true, ...input }));
  const poolId = pool.IdentityPoolId!;
  const authRoleArn = await createRole(kit.iam, "Auth", cognitoTrustPolicy(poolId, "authenticated"));
  const unauthRoleArn = await createRole(kit.iam, "Unauth", cognitoTrustPolicy(poolId, "unauthenticated"));
  await kit.identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: poolId, Roles: { authenticated: authRoleArn, unauthenticated: unauthRoleArn } }));
  return { poolId, authRoleArn, unauthRoleArn };
}

/** Calls an awsJson operation with fetch, for tests of the wire format itself (headers, raw numbers). */
export async function rawJsonCall(url: string, operation: string, body: unknown): Promise<{ status: number; headers: Headers; json: any }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityService.${operation}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}
