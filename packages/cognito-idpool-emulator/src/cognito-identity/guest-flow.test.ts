import {
  CreateIdentityPoolCommand,
  DeleteIdentitiesCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand,
} from "@aws-sdk/client-cognito-identity";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REGION } from "../testing/harness.js";
import { failure } from "../../test/identity-errors.js";
import {
  cognitoTrustPolicy,
  createRole,
  createTestPool,
  publicIdentityClient,
  rawJsonCall,
  startIdentityKit,
  type IdentityKit,
  type TestPool,
} from "../testing/identity-fixtures.js";

let kit: IdentityKit;
let pool: TestPool;
const device = () => publicIdentityClient(kit.emulator.url);

beforeAll(async () => {
  kit = await startIdentityKit();
});
afterAll(() => kit.stop());
beforeEach(async () => {
  await kit.emulator.control.reset();
  pool = await createTestPool(kit);
});

describe("GetId without logins (R1)", () => {
  it("creates a new guest identity <region>:<uuid> on every call, unsigned", async () => {
    const client = device();
    const a = await client.send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    const b = await client.send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    expect(a.IdentityId).toMatch(new RegExp(`^${REGION}:[0-9a-f-]{36}$`));
    expect(b.IdentityId).not.toBe(a.IdentityId);
    expect(Object.keys(kit.emulator.core.state.cognitoIdentity.identities)).toHaveLength(2);
  });

  it("refuses guests when the pool does not allow them", async () => {
    const { IdentityPoolId } = await kit.identity.send(new CreateIdentityPoolCommand({ IdentityPoolName: "closed", AllowUnauthenticatedIdentities: false }));
    expect(await failure(device().send(new GetIdCommand({ IdentityPoolId })))).toEqual({
      code: "NotAuthorizedException",
      message: "Unauthenticated access is not supported for this identity pool.",
      status: 400,
    });
    expect(kit.emulator.core.state.cognitoIdentity.identities).toEqual({});
  });

  it("answers ResourceNotFoundException for an unknown pool", async () => {
    const id = `${REGION}:0b0b0b0b-0000-0000-0000-000000000000`;
    expect(await failure(device().send(new GetIdCommand({ IdentityPoolId: id })))).toEqual({
      code: "ResourceNotFoundException",
      message: `IdentityPool '${id}' not found.`,
      status: 400,
    });
  });
});

