// Large uploads in the React example: @aws-sdk/lib-storage's multipart Upload through the page's
// one S3Client (`credentials: auth.credentials`), with a progress bar, cancel and retry.
import { GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { expect, test, type Page } from "@playwright/test";
import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { DEMO_BUCKET, DemoPage, emulator, emulatorUrl, faults } from "./support.js";

const MiB = 1024 * 1024;
/** lib-storage's default part size, which the example keeps: a file's parts are its 5 MiB slices. */
const PART_SIZE = 5 * MiB;

let s3: S3Client;
test.beforeAll(() => {
  // The emulator's root key: sees everything the page's identity did, whatever its policies say.
  s3 = new S3Client({ region: "eu-west-1", endpoint: emulatorUrl(), forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
});
test.afterAll(() => s3.destroy());
test.afterEach(async () => {
  await faults.clear();
  await emulator.credentialLifetime(null);
});

/** S3's ETag of a multipart object: the MD5 of the parts' binary MD5s, then the part count. */
function multipartEtag(bytes: Buffer, partSize: number): string {
  const md5s: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += partSize)
    md5s.push(
      createHash("md5")
        .update(bytes.subarray(at, at + partSize))
        .digest(),
    );
  return `"${createHash("md5").update(Buffer.concat(md5s)).digest("hex")}-${md5s.length}"`;
}

/** A file of random bytes on disk (the browser reads it from there, as from a user's disk). */
function randomFile(name: string, size: number): { path: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const path = test.info().outputPath(name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

async function pendingUploads(prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: DEMO_BUCKET, Prefix: prefix }));
  return (listed.Uploads ?? []).map((u) => u.Key!);
}

async function objectExists(key: string): Promise<boolean> {
  return s3.send(new HeadObjectCommand({ Bucket: DEMO_BUCKET, Key: key })).then(
    () => true,
    (error: { name?: string }) => {
      if (error.name === "NotFound") return false;
      throw error;
    },
  );
}

/** Checks the stored object against the bytes the page was given: size, multipart ETag and every byte. */
async function expectStored(key: string, bytes: Buffer): Promise<void> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: DEMO_BUCKET, Key: key }));
  expect(head.ContentLength).toBe(bytes.length);
  expect(head.ETag).toBe(multipartEtag(bytes, PART_SIZE));
  const got = await s3.send(new GetObjectCommand({ Bucket: DEMO_BUCKET, Key: key }));
  expect(Buffer.from(await got.Body!.transformToByteArray()).equals(bytes)).toBe(true);
}

const transfer = (page: Page, name: string) => page.locator(`[data-testid="transfer"][data-name="${name}"]`);
const progressValue = (page: Page, name: string) =>
  page
    .getByRole("progressbar", { name })
    .evaluate((bar: HTMLProgressElement) => bar.value, undefined, { timeout: 1_000 })
    .catch(() => undefined);

test("a 40 MiB file uploads in parts with a moving progress bar, outliving its 30-second credentials", async ({ page }) => {
  test.setTimeout(100_000);
  await emulator.credentialLifetime(30);
  const demo = await new DemoPage(page).open();
  const identityId = await demo.identityId();
  const name = "big-40MiB.bin";
  const key = `private/${identityId}/${name}`;
  const file = randomFile(name, 40 * MiB);

  // Eight parts, four at a time. Latency on every step makes the upload last about 36 s whatever the
  // machine, longer than the credentials live. No single request stalls for more than 9 s: the page
  // hands out credentials with at least 15 s left (it renews at half their life) and the emulator
  // checks them once the stall is over, so each request is still signed in time; what the test
  // shows is that later requests get renewed credentials. Staggered part latencies make the parts
  // finish one by one, so the bar moves in steps rather than in two jumps.
  await faults.add({ target: "CreateMultipartUpload", latencyMs: 9_000 });
  for (const latencyMs of [3_000, 5_000, 7_000, 9_000]) await faults.add({ target: "UploadPart", latencyMs });
  await faults.add({ target: "UploadPart", latencyMs: 9_000, count: 4 });
  await faults.add({ target: "CompleteMultipartUpload", latencyMs: 9_000 });
  await emulator.clearRequests();

  const started = Date.now();
  await page.getByTestId("upload").setInputFiles(file.path);
  await expect(transfer(page, name)).toHaveAttribute("data-state", "uploading");
  const seen: number[] = [];
  while (!(await demo.myFile(name).isVisible())) {
    expect(Date.now() - started, "the upload should finish within 80 s").toBeLessThan(80_000);
    const value = await progressValue(page, name);
    if (value !== undefined && value !== seen.at(-1)) seen.push(value);
    await page.waitForTimeout(200);
  }
  const duration = Date.now() - started;

  // The bar moved in several steps, forwards only, and never past the file's size.
  expect(seen.filter((v) => v > 0 && v < file.bytes.length).length, `progress values seen: ${seen.join(", ")}`).toBeGreaterThanOrEqual(4);
  expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  expect(Math.max(...seen)).toBeLessThanOrEqual(file.bytes.length);
  await expect(transfer(page, name)).toHaveCount(0);
  await expect(demo.errors()).toHaveCount(0);

  // Credentials the upload started with were issued before it started, so they had expired by the
  // time it ended; every request succeeded, so the later ones were signed with renewed credentials.
  expect(duration).toBeGreaterThan(30_000);
  const log = await emulator.requests();
  const s3Calls = log.filter((r) => r.service === "s3");
  const failed = s3Calls.filter((r) => r.status >= 400);
  expect(failed, `failed S3 calls: ${failed.map((r) => `${r.operation} ${r.status}`).join(", ")}`).toEqual([]);
  expect(s3Calls.filter((r) => r.operation === "UploadPart")).toHaveLength(8);
  const created = s3Calls.find((r) => r.operation === "CreateMultipartUpload")!;
  const completed = s3Calls.find((r) => r.operation === "CompleteMultipartUpload")!;
  const renewals = log.filter(
    (r) => r.operation === "GetCredentialsForIdentity" && r.identityId === identityId && r.time > created.time && r.time < completed.time,
  );
  expect(renewals.length, "GetCredentialsForIdentity calls between CreateMultipartUpload and CompleteMultipartUpload").toBeGreaterThanOrEqual(1);
  expect(log.filter((r) => r.service === "cognito-identity" && r.status >= 400)).toEqual([]);
  test.info().annotations.push({
    type: "upload",
    description: `40 MiB in ${(duration / 1000).toFixed(1)} s, ${renewals.length} credential renewal(s) during it, progress values ${seen.length}`,
  });

  await expectStored(key, file.bytes);
  expect(await pendingUploads(`private/${identityId}/`)).toEqual([]);
});

