// The React example against the emulator: guests, sign-up, link, merge, sign-out, tabs.
import { expect, test } from "@playwright/test";
import { createUser, DemoPage, emulator, PASSWORD, unique } from "./support.js";

test("a guest uploads a file and, after a reload, has the same identity and sees the file", async ({ page }) => {
  const demo = await new DemoPage(page).open();
  await demo.expectStatus("guest");
  const identityId = await demo.identityId();
  await demo.saveNote("hello.txt", "hello from a guest");

  await page.reload();
  expect(await demo.identityId()).toBe(identityId);
  await expect(demo.myFile("hello.txt")).toBeVisible();
});

test("a guest signs up, confirms with the emailed code and signs in: the identity is linked, same id, files still there", async ({ page }) => {
  const demo = await new DemoPage(page).open();
  const guestId = await demo.identityId();
  await demo.saveNote("before-sign-up.txt", "made as a guest");

  const username = unique("newuser");
  await page.getByRole("button", { name: "Create an account" }).click();
  const signUp = page.getByTestId("sign-up-form");
  await signUp.getByLabel("Username").fill(username);
  await signUp.getByLabel("Email").fill(`${username}@example.com`);
  await signUp.getByLabel("Password").fill(PASSWORD);
  await signUp.getByRole("button", { name: "Sign up" }).click();

  const confirm = page.getByTestId("confirm-form");
  await expect(confirm).toBeVisible();
  await confirm.getByLabel("Code").fill(await emulator.lastCode(username));
  await confirm.getByRole("button", { name: "Confirm and sign in" }).click();

  await demo.expectStatus("authenticated");
  await expect(demo.notices()).toContainText("Linked");
  expect(await demo.identityId()).toBe(guestId);
  await expect(demo.myFile("before-sign-up.txt")).toBeVisible();
});

test("a guest in a fresh context signs in as a user who already has an identity: merged, and the guest's files are copied to the user's identity", async ({
  browser,
}) => {
  const username = unique("merger");
  await createUser(username);

  // The user's identity: made by signing in once in another browser.
  const first = await browser.newContext();
  const before = await new DemoPage(await first.newPage()).open();
  await before.signIn(username, PASSWORD);
  const userIdentityId = await before.identityId();
  await first.close();

  const context = await browser.newContext();
  const demo = await new DemoPage(await context.newPage()).open();
  const guestId = await demo.identityId();
  expect(guestId).not.toBe(userIdentityId);
  await demo.saveNote("guest-draft.txt", "written before signing in");

  await demo.signIn(username, PASSWORD);
  await expect(demo.notices()).toContainText(`Merged: copied 1 guest file from ${guestId} to ${userIdentityId}`);
  expect(await demo.identityId()).toBe(userIdentityId);
  await expect(demo.myFile("guest-draft.txt")).toBeVisible();
  await expect(demo.page.getByTestId("my-files")).toContainText("guest-draft.txt");
  await context.close();
});

test("signing out gives a new guest identity, and S3 refuses the previous user's private files", async ({ page }) => {
  const username = unique("leaver");
  await createUser(username);
  const demo = await new DemoPage(page).open();
  await demo.signIn(username, PASSWORD);
  const userIdentityId = await demo.identityId();
  await demo.saveNote("secret.txt", "only mine");
  const key = `private/${userIdentityId}/secret.txt`;
  expect(await demo.openKey(key)).toEqual({ ok: true, text: "only mine" });

  await demo.signOut();
  await expect(page.getByTestId("identity-id")).not.toHaveText(userIdentityId);
  const guestId = await demo.identityId();
  expect(guestId).not.toBe(userIdentityId);
  const refused = await demo.openKey(key);
  expect(refused.ok).toBe(false);
  expect(refused.text).toContain("AccessDenied");
});

test("two tabs opened at once on a fresh browser share one identity (one GetId)", async ({ browser }) => {
  const context = await browser.newContext();
  const [a, b] = [new DemoPage(await context.newPage()), new DemoPage(await context.newPage())];
  await emulator.clearRequests();
  await Promise.all([a.open(), b.open()]);
  const [idA, idB] = await Promise.all([a.identityId(), b.identityId()]);
  expect(idB).toBe(idA);
  const getIds = (await emulator.requests()).filter((r) => r.service === "cognito-identity" && r.operation === "GetId");
  expect(getIds).toHaveLength(1);
  expect(getIds[0]!.identityId).toBe(idA);
  await context.close();
});
