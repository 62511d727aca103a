import { AwsError } from "../core/errors.js";
import type { XmlValue } from "../core/types.js";
import { isoDate, QueryInput, type QueryParams } from "./params.js";
import { issuerWithoutScheme, oidcProviderArn, type IamOidcProvider, type IamState, type IamTag } from "./state.js";
import { own } from "../core/records.js";

const CLIENT_ID = { min: 1, max: 255 };
const THUMBPRINT = { min: 40, max: 40 };

interface CreateOidcProviderInput {
  Url: string;
  ClientIDList: string[];
  ThumbprintList?: string[];
  Tags?: IamTag[];
}

/**
 * Registers an OpenID Connect issuer. AWS only takes https issuers; the emulator also takes http on
 * loopback so a test or demo IdP can run without TLS. Thumbprints are stored but never compared:
 * the emulator cannot see the certificate of an http issuer, and AWS itself stopped relying on them
 * for well-known IdPs.
 */
function createOidcProvider(iam: IamState, input: CreateOidcProviderInput, now: number): IamOidcProvider {
  checkIssuerUrl(input.Url);
  const arn = oidcProviderArn(input.Url);
  if (iam.oidcProviders[arn]) throw new AwsError("EntityAlreadyExists", `Provider with url ${input.Url} already exists.`, 409);
  const provider: IamOidcProvider = {
    Arn: arn,
    Url: input.Url.replace(/\/+$/, ""),
    ClientIDList: [...new Set(input.ClientIDList)],
    ThumbprintList: input.ThumbprintList ?? [],
    CreateDate: now,
  };
  if (input.Tags) provider.Tags = input.Tags;
  iam.oidcProviders[arn] = provider;
  return provider;
}

function checkIssuerUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AwsError("InvalidInput", `Invalid URL: ${url}`, 400);
  }
  const loopback = parsed.hostname === "127.0.0.1" || parsed.hostname === "localhost" || parsed.hostname === "[::1]";
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) {
    throw new AwsError("InvalidInput", "The URL must begin with https:// (the emulator also accepts http:// on 127.0.0.1 and localhost).", 400);
  }
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new AwsError("InvalidInput", "The URL must not contain a query, fragment or user information.", 400);
  }
}

export const oidcProviderOperations = {
  CreateOpenIDConnectProvider(params: QueryParams, iam: IamState, now: number): XmlValue {
    const q = new QueryInput(params);
    const Url = q.string("Url", { required: true, min: 1, max: 255 })!;
    const ClientIDList = q.list("ClientIDList", CLIENT_ID, { max: 100 }) ?? [];
    const ThumbprintList = q.list("ThumbprintList", THUMBPRINT, { max: 5 });
    const Tags = q.tags();
    q.done();
    const provider = createOidcProvider(iam, { Url, ClientIDList, ThumbprintList, Tags }, now);
    return { OpenIDConnectProviderArn: provider.Arn, Tags: tagsXml(provider.Tags) };
  },

  GetOpenIDConnectProvider(params: QueryParams, iam: IamState): XmlValue {
    const q = new QueryInput(params);
    const arn = q.string("OpenIDConnectProviderArn", { required: true, min: 20, max: 2048 })!;
    q.done();
    const provider = own(iam.oidcProviders, arn);
    if (!provider) throw new AwsError("NoSuchEntity", `OpenIDConnect Provider not found for arn ${arn}`, 404);
    // IAM shows the URL without its scheme here.
    return {
      Url: issuerWithoutScheme(provider.Url),
      ClientIDList: provider.ClientIDList,
      ThumbprintList: provider.ThumbprintList,
      CreateDate: isoDate(provider.CreateDate),
      Tags: tagsXml(provider.Tags),
    };
  },

  ListOpenIDConnectProviders(_params: QueryParams, iam: IamState): XmlValue {
    return { OpenIDConnectProviderList: Object.values(iam.oidcProviders).map((p) => ({ Arn: p.Arn })) };
  },
};

function tagsXml(tags: IamTag[] | undefined): XmlValue {
  return tags?.map((t) => ({ Key: t.Key, Value: t.Value }));
}
