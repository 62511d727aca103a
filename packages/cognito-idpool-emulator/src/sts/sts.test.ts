import {
  GetIdCommand,
  GetOpenIdTokenCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  SetIdentityPoolRolesCommand,
  UpdateIdentityPoolCommand,
} from "@aws-sdk/client-cognito-identity";
import { CreateOpenIDConnectProviderCommand } from "@aws-sdk/client-iam";
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient, type Credentials } from "@aws-sdk/client-sts";
import { decodeJwt } from "jose";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { REGION } from "../testing/harness.js";
import { failure } from "../../test/identity-errors.js";
import { createRole, createTestPool, publicIdentityClient, startIdentityKit, type IdentityKit, type TestPool } from "../testing/identity-fixtures.js";
import { startOidcIssuer, type TestIssuer } from "../testing/identity-oidc-issuer.js";

let kit: IdentityKit;
let pool: TestPool;
let anonymousSts: STSClient;
const device = () => publicIdentityClient(kit.emulator.url);

beforeAll(async () => {
  kit = await startIdentityKit();
  // AssumeRoleWithWebIdentity is unsigned: a client with no credentials at all must manage.
  anonymousSts = new STSClient({ endpoint: kit.emulator.url, region: REGION, maxAttempts: 1, credentials: () => Promise.reject(new Error("no credentials")) });
});
afterAll(async () => {
  anonymousSts.destroy();
  await kit.stop();
});
beforeEach(async () => {
  await kit.emulator.control.reset();
  pool = await createTestPool(kit, { AllowClassicFlow: true });
});

function stsWith(credentials: Credentials | { AccessKeyId: string; SecretAccessKey: string; SessionToken?: string }): STSClient {
  return new STSClient({
    endpoint: kit.emulator.url,
    region: REGION,
    maxAttempts: 1,
    credentials: { accessKeyId: credentials.AccessKeyId!, secretAccessKey: credentials.SecretAccessKey!, sessionToken: credentials.SessionToken },
  });
}

async function guestToken(): Promise<{ IdentityId: string; Token: string }> {
  const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
  const response = await device().send(new GetOpenIdTokenCommand({ IdentityId }));
  return { IdentityId: response.IdentityId!, Token: response.Token! };
}