describe("GetCredentialsForIdentity for a guest (R3)", () => {
  it("returns ASIA credentials for the unauthenticated role, expiring in one hour, that STS recognises", async () => {
    const client = device();
    const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    const before = Date.now();
    const response = await client.send(new GetCredentialsForIdentityCommand({ IdentityId }));
    expect(response.IdentityId).toBe(IdentityId);
    const c = response.Credentials!;
    expect(c.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c.SecretKey).toHaveLength(40);
    expect(c.SessionToken!.length).toBeGreaterThan(100);
    expect(c.Expiration).toBeInstanceOf(Date);
    const lifetime = (c.Expiration!.getTime() - before) / 1000;
    expect(lifetime).toBeGreaterThan(3590);
    expect(lifetime).toBeLessThanOrEqual(3601);

    const sts = new STSClient({
      endpoint: kit.emulator.url,
      region: REGION,
      maxAttempts: 1,
      credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretKey!, sessionToken: c.SessionToken! },
    });
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    const roleName = pool.unauthRoleArn.split("/").pop();
    expect(caller.Arn).toBe(`arn:aws:sts::000000000000:assumed-role/${roleName}/CognitoIdentityCredentials`);
    sts.destroy();

    const issued = kit.emulator.core.state.credentials[c.AccessKeyId!]!;
    expect(issued.context).toEqual({
      "cognito-identity.amazonaws.com:sub": IdentityId,
      "cognito-identity.amazonaws.com:aud": pool.poolId,
      "cognito-identity.amazonaws.com:amr": ["unauthenticated"],
    });
  });

  it("puts Expiration on the wire as epoch seconds (a JSON number), never a string", async () => {
    const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    const { status, json } = await rawJsonCall(kit.emulator.url, "GetCredentialsForIdentity", { IdentityId });
    expect(status).toBe(200);
    expect(typeof json.Credentials.Expiration).toBe("number");
    expect(Math.abs(json.Credentials.Expiration - (Date.now() / 1000 + 3600))).toBeLessThan(60);
  });

  it("honours the credential lifetime knob, and null restores one hour", async () => {
    const client = device();
    const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    await kit.emulator.control.setCredentialLifetime(120);
    const short = await client.send(new GetCredentialsForIdentityCommand({ IdentityId }));
    const shortLife = (short.Credentials!.Expiration!.getTime() - Date.now()) / 1000;
    expect(shortLife).toBeGreaterThan(100);
    expect(shortLife).toBeLessThanOrEqual(121);
    await kit.emulator.control.setCredentialLifetime(null);
    const normal = await client.send(new GetCredentialsForIdentityCommand({ IdentityId }));
    expect((normal.Credentials!.Expiration!.getTime() - Date.now()) / 1000).toBeGreaterThan(3500);
  });

  it("follows the emulator clock for Expiration", async () => {
    const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    await kit.emulator.control.setClock(86400);
    const response = await device().send(new GetCredentialsForIdentityCommand({ IdentityId }));
    const ahead = (response.Credentials!.Expiration!.getTime() - Date.now()) / 1000;
    expect(ahead).toBeGreaterThan(86400 + 3500);
  });

  it("answers ResourceNotFoundException `Identity '<id>' not found.` for an unknown or deleted identity", async () => {
    const client = device();
    const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    await kit.identity.send(new DeleteIdentitiesCommand({ IdentityIdsToDelete: [IdentityId!] }));
    expect(await failure(client.send(new GetCredentialsForIdentityCommand({ IdentityId })))).toEqual({
      code: "ResourceNotFoundException",
      message: `Identity '${IdentityId}' not found.`,
      status: 400,
    });
  });

  it("refuses a guest once the pool stops allowing guests", async () => {
    const client = device();
    const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    await kit.identity.send(
      new UpdateIdentityPoolCommand({ IdentityPoolId: pool.poolId, IdentityPoolName: "test pool", AllowUnauthenticatedIdentities: false }),
    );
    expect(await failure(client.send(new GetCredentialsForIdentityCommand({ IdentityId })))).toEqual({
      code: "NotAuthorizedException",
      message: "Unauthenticated access is not supported for this identity pool.",
      status: 400,
    });
  });

  it("answers InvalidIdentityPoolConfigurationException when the pool has no unauthenticated role, or the role is missing", async () => {
    const client = device();
    const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    const expected = {
      code: "InvalidIdentityPoolConfigurationException",
      message: "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
      status: 400,
    };
    await kit.identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool.poolId, Roles: { authenticated: pool.authRoleArn } }));
    expect(await failure(client.send(new GetCredentialsForIdentityCommand({ IdentityId })))).toEqual(expected);
    await kit.identity.send(
      new SetIdentityPoolRolesCommand({ IdentityPoolId: pool.poolId, Roles: { unauthenticated: "arn:aws:iam::000000000000:role/DoesNotExist" } }),
    );
    expect(await failure(client.send(new GetCredentialsForIdentityCommand({ IdentityId })))).toEqual(expected);
  });

  it("answers InvalidIdentityPoolConfigurationException when the role's trust policy does not trust this pool for guests", async () => {
    const client = device();
    const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    const otherPool = `${REGION}:99999999-9999-9999-9999-999999999999`;
    const wrongAud = await createRole(kit.iam, "WrongAud", cognitoTrustPolicy(otherPool, "unauthenticated"));
    const wrongAmr = await createRole(kit.iam, "WrongAmr", cognitoTrustPolicy(pool.poolId, "authenticated"));
    for (const role of [wrongAud, wrongAmr]) {
      await kit.identity.send(new SetIdentityPoolRolesCommand({ IdentityPoolId: pool.poolId, Roles: { unauthenticated: role } }));
      expect((await failure(client.send(new GetCredentialsForIdentityCommand({ IdentityId })))).code).toBe("InvalidIdentityPoolConfigurationException");
    }
    expect(Object.keys(kit.emulator.core.state.credentials)).toEqual([]);
  });
});

describe("wire format and request log", () => {
  it("sends errors with both x-amzn-ErrorType (trailing colon) and a __type body, plus CORS headers", async () => {
    const id = `${REGION}:00000000-0000-0000-0000-00000000abcd`;
    const { status, headers, json } = await rawJsonCall(kit.emulator.url, "GetCredentialsForIdentity", { IdentityId: id });
    expect(status).toBe(400);
    expect(headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException:");
    expect(headers.get("x-amzn-errormessage")).toBe(`Identity '${id}' not found.`);
    expect(headers.get("access-control-allow-origin")).toBe("*");
    expect(json).toEqual({ __type: "ResourceNotFoundException", message: `Identity '${id}' not found.` });
  });

  it("answers SerializationException for a member of the wrong JSON type", async () => {
    const { status, json } = await rawJsonCall(kit.emulator.url, "GetId", { IdentityPoolId: 42 });
    expect(status).toBe(400);
    expect(json.__type).toBe("SerializationException");
    expect(json.message).toMatch(/IdentityPoolId/);
  });

  it("records identityId on GetId (the one returned) and GetCredentialsForIdentity", async () => {
    const client = device();
    await kit.emulator.control.clearRequests();
    const { IdentityId } = await client.send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    await client.send(new GetCredentialsForIdentityCommand({ IdentityId }));
    await failure(client.send(new GetCredentialsForIdentityCommand({ IdentityId: `${REGION}:00000000-0000-0000-0000-0000000000ff` })));
    const requests = await kit.emulator.control.requests();
    expect(requests.map((r: any) => [r.service, r.operation, r.identityId, r.status])).toEqual([
      ["cognito-identity", "GetId", IdentityId, 200],
      ["cognito-identity", "GetCredentialsForIdentity", IdentityId, 200],
      ["cognito-identity", "GetCredentialsForIdentity", `${REGION}:00000000-0000-0000-0000-0000000000ff`, 400],
    ]);
  });
});
