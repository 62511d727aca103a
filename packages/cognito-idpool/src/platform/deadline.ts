import type { Timers } from "../platform/types.js";

/**
 * `work`, or the error `fail()` makes once `ms` have passed without it settling (no limit when `ms`
 * is undefined). The one deadline of Cognito calls and login-token functions, on the injected timers.
 */
export async function withDeadline<T>(work: Promise<T>, timers: Timers, ms: number | undefined, fail: () => unknown): Promise<T> {
  let timer: unknown;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_resolve, reject) => {
        if (ms !== undefined) timer = timers.setTimeout(() => reject(fail()), ms);
      }),
    ]);
  } finally {
    timers.clearTimeout(timer);
  }
}
