import {
  CreateIdentityPoolCommand,
  DescribeIdentityCommand,
  DescribeIdentityPoolCommand,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  SetIdentityPoolRolesCommand,
} from "@aws-sdk/client-cognito-identity";
import { CreateSAMLProviderCommand, UpdateSAMLProviderCommand } from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { failure } from "../../test/identity-errors.js";
import {
  cognitoTrustPolicy,
  createRole,
  createTestPool,
  publicIdentityClient,
  startIdentityKit,
  type IdentityKit,
  type TestPool,
} from "../testing/identity-fixtures.js";
import { ControlApiError, type SamlResponseRequest } from "../testing/control.js";

/** Identity-pool logins with SAML responses of the emulator's SAML IdP stand-in, registered in IAM from its metadata. */
let kit: IdentityKit;
let pool: TestPool;
let providerArn: string;
let reader: string;
let writer: string;
const device = () => publicIdentityClient(kit.emulator.url);
const NOT_SUPPORTED = "Token is not from a supported provider of this identity pool.";

beforeAll(async () => {
  kit = await startIdentityKit();
});
afterAll(() => kit.stop());
beforeEach(async () => {
  await kit.emulator.control.reset();
  const metadata = await kit.emulator.control.samlMetadata("corp");
  providerArn = (await kit.iam.send(new CreateSAMLProviderCommand({ Name: "corp", SAMLMetadataDocument: metadata }))).SAMLProviderArn!;
  pool = await createTestPool(kit, { SamlProviderARNs: [providerArn] });
  reader = await createRole(kit.iam, "Reader", cognitoTrustPolicy(pool.poolId, "authenticated"));
  writer = await createRole(kit.iam, "Writer", cognitoTrustPolicy(pool.poolId, "authenticated"));
});

const respond = async (request: SamlResponseRequest) => (await kit.emulator.control.samlResponse("corp", request)).samlResponse;
const getId = (samlResponse: string, arn = providerArn) => device().send(new GetIdCommand({ IdentityPoolId: pool.poolId, Logins: { [arn]: samlResponse } }));
const issuedRole = (accessKeyId: string) => kit.emulator.core.state.credentials[accessKeyId]!.roleArn;

/** Signs in with a SAML response and returns the role of the credentials it got. */
async function signIn(samlResponse: string, CustomRoleArn?: string) {
  const { IdentityId } = await getId(samlResponse);
  const { Credentials } = await device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [providerArn]: samlResponse }, CustomRoleArn }));
  return { IdentityId: IdentityId!, roleArn: issuedRole(Credentials!.AccessKeyId!) };
}

/** Edits the XML inside a base64 SAML response. */
const edit = (samlResponse: string, change: (xml: string) => string) =>
  Buffer.from(change(Buffer.from(samlResponse, "base64").toString("utf8"))).toString("base64");

