import { useCallback, useEffect, useState } from "react";
import { s3 } from "./auth.js";
import { describeError, listFiles, type FileEntry } from "./files.js";
import { useFilesVersion } from "./session.js";

/** The files under `prefix` (none while it is undefined), reloaded on identity changes and on demand. */
export function useFiles(prefix: string | undefined) {
  const version = useFilesVersion();
  const [files, setFiles] = useState<FileEntry[]>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!prefix) return setFiles(undefined);
    let current = true;
    listFiles(s3, prefix).then(
      (list) => {
        if (!current) return;
        setFiles(list);
        setError(undefined);
      },
      (e: unknown) => current && setError(describeError(e)),
    );
    return () => {
      current = false;
    };
  }, [prefix, version, tick]);

  return { files, error, reload };
}
