import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CognitoIdentityClient,
  CreateIdentityPoolCommand,
  DescribeIdentityCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  LookupDeveloperIdentityCommand,
  MergeDeveloperIdentitiesCommand,
  UnlinkDeveloperIdentityCommand,
} from "@aws-sdk/client-cognito-identity";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REGION, ROOT_CREDENTIALS, startTestEmulator } from "../testing/harness.js";
import { failure } from "../../test/identity-errors.js";
import { createTestPool, publicIdentityClient, rawJsonCall, startIdentityKit, type IdentityKit, type TestPool } from "../testing/identity-fixtures.js";

const DEV = "login.myapp";
let kit: IdentityKit;
let pool: TestPool;
const device = () => publicIdentityClient(kit.emulator.url);

beforeAll(async () => {
  kit = await startIdentityKit();
});
afterAll(() => kit.stop());
beforeEach(async () => {
  await kit.emulator.control.reset();
  pool = await createTestPool(kit, { DeveloperProviderName: DEV });
});

const tokenFor = (user: string, extra: { IdentityId?: string; TokenDuration?: number; PrincipalTags?: Record<string, string> } = {}) =>
  kit.identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, Logins: { [DEV]: user }, ...extra }));

describe("GetOpenIdTokenForDeveloperIdentity", () => {
  it("creates an identity for a new developer user and returns the same one later", async () => {
    const first = await tokenFor("user-1");
    expect(first.IdentityId).toMatch(new RegExp(`^${REGION}:`));
    expect((await tokenFor("user-1")).IdentityId).toBe(first.IdentityId);
    expect((await tokenFor("user-2")).IdentityId).not.toBe(first.IdentityId);
    const described = await kit.identity.send(new DescribeIdentityCommand({ IdentityId: first.IdentityId }));
    expect(described.Logins).toEqual([DEV]);
  });

  it("signs an RS256 OpenID token naming the identity, the pool and the developer login, valid 15 minutes by default", async () => {
    const { IdentityId, Token } = await tokenFor("user-1");
    const claims = decodeJwt(Token!);
    expect(claims).toMatchObject({
      iss: "https://cognito-identity.amazonaws.com",
      sub: IdentityId,
      aud: pool.poolId,
      amr: ["authenticated", DEV, `${DEV}:user-1`],
    });
    expect(claims.exp! - claims.iat!).toBe(900);
    const custom = decodeJwt((await tokenFor("user-1", { TokenDuration: 86400 })).Token!);
    expect(custom.exp! - custom.iat!).toBe(86400);
  });

  it("lets the device trade the token for authenticated credentials (the cognito-identity.amazonaws.com login)", async () => {
    const { IdentityId, Token } = await tokenFor("user-1", { PrincipalTags: { department: "eng" } });
    const response = await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { "cognito-identity.amazonaws.com": Token! } }));
    expect(response.IdentityId).toBe(IdentityId);
    const issued = kit.emulator.core.state.credentials[response.Credentials!.AccessKeyId!]!;
    expect(issued.roleArn).toBe(pool.authRoleArn);
    expect(issued.context).toMatchObject({
      "cognito-identity.amazonaws.com:sub": IdentityId,
      "cognito-identity.amazonaws.com:amr": ["authenticated", DEV, `${DEV}:user-1`],
      "aws:PrincipalTag/department": "eng",
    });
    // GetId does not look identities up by the token: the device must already hold the IdentityId.
    expect(await failure(device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { "cognito-identity.amazonaws.com": Token! } })))).toEqual({
      code: "NotAuthorizedException",
      message: "Invalid login token. Can't pass in a Cognito token.",
      status: 400,
    });
  });

  it("refuses the token for another identity, an expired token and a forged one", async () => {
    const one = await tokenFor("user-1");
    const two = await tokenFor("user-2");
    expect(
      (
        await failure(
          device().send(new GetCredentialsForIdentityCommand({ IdentityId: one.IdentityId, Logins: { "cognito-identity.amazonaws.com": two.Token! } })),
        )
      ).message,
    ).toBe("Logins don't match. Please include at least one valid login for this identity or identity pool.");
    const [h, p] = one.Token!.split(".");
    const forged = `${h}.${p}.${"A".repeat(342)}`;
    expect(
      (await failure(device().send(new GetCredentialsForIdentityCommand({ IdentityId: one.IdentityId, Logins: { "cognito-identity.amazonaws.com": forged } }))))
        .message,
    ).toBe("Invalid login token. Couldn't verify signed token.");
    await kit.emulator.control.setClock(900 + 301);
    expect(
      (
        await failure(
          device().send(new GetCredentialsForIdentityCommand({ IdentityId: one.IdentityId, Logins: { "cognito-identity.amazonaws.com": one.Token! } })),
        )
      ).message,
    ).toMatch(/^Invalid login token\. Token expired: \d+ >= \d+$/);
  });

  it("records the identity id of developer operations in the request log", async () => {
    await kit.emulator.control.clearRequests();
    const { IdentityId } = await tokenFor("user-1");
    await kit.identity.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, DeveloperUserIdentifier: "user-1" }));
    const requests = await kit.emulator.control.requests();
    expect(requests.map((r: any) => [r.operation, r.identityId])).toEqual([
      ["GetOpenIdTokenForDeveloperIdentity", IdentityId],
      ["LookupDeveloperIdentity", IdentityId],
    ]);
  });

  it("keeps identities and its signing key across a restart with a data directory", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "idpool-"));
    try {
      const first = await startTestEmulator({ dataDir });
      const admin = new CognitoIdentityClient({ endpoint: first.url, region: REGION, credentials: ROOT_CREDENTIALS, maxAttempts: 1 });
      const { IdentityPoolId } = await admin.send(
        new CreateIdentityPoolCommand({ IdentityPoolName: "persisted", AllowUnauthenticatedIdentities: false, DeveloperProviderName: DEV }),
      );
      const { IdentityId, Token } = await admin.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId, Logins: { [DEV]: "kept" } }));
      admin.destroy();
      await first.stop();

      const second = await startTestEmulator({ dataDir });
      // The identity and the key that signed the token both survived: the token still proves the identity.
      const { IdentityId: again } = await publicIdentityClient(second.url).send(
        new GetOpenIdTokenCommand({ IdentityId, Logins: { "cognito-identity.amazonaws.com": Token! } }),
      );
      expect(again).toBe(IdentityId);
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("refuses the developer provider name from the device", async () => {
    const error = await failure(device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [DEV]: "user-1" } })));
    expect(error.code).toBe("NotAuthorizedException");
    expect(error.message).toMatch(/GetOpenIdTokenForDeveloperIdentity/);
  });

  it("links a developer user to a guest the app already holds, which keeps its id", async () => {
    const { IdentityId: guest } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    const linked = await tokenFor("user-9", { IdentityId: guest });
    expect(linked.IdentityId).toBe(guest);
    expect((await tokenFor("user-9")).IdentityId).toBe(guest);
  });

  it("refuses a developer user already registered under a different identity", async () => {
    const one = await tokenFor("user-1");
    const two = await tokenFor("user-2");
    const error = await failure(tokenFor("user-1", { IdentityId: two.IdentityId }));
    expect(error.code).toBe("DeveloperUserAlreadyRegisteredException");
    expect((await tokenFor("user-1")).IdentityId).toBe(one.IdentityId);
  });

  it("requires a signature and the pool's developer provider", async () => {
    // The SDK always signs this operation, so the unsigned call goes out by hand.
    const unsigned = await rawJsonCall(kit.emulator.url, "GetOpenIdTokenForDeveloperIdentity", { IdentityPoolId: pool.poolId, Logins: { [DEV]: "u" } });
    expect(unsigned.json.__type).toBe("MissingAuthenticationTokenException");
    expect(kit.emulator.core.state.cognitoIdentity.identities).toEqual({});
    const missing = await failure(
      kit.identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, Logins: { "other.dev": "u" } })),
    );
    expect(missing.code).toBe("InvalidParameterException");
  });
});