describe("SAML logins", () => {
  it("trades a signed response for credentials of the role the assertion names, keyed by the provider ARN", async () => {
    const { IdentityId, roleArn } = await signIn(await respond({ nameId: "alice", roles: [reader] }));
    expect(roleArn).toBe(reader);
    const described = await kit.identity.send(new DescribeIdentityCommand({ IdentityId }));
    expect(described.Logins).toEqual([providerArn]);
    const pools = await kit.identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: pool.poolId }));
    expect(pools.SamlProviderARNs).toEqual([providerArn]);
  });

  it("accepts a signature on the whole response as well as one on the assertion", async () => {
    const { roleArn } = await signIn(await respond({ nameId: "alice", roles: [writer], sign: "response" }));
    expect(roleArn).toBe(writer);
  });

  it("reads role pairs in either order and ignores pairs for other providers", async () => {
    const other = "arn:aws:iam::000000000000:saml-provider/other";
    const { roleArn } = await signIn(await respond({ nameId: "alice", roles: [`${providerArn},${writer}`, `${reader},${other}`] }));
    expect(roleArn).toBe(writer);
  });

  it("lets CustomRoleArn choose among several roles, and refuses no choice or a role the assertion does not offer", async () => {
    const samlResponse = await respond({ nameId: "alice", roles: [reader, writer] });
    expect((await signIn(samlResponse, writer)).roleArn).toBe(writer);
    expect((await signIn(samlResponse, reader)).roleArn).toBe(reader);
    const { IdentityId } = await getId(samlResponse);
    const ambiguous = await failure(device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [providerArn]: samlResponse } })));
    expect(ambiguous).toEqual({ code: "NotAuthorizedException", message: "The ambiguous role mapping rules denied this request.", status: 400 });
    const outside = await failure(
      device().send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [providerArn]: samlResponse }, CustomRoleArn: pool.authRoleArn })),
    );
    expect(outside.code).toBe("NotAuthorizedException");
  });

  it("lets a Rules role mapping keyed by the provider ARN match the assertion's attributes", async () => {
    await kit.identity.send(
      new SetIdentityPoolRolesCommand({
        IdentityPoolId: pool.poolId,
        Roles: { authenticated: pool.authRoleArn },
        RoleMappings: {
          [providerArn]: {
            Type: "Rules",
            AmbiguousRoleResolution: "AuthenticatedRole",
            RulesConfiguration: { Rules: [{ Claim: "department", MatchType: "Equals", Value: "eng", RoleARN: writer }] },
          },
        },
      }),
    );
    expect((await signIn(await respond({ nameId: "alice", roles: [reader], attributes: { department: "eng" } }))).roleArn).toBe(writer);
    expect((await signIn(await respond({ nameId: "bob", roles: [reader], attributes: { department: "sales" } }))).roleArn).toBe(pool.authRoleArn);
  });

  it("refuses the classic flow for SAML logins (enhanced flow only)", async () => {
    const samlResponse = await respond({ nameId: "alice", roles: [reader] });
    const { IdentityId } = await getId(samlResponse);
    const error = await failure(device().send(new GetOpenIdTokenCommand({ IdentityId, Logins: { [providerArn]: samlResponse } })));
    expect(error).toEqual({
      code: "InvalidParameterException",
      message: "Basic (classic) flow is not supported with SAML identity providers, please use enhanced flow.",
      status: 400,
    });
  });

  it("gets the same identity for the same NameID and another for another user", async () => {
    const first = await getId(await respond({ nameId: "alice", roles: [reader] }));
    const again = await getId(await respond({ nameId: "alice", roles: [writer] }));
    const bob = await getId(await respond({ nameId: "bob", roles: [reader] }));
    expect(again.IdentityId).toBe(first.IdentityId);
    expect(bob.IdentityId).not.toBe(first.IdentityId);
  });
});

