import { useState, type FormEvent } from "react";
import { useAuthState } from "cognito-idpool/react";
import { s3 } from "./auth.js";
import { describeError, PUBLIC_PREFIX, readText, upload } from "./files.js";
import { useFiles } from "./useFiles.js";

/** public/: everyone reads; signed-in users may also publish under public/users/<identity id>/. */
export function PublicFiles() {
  const state = useAuthState();
  const { files, error: listError, reload } = useFiles(state.identityId ? PUBLIC_PREFIX : undefined);
  const [open, setOpen] = useState<{ key: string; text: string }>();
  const [error, setError] = useState<string>();

  async function read(key: string) {
    setError(undefined);
    try {
      setOpen({ key, text: await readText(s3, key) });
    } catch (e) {
      setError(describeError(e));
    }
  }

  const onPublish = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const text = String(new FormData(form).get("text"));
    setError(undefined);
    upload(s3, `${PUBLIC_PREFIX}users/${state.identityId}/note-${Date.now()}.txt`, text, "text/plain; charset=utf-8").then(
      () => {
        form.reset();
        reload();
      },
      (err: unknown) => setError(describeError(err)),
    );
  };

  return (
    <section className="card public">
      <h2>
        Shared files <small>(public/)</small>
      </h2>
      <ul data-testid="public-files">
        {files?.map((f) => (
          <li key={f.key} data-testid="public-file" data-name={f.name}>
            <button type="button" className="link" onClick={() => void read(f.key)}>
              {f.name}
            </button>
            <span className="size">{f.size} B</span>
          </li>
        ))}
      </ul>
      {state.status === "authenticated" && (
        <form onSubmit={onPublish} className="inline">
          <input name="text" placeholder="Publish a note for everyone" aria-label="Public note" required />
          <button type="submit">Publish</button>
        </form>
      )}
      {open && (
        <figure data-testid="public-content">
          <figcaption>{open.key}</figcaption>
          <pre>{open.text}</pre>
        </figure>
      )}
      {(error ?? listError) && (
        <p className="error" role="alert">
          {error ?? listError}
        </p>
      )}
    </section>
  );
}
