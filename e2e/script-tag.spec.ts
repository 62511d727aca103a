// 7. The one-file bundle on a plain page: no bundler, no import map.
import { expect, test } from "@playwright/test";
import { DEMO_USER, emulatorUrl, scriptTagUrl } from "./support.js";

test("a plain page importing ./cognito-idpool.js gets guest credentials, signs in and signs out", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${scriptTagUrl()}/?endpoint=${encodeURIComponent(emulatorUrl())}`);

  const status = page.locator("#status");
  const identity = page.locator("#identity-id");
  const accessKey = page.locator("#access-key");
  await expect(status).toHaveText("guest");
  await expect(accessKey).toHaveText(/^ASIA[A-Z0-9]{16}$/);
  const guestId = (await identity.textContent())!;
  const guestKey = (await accessKey.textContent())!;

  await page.locator('#sign-in input[name="username"]').fill(DEMO_USER.Username);
  await page.locator('#sign-in input[name="password"]').fill(DEMO_USER.Password);
  await page.locator("#sign-in button").click();
  await expect(status).toHaveText("authenticated");
  await expect(page.locator("#message")).toHaveText(`Signed in as ${DEMO_USER.Username}.`);
  await expect(accessKey).not.toHaveText(guestKey);
  const userId = (await identity.textContent())!;

  await page.locator("#sign-out").click();
  await expect(status).toHaveText("guest");
  await expect(page.locator("#message")).toHaveText("Signed out; this is a new guest identity.");
  await expect(identity).not.toHaveText(userId);
  await expect(identity).toHaveText(/^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]+$/);
  const newGuestId = await identity.textContent();
  expect(newGuestId).not.toBe(userId);
  expect(newGuestId).not.toBe(guestId);
  expect(errors).toEqual([]);
});
