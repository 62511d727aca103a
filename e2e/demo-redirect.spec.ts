// The React example's sign-in through the user pool's login pages, by redirect, against the demo
// seed's domain and Google stand-in: linked and merged guests (files copied as for a password
// sign-in), the login page with the demo user and sign-out through its /logout, and a cancelled
// Google sign-in. The page is opened at http://localhost:<port>/, since Cognito takes plain-http
// callback URLs only on localhost; the seed's app client lists the address of `npm start`, so this
// file adds the test server's for its length.
import {
  CognitoIdentityProviderClient,
  DescribeUserPoolClientCommand,
  UpdateUserPoolClientCommand,
  type UpdateUserPoolClientCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { appUrl, DEMO_CLIENT_ID, DEMO_USER, DemoPage, emulatorUrl, unique, USER_POOL_ID } from "./support.js";

/** The example's address on localhost, with the trailing slash the app client lists. */
const localApp = () => new URL(appUrl().replace("127.0.0.1", "localhost")).href;
let idp: CognitoIdentityProviderClient;
let originalClient: UpdateUserPoolClientCommandInput | undefined;

test.beforeAll(async () => {
  idp = new CognitoIdentityProviderClient({ region: "eu-west-1", endpoint: emulatorUrl(), credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  const { UserPoolClient: client } = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: USER_POOL_ID, ClientId: DEMO_CLIENT_ID }));
  // UpdateUserPoolClient resets what it is not given, so every setting is passed back; these three are not settings.
  const { ClientSecret: _secret, CreationDate: _created, LastModifiedDate: _modified, ...settings } = client!;
  originalClient = settings as UpdateUserPoolClientCommandInput;
  await idp.send(
    new UpdateUserPoolClientCommand({
      ...originalClient,
      CallbackURLs: [...(originalClient.CallbackURLs ?? []), localApp()],
      LogoutURLs: [...(originalClient.LogoutURLs ?? []), localApp()],
    }),
  );
});

test.afterAll(async () => {
  if (originalClient) await idp.send(new UpdateUserPoolClientCommand(originalClient));
  idp?.destroy();
});

async function openDemo(page: Page): Promise<DemoPage> {
  const demo = new DemoPage(page);
  await page.goto(localApp());
  await demo.expectStatus("guest");
  return demo;
}

/** Clicks one of the page's redirect sign-in buttons; resolves once the browser is on the login pages. */
async function leaveFor(demo: DemoPage, button: "Continue with Google (emulated)" | "Sign in with the login page"): Promise<void> {
  await Promise.all([
    demo.page.waitForURL((url) => !url.href.startsWith(localApp())),
    demo.page.getByTestId("login-pages").getByRole("button", { name: button }).click(),
  ]);
}

/** On the emulator's Google stand-in: signs in as `email`; resolves once the app has the user. */
async function continueAsGoogleUser(demo: DemoPage, email: string): Promise<void> {
  await demo.page.fill("#email", email);
  await demo.page.click("button[value=continue]");
  await demo.page.waitForURL((url) => url.href.startsWith(localApp()));
  await demo.expectStatus("authenticated");
}

/** A guest in a browser of its own that saves a note; resolves with its page and guest identity. */
async function guestWithNote(browser: Browser, name: string): Promise<{ demo: DemoPage; guestId: string; close(): Promise<void> }> {
  const context = await browser.newContext();
  const demo = await openDemo(await context.newPage());
  const guestId = await demo.identityId();
  await demo.saveNote(name, `written by ${guestId}`);
  return { demo, guestId, close: () => context.close() };
}

test("Continue with Google in two browsers: the first guest is linked and keeps its file, the second is merged and its file is copied to the user", async ({
  browser,
}) => {
  const email = `${unique("google")}@example.com`;

  const first = await guestWithNote(browser, "first-guest.txt");
  try {
    await leaveFor(first.demo, "Continue with Google (emulated)");
    await continueAsGoogleUser(first.demo, email);
    await expect(first.demo.notices()).toContainText("Linked");
    await expect(first.demo.notices()).toContainText("Signed in through the login pages as Google_");
    // The code and state are gone from the address once used.
    expect(first.demo.page.url()).toBe(localApp());
    expect(await first.demo.identityId()).toBe(first.guestId);
    await expect(first.demo.myFile("first-guest.txt")).toBeVisible();
  } finally {
    await first.close();
  }

  const second = await guestWithNote(browser, "second-guest.txt");
  try {
    expect(second.guestId).not.toBe(first.guestId);
    await leaveFor(second.demo, "Continue with Google (emulated)");
    await continueAsGoogleUser(second.demo, email);
    await expect(second.demo.notices()).toContainText(`Merged: copied 1 guest file from ${second.guestId} to ${first.guestId}: second-guest.txt`);
    expect(await second.demo.identityId()).toBe(first.guestId);
    await expect(second.demo.myFile("second-guest.txt")).toBeVisible();
    await expect(second.demo.myFile("first-guest.txt")).toBeVisible();
  } finally {
    await second.close();
  }
});

test("the login page signs the demo user in; sign-out goes through the login pages' /logout, back as a new guest, and ends their session too", async ({
  page,
}) => {
  const demo = await openDemo(page);
  const guestId = await demo.identityId();
  await leaveFor(demo, "Sign in with the login page");
  await page.fill("#signInFormUsername", DEMO_USER.Username);
  await page.fill("#signInFormPassword", DEMO_USER.Password);
  await page.click("button[name=signInSubmitButton]");
  await page.waitForURL((url) => url.href.startsWith(localApp()));
  await demo.expectStatus("authenticated");
  await expect(page.getByTestId("status")).toHaveText(`Signed in as ${DEMO_USER.Username}`);
  await expect(demo.notices()).toContainText(`Signed in through the login pages as ${DEMO_USER.Username}`);
  const userId = await demo.identityId();

  const loggedOut = page.waitForRequest((request) => request.isNavigationRequest() && new URL(request.url()).pathname.endsWith("/logout"));
  await page.getByTestId("sign-out").click();
  await loggedOut;
  await page.waitForURL(localApp());
  await demo.expectStatus("guest");
  const newGuestId = await demo.identityId();
  expect(newGuestId).not.toBe(userId);
  expect(newGuestId).not.toBe(guestId);

  // Without the /logout the login pages would remember the user and send them straight back signed in.
  await leaveFor(demo, "Sign in with the login page");
  await expect(page.locator("#signInFormPassword")).toBeVisible();
});

test("a Google sign-in cancelled at the provider shows why on the page and keeps the guest and its file", async ({ page }) => {
  const demo = await openDemo(page);
  const guestId = await demo.identityId();
  await demo.saveNote("kept.txt", "still mine");
  await leaveFor(demo, "Continue with Google (emulated)");
  await page.click("button[value=cancel]");
  await page.waitForURL((url) => url.href.startsWith(localApp()));
  await expect(demo.notices().locator("li.error")).toContainText("Sign-in cancelled: the login pages answered access_denied. You are still a guest");
  await demo.expectStatus("guest");
  expect(await demo.identityId()).toBe(guestId);
  await expect(demo.myFile("kept.txt")).toBeVisible();
  expect(page.url()).toBe(localApp());
});
