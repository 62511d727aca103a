import { useState, type FormEvent } from "react";
import { s3 } from "./auth.js";
import { describeError, readText } from "./files.js";

/** Reads any key with the page's credentials: try another identity's private file to see IAM say no. */
export function OpenKey() {
  const [result, setResult] = useState<{ ok: boolean; text: string }>();

  const onOpen = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const key = String(new FormData(e.currentTarget).get("key")).trim();
    setResult(undefined);
    readText(s3, key).then(
      (text) => setResult({ ok: true, text }),
      (error: unknown) => setResult({ ok: false, text: describeError(error) }),
    );
  };

  return (
    <section className="card open-key">
      <h2>Open any key</h2>
      <p>The policies decide: public/ and your own private/ folder open, anyone else's private files do not.</p>
      <form onSubmit={onOpen} className="inline" data-testid="open-key-form">
        <input name="key" placeholder="private/eu-west-1:…/note.txt" aria-label="Object key" required />
        <button type="submit">Open</button>
      </form>
      {result && (
        <pre className={result.ok ? "" : "error"} data-testid="open-key-result" data-ok={String(result.ok)}>
          {result.text}
        </pre>
      )}
    </section>
  );
}
