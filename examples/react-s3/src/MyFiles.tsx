import { useState, type ChangeEvent, type FormEvent } from "react";
import { s3 } from "./auth.js";
import { describeError, privatePrefix, readBytes, remove, saveAs, upload } from "./files.js";
import { useFiles } from "./useFiles.js";

/** private/<identity id>/: only this identity may list, read, write and delete here. */
export function MyFiles({ identityId }: { identityId: string | undefined }) {
  const prefix = identityId ? privatePrefix(identityId) : undefined;
  const { files, error: listError, reload } = useFiles(prefix);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

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

  const onFile = (e: ChangeEvent<HTMLInputElement>) => {
    const input = e.currentTarget;
    const chosen = [...(input.files ?? [])];
    void run(async () => {
      for (const file of chosen) await upload(s3, prefix + file.name, new Uint8Array(await file.arrayBuffer()), file.type || "application/octet-stream");
      input.value = "";
    });
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
            Upload files <input type="file" multiple onChange={onFile} disabled={busy} data-testid="upload" />
          </label>
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
