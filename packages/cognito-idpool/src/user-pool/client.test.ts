import { describe, expect, it } from "vitest";
import { createLiveHost } from "../../test/fakes/userpool-host.js";
import { call, createUserPoolApi } from "./client.js";

describe("user-pool client", () => {
  it("gives up on an unanswered call after the host's request timeout, three attempts, as a retryable network error", async () => {
    const host = createLiveHost({ userPoolId: "eu-west-1_TestPool1", clientId: "client1", endpoint: "http://127.0.0.1:9" });
    let attempts = 0;
    // A server that accepts the request and never answers.
    host.fetch = (_input, init) => {
      attempts += 1;
      return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    };
    host.requestTimeoutMs = 30;
    const api = createUserPoolApi(host);
    const error = await call(() => api.send("RevokeToken", { Token: "t", ClientId: "client1" })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "CognitoIdpoolError", code: "network-error", retryable: true });
    expect(attempts).toBe(3);
  });
});
