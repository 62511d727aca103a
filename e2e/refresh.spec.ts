// 4. Credentials that last 30 seconds, and a page that keeps using S3 for 90 seconds: seconds of the
// emulator's clock and the page's, which run ahead of real time (FastClock), so the run takes under 20 s.
import { expect, test } from "@playwright/test";
import { DemoPage, emulator, emulatorClock, FastClock } from "./support.js";

test.afterEach(async () => {
  await emulatorClock.set(0);
  await emulator.credentialLifetime(null);
});

test("with 30-second credentials the page keeps listing and uploading for 90 seconds (on a fast clock) with no failed S3 call", async ({ page }) => {
  test.setTimeout(120_000);
  await emulator.credentialLifetime(30);
  const time = await FastClock.install(page.context());
  const demo = await new DemoPage(page).open();
  const identityId = await demo.identityId();
  await emulator.clearRequests();

  const started = time.now();
  let round = 0;
  while (time.now() - started < 90_000) {
    round += 1;
    await demo.saveNote(`tick-${round}.txt`, `round ${round}`);
    await page.getByTestId("refresh-my-files").click();
    await expect(demo.errors()).toHaveCount(0);
    // Two seconds on the clock between rounds (a round every 2–3 s): credentials the page did not
    // renew in time are refused by the emulator (ExpiredToken), which shows as an alert.
    await time.pass(2_000);
  }

  const log = await emulator.requests();
  const s3 = log.filter((r) => r.service === "s3");
  const failed = s3.filter((r) => r.status >= 400);
  expect(failed, `failed S3 calls: ${failed.map((r) => `${r.operation} ${r.status}`).join(", ")}`).toEqual([]);
  expect(s3.filter((r) => r.operation === "PutObject").length).toBe(round);
  // The run really crossed credential lifetimes: the same identity got fresh credentials again and again.
  const renewals = log.filter((r) => r.operation === "GetCredentialsForIdentity" && r.identityId === identityId);
  expect(renewals.length).toBeGreaterThanOrEqual(3);
  expect(log.filter((r) => r.service === "cognito-identity" && r.status >= 400)).toEqual([]);
  test.info().annotations.push({ type: "measured", description: JSON.stringify({ rounds: round, renewals: renewals.length }) });
});
