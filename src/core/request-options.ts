/**
 * Picking the request options (`signal`, `timeoutMs`, `retries`) out of a caller's object.
 *
 * @module
 * @internal
 */
import type { RequestOptions } from './types.js';

/**
 * The request options alone (`signal`, `timeoutMs`, `retries`), so that a caller's object with
 * other fields (`pageSize`, an action's options) is never handed on.
 *
 * @internal
 */
export function requestOptions(options: RequestOptions | undefined): RequestOptions {
  const out: RequestOptions = {};
  if (options?.signal !== undefined) out.signal = options.signal;
  if (options?.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  if (options?.retries !== undefined) out.retries = options.retries;
  return out;
}
