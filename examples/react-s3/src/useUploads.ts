// File uploads with @aws-sdk/lib-storage's Upload, through the page's one S3Client. A file larger
// than a part (5 MiB by default) goes up as a multipart upload, four parts at a time. Each part is
// a request of its own, signed when it is sent with what `auth.credentials` hands out then, so an
// upload that outlives the credentials it started with keeps going on renewed ones.
import { Upload } from "@aws-sdk/lib-storage";
import { useCallback, useRef, useState } from "react";
import { s3 } from "./auth.js";
import { config } from "./config.js";
import { describeError } from "./files.js";

export interface Transfer {
  id: number;
  file: File;
  key: string;
  /**
   * Bytes S3 has accepted. With the browser's fetch there is no upload progress within a request,
   * so this grows a part at a time.
   */
  loaded: number;
  state: "uploading" | "failed";
  error?: string;
}

let lastId = 0;

/** Uploads in progress or failed (finished and cancelled ones leave the list); `onUploaded` runs after each success. */
export function useUploads(onUploaded: () => void) {
  const [transfers, setTransfers] = useState<Transfer[]>([]);
  const uploads = useRef(new Map<number, Upload>());

  const start = useCallback(
    (file: File, key: string, id = ++lastId) => {
      const upload = new Upload({
        client: s3,
        params: { Bucket: config.bucket, Key: key, Body: file, ContentType: file.type || "application/octet-stream" },
        // A part that fails is retried by the client's retry strategy (3 attempts). If it still
        // fails, or the user cancels, lib-storage aborts the multipart upload, so S3 keeps no
        // orphaned parts (which it would store, and bill, until someone aborted them).
        leavePartsOnError: false,
      });
      uploads.current.set(id, upload);
      const update = (change: Partial<Transfer>) => setTransfers((list) => list.map((t) => (t.id === id ? { ...t, ...change } : t)));
      const forget = () => setTransfers((list) => list.filter((t) => t.id !== id));

      const entry: Transfer = { id, file, key, loaded: 0, state: "uploading" };
      // A retry keeps its row; a new file gets one at the end.
      setTransfers((list) => (list.some((t) => t.id === id) ? list.map((t) => (t.id === id ? entry : t)) : [...list, entry]));
      upload.on("httpUploadProgress", ({ loaded }) => update({ loaded: loaded ?? 0 }));
      upload
        .done()
        .then(
          () => {
            forget();
            onUploaded();
          },
          (error: unknown) => {
            // Cancelled: done() rejects at once; lib-storage lets parts already on the wire finish, then aborts the upload.
            if (error instanceof Error && error.name === "AbortError") forget();
            else update({ state: "failed", error: describeError(error) });
          },
        )
        .finally(() => uploads.current.delete(id));
    },
    [onUploaded],
  );

  const cancel = useCallback((id: number) => void uploads.current.get(id)?.abort(), []);
  const dismiss = useCallback((id: number) => setTransfers((list) => list.filter((t) => t.id !== id)), []);

  /** Starts the whole file again as a new upload (the failed one was aborted). */
  const retry = useCallback((t: Transfer) => start(t.file, t.key, t.id), [start]);

  return { transfers, start, cancel, retry, dismiss };
}