describe("refused SAML responses", () => {
  const refusal = async (samlResponse: string, arn = providerArn) => {
    const before = JSON.stringify(kit.emulator.core.state.cognitoIdentity.identities);
    const error = await failure(getId(samlResponse, arn));
    expect(JSON.stringify(kit.emulator.core.state.cognitoIdentity.identities)).toBe(before);
    return error;
  };

  it("refuses an assertion changed after signing, on the assertion or on the response", async () => {
    for (const sign of ["assertion", "response"] as const) {
      const signed = await respond({ nameId: "alice", roles: [reader], sign });
      const tampered = edit(signed, (xml) => xml.replace(">alice<", ">mallory<"));
      expect(await refusal(tampered)).toEqual({ code: "NotAuthorizedException", message: "Invalid login token. Couldn't verify signed token.", status: 400 });
    }
  });

  it("refuses a response whose signature was removed, and one with a second, unsigned assertion", async () => {
    const signed = await respond({ nameId: "alice", roles: [reader] });
    const unsigned = edit(signed, (xml) => xml.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, ""));
    expect((await refusal(unsigned)).message).toBe("Invalid login token. Couldn't verify signed token.");
    const wrapped = edit(signed, (xml) => {
      const assertion = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(xml)![0].replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, "");
      return xml.replace("</samlp:Response>", `${assertion.replace(">alice<", ">mallory<")}</samlp:Response>`);
    });
    expect((await refusal(wrapped)).code).toBe("NotAuthorizedException");
  });

  it("refuses a response signed by another IdP", async () => {
    const rogue = await kit.emulator.control.samlResponse("rogue", { nameId: "alice", roles: [reader], providerArn });
    expect((await refusal(rogue.samlResponse)).message).toBe("Invalid login token. Couldn't verify signed token.");
  });

  it("refuses an assertion past its NotOnOrAfter or before its NotBefore on the emulator clock (five minutes' grace)", async () => {
    const samlResponse = await respond({ nameId: "alice", roles: [reader], expiresInSeconds: 60 });
    await kit.emulator.control.setClock(60 + 299);
    expect((await getId(samlResponse)).IdentityId).toBeTruthy();
    await kit.emulator.control.setClock(60 + 301);
    expect((await refusal(samlResponse)).message).toMatch(/^Invalid login token\. Token expired: \d+ >= \d+$/);
    const born = await respond({ nameId: "bob", roles: [reader], expiresInSeconds: -301 });
    expect((await refusal(born)).message).toMatch(/^Invalid login token\. Token expired/);
    // Issued a minute back (NotBefore): a clock more than five minutes behind that refuses it.
    await kit.emulator.control.setClock(0);
    const fresh = await respond({ nameId: "carol", roles: [reader] });
    await kit.emulator.control.setClock(-400);
    expect((await refusal(fresh)).message).toBe("Invalid login token. Token is not valid yet.");
  });

  it("refuses an assertion for another audience or another recipient", async () => {
    const audience = await respond({ nameId: "alice", roles: [reader], audience: "https://app.example.com" });
    expect(await refusal(audience)).toEqual({ code: "NotAuthorizedException", message: NOT_SUPPORTED, status: 400 });
    const recipient = await respond({ nameId: "alice", roles: [reader], recipient: "https://app.example.com/acs" });
    expect(await refusal(recipient)).toEqual({
      code: "NotAuthorizedException",
      message: "Invalid login token. The SAML response's Recipient is not https://signin.aws.amazon.com/saml.",
      status: 400,
    });
    const regional = await respond({ nameId: "alice", roles: [reader], recipient: "https://eu-west-1.signin.aws.amazon.com/saml" });
    expect((await getId(regional)).IdentityId).toBeTruthy();
  });

  it("refuses an assertion whose Issuer is not the entity of the provider's metadata", async () => {
    const metadata = await kit.emulator.control.samlMetadata("corp");
    const renamed = metadata.replace(/entityID="[^"]+"/, 'entityID="https://idp.example.com"');
    await kit.iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: providerArn, SAMLMetadataDocument: renamed }));
    expect((await refusal(await respond({ nameId: "alice", roles: [reader] }))).message).toBe("Invalid login token. Issuer doesn't match providerName");
  });

  it("refuses a provider ARN IAM does not know, and one the pool does not list", async () => {
    const samlResponse = await respond({ nameId: "alice", roles: [reader] });
    expect((await refusal(samlResponse, "arn:aws:iam::000000000000:saml-provider/nobody")).message).toBe(NOT_SUPPORTED);
    const otherMetadata = await kit.emulator.control.samlMetadata("partner");
    const partner = (await kit.iam.send(new CreateSAMLProviderCommand({ Name: "partner", SAMLMetadataDocument: otherMetadata }))).SAMLProviderArn!;
    const partnerResponse = (await kit.emulator.control.samlResponse("partner", { nameId: "alice" })).samlResponse;
    expect((await refusal(partnerResponse, partner)).message).toBe(NOT_SUPPORTED);
  });

  it("refuses a value that is not a base64 SAML response", async () => {
    expect((await refusal("not a saml response")).message).toBe("Invalid login token. Not a valid SAML response.");
    expect((await refusal(Buffer.from("<x/>").toString("base64"))).message).toBe("Invalid login token. Not a valid SAML response.");
  });

  it("has the stand-in's control route check its input", async () => {
    const bad = [
      kit.emulator.control.samlResponse("corp", { expiresInSeconds: 1.5 }),
      kit.emulator.control.samlResponse("corp", { roles: [""] }),
      kit.emulator.control.samlResponse("corp", { sign: "both" as never }),
      kit.emulator.control.samlResponse("bad name", {}),
    ];
    for (const call of bad) {
      const error = await call.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ControlApiError);
      expect(error).toMatchObject({ status: 400, type: "ValidationException" });
    }
  });

  it("refuses to create a pool naming a SAML provider IAM does not have", async () => {
    const error = await failure(
      kit.identity.send(
        new CreateIdentityPoolCommand({
          IdentityPoolName: "p",
          AllowUnauthenticatedIdentities: false,
          SamlProviderARNs: ["arn:aws:iam::000000000000:saml-provider/nobody"],
        }),
      ),
    );
    expect(error).toEqual({
      code: "InvalidParameterException",
      message: "Invalid SamlProviderARN: arn:aws:iam::000000000000:saml-provider/nobody does not exist.",
      status: 400,
    });
  });
});