test("cancelling an upload half-way leaves no object and no pending multipart upload", async ({ page }) => {
  test.setTimeout(120_000);
  const demo = await new DemoPage(page).open();
  const identityId = await demo.identityId();
  const name = "cancelled-40MiB.bin";
  const key = `private/${identityId}/${name}`;
  const file = randomFile(name, 40 * MiB);
  // Slow parts, so the upload is still going after the first ones are in.
  await faults.add({ target: "UploadPart", latencyMs: 4_000, count: 8 });
  await emulator.clearRequests();

  await page.getByTestId("upload").setInputFiles(file.path);
  // Mid-way: the multipart upload exists on the server (so its absence afterwards means something)
  // and a part is on the wire. The page hashes each part before sending it, which on a busy machine
  // takes a while: wait for the server rather than for a fixed time.
  await expect.poll(() => pendingUploads(`private/${identityId}/`), { timeout: 45_000 }).toEqual([key]);
  await expect.poll(async () => (await emulator.requests()).some((r) => r.operation === "UploadPart"), { timeout: 45_000 }).toBe(true);
  expect(await objectExists(key)).toBe(false);

  await transfer(page, name).getByRole("button", { name: "Cancel" }).click();
  await expect(transfer(page, name)).toHaveCount(0);
  // lib-storage lets the parts already on the wire finish, then aborts the upload.
  await expect.poll(() => pendingUploads(`private/${identityId}/`), { timeout: 15_000 }).toEqual([]);
  expect(await objectExists(key)).toBe(false);

  const log = await emulator.requests();
  expect(log.filter((r) => r.operation === "AbortMultipartUpload").map((r) => r.status)).toEqual([204]);
  expect(log.filter((r) => r.operation === "CompleteMultipartUpload")).toEqual([]);
  await expect(demo.myFile(name)).toHaveCount(0);
  await expect(demo.errors()).toHaveCount(0);
});

test("a part that keeps failing fails the upload with an error; Retry starts again and succeeds, a single failed attempt being retried by the client", async ({
  page,
}) => {
  const demo = await new DemoPage(page).open();
  const identityId = await demo.identityId();
  const name = "retried-6MiB.bin";
  const key = `private/${identityId}/${name}`;
  const file = randomFile(name, 6 * MiB);
  // Two parts, each tried 3 times by the client's retry strategy: the first six attempts all fail,
  // so the upload fails. The seventh failure hits the retried upload, whose client tries again.
  await faults.add({ target: "UploadPart", error: "InternalError", count: 7 });
  await emulator.clearRequests();

  await page.getByTestId("upload").setInputFiles(file.path);
  const row = transfer(page, name);
  await expect(row).toHaveAttribute("data-state", "failed");
  await expect(row.getByRole("alert")).toContainText("InternalError");
  // leavePartsOnError: false, so the failed upload was aborted and left no parts behind.
  expect(await pendingUploads(`private/${identityId}/`)).toEqual([]);
  expect(await objectExists(key)).toBe(false);

  await row.getByRole("button", { name: "Retry" }).click();
  await expect(demo.myFile(name)).toBeVisible();
  await expect(row).toHaveCount(0);
  await expect(demo.errors()).toHaveCount(0);
  await expectStored(key, file.bytes);

  const log = (await emulator.requests()).filter((r) => r.service === "s3" && r.operation !== "ListObjectsV2");
  const count = (operation: string, status: number) => log.filter((r) => r.operation === operation && r.status === status).length;
  expect(count("UploadPart", 500)).toBe(7);
  expect(count("UploadPart", 200)).toBe(2);
  expect(count("CreateMultipartUpload", 200)).toBe(2);
  expect(count("AbortMultipartUpload", 204)).toBe(1);
  expect(count("CompleteMultipartUpload", 200)).toBe(1);
  expect(await pendingUploads(`private/${identityId}/`)).toEqual([]);
});
