import type { Timers } from "../platform/types.js";

/**
 * `work`, or the error `fail()` makes once `ms` have passed without it settling (no limit when `ms`
 * is undefined). The one deadline of Cognito calls, login-token functions and storage, on the injected timers.
 * `ticks` > 1 runs it as a chain of that many timers, each `ms / ticks` long: a tab frozen with
 * `work` pending fires at most the one overdue timer on resume, so `work` still has the rest of the
 * chain to settle, and a pause alone does not make it late.
 */
export function withDeadline<T>(work: Promise<T>, timers: Timers, ms: number | undefined, fail: () => unknown, ticks = 1): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: unknown;
    const step = ms! / ticks;
    const tick = () => {
      timer = ticks-- ? timers.setTimeout(tick, step) : reject(fail());
    };
    if (ms !== undefined) tick();
    void work.then(resolve, reject).finally(() => timers.clearTimeout(timer));
  });
}
