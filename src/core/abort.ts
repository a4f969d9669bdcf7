/**
 * Racing a promise against an `AbortSignal`, shared by the session (a shared `version()` request)
 * and the task waiter (each poll).
 *
 * @module
 * @internal
 */

/**
 * Settles with `promise`, or rejects with `reason()` as soon as `signal` aborts (at once if it
 * already has). The promise's own rejection is observed either way, so it is never unhandled.
 *
 * @internal
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, reason: () => unknown): Promise<T> {
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
