// Helpers shared by the end-to-end tests: the emulator's control API, AWS SDK admin calls against
// the emulator, and the React example's page, driven through its visible controls.
import {
  CognitoIdentityClient,
  DescribeIdentityPoolCommand,
  UpdateIdentityPoolCommand,
  type UpdateIdentityPoolCommandInput,
} from "@aws-sdk/client-cognito-identity";
import { AdminCreateUserCommand, AdminSetUserPasswordCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { expect, type BrowserContext, type Page, type Request } from "@playwright/test";
import { createControlClient, type ControlClient } from "cognito-idpool-emulator/testing/control";
import { readFileSync } from "node:fs";
import { SEED_PATH } from "./servers.js";

interface DemoSeed {
  userPools: { Id: string; Clients: { ClientId: string }[]; Users: { Username: string; Password: string }[] }[];
  identityPools: { IdentityPoolId: string }[];
  buckets: { Name: string }[];
}
export const seed = JSON.parse(readFileSync(SEED_PATH, "utf8")) as DemoSeed;
export const USER_POOL_ID = seed.userPools[0]!.Id;
export const DEMO_USER = seed.userPools[0]!.Users[0]!;
/** The seed's identity pool, which the demo and every test page use (test files extend it for their length). */
export const IDENTITY_POOL_ID = seed.identityPools[0]!.IdentityPoolId;
/** The seed's bucket, the demo's. */
export const DEMO_BUCKET = seed.buckets[0]!.Name;

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through e2e/playwright.config.ts (its global setup starts the servers)`);
  return value;
}
export const emulatorUrl = () => env("E2E_EMULATOR_URL");
export const appUrl = () => env("E2E_APP_URL");
export const scriptTagUrl = () => env("E2E_SCRIPT_TAG_URL");
/** Configuration of the AWS SDK clients that set tests up: the emulator, signed with its root key. */
export const adminConfig = () => ({ region: "eu-west-1", endpoint: emulatorUrl(), credentials: { accessKeyId: "test", secretAccessKey: "test" } });

let client: ControlClient | undefined;
/** The emulator's control API (its URL is known once the global set-up ran). */
const control = () => (client ??= createControlClient(emulatorUrl()));

export const emulator = {
  requests: () => control().requests(),
  clearRequests: () => control().clearRequests(),
  /** Enhanced-flow credential lifetime in seconds; null restores AWS's hour. */
  credentialLifetime: (lifetimeSeconds: number | null) => control().setCredentialLifetime(lifetimeSeconds),
  /** The last code the user pool "sent" to this user (sign-up confirmation, reset, MFA). */
  lastCode: async (username: string) => (await control().lastCode(USER_POOL_ID, username)).code,
};

/** A unique name per test run, so tests sharing one emulator never collide. */
export function unique(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export const PASSWORD = "E2e-password-1234";

/** Creates a confirmed user with the AWS SDK's admin calls (signed with the emulator's root key). */
export async function createUser(username: string, password = PASSWORD): Promise<void> {
  const idp = new CognitoIdentityProviderClient(adminConfig());
  await idp.send(
    new AdminCreateUserCommand({
      UserPoolId: USER_POOL_ID,
      Username: username,
      MessageAction: "SUPPRESS",
      UserAttributes: [
        { Name: "email", Value: `${username}@example.com` },
        { Name: "email_verified", Value: "true" },
      ],
    }),
  );
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: USER_POOL_ID, Username: username, Password: password, Permanent: true }));
  idp.destroy();
}

/** The React example, through what a user sees and clicks. */
export class DemoPage {
  constructor(readonly page: Page) {}

  async open(): Promise<this> {
    await this.page.goto(appUrl());
    return this;
  }

  /** The identity id shown once credentials are in. */
  async identityId(): Promise<string> {
    const id = this.page.getByTestId("identity-id");
    await expect(id).toHaveText(/^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]+$/);
    return (await id.textContent())!;
  }

  async status(): Promise<string | null> {
    return this.page.getByTestId("status").getAttribute("data-status");
  }

  async expectStatus(status: "guest" | "authenticated"): Promise<void> {
    await expect(this.page.getByTestId("status")).toHaveAttribute("data-status", status);
  }

  /** Saves a text file under private/<identity id>/ and waits for it in the list. */
  async saveNote(name: string, text: string): Promise<void> {
    const form = this.page.getByTestId("note-form");
    await form.getByLabel("File name").fill(name);
    await form.getByLabel("Text").fill(text);
    await form.getByRole("button", { name: "Save note" }).click();
    await expect(this.myFile(name)).toBeVisible();
  }

  myFile(name: string) {
    return this.page.locator(`[data-testid="my-file"][data-name="${name}"]`);
  }

  async myFileNames(): Promise<string[]> {
    return this.page.getByTestId("my-file").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-name") ?? ""));
  }

  async signIn(username: string, password: string): Promise<void> {
    const form = this.page.getByTestId("sign-in-form");
    await form.getByLabel("Username").fill(username);
    await form.getByLabel("Password").fill(password);
    await form.getByRole("button", { name: "Sign in" }).click();
    await this.expectStatus("authenticated");
  }

  async signOut(): Promise<void> {
    await this.page.getByTestId("sign-out").click();
    await this.expectStatus("guest");
  }

  notices() {
    return this.page.getByTestId("notices");
  }

  /** Opens any key with the page's credentials; resolves to the text shown and whether it was the file. */
  async openKey(key: string): Promise<{ ok: boolean; text: string }> {
    const form = this.page.getByTestId("open-key-form");
    await form.getByLabel("Object key").fill(key);
    await form.getByRole("button", { name: "Open" }).click();
    const result = this.page.getByTestId("open-key-result");
    await expect(result).toBeVisible();
    return { ok: (await result.getAttribute("data-ok")) === "true", text: (await result.textContent()) ?? "" };
  }

  errors() {
    return this.page.locator('[role="alert"]');
  }
}

/** Faults for the next matching AWS requests (`POST /_emulator/faults`): errors, dropped connections or latency. */
export const faults = {
  add: (fault: Parameters<ControlClient["addFault"]>[0]) => control().addFault(fault),
  clear: () => control().clearFaults(),
};

/** The emulator clock (`POST /_emulator/clock`): shifts token times, credential expiry and every answer's `Date` header. */
export const emulatorClock = {
  set: (offsetSeconds: number) => control().setClock(offsetSeconds),
};

/**
 * A clock that runs ahead of real time, for soaks: the emulator clock and the fake clocks of the
 * given browser contexts (Playwright's `clock`, installed before their pages load) jump forward
 * together, a second at a time, on top of real time. Tokens and credentials age, the pages' timers
 * fire and the emulator refuses expired credentials as in a long run, in a fraction of its time.
 * It only jumps while none of the contexts' requests is on the wire, so a slow answer takes as long
 * on this clock as in real time, never a jump longer. Each jump moves the emulator first, then the
 * pages, and stays within the SDK's clock noise (2 s): a page never takes the emulator's `Date` for
 * a clock that is off.
 */
export class FastClock {
  private offsetMs = 0;
  private readonly onTheWire = new Set<Request>();

  private constructor(private readonly contexts: BrowserContext[]) {
    for (const context of contexts) {
      context.on("request", (request) => this.onTheWire.add(request));
      context.on("requestfinished", (request) => this.onTheWire.delete(request));
      context.on("requestfailed", (request) => this.onTheWire.delete(request));
    }
  }

  /** Installs the fake clock in each context; call it before their pages load anything. */
  static async install(...contexts: BrowserContext[]): Promise<FastClock> {
    for (const context of contexts) await context.clock.install();
    return FastClock.of(contexts);
  }

  /** For contexts whose fake clock is installed already. */
  static of(contexts: BrowserContext[]): FastClock {
    return new FastClock(contexts);
  }

  /** The shared time (epoch ms): the pages' `Date.now()` and the emulator's clock. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /**
   * Lets `ms` pass on the shared clock in jumps of at most a second. Before each: `pauseMs` of real
   * time (for what the last jump set off to get going), then until nothing is on the wire (at most 5 s).
   */
  async pass(ms: number, { pauseMs = 25 } = {}): Promise<void> {
    const until = this.now() + ms;
    while (this.now() < until) {
      await sleep(pauseMs);
      for (const deadline = Date.now() + 5_000; this.onTheWire.size > 0 && Date.now() < deadline;) await sleep(10);
      const step = Math.min(1_000, until - this.now());
      if (step <= 0) break;
      this.offsetMs += step;
      await emulatorClock.set(this.offsetMs / 1000);
      await Promise.all(
        this.contexts.map(async (context) => {
          await context.clock.fastForward(step);
          // Playwright's clock loses the real time that passes while it jumps (tens of milliseconds a
          // jump, more in a busy tab; seconds over a run): each page's Date is set right again. Its
          // timers keep the lag, so they fire a little late (20-second tokens were still renewed
          // 14–15 s apart, as in real time).
          await context.clock.setSystemTime(this.now());
        }),
      );
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The demo app client (the one every page of the tests signs in with). */
export const DEMO_CLIENT_ID = seed.userPools[0]!.Clients[0]!.ClientId;

/** An ID token for `username`, from the user pool directly (USER_PASSWORD_AUTH), for tests that hand it to `setLogins`. */
export async function idTokenFor(username: string, password: string): Promise<string> {
  const response = await fetch(emulatorUrl(), {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.InitiateAuth" },
    body: JSON.stringify({ AuthFlow: "USER_PASSWORD_AUTH", ClientId: DEMO_CLIENT_ID, AuthParameters: { USERNAME: username, PASSWORD: password } }),
  });
  const body = (await response.json()) as { AuthenticationResult?: { IdToken?: string }; message?: string };
  if (!body.AuthenticationResult?.IdToken) throw new Error(`InitiateAuth for ${username} failed: ${body.message ?? response.status}`);
  return body.AuthenticationResult.IdToken;
}

/** The identity id the demo identity pool gives these logins (GetId is idempotent per login). */
export async function identityIdFor(logins: Record<string, string>): Promise<string> {
  const response = await fetch(emulatorUrl(), {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityService.GetId" },
    body: JSON.stringify({ IdentityPoolId: IDENTITY_POOL_ID, Logins: logins }),
  });
  const body = (await response.json()) as { IdentityId?: string; message?: string };
  if (!body.IdentityId) throw new Error(`GetId failed: ${body.message ?? response.status}`);
  return body.IdentityId;
}

/**
 * Adds to the demo identity pool what a test file needs (its user pools' app clients, social app
 * ids, SAML providers), computed from the pool as it is; resolves to what restores it afterwards.
 */
export async function extendDemoIdentityPool(
  identity: CognitoIdentityClient,
  extend: (pool: UpdateIdentityPoolCommandInput) => Partial<UpdateIdentityPoolCommandInput>,
): Promise<() => Promise<void>> {
  const { $metadata: _, ...described } = await identity.send(new DescribeIdentityPoolCommand({ IdentityPoolId: IDENTITY_POOL_ID }));
  const original = described as UpdateIdentityPoolCommandInput;
  await identity.send(new UpdateIdentityPoolCommand({ ...original, ...extend(original) }));
  return async () => void (await identity.send(new UpdateIdentityPoolCommand(original)));
}

/** The identity pool's provider entry for a user-pool app client. */
export const userPoolProvider = (userPoolId: string, clientId: string) => ({
  ProviderName: `cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`,
  ClientId: clientId,
});
