import { describe, expect, it } from "vitest";
import { createFakeEnv } from "../../test/fakes/fake-env.js";
import type { AuthOptions } from "../options.js";

const READER = "arn:aws:iam::123456789012:role/Reader";

/** The first credentials of `flow: "basic"` with `options`: the error they reject with, and how many requests went out. */
async function firstCredentials(options: Partial<AuthOptions> | Record<string, unknown>) {
  const env = createFakeEnv();
  const auth = env.auth({ flow: "basic", ...options } as Partial<AuthOptions>);
  const error = await auth.getCredentials().then(
    () => undefined,
    (e: unknown) => e as { code?: string; message?: string; retryable?: boolean },
  );
  auth.dispose();
  return { error, requests: env.cognito.requests.length };
}

describe("the basic flow's own options (checked by its module, at the first credentials)", () => {
  it.each([
    ["roles", {}],
    ["roles", { roles: { guest: READER } }],
    ["roles", { roles: { authenticated: "Reader" } }],
    ["roles", { roles: { authenticated: READER, admin: READER } }],
    ["sessionPolicy", { roles: { authenticated: READER }, sessionPolicy: "deny all" }],
    ["sessionPolicy", { roles: { authenticated: READER }, sessionPolicy: ["s3:GetObject"] }],
    ["sessionPolicy", { roles: { authenticated: READER }, sessionPolicy: { Statement: "x".repeat(2100) } }],
    ["durationSeconds", { roles: { authenticated: READER }, durationSeconds: 60 }],
    ["durationSeconds", { roles: { authenticated: READER }, durationSeconds: 3600.5 }],
    ["customRoleArn", { roles: { authenticated: READER }, customRoleArn: READER }],
  ])('a bad "%s" rejects invalid-options naming it, before any request', async (name, options) => {
    const { error, requests } = await firstCredentials(options);
    expect(error).toMatchObject({ code: "invalid-options", retryable: false });
    expect(error?.message).toMatch(new RegExp(`^Option "${name}" `));
    expect(requests).toBe(0);
  });

  it("a guest without roles.guest is refused before any request: the pool gives guests no role here", async () => {
    const { error, requests } = await firstCredentials({ roles: { authenticated: READER } });
    expect(error).toMatchObject({ code: "identity-pool-misconfigured" });
    expect(error?.message).toContain("roles.guest");
    // GetId for the guest's identity happens first; neither GetOpenIdToken nor STS is asked.
    expect(requests).toBe(1);
  });
});