describe("classic flow: GetOpenIdToken then AssumeRoleWithWebIdentity", () => {
  it("issues a ten-minute token for a guest and exchanges it for the role's credentials", async () => {
    const { IdentityId, Token } = await guestToken();
    const claims = decodeJwt(Token);
    expect(claims).toMatchObject({ iss: "https://cognito-identity.amazonaws.com", sub: IdentityId, aud: pool.poolId, amr: ["unauthenticated"] });
    expect(claims.exp! - claims.iat!).toBe(600);

    const before = Date.now();
    const assumed = await anonymousSts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: pool.unauthRoleArn, RoleSessionName: "web-session", WebIdentityToken: Token, DurationSeconds: 1800 }),
    );
    const roleName = pool.unauthRoleArn.split("/").pop();
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(assumed.Credentials?.Expiration).toBeInstanceOf(Date);
    const lifetime = (assumed.Credentials!.Expiration!.getTime() - before) / 1000;
    expect(lifetime).toBeGreaterThan(1790);
    expect(lifetime).toBeLessThanOrEqual(1801);
    expect(assumed.SubjectFromWebIdentityToken).toBe(IdentityId);
    expect(assumed.Audience).toBe(pool.poolId);
    expect(assumed.Provider).toBe("cognito-identity.amazonaws.com");
    expect(assumed.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::000000000000:assumed-role/${roleName}/web-session`);
    expect(assumed.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:web-session$/);
    expect(kit.emulator.core.state.credentials[assumed.Credentials!.AccessKeyId!]!.context).toEqual({
      "cognito-identity.amazonaws.com:sub": IdentityId,
      "cognito-identity.amazonaws.com:aud": pool.poolId,
      "cognito-identity.amazonaws.com:amr": ["unauthenticated"],
    });

    const sts = stsWith(assumed.Credentials!);
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    expect(caller).toMatchObject({ Account: "000000000000", Arn: assumed.AssumedRoleUser?.Arn, UserId: assumed.AssumedRoleUser?.AssumedRoleId });
    sts.destroy();
  });

  it("accepts a developer identity's token for the authenticated role", async () => {
    await kit.identity.send(
      new UpdateIdentityPoolCommand({
        IdentityPoolId: pool.poolId,
        IdentityPoolName: "test pool",
        AllowUnauthenticatedIdentities: true,
        DeveloperProviderName: "dev",
      }),
    );
    const { Token } = await kit.identity.send(new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: pool.poolId, Logins: { dev: "user-1" } }));
    const assumed = await anonymousSts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: pool.authRoleArn, RoleSessionName: "dev", WebIdentityToken: Token }),
    );
    expect(kit.emulator.core.state.credentials[assumed.Credentials!.AccessKeyId!]!.context["cognito-identity.amazonaws.com:amr"]).toEqual([
      "authenticated",
      "dev",
      "dev:user-1",
    ]);
  });

  it("refuses a role whose trust policy does not allow the token (AccessDenied), and an unknown role", async () => {
    const { Token } = await guestToken();
    const expected = { code: "AccessDenied", message: "Not authorized to perform sts:AssumeRoleWithWebIdentity", status: 403 };
    // The authenticated role only trusts amr "authenticated".
    expect(
      await failure(anonymousSts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: pool.authRoleArn, RoleSessionName: "sess", WebIdentityToken: Token }))),
    ).toEqual(expected);
    expect(
      await failure(
        anonymousSts.send(
          new AssumeRoleWithWebIdentityCommand({ RoleArn: "arn:aws:iam::000000000000:role/Nope", RoleSessionName: "sess", WebIdentityToken: Token }),
        ),
      ),
    ).toEqual(expected);
    expect(Object.keys(kit.emulator.core.state.credentials)).toEqual([]);
  });

  it("refuses expired and tampered tokens", async () => {
    const { Token } = await guestToken();
    const [h, , s] = Token.split(".");
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(Token), amr: ["authenticated"] })).toString("base64url");
    const tampered = await failure(
      anonymousSts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: pool.authRoleArn, RoleSessionName: "sess", WebIdentityToken: `${h}.${payload}.${s}` })),
    );
    expect(tampered.code).toBe("InvalidIdentityToken");
    expect(tampered.status).toBe(400);

    await kit.emulator.control.setClock(601);
    const expired = await failure(
      anonymousSts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: pool.unauthRoleArn, RoleSessionName: "sess", WebIdentityToken: Token })),
    );
    expect(expired.code).toBe("ExpiredTokenException");
    expect(expired.message).toMatch(/^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/);
  });

  it("validates DurationSeconds against 900 and the role's MaxSessionDuration", async () => {
    const { Token } = await guestToken();
    const short = await failure(
      anonymousSts.send(
        new AssumeRoleWithWebIdentityCommand({ RoleArn: pool.unauthRoleArn, RoleSessionName: "sess", WebIdentityToken: Token, DurationSeconds: 60 }),
      ),
    );
    expect(short).toEqual({
      code: "ValidationError",
      message: "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      status: 400,
    });
    // The fixture's roles allow 7200 seconds.
    const long = await failure(
      anonymousSts.send(
        new AssumeRoleWithWebIdentityCommand({ RoleArn: pool.unauthRoleArn, RoleSessionName: "sess", WebIdentityToken: Token, DurationSeconds: 7201 }),
      ),
    );
    expect(long).toEqual({ code: "ValidationError", message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", status: 400 });
    const ok = await anonymousSts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: pool.unauthRoleArn, RoleSessionName: "sess", WebIdentityToken: Token, DurationSeconds: 7200 }),
    );
    expect(ok.Credentials?.AccessKeyId).toBeTruthy();
  });

  it("validates the session name", async () => {
    const { Token } = await guestToken();
    const error = await failure(
      anonymousSts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: pool.unauthRoleArn, RoleSessionName: "has space", WebIdentityToken: Token })),
    );
    expect(error.code).toBe("ValidationError");
    expect(error.message).toContain("at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  });
});

describe("AllowClassicFlow gate (absent allows, only false refuses)", () => {
  it("refuses GetOpenIdToken when the pool sets AllowClassicFlow=false", async () => {
    const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    await kit.identity.send(
      new UpdateIdentityPoolCommand({
        IdentityPoolId: pool.poolId,
        IdentityPoolName: "test pool",
        AllowUnauthenticatedIdentities: true,
        AllowClassicFlow: false,
      }),
    );
    expect(await failure(device().send(new GetOpenIdTokenCommand({ IdentityId })))).toEqual({
      code: "InvalidParameterException",
      message: "Basic (classic) flow is not enabled, please use enhanced flow.",
      status: 400,
    });
  });

  it("allows it when the pool was created without the field (AWS quirk)", async () => {
    await kit.identity.send(
      new UpdateIdentityPoolCommand({ IdentityPoolId: pool.poolId, IdentityPoolName: "test pool", AllowUnauthenticatedIdentities: true }),
    );
    const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
    expect((await device().send(new GetOpenIdTokenCommand({ IdentityId }))).Token).toBeTruthy();
  });

  it("refuses GetOpenIdToken on a pool with RoleMappings", async () => {
    const issuer = await startOidcIssuer();
    try {
      const { OpenIDConnectProviderArn } = await kit.iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ["web"] }));
      await kit.identity.send(
        new UpdateIdentityPoolCommand({
          IdentityPoolId: pool.poolId,
          IdentityPoolName: "test pool",
          AllowUnauthenticatedIdentities: true,
          AllowClassicFlow: true,
          OpenIdConnectProviderARNs: [OpenIDConnectProviderArn!],
        }),
      );
      await kit.identity.send(
        new SetIdentityPoolRolesCommand({
          IdentityPoolId: pool.poolId,
          Roles: { unauthenticated: pool.unauthRoleArn },
          RoleMappings: { [issuer.loginKey]: { Type: "Token", AmbiguousRoleResolution: "Deny" } },
        }),
      );
      const { IdentityId } = await device().send(new GetIdCommand({ IdentityPoolId: pool.poolId }));
      expect((await failure(device().send(new GetOpenIdTokenCommand({ IdentityId })))).message).toBe(
        "Basic (classic) flow is not supported with RoleMappings, please use enhanced flow.",
      );
    } finally {
      await issuer.stop();
    }
  });
});

describe("AssumeRoleWithWebIdentity with an OIDC issuer registered in IAM", () => {
  let issuer: TestIssuer;
  let roleArn: string;
  beforeEach(async () => {
    issuer = await startOidcIssuer();
    const { OpenIDConnectProviderArn } = await kit.iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer.url, ClientIDList: ["ci"] }));
    roleArn = await createRole(
      kit.iam,
      "Ci",
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: OpenIDConnectProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${issuer.loginKey}:sub`]: "repo:main" } },
          },
        ],
      }),
    );
  });
  afterEach(() => issuer.stop());

  it("trusts the issuer's token for the subject the trust policy names", async () => {
    const ok = await anonymousSts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: "ci", WebIdentityToken: await issuer.mint({ sub: "repo:main", aud: "ci" }) }),
    );
    expect(ok.SubjectFromWebIdentityToken).toBe("repo:main");
    expect(ok.Audience).toBe("ci");
    const other = await failure(
      anonymousSts.send(
        new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: "ci", WebIdentityToken: await issuer.mint({ sub: "repo:fork", aud: "ci" }) }),
      ),
    );
    expect(other.code).toBe("AccessDenied");
    const audience = await failure(
      anonymousSts.send(
        new AssumeRoleWithWebIdentityCommand({ RoleArn: roleArn, RoleSessionName: "ci", WebIdentityToken: await issuer.mint({ sub: "repo:main", aud: "x" }) }),
      ),
    );
    expect(audience).toEqual({ code: "InvalidIdentityToken", message: "Incorrect token audience", status: 400 });
  });

  it("refuses tokens from an issuer IAM does not know", async () => {
    const stranger = await startOidcIssuer();
    try {
      const error = await failure(
        anonymousSts.send(
          new AssumeRoleWithWebIdentityCommand({
            RoleArn: roleArn,
            RoleSessionName: "ci",
            WebIdentityToken: await stranger.mint({ sub: "repo:main", aud: "ci" }),
          }),
        ),
      );
      expect(error).toEqual({ code: "InvalidIdentityToken", message: `No OpenIDConnect provider found in your account for ${stranger.url}`, status: 400 });
    } finally {
      await stranger.stop();
    }
  });
});

