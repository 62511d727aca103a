import { randomUUID } from "node:crypto";
import { AwsError } from "../core/errors.js";
import type { XmlValue } from "../core/types.js";
import type { SeedContext } from "../service.js";
import { isoDate, QueryInput, type QueryParams } from "./params.js";
import { parseSamlMetadata } from "./saml-metadata.js";
import { samlProviderArn, samlProviders, type IamSamlProvider, type IamState, type IamTag } from "./state.js";

/** IAM's constraints on the members (service model). */
const NAME = { required: true, min: 1, max: 128, pattern: /^[\w._-]+$/, patternText: "[\\w._-]+" };
const METADATA = { min: 1000, max: 10_000_000 };
const ARN = { required: true, min: 20, max: 2048 };

/** IAM's answer for an ARN that names no SAML provider. */
const notFound = (arn: string) => new AwsError("NoSuchEntity", `Manifest not found for arn ${arn}`, 404);

function requireProvider(iam: IamState, arn: string): IamSamlProvider {
  const providers = samlProviders(iam);
  const provider = Object.hasOwn(providers, arn) ? providers[arn] : undefined;
  if (!provider) throw notFound(arn);
  return provider;
}

/** Registers a SAML IdP from its metadata; names are unique without regard to case, as IAM's are. */
export function createSamlProvider(iam: IamState, input: { Name: string; SAMLMetadataDocument: string; Tags?: IamTag[] }, now: number): IamSamlProvider {
  const providers = samlProviders(iam);
  const taken = Object.values(providers).find((p) => p.Name.toLowerCase() === input.Name.toLowerCase());
  if (taken) throw new AwsError("EntityAlreadyExists", `SAMLProvider with name ${input.Name} already exists.`, 409);
  const metadata = parseSamlMetadata(input.SAMLMetadataDocument);
  const provider: IamSamlProvider = {
    Arn: samlProviderArn(input.Name),
    Name: input.Name,
    SAMLProviderUUID: `p-${randomUUID()}`,
    SAMLMetadataDocument: input.SAMLMetadataDocument,
    EntityId: metadata.entityId,
    Certificates: metadata.certificates,
    CreateDate: now,
    ...(metadata.validUntil === undefined ? {} : { ValidUntil: metadata.validUntil }),
    ...(input.Tags ? { Tags: input.Tags } : {}),
  };
  providers[provider.Arn] = provider;
  return provider;
}

/** Replaces a provider's metadata (the IdP rotated its certificate, say); the ARN and tags stay. */
function updateMetadata(provider: IamSamlProvider, document: string): void {
  const metadata = parseSamlMetadata(document);
  provider.SAMLMetadataDocument = document;
  provider.EntityId = metadata.entityId;
  provider.Certificates = metadata.certificates;
  if (metadata.validUntil === undefined) delete provider.ValidUntil;
  else provider.ValidUntil = metadata.validUntil;
}

export const samlProviderOperations = {
  CreateSAMLProvider(params: QueryParams, iam: IamState, now: number): XmlValue {
    const q = new QueryInput(params);
    const Name = q.string("Name", NAME)!;
    const SAMLMetadataDocument = q.string("SAMLMetadataDocument", { ...METADATA, required: true })!;
    const Tags = q.tags();
    q.done();
    const provider = createSamlProvider(iam, { Name, SAMLMetadataDocument, ...(Tags ? { Tags } : {}) }, now);
    return { SAMLProviderArn: provider.Arn, Tags: tagsXml(provider.Tags) };
  },

  GetSAMLProvider(params: QueryParams, iam: IamState): XmlValue {
    const q = new QueryInput(params);
    const arn = q.string("SAMLProviderArn", ARN)!;
    q.done();
    const provider = requireProvider(iam, arn);
    return {
      SAMLProviderUUID: provider.SAMLProviderUUID,
      SAMLMetadataDocument: provider.SAMLMetadataDocument,
      CreateDate: isoDate(provider.CreateDate),
      ValidUntil: provider.ValidUntil === undefined ? undefined : isoDate(provider.ValidUntil),
      Tags: tagsXml(provider.Tags),
    };
  },

  ListSAMLProviders(_params: QueryParams, iam: IamState): XmlValue {
    return {
      SAMLProviderList: Object.values(samlProviders(iam)).map((p) => ({
        Arn: p.Arn,
        ValidUntil: p.ValidUntil === undefined ? undefined : isoDate(p.ValidUntil),
        CreateDate: isoDate(p.CreateDate),
      })),
    };
  },

  UpdateSAMLProvider(params: QueryParams, iam: IamState): XmlValue {
    const q = new QueryInput(params);
    const arn = q.string("SAMLProviderArn", ARN)!;
    const document = q.string("SAMLMetadataDocument", METADATA);
    q.done();
    const provider = requireProvider(iam, arn);
    if (document !== undefined) updateMetadata(provider, document);
    return { SAMLProviderArn: provider.Arn };
  },

  DeleteSAMLProvider(params: QueryParams, iam: IamState): XmlValue {
    const q = new QueryInput(params);
    const arn = q.string("SAMLProviderArn", ARN)!;
    q.done();
    requireProvider(iam, arn);
    delete samlProviders(iam)[arn];
    return {};
  },
};

/** A SAML provider in a seed file: its name and the IdP's metadata document. */
export interface SamlProviderSeed {
  Name: string;
  SAMLMetadataDocument: string;
}

/** Creates the seed's SAML providers; one that exists already (a restart with `--data`) gets the seed's metadata. */
export function seedSamlProviders(seeds: SamlProviderSeed[], ctx: SeedContext): string[] {
  const iam = ctx.state.iam;
  const arns: string[] = [];
  for (const seed of seeds) {
    const params: Record<string, string> = { Name: String(seed.Name), SAMLMetadataDocument: String(seed.SAMLMetadataDocument) };
    const existing = samlProviders(iam)[samlProviderArn(params["Name"]!)];
    if (existing) {
      updateMetadata(existing, params["SAMLMetadataDocument"]!);
      arns.push(existing.Arn);
      continue;
    }
    arns.push(String((samlProviderOperations.CreateSAMLProvider(params, iam, ctx.clock.now()) as { SAMLProviderArn: string }).SAMLProviderArn));
  }
  return arns;
}

function tagsXml(tags: IamTag[] | undefined): XmlValue {
  return tags?.map((t) => ({ Key: t.Key, Value: t.Value }));
}
