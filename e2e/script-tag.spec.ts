// The script-tag files on a plain page: no bundler, no import map. cognito-idpool.js loads
// cognito-idpool.sign-in.js from beside itself on the first user-pool call, so a guest page downloads
// one file.
import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { DEMO_CLIENT_ID, DEMO_USER, emulatorUrl, IDENTITY_POOL_ID, scriptTagUrl, USER_POOL_ID } from "./support.js";
import { ROOT } from "./servers.js";

/** Paths of the scripts the page requests (module scripts and dynamic imports alike), in order. */
function recordScripts(page: Page): string[] {
  const scripts: string[] = [];
  page.on("request", (request) => {
    if (request.resourceType() === "script") scripts.push(new URL(request.url()).pathname);
  });
  return scripts;
}

test("a plain page importing ./cognito-idpool.js gets guest credentials, signs in and signs out", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const scripts = recordScripts(page);
  await page.goto(`${scriptTagUrl()}/?endpoint=${encodeURIComponent(emulatorUrl())}`);

  const status = page.locator("#status");
  const identity = page.locator("#identity-id");
  const accessKey = page.locator("#access-key");
  await expect(status).toHaveText("guest");
  await expect(accessKey).toHaveText(/^ASIA[A-Z0-9]{16}$/);
  const guestId = (await identity.textContent())!;
  const guestKey = (await accessKey.textContent())!;
  // A guest never needs user-pool code: the sign-in file is not fetched.
  expect(scripts).toEqual(["/cognito-idpool.js"]);

  await page.locator('#sign-in input[name="username"]').fill(DEMO_USER.Username);
  await page.locator('#sign-in input[name="password"]').fill(DEMO_USER.Password);
  await page.locator("#sign-in button").click();
  await expect(status).toHaveText("authenticated");
  await expect(page.locator("#message")).toHaveText(`Signed in as ${DEMO_USER.Username}.`);
  await expect(accessKey).not.toHaveText(guestKey);
  expect(scripts, "the first user-pool call fetched the sign-in file from beside cognito-idpool.js").toEqual([
    "/cognito-idpool.js",
    "/cognito-idpool.sign-in.js",
  ]);
  const userId = (await identity.textContent())!;

  await page.locator("#sign-out").click();
  await expect(status).toHaveText("guest");
  await expect(page.locator("#message")).toHaveText("Signed out; this is a new guest identity.");
  await expect(identity).not.toHaveText(userId);
  await expect(identity).toHaveText(/^[a-z]{2}(-[a-z]+)+-\d:[0-9a-f-]+$/);
  const newGuestId = await identity.textContent();
  expect(newGuestId).not.toBe(userId);
  expect(newGuestId).not.toBe(guestId);
  // Signing out needs no further file; the module is loaded once.
  expect(scripts).toEqual(["/cognito-idpool.js", "/cognito-idpool.sign-in.js"]);
  expect(errors).toEqual([]);
});

test("the sign-in file is fetched from the folder of cognito-idpool.js, not from the page's", async ({ page }) => {
  // The pair copied to /vendor/cognito-idpool/ and a page one folder elsewhere: the chunk's URL must follow the module's.
  const dist = `${ROOT}packages/cognito-idpool/dist`;
  await page.route("**/vendor/cognito-idpool/*", (route) => {
    const file = new URL(route.request().url()).pathname.split("/").pop()!;
    return route.fulfill({ contentType: "text/javascript; charset=utf-8", body: readFileSync(`${dist}/${file}`) });
  });
  const config = {
    identityPoolId: IDENTITY_POOL_ID,
    userPool: { userPoolId: USER_POOL_ID, clientId: DEMO_CLIENT_ID },
    endpoint: emulatorUrl(),
  };
  await page.route("**/site/page.html", (route) =>
    route.fulfill({
      contentType: "text/html; charset=utf-8",
      body: `<!doctype html><script type="module">
import { createAuth } from "../vendor/cognito-idpool/cognito-idpool.js";
const auth = createAuth(${JSON.stringify(config)});
document.documentElement.dataset.ready = "";
document.addEventListener("sign-in", (event) =>
  auth.signIn(event.detail).then((result) => result.status, (error) => error.code + ": " + error.message).then((status) => (document.documentElement.dataset.status = status)),
);
</script>`,
    }),
  );
  // Chromium counts a document Playwright answered as public, and blocks its calls to the loopback emulator without this.
  await page.context().grantPermissions(["local-network-access"]);
  const scripts = recordScripts(page);
  await page.goto(`${scriptTagUrl()}/site/page.html`);
  await page.locator("html[data-ready]").waitFor({ state: "attached" });
  expect(scripts).toEqual(["/vendor/cognito-idpool/cognito-idpool.js"]);
  await page.evaluate((detail) => document.dispatchEvent(new CustomEvent("sign-in", { detail })), {
    username: DEMO_USER.Username,
    password: DEMO_USER.Password,
  });
  await expect(page.locator("html")).toHaveAttribute("data-status", "signedIn");
  expect(scripts).toEqual(["/vendor/cognito-idpool/cognito-idpool.js", "/vendor/cognito-idpool/cognito-idpool.sign-in.js"]);
});
