/**
 * The retry policy of a session: which failures are retried, and how, on p-retry.
 *
 * @module
 */
import pRetry from 'p-retry';
import { ConnectionError, ProxmoxApiError, TimeoutError } from './errors.js';

/** Codes that prove a request never reached the server, so even a write may be sent again. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** TLS verification failures: trying again cannot help. */
const TLS_FAILURE = /CERT|SELF_SIGNED|TLS|SSL|FINGERPRINT|ALTNAME|HOSTNAME/i;

/**
 * Whether a failed attempt may be tried again.
 *
 * GET (the only safe method) is retried on connection errors, timeouts, 502–504 and 595–599.
 * A write is retried only when the error proves nothing was sent (`ECONNREFUSED`, DNS failures).
 * TLS verification failures are never retried.
 *
 * @param method - The HTTP method, upper case.
 * @param error - What the attempt threw.
 * @returns `true` when another attempt is safe and may help.
 * @example
 * ```ts
 * isRetryable('POST', new ConnectionError({ method: 'POST', path: '/nodes' }, 'refused', 'ECONNREFUSED')); // true
 * ```
 */
export function isRetryable(method: string, error: unknown): boolean {
  const safe = method === 'GET';
  if (error instanceof TimeoutError) return safe;
  if (error instanceof ConnectionError) {
    const code = error.code ?? '';
    if (TLS_FAILURE.test(code)) return false;
    return safe || NOT_SENT.has(code);
  }
  if (error instanceof ProxmoxApiError) {
    const s = error.status;
    return safe && ((s >= 502 && s <= 504) || (s >= 595 && s <= 599));
  }
  return false;
}

/** How to retry one request. */
export interface RetryPolicy {
  /** The HTTP method (decides what is safe to repeat). */
  method: string;
  /** Retries after the first attempt. */
  retries: number;
  /** Shortest delay before a retry, in milliseconds (jittered up to twice that). */
  minDelayMs: number;
  /** Longest delay before a retry, in milliseconds. */
  maxDelayMs: number;
  /** Stops retrying (and the wait between attempts) at once. */
  signal: AbortSignal | undefined;
  /** Told before each retry: the attempt that failed, the delay, and the error. */
  onRetry: (attempt: number, delayMs: number, error: Error) => void;
}

/**
 * Runs `attempt` and retries it as the policy allows, with exponential, jittered delays.
 *
 * When the caller's signal fires, this rejects with the signal's reason (the caller maps it).
 *
 * @param attempt - One try; receives the attempt number (1 = the first).
 * @param policy - The method, budget, delays, signal and retry listener.
 * @returns What the first successful attempt returned.
 * @throws The last attempt's error when it is not retryable or the budget is spent.
 * @example
 * ```ts
 * await withRetry((n) => send(n), { method: 'GET', retries: 2, minDelayMs: 500, maxDelayMs: 8000, signal, onRetry });
 * ```
 */
export async function withRetry<T>(attempt: (attemptNumber: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  if (policy.signal?.aborted) return retrying(attempt, policy);
  // The first attempt runs without p-retry: its set-up (copying and checking its options, a
  // closure per attempt) showed as 2–3 % of a keep-alive request's CPU in the benchmark's
  // profile, and almost every request succeeds at once.
  let first: unknown;
  try {
    return await attempt(1);
  } catch (err) {
    first = err;
  }
  return retryAfter(first, attempt, policy);
}

/**
 * Goes on after a first attempt (run by the caller) failed with `first`, as {@link withRetry}
 * would: the failure is handed to p-retry as its first attempt, replayed, so that checks,
 * `onRetry` events, delays and attempt numbers are exactly what p-retry alone would give.
 *
 * @param first - What the first attempt threw.
 * @param attempt - One try; receives the attempt number (2 and up: the first is replayed).
 * @param policy - The method, budget, delays, signal and retry listener.
 * @returns What the first successful retry returned.
 * @throws `first` or the last retry's error when it is not retryable or the budget is spent.
 * @example
 * ```ts
 * try { return await send(1); } catch (err) { return retryAfter(err, send, policy); }
 * ```
 */
export function retryAfter<T>(first: unknown, attempt: (attemptNumber: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  let replayed = false;
  return retrying((n) => {
    if (replayed) return attempt(n);
    replayed = true;
    return Promise.reject(first as Error);
  }, policy);
}

function retrying<T>(attempt: (attemptNumber: number) => Promise<T>, policy: RetryPolicy): Promise<T> {
  const willRetry = (error: Error, retriesLeft: number): boolean => retriesLeft > 0 && isRetryable(policy.method, error);
  return pRetry(attempt, {
    retries: policy.retries,
    minTimeout: policy.minDelayMs,
    maxTimeout: policy.maxDelayMs,
    factor: 2,
    randomize: policy.minDelayMs > 0,
    signal: policy.signal,
    onFailedAttempt: ({ error, attemptNumber, retriesLeft, retryDelay }) => {
      if (willRetry(error, retriesLeft)) policy.onRetry(attemptNumber, retryDelay, error);
    },
    shouldRetry: ({ error, retriesLeft }) => willRetry(error, retriesLeft),
  });
}
