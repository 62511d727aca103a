import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, expect, test } from "vitest";
import { AWS_CLI, findTool, missingMessage } from "../../../../scripts/system-tools.mjs";
import { s3Client } from "../../test/s3-helpers.js";
import { startTestEmulator, type TestEmulator } from "../testing/harness.js";

// The AWS CLI (Debian's awscli, v2) against the emulator: multipart upload over 8 MiB, ranged
// downloads, sync's listing and comparison. A missing `aws` fails here with the way to install it,
// rather than skipping: `npm test` installs it first (scripts/system-tools.mjs).

const run = promisify(execFile);
let emulator: TestEmulator;
let s3: S3Client;
let home: string;
let aws: string;
const BUCKET = "cli-bucket";
const MiB = 1024 * 1024;

beforeAll(async () => {
  const found = findTool(AWS_CLI);
  if (!found) throw new Error(missingMessage(AWS_CLI));
  aws = found;
  emulator = await startTestEmulator();
  s3 = s3Client(emulator.url);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  home = mkdtempSync(join(tmpdir(), "aws-cli-"));
  // Path-style addressing: the emulator serves every bucket on one host.
  writeFileSync(join(home, "config"), "[default]\ns3 =\n  addressing_style = path\n");
});
afterAll(async () => {
  await emulator?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** `aws …` with the emulator's root credential, an isolated HOME and config, and no pager or metadata lookups. */
function cli(...args: string[]) {
  return run(aws, ["--endpoint-url", emulator.url, ...args, ...(args[0] === "s3" ? ["--no-progress"] : [])], {
    cwd: home,
    maxBuffer: 16 * MiB,
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      HOME: home,
      AWS_CONFIG_FILE: join(home, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_DEFAULT_REGION: "eu-west-1",
      AWS_PAGER: "",
      AWS_EC2_METADATA_DISABLED: "true",
    },
  });
}

test("aws s3 cp of a 20 MiB file goes up as a multipart upload and comes back byte for byte", async () => {
  const body = randomBytes(20 * MiB);
  writeFileSync(join(home, "big.bin"), body);
  await cli("s3", "cp", join(home, "big.bin"), `s3://${BUCKET}/cli/big.bin`);
  const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "cli/big.bin" }));
  // The CLI cuts files over 8 MiB into 8 MiB parts: a 3-part ETag.
  expect(head.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
  expect(head.ContentLength).toBe(body.length);
  await cli("s3", "cp", `s3://${BUCKET}/cli/big.bin`, join(home, "back.bin"));
  expect(readFileSync(join(home, "back.bin")).equals(body)).toBe(true);
}, 60_000);

test("aws s3 sync uploads a folder, then finds nothing left to do, then syncs it back", async () => {
  const folder = join(home, "site");
  mkdirSync(join(folder, "assets"), { recursive: true });
  const files: Record<string, Buffer> = {
    "index.html": Buffer.from("<h1>hello</h1>"),
    "assets/app.js": Buffer.from("console.log('hi')"),
    "assets/blob.bin": randomBytes(9 * MiB),
  };
  // Files older than the upload, as files being synced are: sync re-sends a file whose mtime is after
  // the object's LastModified, which S3 keeps in whole seconds.
  const written = new Date(Date.now() - 60_000);
  for (const [name, bytes] of Object.entries(files)) {
    writeFileSync(join(folder, name), bytes);
    utimesSync(join(folder, name), written, written);
  }
  const first = await cli("s3", "sync", folder, `s3://${BUCKET}/site/`);
  expect(first.stdout.match(/^upload:/gm)).toHaveLength(3);
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "site/" }));
  expect(listed.Contents?.map((o) => [o.Key, o.Size])).toEqual(
    Object.entries(files)
      .map(([name, bytes]) => [`site/${name}`, bytes.length])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
  const again = await cli("s3", "sync", folder, `s3://${BUCKET}/site/`);
  expect(again.stdout.trim()).toBe("");
  const copy = join(home, "copy");
  await cli("s3", "sync", `s3://${BUCKET}/site/`, copy);
  expect(readdirSync(copy, { recursive: true }).sort()).toEqual(["assets", "assets/app.js", "assets/blob.bin", "index.html"]);
  for (const [name, bytes] of Object.entries(files)) expect(readFileSync(join(copy, name)).equals(bytes), name).toBe(true);
}, 60_000);