describe("LookupDeveloperIdentity, MergeDeveloperIdentities, UnlinkDeveloperIdentity", () => {
  it("looks up by user or by identity, and refuses a pair that disagrees", async () => {
    const { IdentityId } = await tokenFor("user-1");
    const byUser = await kit.identity.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, DeveloperUserIdentifier: "user-1" }));
    expect(byUser).toMatchObject({ IdentityId, DeveloperUserIdentifierList: ["user-1"] });
    const byId = await kit.identity.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, IdentityId }));
    expect(byId.DeveloperUserIdentifierList).toEqual(["user-1"]);
    const other = await tokenFor("user-2");
    expect(
      (
        await failure(
          kit.identity.send(
            new LookupDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, IdentityId: other.IdentityId, DeveloperUserIdentifier: "user-1" }),
          ),
        )
      ).code,
    ).toBe("ResourceConflictException");
    expect(
      (await failure(kit.identity.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, DeveloperUserIdentifier: "nobody" })))).code,
    ).toBe("ResourceNotFoundException");
  });

  it("merges the source user into the destination's identity and disables the source identity", async () => {
    const source = await tokenFor("src");
    const destination = await tokenFor("dst");
    const merged = await kit.identity.send(
      new MergeDeveloperIdentitiesCommand({
        IdentityPoolId: pool.poolId,
        DeveloperProviderName: DEV,
        SourceUserIdentifier: "src",
        DestinationUserIdentifier: "dst",
      }),
    );
    expect(merged.IdentityId).toBe(destination.IdentityId);
    expect((await tokenFor("src")).IdentityId).toBe(destination.IdentityId);
    const lookup = await kit.identity.send(new LookupDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, IdentityId: destination.IdentityId }));
    expect(lookup.DeveloperUserIdentifierList?.sort()).toEqual(["dst", "src"]);
    expect(await failure(device().send(new GetCredentialsForIdentityCommand({ IdentityId: source.IdentityId })))).toMatchObject({
      code: "NotAuthorizedException",
      message: `Access to Identity '${source.IdentityId}' is forbidden.`,
    });
  });

  it("unlinks a developer user; the identity cannot be used as a guest afterwards", async () => {
    const { IdentityId } = await tokenFor("user-1");
    await kit.identity.send(
      new UnlinkDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, IdentityId, DeveloperProviderName: DEV, DeveloperUserIdentifier: "user-1" }),
    );
    expect((await tokenFor("user-1")).IdentityId).not.toBe(IdentityId);
    expect((await failure(device().send(new GetCredentialsForIdentityCommand({ IdentityId })))).message).toBe(
      `Access to Identity '${IdentityId}' is forbidden.`,
    );
    const again = await failure(
      kit.identity.send(
        new UnlinkDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, IdentityId, DeveloperProviderName: DEV, DeveloperUserIdentifier: "user-1" }),
      ),
    );
    expect(again.code).toBe("ResourceNotFoundException");
  });

  it("only lets the pool's region see it when signed for another region", async () => {
    const elsewhere = new CognitoIdentityClient({
      endpoint: kit.emulator.url,
      region: "ap-south-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    const error = await failure(elsewhere.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, Logins: { [DEV]: "u" } })));
    expect(error).toEqual({ code: "ResourceNotFoundException", message: `IdentityPool '${pool.poolId}' not found.`, status: 400 });
    elsewhere.destroy();
  });
});
