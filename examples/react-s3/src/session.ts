// Page-wide notices and a "files may have moved" counter, as small stores any component can read.
// Auth state and identity changes come from cognito-idpool/react's hooks.
import { useEffect, useState, useSyncExternalStore } from "react";
import type { IdentityChange } from "cognito-idpool";
import { useIdentityChange } from "cognito-idpool/react";
import { s3, s3Client } from "./auth.js";
import { copyFiles, describeError, privatePrefix } from "./files.js";

type Listener = () => void;

function store<T>(initial: T) {
  let value = initial;
  const listeners = new Set<Listener>();
  return {
    get: () => value,
    set(next: T) {
      value = next;
      for (const l of listeners) l();
    },
    subscribe(l: Listener) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

export interface Notice {
  id: number;
  kind: "info" | "success" | "error";
  text: string;
}
const notices = store<Notice[]>([]);
let noticeId = 0;
export function notify(kind: Notice["kind"], text: string): void {
  notices.set([{ id: ++noticeId, kind, text }, ...notices.get()].slice(0, 6));
}

/** Bumped whenever files may have moved, so lists reload. */
const filesVersion = store(0);
export const filesChanged = () => filesVersion.set(filesVersion.get() + 1);

/** Tells the user about every identity change, copying a merged guest's files across; used once, by App. */
export function useIdentityChangeNotices(): void {
  useIdentityChange((change) => {
    void describeChange(change).then(filesChanged, (error: unknown) => notify("error", `While handling the identity change: ${describeError(error)}`));
  });
}

async function describeChange(change: IdentityChange): Promise<void> {
  switch (change.reason) {
    case "created":
      notify("info", `New identity ${change.identityId}.`);
      return;
    case "linked":
      notify("success", `Linked: your guest identity is now your account's identity (${change.identityId}). Your files stay where they are.`);
      return;
    case "merged": {
      if (!change.previousIdentityId || !change.previousCredentials) {
        notify("info", `Merged into your account's identity ${change.identityId}; the guest's credentials had expired, so its files were not copied.`);
        return;
      }
      notify("info", `Merged: your account already had identity ${change.identityId}. Copying the guest's files across…`);
      const copied = await copyFiles(
        { s3: s3Client(change.previousCredentials), prefix: privatePrefix(change.previousIdentityId) },
        { s3, prefix: privatePrefix(change.identityId) },
      );
      notify(
        "success",
        `Merged: copied ${copied.length} guest file${copied.length === 1 ? "" : "s"} from ${change.previousIdentityId} to ${change.identityId}${copied.length ? `: ${copied.join(", ")}` : ""}.`,
      );
      return;
    }
    case "recovered":
      notify("info", `Cognito no longer accepted the stored identity; now using ${change.identityId}.`);
      return;
    case "signedOut":
      notify("info", "Signed out: the next request gets a new guest identity.");
      return;
  }
}

export const useNotices = () => useSyncExternalStore(notices.subscribe, notices.get);
export const useFilesVersion = () => useSyncExternalStore(filesVersion.subscribe, filesVersion.get);

/** The current time, re-read every second (for "time left"). */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
