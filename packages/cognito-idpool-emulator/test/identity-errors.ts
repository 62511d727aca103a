/** What an AWS SDK v3 client reports for a failed call, reduced to what the emulator's tests check. */
export interface ClientFailure {
  /** The error code on the wire (`Code` in query-protocol XML, `__type` in JSON). */
  code: string;
  message: string;
  status: number | undefined;
}

/** Awaits a call that must fail and reports how the SDK client saw the error. */
export async function failure(promise: Promise<unknown>): Promise<ClientFailure> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; Code?: string; message: string; $metadata?: { httpStatusCode?: number } };
    // Query-protocol clients rename modeled errors (NoSuchEntity → NoSuchEntityException) but keep the wire code in `Code`.
    return { code: e.Code ?? e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