describe("GetCallerIdentity and signatures", () => {
  it("answers for the root credential", async () => {
    expect(await kit.sts.send(new GetCallerIdentityCommand({}))).toMatchObject({
      UserId: "000000000000",
      Account: "000000000000",
      Arn: "arn:aws:iam::000000000000:root",
    });
  });

  it("refuses a wrong secret (SignatureDoesNotMatch), a garbled session token (InvalidClientTokenId) and expired credentials", async () => {
    expect((await failure(stsWith({ AccessKeyId: "test", SecretAccessKey: "wrong" }).send(new GetCallerIdentityCommand({})))).code).toBe(
      "SignatureDoesNotMatch",
    );

    const { Token } = await guestToken();
    const { Credentials } = await anonymousSts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: pool.unauthRoleArn, RoleSessionName: "sess", WebIdentityToken: Token }),
    );
    const garbled = await failure(
      stsWith({ ...Credentials!, SessionToken: `${Credentials!.SessionToken!.slice(0, -4)}AAAA` }).send(new GetCallerIdentityCommand({})),
    );
    expect(garbled).toEqual({ code: "InvalidClientTokenId", message: "The security token included in the request is invalid.", status: 403 });
    const wrongSecret = await failure(stsWith({ ...Credentials!, SecretAccessKey: "x".repeat(40) }).send(new GetCallerIdentityCommand({})));
    expect(wrongSecret.code).toBe("SignatureDoesNotMatch");

    await kit.emulator.control.setClock(3601);
    const expired = await failure(stsWith(Credentials!).send(new GetCallerIdentityCommand({})));
    expect(expired.code).toBe("ExpiredToken");
  });

  it("refuses an unsigned GetCallerIdentity with MissingAuthenticationToken in STS's namespace", async () => {
    const response = await fetch(kit.emulator.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    expect(response.status).toBe(403);
    const body = await response.text();
    expect(body).toContain("<Code>MissingAuthenticationToken</Code>");
    expect(body).toContain('xmlns="https://sts.amazonaws.com/doc/2011-06-15/"');
  });
});

it("rejects a token signed by someone else entirely", async () => {
  const other = await startOidcIssuer();
  try {
    // Looks like a Cognito token but is signed by a foreign key.
    const forged = await other.mint({
      iss: "https://cognito-identity.amazonaws.com",
      sub: `${REGION}:00000000-0000-0000-0000-000000000000`,
      aud: pool.poolId,
      amr: ["authenticated"],
    });
    expect(
      (await failure(anonymousSts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: pool.authRoleArn, RoleSessionName: "sess", WebIdentityToken: forged }))))
        .code,
    ).toBe("InvalidIdentityToken");
  } finally {
    await other.stop();
  }
});
