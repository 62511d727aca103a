import { errorTypeRegistries, GetId$, NotAuthorizedException } from "@aws-sdk/client-cognito-identity";
import { describe, expect, it } from "vitest";
import { createJsonRpcSend, serviceUrl } from "./json-rpc.js";

const DATE = "Wed, 01 Jan 2030 12:00:00 GMT";

function sender(answer: (request: Request) => Response | Promise<Response>) {
  const requests: Request[] = [];
  const dates: (string | undefined)[] = [];
  const send = createJsonRpcSend({
    url: "http://127.0.0.1:4566",
    serviceTarget: "AWSCognitoIdentityService",
    defaultNamespace: "com.amazonaws.cognitoidentity",
    errorTypeRegistries,
    fetch: async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      requests.push(request.clone());
      return answer(request);
    },
    observeServerDate: (date) => dates.push(date),
  });
  return { send, requests, dates };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/x-amz-json-1.1", date: DATE, ...headers } });

describe("createJsonRpcSend", () => {
  it("posts awsJson1_1 to the endpoint and reads the output", async () => {
    const { send, requests, dates } = sender(() => json(200, { IdentityId: "eu-west-1:1" }));
    const output = await send<{ IdentityId?: string }>(GetId$, { IdentityPoolId: "eu-west-1:pool" });
    expect(output.IdentityId).toBe("eu-west-1:1");
    const [request] = requests;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe("http://127.0.0.1:4566/");
    expect(request!.headers.get("x-amz-target")).toBe("AWSCognitoIdentityService.GetId");
    expect(request!.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(await request!.json()).toEqual({ IdentityPoolId: "eu-west-1:pool" });
    expect(dates).toEqual([DATE]);
  });

  it("throws modeled errors as the client package's classes, after showing their Date header", async () => {
    const { send, dates } = sender(() => json(400, { __type: "NotAuthorizedException", message: "Access to Identity 'x' is forbidden." }));
    const error = await send(GetId$, { IdentityPoolId: "eu-west-1:pool" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error).toMatchObject({
      name: "NotAuthorizedException",
      message: "Access to Identity 'x' is forbidden.",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
    expect(dates).toEqual([DATE]);
  });

  it("gives an unreadable answer its HTTP status, as the SDK client does", async () => {
    const { send, dates } = sender(() => new Response("<html>Bad Gateway</html>", { status: 502, headers: { date: DATE } }));
    const error = await send(GetId$, { IdentityPoolId: "eu-west-1:pool" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ $metadata: { httpStatusCode: 502 } });
    expect(dates).toEqual([DATE]);
  });

  it("passes a transport failure on without $metadata", async () => {
    const { send, dates } = sender(() => Promise.reject(new TypeError("Failed to fetch")));
    const error = await send(GetId$, { IdentityPoolId: "eu-west-1:pool" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).not.toHaveProperty("$metadata");
    expect(dates).toEqual([]);
  });
});

describe("serviceUrl", () => {
  it.each([
    ["eu-west-1", "https://cognito-identity.eu-west-1.amazonaws.com"],
    ["us-gov-west-1", "https://cognito-identity.us-gov-west-1.amazonaws.com"],
    ["cn-north-1", "https://cognito-identity.cn-north-1.amazonaws.com.cn"],
    ["us-iso-east-1", "https://cognito-identity.us-iso-east-1.c2s.ic.gov"],
    ["us-isob-east-1", "https://cognito-identity.us-isob-east-1.sc2s.sgov.gov"],
    ["eu-isoe-west-1", "https://cognito-identity.eu-isoe-west-1.cloud.adc-e.uk"],
    ["us-isof-south-1", "https://cognito-identity.us-isof-south-1.csp.hci.ic.gov"],
  ])("%s: what the generated client's endpoint rules resolve", async (region, url) => {
    expect(serviceUrl("cognito-identity", region)).toBe(url);
    // The same answer as the rules themselves.
    const { CognitoIdentityClient } = await import("@aws-sdk/client-cognito-identity");
    const client = new CognitoIdentityClient({ region });
    const resolved = await client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false });
    client.destroy();
    expect(`${resolved.url.protocol}//${resolved.url.host}`).toBe(url);
  });
});
