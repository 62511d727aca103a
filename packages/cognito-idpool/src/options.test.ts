import { describe, expect, it } from "vitest";
import { createFakeEnv } from "../test/fakes/fake-env.js";
import { createAuth } from "./auth.js";
import { isCognitoIdpoolError } from "./errors.js";
import { resolveOptions, type AuthOptions } from "./options.js";

const POOL = "eu-west-1:00000000-0000-4000-8000-000000000000";

function thrown(options: unknown): Error {
  try {
    createAuth(options as AuthOptions).dispose();
  } catch (error) {
    return error as Error;
  }
  throw new Error("createAuth accepted the options");
}

describe("option validation", () => {
  it.each([
    ["identityPoolId", { identityPoolId: undefined }],
    ["identityPoolId", { identityPoolId: "eu-west-1" }],
    ["identityPoolId", { identityPoolId: "eu-west-1:NOT-HEX" }],
    ["identityPoolId", { identityPoolId: `eu-west-1:${"0".repeat(60)}` }],
    ["region", { region: "Ireland" }],
    ["allowGuests", { allowGuests: "yes" }],
    ["endpoint", { endpoint: "localhost:4566" }],
    ["endpoint", { endpoint: "ftp://127.0.0.1" }],
    ["endpoint", { endpoint: "http://cognito.example.com" }],
    ["storage", { storage: "localStorage" }],
    ["storage", { storage: { get() {} } }],
    ["refreshMarginSeconds", { refreshMarginSeconds: -1 }],
    ["refreshMarginSeconds", { refreshMarginSeconds: Number.NaN }],
    ["refreshMarginSeconds", { refreshMarginSeconds: "300" }],
    ["customRoleArn", { customRoleArn: "MyRole" }],
    ["userPool", { userPool: "eu-west-1_AbC" }],
    ["userPool.userPoolId", { userPool: { userPoolId: "eu-west-1:abc", clientId: "abc" } }],
    ["userPool.clientId", { userPool: { userPoolId: "eu-west-1_AbC", clientId: "" } }],
    ["userPool.endpoint", { userPool: { userPoolId: "eu-west-1_AbC", clientId: "abc", endpoint: "nope" } }],
    ["userPool.clientID", { userPool: { userPoolId: "eu-west-1_AbC", clientID: "abc" } }],
    ["userPool.oauth", { userPool: { userPoolId: "eu-west-1_AbC", clientId: "abc", oauth: "myapp.auth.eu-west-1.amazoncognito.com" } }],
    [
      "userPool.oauth.domain",
      { userPool: { userPoolId: "eu-west-1_AbC", clientId: "abc", oauth: { domain: "myapp", redirectUri: "https://app.example.com/" } } },
    ],
    [
      "userPool.oauth.domain",
      { userPool: { userPoolId: "eu-west-1_AbC", clientId: "abc", oauth: { domain: "http://login.example.com", redirectUri: "https://app.example.com/" } } },
    ],
    ["userPool.oauth.redirectUri", { userPool: { userPoolId: "eu-west-1_AbC", clientId: "abc", oauth: { domain: "login.example.com" } } }],
    [
      "userPool.oauth.redirectUri",
      { userPool: { userPoolId: "eu-west-1_AbC", clientId: "abc", oauth: { domain: "login.example.com", redirectUri: "http://app.example.com/" } } },
    ],
    [
      "userPool.oauth.logoutUri",
      {
        userPool: {
          userPoolId: "eu-west-1_AbC",
          clientId: "abc",
          oauth: { domain: "login.example.com", redirectUri: "https://app.example.com/", logoutUri: "/" },
        },
      },
    ],
    [
      "userPool.oauth.scopes",
      {
        userPool: {
          userPoolId: "eu-west-1_AbC",
          clientId: "abc",
          oauth: { domain: "login.example.com", redirectUri: "https://app.example.com/", scopes: "openid email" },
        },
      },
    ],
    [
      "userPool.oauth.redirectURI",
      { userPool: { userPoolId: "eu-west-1_AbC", clientId: "abc", oauth: { domain: "login.example.com", redirectURI: "https://app.example.com/" } } },
    ],
    ["flow", { flow: "classic" }],
    // The basic flow's own options, given with the enhanced flow (the basic flow's module checks their values).
    ["roles", { roles: { authenticated: "arn:aws:iam::123456789012:role/Reader" } }],
    ["sessionPolicy", { flow: "enhanced", sessionPolicy: {} }],
    ["durationSeconds", { durationSeconds: 3600 }],
    ["clock", { clock: Date }],
    ["timers", { timers: {} }],
    ["lock", { lock: {} }],
    ["fetch", { fetch: "fetch" }],
    ["logger", { logger: console.log }],
    ["random", { random: 0.5 }],
    ["random", { random: () => undefined }],
    ["clock", { clock: { now: () => Number.NaN } }],
  ])("rejects a bad %s, naming it, before any request", (name, bad) => {
    const env = createFakeEnv();
    const error = thrown({ identityPoolId: POOL, fetch: env.cognito.fetch, ...bad });
    expect(isCognitoIdpoolError(error, "invalid-options")).toBe(true);
    expect(error.message).toContain(`"${name}"`);
    expect(env.cognito.requests).toHaveLength(0);
  });

  it("takes http: endpoints only to this machine, since tokens and passwords would travel in clear", () => {
    const userPool = { userPoolId: "eu-west-1_AbC", clientId: "abc" };
    for (const endpoint of ["http://127.0.0.1:4566", "http://127.3.2.1", "http://localhost:4566/", "http://[::1]:4566", "https://cognito.example.com"]) {
      expect(resolveOptions({ identityPoolId: POOL, endpoint }).endpoint, endpoint).toBe(endpoint.replace(/\/$/, ""));
      expect(resolveOptions({ identityPoolId: POOL, userPool: { ...userPool, endpoint } }).userPool?.endpoint, endpoint).toBe(endpoint.replace(/\/$/, ""));
    }
    for (const endpoint of [
      "http://cognito.example.com",
      "http://10.0.0.5:4566",
      "http://192.168.1.2",
      "http://[::2]",
      "http://localhost.example.com",
      "http://128.0.0.1",
    ]) {
      for (const [name, options] of [
        ["endpoint", { identityPoolId: POOL, endpoint }],
        ["userPool.endpoint", { identityPoolId: POOL, userPool: { ...userPool, endpoint } }],
      ] as const) {
        let error: unknown;
        try {
          resolveOptions(options);
        } catch (e) {
          error = e;
        }
        expect(isCognitoIdpoolError(error, "invalid-options"), endpoint).toBe(true);
        expect((error as Error).message).toContain(`"${name}"`);
        expect((error as Error).message).toMatch(/travel in clear/);
      }
    }
  });

  it("calls random() and clock.now() once to check what they return", () => {
    const check = (options: Partial<AuthOptions>) => {
      try {
        resolveOptions({ identityPoolId: POOL, ...options });
        return "accepted";
      } catch (error) {
        return isCognitoIdpoolError(error, "invalid-options") ? (error as Error).message : error;
      }
    };
    for (const random of [() => undefined, () => 1, () => -0.1, () => Number.NaN, () => "0.5", () => ({}) as number]) {
      expect(check({ random: random as () => number })).toMatch(/Option "random" must be a function returning a number in \[0, 1\)/);
    }
    expect(
      check({
        random: () => {
          throw new Error("no entropy");
        },
      }),
    ).toMatch(/"random"/);
    for (const now of [() => Number.NaN, () => Number.POSITIVE_INFINITY, () => "now", () => undefined]) {
      expect(check({ clock: { now: now as () => number } })).toMatch(/Option "clock" must be an object whose now\(\) returns a finite number/);
    }
    let calls = 0;
    expect(check({ random: () => (calls++, 0), clock: { now: () => 1_700_000_000_000 } })).toBe("accepted");
    expect(calls).toBe(1);
  });

  it("names unknown options (typos)", () => {
    expect(thrown({ identityPoolID: POOL }).message).toMatch(/Unknown option "identityPoolID"/);
  });

  it("recognises a user pool id given as identityPoolId", () => {
    expect(thrown({ identityPoolId: "eu-west-1_AbCdEf123" }).message).toMatch(/That is a user pool id/);
  });

  it("rejects a missing options object", () => {
    expect(isCognitoIdpoolError(thrown(undefined), "invalid-options")).toBe(true);
  });

  it("takes the region from the pool id's prefix unless `region` is given", async () => {
    for (const [options, host] of [
      [{}, "cognito-identity.eu-west-1.amazonaws.com"],
      [{ region: "eu-central-1" }, "cognito-identity.eu-central-1.amazonaws.com"],
      [{ endpoint: "http://127.0.0.1:4566/" }, "127.0.0.1:4566"],
    ] as const) {
      const env = createFakeEnv();
      const hosts: string[] = [];
      const auth = env.auth({
        ...options,
        fetch: (input, init) => {
          hosts.push(new URL(input instanceof Request ? input.url : String(input)).host);
          return env.cognito.fetch(input, init);
        },
      });
      await auth.getCredentials();
      expect(hosts).toEqual([host, host]);
      auth.dispose();
    }
  });

  it("sends customRoleArn as CustomRoleArn", async () => {
    const env = createFakeEnv();
    const auth = env.auth({ customRoleArn: "arn:aws:iam::000000000000:role/Reader" });
    await auth.getCredentials();
    expect(JSON.parse(env.cognito.bodies.at(-1)!)).toMatchObject({ CustomRoleArn: "arn:aws:iam::000000000000:role/Reader" });
    auth.dispose();
  });
});
