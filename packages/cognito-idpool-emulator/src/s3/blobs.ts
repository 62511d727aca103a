import { randomUUID } from "node:crypto";
import { once } from "node:events";
import {
  closeSync,
  copyFileSync,
  createReadStream,
  createWriteStream,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { ServiceContext } from "../service.js";
import { deleteObject, type S3Bucket, type S3Object, type S3State } from "./state.js";

/**
 * Where the bytes of multipart uploads live: their parts while the upload is open, and the object
 * assembled from them once complete.
 *
 * With `--data DIR` every part is written to its own file under `DIR/s3-blobs/` as soon as its
 * request has been verified, and completion streams those files into one object file, so an upload
 * never holds more than one request's body in memory (a 1 GiB object is 1 GiB on disk, not in the
 * heap, and never passes through `state.json`, whose strings V8 caps near 512 MiB). The state keeps
 * only the blob ids, so uploads in progress and their objects survive a restart like the rest.
 *
 * Without `--data` the emulator keeps everything in memory, and so do blobs: one Buffer per part,
 * dropped with the state on reset. Choosing memory over a temp directory keeps "no --data" meaning
 * "nothing left on disk", with no clean-up to get wrong when a test process dies.
 */
export interface BlobStore {
  /** Stores the bytes under a new id. */
  write(data: Buffer): string;
  /** Bytes `start`..`end` inclusive (whole blob when omitted). */
  read(id: string, start?: number, end?: number): Buffer;
  /** Concatenates blobs into a new one, handing each piece to `inspect` (checksums) on the way. */
  concat(ids: string[], inspect: (chunk: Buffer) => void): Promise<string>;
  copy(id: string): string;
  remove(id: string): void;
}

const BLOB_DIR = "s3-blobs";
const memoryStores = new WeakMap<S3State, Map<string, Buffer>>();
const sweptDirs = new Set<string>();

/** The store for this request's emulator: on disk under `--data`, else in memory beside the state. */
export function blobStore(ctx: Pick<ServiceContext, "state"> & { dataDir?: string | undefined }): BlobStore {
  if (ctx.dataDir) return diskStore(join(ctx.dataDir, BLOB_DIR), ctx.state.s3);
  let blobs = memoryStores.get(ctx.state.s3);
  if (!blobs) memoryStores.set(ctx.state.s3, (blobs = new Map()));
  return memoryStore(blobs);
}

function memoryStore(blobs: Map<string, Buffer>): BlobStore {
  const get = (id: string) => {
    const data = blobs.get(id);
    if (!data) throw new Error(`blob ${id} is missing`);
    return data;
  };
  return {
    write(data) {
      const id = randomUUID();
      // A copy: the request's Buffer may be a slice of a larger one (aws-chunked decoding).
      blobs.set(id, Buffer.from(data));
      return id;
    },
    read: (id, start = 0, end) => get(id).subarray(start, end === undefined ? undefined : end + 1),
    async concat(ids, inspect) {
      const pieces = ids.map(get);
      pieces.forEach(inspect);
      const id = randomUUID();
      blobs.set(id, Buffer.concat(pieces));
      return id;
    },
    copy(id) {
      const copy = randomUUID();
      blobs.set(copy, get(id));
      return copy;
    },
    remove: (id) => void blobs.delete(id),
  };
}

function diskStore(dir: string, state: S3State): BlobStore {
  mkdirSync(dir, { recursive: true });
  if (!sweptDirs.has(dir)) {
    sweptDirs.add(dir);
    sweepOrphans(dir, state);
  }
  const path = (id: string) => join(dir, id);
  return {
    write(data) {
      const id = randomUUID();
      writeFileSync(path(id), data);
      return id;
    },
    read(id, start = 0, end) {
      const fd = openSync(path(id), "r");
      try {
        const length = end === undefined ? Math.max(0, sizeOf(fd) - start) : end - start + 1;
        const out = Buffer.allocUnsafe(length);
        let done = 0;
        while (done < length) {
          const n = readSync(fd, out, done, length - done, start + done);
          if (n === 0) break;
          done += n;
        }
        return out.subarray(0, done);
      } finally {
        closeSync(fd);
      }
    },
    async concat(ids, inspect) {
      const id = randomUUID();
      const out = createWriteStream(path(id));
      try {
        for (const part of ids) {
          for await (const chunk of createReadStream(path(part), { highWaterMark: 1024 * 1024 })) {
            inspect(chunk as Buffer);
            if (!out.write(chunk)) await once(out, "drain");
          }
        }
        out.end();
        await once(out, "finish");
      } catch (error) {
        out.destroy();
        rmSync(path(id), { force: true });
        throw error;
      }
      return id;
    },
    copy(id) {
      const copy = randomUUID();
      copyFileSync(path(id), path(copy));
      return copy;
    },
    remove: (id) => rmSync(path(id), { force: true }),
  };
}

/** Through the fd we hold, so a concurrent remove cannot make the size and the bytes disagree. */
const sizeOf = (fd: number) => fstatSync(fd).size;

/**
 * Deletes blob files no state refers to: left by a reset, a crash between writing a part and saving
 * state, or an object overwritten while the emulator was stopped before its save. Once per directory
 * per process, when the store is first used.
 */
function sweepOrphans(dir: string, state: S3State): void {
  const live = new Set<string>();
  for (const bucket of Object.values(state.buckets)) {
    for (const object of Object.values(bucket.objects)) if (object.blob) live.add(object.blob);
    for (const upload of Object.values(bucket.uploads ?? {})) for (const part of Object.values(upload.parts)) live.add(part.blob);
  }
  for (const name of readdirSync(dir)) if (!live.has(name)) rmSync(join(dir, name), { force: true });
}

/** An object's bytes, or `start`..`end` of them. */
export function objectBytes(store: BlobStore, object: S3Object, start = 0, end?: number): Buffer {
  if (object.blob) return store.read(object.blob, start, end);
  const bytes = Buffer.from(object.body ?? "", "base64");
  return start === 0 && end === undefined ? bytes : bytes.subarray(start, end === undefined ? undefined : end + 1);
}

/** Deletes an object and its blob, if any. */
export function removeObject(store: BlobStore, bucket: S3Bucket, key: string): void {
  const existing = Object.hasOwn(bucket.objects, key) ? bucket.objects[key] : undefined;
  if (deleteObject(bucket, key) && existing?.blob) store.remove(existing.blob);
}
