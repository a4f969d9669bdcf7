/**
 * The error a route handler throws to answer with an HTTP error, as PVE does: the message goes in
 * the reason phrase, a 400 carries per-parameter `errors` in the body.
 *
 * @module
 * @internal
 */

/** An error answered to the client with `status` and the reason phrase `message`. */
export class HttpError extends Error {
  /** The HTTP status code. */
  readonly status: number;
  /** Per-parameter messages (400 only). */
  readonly errors: Record<string, string> | undefined;

  /**
   * @param status - The HTTP status code.
   * @param message - The reason phrase.
   * @param errors - Per-parameter messages, for a 400.
   */
  constructor(status: number, message: string, errors?: Record<string, string>) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.errors = errors;
  }
}

/** A 400 "Parameter verification failed." with the given per-parameter messages. */
export function paramError(errors: Record<string, string>): HttpError {
  return new HttpError(400, 'Parameter verification failed.', errors);
}

/** A 500 with PVE's message (most PVE errors are 500 with the message as the reason). */
export function serverError(message: string): HttpError {
  return new HttpError(500, message);
}
