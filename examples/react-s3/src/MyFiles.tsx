import { useId, useState, type ChangeEvent, type FormEvent } from "react";
import { s3 } from "./auth.js";
import { describeError, privatePrefix, readBytes, remove, saveAs, upload } from "./files.js";
import { useFiles } from "./useFiles.js";
import { useUploads, type Transfer } from "./useUploads.js";

/** private/<identity id>/: only this identity may list, read, write and delete here. */
export function MyFiles({ identityId }: { identityId: string | undefined }) {
  const prefix = identityId ? privatePrefix(identityId) : undefined;
  const { files, error: listError, reload } = useFiles(prefix);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const uploads = useUploads(reload);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      reload();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  async function download(key: string, name: string) {
    const { bytes, contentType } = await readBytes(s3, key);
    saveAs(name, bytes, contentType);
  }

  const onNote = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const name = String(data.get("name")).trim() || "note.txt";
    const text = String(data.get("text"));
    void run(async () => {
      await upload(s3, prefix + name, text, "text/plain; charset=utf-8");
      form.reset();
    });
  };

  // Each file uploads on its own, with its own progress bar; the page stays usable meanwhile.
  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    for (const file of e.currentTarget.files ?? []) uploads.start(file, prefix + file.name);
    e.currentTarget.value = "";
  };

  return (
    <section className="card files">
      <h2>
        My files <small>(private/&lt;identity id&gt;/)</small>
      </h2>
      {!prefix && <p>Waiting for an identity…</p>}
      {prefix && (
        <>
          <ul data-testid="my-files">
            {files?.length === 0 && <li className="empty">No files yet.</li>}
            {files?.map((f) => (
              <li key={f.key} data-testid="my-file" data-name={f.name}>
                <span className="name">{f.name}</span>
                <span className="size">{f.size} B</span>
                <button type="button" disabled={busy} onClick={() => void run(() => download(f.key, f.name))}>
                  Download
                </button>
                <button type="button" disabled={busy} onClick={() => void run(() => remove(s3, f.key))} data-testid="delete">
                  Delete
                </button>
              </li>
            ))}
          </ul>
          <form onSubmit={onNote} className="inline" data-testid="note-form">
            <input name="name" placeholder="note.txt" aria-label="File name" />
            <input name="text" placeholder="Some text" aria-label="Text" required />
            <button type="submit" disabled={busy}>
              Save note
            </button>
          </form>
          <label className="upload">
            Upload files <input type="file" multiple onChange={onFile} data-testid="upload" />
          </label>
          {uploads.transfers.length > 0 && (
            <ul data-testid="transfers">
              {uploads.transfers.map((t) => (
                <TransferRow key={t.id} transfer={t} {...uploads} />
              ))}
            </ul>
          )}
          <button type="button" className="link" onClick={reload} data-testid="refresh-my-files">
            Refresh
          </button>
        </>
      )}
      {(error ?? listError) && (
        <p className="error" role="alert" data-testid="my-files-error">
          {error ?? listError}
        </p>
      )}
    </section>
  );
}

interface TransferActions {
  cancel(id: number): void;
  retry(transfer: Transfer): void;
  dismiss(id: number): void;
}

/** One file on its way up: a labelled progress bar and Cancel, or the error with Retry. */
function TransferRow({ transfer: t, cancel, retry, dismiss }: { transfer: Transfer } & TransferActions) {
  const bar = useId();
  const percent = t.file.size ? Math.floor((t.loaded / t.file.size) * 100) : 0;
  return (
    <li className="transfer" data-testid="transfer" data-name={t.file.name} data-state={t.state}>
      <label htmlFor={bar} className="name">
        {t.file.name}
      </label>
      <progress id={bar} max={t.file.size} value={t.loaded} />
      {t.state === "uploading" ? (
        <>
          <span className="size">{percent} %</span>
          <button type="button" onClick={() => cancel(t.id)}>
            Cancel
          </button>
        </>
      ) : (
        <>
          <span className="error" role="alert">
            Upload failed: {t.error}
          </span>
          <button type="button" onClick={() => retry(t)}>
            Retry
          </button>
          <button type="button" onClick={() => dismiss(t.id)}>
            Dismiss
          </button>
        </>
      )}
    </li>
  );
}
