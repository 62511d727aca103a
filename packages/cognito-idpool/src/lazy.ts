import { CognitoIdpoolError } from "./errors.js";

/**
 * A module loaded with `import()` by the first call that needs it, so that pages which never make
 * that call never download it. A load that fails (offline, or a deploy that replaced the files) is
 * not kept: it rejects `network-error` (retryable) naming `what`, and the next call fetches again.
 */
export function lazyModule<T>(importer: () => Promise<T>, what: string): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= importer().catch((error: unknown) => {
      loading = undefined;
      throw new CognitoIdpoolError("network-error", `Could not load ${what}.`, { cause: error });
    }));
}
