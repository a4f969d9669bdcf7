/**
 * Time as the task waiter sees it: the current time, an abortable sleep, timers and randomness.
 * Kept behind one small interface so tests can run the waiter on a virtual clock; not part of the
 * public API.
 *
 * @internal
 * @module
 */

/** The longest delay `setTimeout` takes (longer ones fire at once). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The waiter's source of time and randomness.
 *
 * @internal
 */
export interface Clock {
  /** Milliseconds since some fixed point (only differences matter). */
  now(): number;
  /** The wall-clock time in milliseconds since the epoch (to compare with a UPID's start time). */
  epochNow(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` after `ms`; the returned function cancels it. Must not keep the process alive. */
  setTimer(fn: () => void, ms: number): () => void;
  /** A number in [0, 1). */
  random(): number;
}

/**
 * Sleeps for `ms` milliseconds, or rejects with the signal's reason as soon as it aborts
 * (at once if it already has).
 *
 * @internal
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.min(Math.max(0, ms), MAX_TIMEOUT_MS));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The real clock: `performance.now()`, `setTimeout` and `Math.random()`.
 *
 * @internal
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  epochNow: () => Date.now(),
  sleep,
  setTimer(fn, ms) {
    // setTimeout fires at once for more than 2^31 - 1 ms (~24.8 days): wait in steps.
    const due = performance.now() + Math.max(0, ms);
    let timer: ReturnType<typeof setTimeout>;
    const arm = (): void => {
      const left = due - performance.now();
      timer = setTimeout(left > MAX_TIMEOUT_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMEOUT_MS));
      timer.unref?.();
    };
    arm();
    return () => clearTimeout(timer);
  },
  random: () => Math.random(),
};
