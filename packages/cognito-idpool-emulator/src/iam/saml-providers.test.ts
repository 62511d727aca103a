import {
  CreateSAMLProviderCommand,
  DeleteSAMLProviderCommand,
  GetSAMLProviderCommand,
  IAMClient,
  ListSAMLProvidersCommand,
  UpdateSAMLProviderCommand,
} from "@aws-sdk/client-iam";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { failure } from "../../test/identity-errors.js";
import { REGION, ROOT_CREDENTIALS, startTestEmulator, type TestEmulator } from "../testing/harness.js";

/** IAM SAML providers, registered from the metadata of the emulator's SAML IdP stand-ins. */
let emulator: TestEmulator;
let iam: IAMClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  iam = new IAMClient({ endpoint: emulator.url, region: REGION, credentials: ROOT_CREDENTIALS, maxAttempts: 1 });
});
afterAll(async () => {
  iam.destroy();
  await emulator.stop();
});
beforeEach(() => emulator.control.reset());

const ARN = "arn:aws:iam::000000000000:saml-provider/corp";
const certificateOf = (metadata: string) => /<ds:X509Certificate>([^<]+)</.exec(metadata)![1];

describe("SAML providers", () => {
  it("creates, reads, lists, updates and deletes a provider", async () => {
    const metadata = await emulator.control.samlMetadata("corp");
    expect(metadata).toContain('entityID="urn:cognito-idpool-emulator:saml:corp"');
    const created = await iam.send(new CreateSAMLProviderCommand({ Name: "corp", SAMLMetadataDocument: metadata, Tags: [{ Key: "team", Value: "id" }] }));
    expect(created.SAMLProviderArn).toBe(ARN);
    expect(created.Tags).toEqual([{ Key: "team", Value: "id" }]);

    const got = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: ARN }));
    expect(got.SAMLMetadataDocument).toBe(metadata);
    expect(got.CreateDate).toBeInstanceOf(Date);
    expect(got.Tags).toEqual([{ Key: "team", Value: "id" }]);
    expect((await iam.send(new ListSAMLProvidersCommand({}))).SAMLProviderList?.map((p) => p.Arn)).toEqual([ARN]);

    const rotated = await emulator.control.samlMetadata("corp-next");
    expect(certificateOf(rotated)).not.toBe(certificateOf(metadata));
    expect((await iam.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: ARN, SAMLMetadataDocument: rotated }))).SAMLProviderArn).toBe(ARN);
    expect((await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: ARN }))).SAMLMetadataDocument).toBe(rotated);
    expect(emulator.core.state.iam.samlProviders?.[ARN]?.EntityId).toBe("urn:cognito-idpool-emulator:saml:corp-next");

    await iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: ARN }));
    expect(await failure(iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: ARN })))).toEqual({
      code: "NoSuchEntity",
      message: `Manifest not found for arn ${ARN}`,
      status: 404,
    });
    expect((await iam.send(new ListSAMLProvidersCommand({}))).SAMLProviderList ?? []).toEqual([]);
    expect((await failure(iam.send(new DeleteSAMLProviderCommand({ SAMLProviderArn: ARN })))).code).toBe("NoSuchEntity");
  });

  it("refuses a second provider with the same name, ignoring case (EntityAlreadyExists, 409)", async () => {
    const metadata = await emulator.control.samlMetadata("corp");
    await iam.send(new CreateSAMLProviderCommand({ Name: "corp", SAMLMetadataDocument: metadata }));
    const error = await failure(iam.send(new CreateSAMLProviderCommand({ Name: "CORP", SAMLMetadataDocument: metadata })));
    expect(error).toMatchObject({ code: "EntityAlreadyExists", status: 409 });
  });

  it("refuses metadata that is not XML, names no entity or carries no usable signing certificate (InvalidInput)", async () => {
    const metadata = await emulator.control.samlMetadata("corp");
    const broken = [
      `<not xml ${"x".repeat(1000)}`,
      metadata.replace(/ entityID="[^"]+"/, ""),
      metadata.replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, `<!-- ${"no keys ".repeat(150)} -->`),
      metadata.replace(/<ds:X509Certificate>[^<]+</, `<ds:X509Certificate>${"A".repeat(800)}<`),
      metadata.replace('use="signing"', 'use="encryption"'),
    ];
    for (const [i, document] of broken.entries()) {
      expect(await failure(iam.send(new CreateSAMLProviderCommand({ Name: `bad${i}`, SAMLMetadataDocument: document })))).toEqual({
        code: "InvalidInput",
        message: "Could not parse metadata",
        status: 400,
      });
    }
    expect(emulator.core.state.iam.samlProviders).toEqual({});
    const short = await failure(iam.send(new CreateSAMLProviderCommand({ Name: "short", SAMLMetadataDocument: "<x/>" })));
    expect(short.code).toBe("ValidationError");
    expect(short.message).toContain("at 'sAMLMetadataDocument' failed to satisfy constraint: Member must have length greater than or equal to 1000");
  });

  it("validates the name against IAM's pattern", async () => {
    const metadata = await emulator.control.samlMetadata("corp");
    const error = await failure(iam.send(new CreateSAMLProviderCommand({ Name: "bad name", SAMLMetadataDocument: metadata })));
    expect(error.code).toBe("ValidationError");
    expect(error.message).toContain("Member must satisfy regular expression pattern: [\\w._-]+");
  });
});

describe("SAML in seeds", () => {
  it("creates providers from stand-ins, keeps a given key pair, and re-applies the same seed without error", async () => {
    await emulator.control.samlMetadata("original");
    const original = emulator.core.state.cognitoIdentity.samlIdps!["original"]!;
    const seed = {
      samlIdentityProviders: [{ name: "corp", entityId: "https://idp.example.com/corp", privateKey: original.privateKey, certificate: original.certificate }],
      samlProviders: [{ Name: "corp" }, { Name: "partner", standIn: "partner-idp" }],
    };
    await emulator.control.seed(seed);
    await emulator.control.seed(seed);
    const corp = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: ARN }));
    expect(corp.SAMLMetadataDocument).toContain('entityID="https://idp.example.com/corp"');
    expect(certificateOf(corp.SAMLMetadataDocument!)).toBe(original.certificate);
    const partner = await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: "arn:aws:iam::000000000000:saml-provider/partner" }));
    expect(partner.SAMLMetadataDocument).toBe(await emulator.control.samlMetadata("partner-idp"));
  });

  it("refuses a seeded certificate that is not the private key's", async () => {
    await emulator.control.samlMetadata("a");
    await emulator.control.samlMetadata("b");
    const { a, b } = emulator.core.state.cognitoIdentity.samlIdps!;
    const error = await emulator.control
      .seed({ samlIdentityProviders: [{ name: "c", privateKey: a!.privateKey, certificate: b!.certificate }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, type: "ValidationException" });
    expect((error as Error).message).toContain("the certificate is not the private key's");
  });
});
